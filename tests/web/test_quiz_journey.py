"""The citizen's journey over HTTP on the real app and database: start, answer, results."""

from __future__ import annotations

import re

from server.domain.draw import FULL_CHECK_PLAN, SINGLE_TOPIC_PLAN

from .helpers import answer, csrf_token, current_question, finish, right_options, start, wrong_options


def test_the_landing_page_says_what_this_is_and_how_long_it_takes(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "10 phút" in page.text
    assert "không bao giờ hỏi tên hay số điện thoại" in page.text


def test_starting_sends_the_person_to_the_first_question(client, bank):
    response = start(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/quiz"
    cookie = next(c for c in client.cookies.jar if c.name == "attempt")
    assert len(cookie.value) >= 40
    page = client.get("/quiz")
    assert "Câu 1/15" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_the_full_check_asks_fifteen_questions_and_a_topic_eight(client, bank):
    start(client, scope="full")
    assert len(finish(client, bank)) == sum(FULL_CHECK_PLAN.values()) * len(bank.topics) == 15
    start(client, scope=bank.topics[0].id)
    asked = finish(client, bank)
    assert len(asked) == sum(SINGLE_TOPIC_PLAN.values()) == 8
    assert {q.topic_id for q in asked} == {bank.topics[0].id}


def test_progress_is_written_in_words(client, bank):
    start(client, scope=bank.topics[0].id)
    first = current_question(client, bank)
    answer(client, first, right_options(first))
    assert "Câu 2/8" in client.get("/quiz").text


def test_everything_right_reaches_advanced_in_every_topic(client, bank):
    start(client)
    finish(client, bank, right_options)
    page = client.get("/results")
    assert page.status_code == 200
    assert page.text.count('<strong class="level level-advanced">Nâng cao</strong>') == len(bank.topics)
    assert page.text.count('<li class="step reached" aria-current="step">Nâng cao</li>') == len(bank.topics)
    assert "level-not_yet" not in page.text
    assert page.headers["cache-control"] == "no-store"


def test_everything_wrong_shows_not_yet_and_recommends_three_lessons(client, bank):
    start(client)
    finish(client, bank, wrong_options)
    page = client.get("/results").text
    assert page.count('<strong class="level level-not_yet">Chưa đạt</strong>') == len(bank.topics)
    assert page.count("(bậc 1 trên 4)") == len(bank.topics)
    recommended = re.search(r'<ol class="lessons">(.*?)</ol>', page, re.S)
    assert recommended and recommended.group(1).count("<li>") == 3


def test_results_explain_every_answer(client, bank):
    start(client, scope=bank.topics[0].id)
    asked = finish(client, bank, wrong_options)
    page = client.get("/results").text
    assert page.lower().count("✗ chưa đúng") == len(asked)  # true/false items say "Bạn trả lời: Sai — ✗ chưa đúng"
    for question in asked:
        assert question.explanation.vi.split("\n")[0][:40] in page.replace("&#34;", '"').replace("&#39;", "'")


def test_the_result_code_is_shown_with_a_qr_code(client, bank):
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    page = client.get("/results").text
    code = re.search(r'<p class="code"[^>]*>([A-Z2-9]{4}-[A-Z2-9]{4})</p>', page)
    assert code, "no result code on the results page"
    assert not set(code.group(1)) & set("01OI")
    assert "<svg" in page and "</svg>" in page


def test_an_unfinished_attempt_has_no_results_yet(client, bank):
    start(client)
    response = client.get("/results", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/quiz"


def test_a_finished_attempt_sends_the_quiz_page_to_the_results(client, bank):
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    response = client.get("/quiz", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/results"


def test_a_lesson_page_shows_its_title_and_links(client, bank):
    lesson = bank.topics[0].lessons[0]
    page = client.get(f"/lessons/{lesson.id}")
    assert page.status_code == 200
    assert lesson.title.vi in page.text.replace("&#34;", '"')
    assert client.get("/lessons").status_code == 200


def test_the_start_form_carries_a_csrf_token(client):
    assert csrf_token(client, "/start")
