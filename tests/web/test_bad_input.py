"""Bad input of every kind gets a clear page in the person's language with a 4xx status, and nothing saved is lost
or changed."""

from __future__ import annotations

import re

import pytest

from .helpers import answer, csrf_token, current_question, finish, right_options, start


def saved_progress(client) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"Câu \d+/\d+", client.get("/quiz").text).group(0)


@pytest.fixture
def halfway(client, bank):  # type: ignore[no-untyped-def]
    """A person two answers into the full check."""
    start(client)
    for _ in range(2):
        q = current_question(client, bank)
        answer(client, q, right_options(q))
    assert saved_progress(client) == "Câu 3/15"
    return client


def test_an_unknown_scope_reshows_the_form_with_the_choices_kept(client):
    response = start(client, scope="cooking", age_band="35-44")
    assert response.status_code == 400
    assert "Chọn nội dung bạn muốn kiểm tra." in response.text
    assert 'value="35-44" checked' in response.text


def test_an_age_band_outside_the_list_is_refused(client):
    response = start(client, age_band="12-14")
    assert response.status_code == 400
    assert "Chọn nhóm tuổi của bạn trong danh sách." in response.text


def test_a_commune_not_in_the_list_is_refused(client):
    response = start(client, commune="99999")
    assert response.status_code == 400
    assert "Xã/phường này không có trong danh mục hiện hành" in response.text


def test_a_known_commune_is_accepted(client):
    assert start(client, commune="13669").status_code == 303


def test_starting_without_consent_saves_nothing(client):
    response = start(client, consent="")
    assert response.status_code == 400
    assert "Đánh dấu vào ô đồng ý" in response.text
    assert client.get("/quiz").status_code == 404


def test_an_unknown_question_id_is_refused_and_progress_kept(halfway, bank):
    data = {"_csrf_token": csrf_token(halfway, "/quiz"), "question": "no-such-question", "option": "a"}
    response = halfway.post("/quiz/answer", data=data)
    assert response.status_code == 404
    assert "Không tìm thấy trang này." in response.text
    assert saved_progress(halfway) == "Câu 3/15"


def test_an_option_that_is_not_the_questions_is_refused(halfway, bank):
    question = current_question(halfway, bank)
    response = answer(halfway, question, ["zz"])
    assert response.status_code == 400
    assert "không thuộc câu hỏi" in response.text
    assert saved_progress(halfway) == "Câu 3/15"


def test_a_question_this_attempt_did_not_ask_is_refused(client, bank):
    start(client, scope=bank.topics[0].id)
    first = current_question(client, bank)
    answer(client, first, right_options(first))
    other_topic = bank.topics[1].questions[0]
    response = answer(client, other_topic, right_options(other_topic))
    assert response.status_code == 400
    assert "Câu 2/8" in client.get("/quiz").text


def test_no_option_chosen_asks_again_politely(halfway, bank):
    question = current_question(halfway, bank)
    response = answer(halfway, question, [])
    assert response.status_code == 400
    assert "Vui lòng chọn một đáp án" in response.text
    assert saved_progress(halfway) == "Câu 3/15"


def test_answering_without_an_attempt_cookie_is_refused(client, bank):
    question = bank.topics[0].questions[0]
    response = answer(client, question, right_options(question))
    assert response.status_code == 404
    assert "Chúng tôi không tìm thấy bài kiểm tra nào" in response.text


def test_a_forged_attempt_cookie_opens_nothing(client, bank):
    client.cookies.set("attempt", "forged-" + "x" * 36)
    assert client.get("/quiz").status_code == 404
    assert client.get("/results").status_code == 404


def test_someone_elses_attempt_cannot_be_reached_by_changing_the_url(client, bank):
    start(client)
    secret = next(c.value for c in client.cookies.jar if c.name == "attempt")
    client.cookies.clear()  # now a stranger's browser, who has learnt the owner's id
    for path in (f"/quiz?attempt={secret}", f"/results?attempt={secret}", f"/quiz/{secret}", "/results/1"):
        assert client.get(path, follow_redirects=False).status_code == 404


def test_a_forged_csrf_token_is_refused_and_nothing_changes(halfway, bank):
    question = current_question(halfway, bank)
    data = {"_csrf_token": "forged", "question": question.id, "option": right_options(question)}
    response = halfway.post("/quiz/answer", data=data)
    assert response.status_code == 403
    assert "Biểu mẫu này đã hết hạn" in response.text
    assert saved_progress(halfway) == "Câu 3/15"


def test_a_post_from_another_site_is_refused(halfway, bank):
    question = current_question(halfway, bank)
    data = {"_csrf_token": csrf_token(halfway, "/quiz"), "question": question.id, "option": right_options(question)}
    response = halfway.post("/quiz/answer", data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert saved_progress(halfway) == "Câu 3/15"


def test_a_huge_body_is_refused(halfway, bank):
    question = current_question(halfway, bank)
    data = {"_csrf_token": csrf_token(halfway, "/quiz"), "question": question.id, "option": "a" * 200_000}
    response = halfway.post("/quiz/answer", data=data)
    assert response.status_code == 413
    assert "quá lớn" in response.text
    assert saved_progress(halfway) == "Câu 3/15"


def test_answers_to_a_finished_attempt_are_refused_and_results_unchanged(client, bank):
    start(client, scope=bank.topics[0].id)
    asked = finish(client, bank)
    before = client.get("/results").text
    response = answer(client, asked[0], sorted(asked[0].option_ids - asked[0].correct_ids)[:1])
    assert response.status_code == 409
    assert "đã xong nên không thể sửa câu trả lời" in response.text
    assert client.get("/results").text == before


def test_errors_speak_english_to_an_english_speaker(client, bank):
    client.cookies.set("lang", "en")
    response = client.get("/quiz")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "We could not find a check on this device." in response.text


def test_an_unknown_lesson_is_a_clear_404(client):
    response = client.get("/lessons/no-such-lesson")
    assert response.status_code == 404
    assert "Không tìm thấy trang này." in response.text


def test_an_unknown_page_is_a_clear_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Không tìm thấy trang này." in response.text


@pytest.mark.parametrize("code", ["", "ZZZZ-ZZZZ", "<script>alert(1)</script>", "x" * 500])
def test_a_wrong_result_code_gets_a_clear_message(client, code):
    response = client.post("/code", data={"_csrf_token": csrf_token(client, "/code"), "code": code})
    assert response.status_code == 404
    assert "Không tìm thấy bài kiểm tra đã hoàn thành với mã này" in response.text
    assert "<script>alert" not in response.text


def test_an_unknown_language_is_refused(client):
    data = {"_csrf_token": csrf_token(client), "language": "fr", "next": "/"}
    assert client.post("/language", data=data).status_code == 400


def test_the_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        data = {"_csrf_token": csrf_token(client), "language": "en", "next": target}
        response = client.post("/language", data=data, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
