"""Real concurrency against the real server: the same answer posted many times at once is stored once, and two
different answers raced to one question leave exactly one."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
QUESTION = re.compile(r'name="question" value="([^"]+)"')


def started(live_server: str) -> httpx.Client:
    client = httpx.Client(base_url=live_server, timeout=30)
    token = CSRF.search(client.get("/start").text).group(1)
    data = {"_csrf_token": token, "consent": "yes", "age_band": "45-54", "scope": "full"}
    assert client.post("/start", data=data).status_code == 303
    return client


def test_the_same_answer_posted_twenty_times_at_once_counts_once(live_server, bank):
    client = started(live_server)
    page = client.get("/quiz").text
    token, question_id = CSRF.search(page).group(1), QUESTION.search(page).group(1)
    right = sorted(bank.question(question_id).correct_ids)
    data = {"_csrf_token": token, "question": question_id, "option": right}
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: client.post("/quiz/answer", data=data).status_code, range(20)))
    assert statuses == [303] * 20
    assert "Câu 2/15" in client.get("/quiz").text


def test_two_different_answers_raced_to_one_question_leave_one(live_server, bank):
    client = started(live_server)
    page = client.get("/quiz").text
    token, question_id = CSRF.search(page).group(1), QUESTION.search(page).group(1)
    options = sorted(bank.question(question_id).option_ids)
    posts = [{"_csrf_token": token, "question": question_id, "option": [o]} for o in options[:2]] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda data: client.post("/quiz/answer", data=data), posts))
    assert "Câu 2/15" in client.get("/quiz").text
