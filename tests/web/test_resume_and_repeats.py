"""Resume and no double counting: reloads, back buttons and repeated posts never count twice."""

from __future__ import annotations

import re

from .helpers import answer, csrf_token, current_question, finish, right_options, start, wrong_options


def look_up(client, code: str):  # type: ignore[no-untyped-def]
    return client.post("/code", data={"_csrf_token": csrf_token(client, "/code"), "code": code})


def test_reopening_the_quiz_resumes_at_the_first_unanswered_question(client, bank):
    start(client)
    first = current_question(client, bank)
    answer(client, first, right_options(first))
    second = current_question(client, bank)
    assert second.id != first.id
    assert current_question(client, bank).id == second.id
    assert "Câu 2/15" in client.get("/quiz").text


def test_posting_the_same_answer_twice_counts_once(client, bank):
    start(client, scope=bank.topics[0].id)
    first = current_question(client, bank)
    assert answer(client, first, right_options(first)).status_code == 303
    assert answer(client, first, right_options(first)).status_code == 303
    assert "Câu 2/8" in client.get("/quiz").text


def test_a_second_answer_to_the_same_question_does_not_replace_the_first(client, bank):
    start(client, scope=bank.topics[0].id)
    first = current_question(client, bank)
    answer(client, first, wrong_options(first))
    answer(client, first, right_options(first))  # the back button, then a change of mind
    finish(client, bank)
    page = client.get("/results").text
    review = re.findall(r'<li class="(right|wrong)">', page)
    assert review[0] == "wrong"
    assert len(review) == 8


def test_a_retake_on_the_same_device_shows_the_earlier_levels_beside_the_new_ones(client, bank):
    topic = bank.topics[0].id
    start(client, scope=topic)
    first_round = finish(client, bank, wrong_options)
    earlier_code = re.search(r'<p class="code"[^>]*>([A-Z2-9-]{9})</p>', client.get("/results").text).group(1)
    start(client, scope=topic)
    second_round = finish(client, bank, right_options)
    page = client.get("/results").text
    assert f"Lần trước (mã {earlier_code}): Chưa đạt" in page
    assert '<strong class="level level-advanced">Nâng cao</strong>' in page
    # The retake asked other questions where the bank allows.
    assert not {q.id for q in first_round} & {q.id for q in second_round}


def test_a_code_from_another_device_can_be_entered_to_compare(client, bank):
    from .helpers import csrf_token

    start(client, scope=bank.topics[0].id)
    finish(client, bank, wrong_options)
    code = re.search(r'<p class="code"[^>]*>([A-Z2-9-]{9})</p>', client.get("/results").text).group(1)
    client.cookies.clear()  # the same person, weeks later, on another phone
    start(client, scope=bank.topics[0].id)
    finish(client, bank, right_options)
    assert "Lần trước" not in client.get("/results").text
    data = {"_csrf_token": csrf_token(client, "/results"), "code": code.lower().replace("-", " ")}
    assert client.post("/results/compare", data=data, follow_redirects=False).status_code == 303
    page = client.get("/results").text
    assert f"Lần trước (mã {code})" in page


def test_an_unknown_code_to_compare_is_refused_without_losing_the_results(client, bank):
    from .helpers import csrf_token

    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    data = {"_csrf_token": csrf_token(client, "/results"), "code": "ZZZZ-ZZZZ"}
    response = client.post("/results/compare", data=data)
    assert response.status_code == 400
    assert "Không tìm thấy bài kiểm tra đã hoàn thành với mã này" in response.text
    assert "Nâng cao" in response.text


def test_the_code_page_shows_the_levels_behind_a_code(client, bank):
    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    code = re.search(r'<p class="code"[^>]*>([A-Z2-9-]{9})</p>', client.get("/results").text).group(1)
    page = look_up(client, code)
    assert page.status_code == 200
    assert "Nâng cao" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_person_can_delete_their_result_with_its_code(client, bank):
    from .helpers import csrf_token

    start(client, scope=bank.topics[0].id)
    finish(client, bank)
    code = re.search(r'<p class="code"[^>]*>([A-Z2-9-]{9})</p>', client.get("/results").text).group(1)
    unconfirmed = {"_csrf_token": csrf_token(client, "/code"), "code": code}
    assert client.post("/code/delete", data=unconfirmed).status_code == 404
    assert look_up(client, code).status_code == 200
    confirmed = {**unconfirmed, "confirm": "yes"}
    response = client.post("/code/delete", data=confirmed)
    assert response.status_code == 200
    assert "Đã xóa kết quả" in response.text
    assert look_up(client, code).status_code == 404
    assert client.get("/results").status_code == 404
