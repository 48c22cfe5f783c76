"""Real concurrency against the real server: the same answer posted many times at once is stored once, and two
different answers raced to one question leave exactly one."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx

from ..conftest import run_async
from .helpers import shown_question

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
    question, name, values = shown_question(page, bank)
    right = [values[o] for o in sorted(question.correct_ids)]
    data = {"_csrf_token": CSRF.search(page).group(1), "question": name, "option": right}
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: client.post("/quiz/answer", data=data).status_code, range(20)))
    assert statuses == [303] * 20
    assert "Câu 2/15" in client.get("/quiz").text


def test_two_different_answers_raced_to_one_question_leave_one(live_server, bank):
    client = started(live_server)
    page = client.get("/quiz").text
    question, name, values = shown_question(page, bank)
    options = [values[o] for o in sorted(question.option_ids)]
    posts = [{"_csrf_token": CSRF.search(page).group(1), "question": name, "option": [o]} for o in options[:2]] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda data: client.post("/quiz/answer", data=data), posts))
    assert "Câu 2/15" in client.get("/quiz").text


def test_fifty_citizens_answering_at_once_on_one_process_all_succeed_and_count_once(live_server, bank):
    """The campaign-day shape: many phones in one hall, each posting its answers as fast as it can. Every post is
    answered without a server error and every journey reaches its results."""
    import asyncio

    topic = bank.topics[0].id

    async def citizen() -> list[int]:
        statuses = []
        async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
            token = CSRF.search((await client.get("/start")).text).group(1)
            data = {"_csrf_token": token, "consent": "yes", "age_band": "35-44", "scope": topic}
            statuses.append((await client.post("/start", data=data)).status_code)
            while True:
                page = await client.get("/quiz")
                if page.status_code != 200 or not QUESTION.search(page.text):
                    break
                question, name, values = shown_question(page.text, bank)
                form = {
                    "_csrf_token": CSRF.search(page.text).group(1),
                    "question": name,
                    "option": [values[o] for o in sorted(question.correct_ids)],
                }
                statuses.append((await client.post("/quiz/answer", data=form)).status_code)
            statuses.append((await client.get("/results", follow_redirects=False)).status_code)
            return statuses

    async def everyone() -> list[list[int]]:
        return await asyncio.gather(*(citizen() for _ in range(50)))

    journeys = run_async(everyone())
    assert [code for journey in journeys for code in journey if code >= 500] == []
    assert all(journey[-1] == 200 for journey in journeys)  # every journey reached its results


def test_a_write_that_cannot_get_the_lock_is_a_clear_503_and_loses_nothing(live_server, database_url, bank):
    import sqlite3

    import pytest

    if not database_url.startswith("sqlite"):
        pytest.skip("the file lock is SQLite's")
    client = started(live_server)
    page = client.get("/quiz").text
    first, name, values = shown_question(page, bank)
    data = {
        "_csrf_token": CSRF.search(page).group(1),
        "question": name,
        "option": [values[o] for o in sorted(first.correct_ids)],
    }
    assert client.post("/quiz/answer", data=data).status_code == 303
    page = client.get("/quiz").text
    second, name, values = shown_question(page, bank)
    data = {
        "_csrf_token": CSRF.search(page).group(1),
        "question": name,
        "option": [values[sorted(second.option_ids)[0]]],
    }
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock for longer than the server waits
    try:
        refused = client.post("/quiz/answer", data=data, headers={"Accept-Language": "vi"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) > 0
    assert "Mọi câu bạn đã trả lời trước đó vẫn được giữ nguyên" in refused.text
    assert "Câu 2/15" in client.get("/quiz").text  # the first answer stands; the refused one is not half-saved
    assert client.post("/quiz/answer", data=data).status_code == 303
    assert "Câu 3/15" in client.get("/quiz").text
