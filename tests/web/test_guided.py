"""Guided sessions: a team member runs the quiz for the person beside them, then clears the device."""

from __future__ import annotations

import re

from .helpers import csrf_token, current_question, finish, right_options
from .staff import COMMUNE_A, log_in


def start_guided(client, *, commune: str = COMMUNE_A, scope: str = "full"):  # type: ignore[no-untyped-def]
    data = {
        "_csrf_token": csrf_token(client, "/team/guided"),
        "consent": "yes",
        "age_band": "65+",
        "commune": commune,
        "scope": scope,
    }
    return client.post("/team/guided", data=data, follow_redirects=False)


def test_the_guided_form_defaults_the_commune_to_the_teams(client, personas):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    page = client.get("/team/guided").text
    assert f'<option value="{COMMUNE_A}" selected>' in page
    assert 'action="/team/guided"' in page


def test_a_guided_session_uses_large_type_and_read_aloud(client, personas, bank):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    assert start_guided(client).headers["location"] == "/quiz"
    page = client.get("/quiz").text
    assert '<body class="guided">' in page
    assert 'data-read-aloud="#prompt"' in page
    assert re.search(r"/static/js/read-aloud\.[0-9a-f]{10}\.js", page)
    assert "Câu 1/15" in page


def test_a_citizens_own_quiz_has_no_guided_extras(client, bank):
    from .helpers import start

    start(client)
    page = client.get("/quiz").text
    assert '<body class="guided">' not in page and "read-aloud" not in page


def test_the_results_offer_the_card_and_next_person(client, personas, bank):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    start_guided(client, scope=bank.topics[0].id)
    finish(client, bank)
    page = client.get("/results").text
    assert 'href="/results/card"' in page and 'action="/team/guided/next"' in page
    card = client.get("/results/card")
    assert card.status_code == 200 and card.headers["cache-control"] == "no-store"
    assert re.search(r'<p class="code">[A-Z2-9]{4}-[A-Z2-9]{4}</p>', card.text)
    assert "<svg" in card.text and re.search(r"/static/css/card\.[0-9a-f]{10}\.css", card.text)


def test_next_person_clears_the_previous_persons_attempt(client, personas, bank):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    start_guided(client, scope=bank.topics[0].id)
    finish(client, bank)
    response = client.post(
        "/team/guided/next", data={"_csrf_token": csrf_token(client, "/team")}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"storage"'
    assert "attempt=" in response.headers["set-cookie"]  # deleted
    assert client.get("/results").status_code == 404
    assert client.get("/results/card").status_code == 404
    assert client.get("/quiz").status_code == 404
    assert "Sẵn sàng cho người tiếp theo" in client.get("/team?ready=true").text
    assert client.get("/team").status_code == 200  # the team member is still logged in


def test_a_guided_attempt_does_not_take_the_previous_persons_as_its_previous(client, personas, bank):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    start_guided(client, scope=bank.topics[0].id)
    finish(client, bank)
    start_guided(client, scope=bank.topics[0].id)  # without "Next person"
    finish(client, bank)
    assert ">Lần trước<" not in client.get("/results").text


def test_an_official_cannot_start_a_guided_session(client, personas):
    log_in(client, personas["official_a"].username, personas["official_a"].password)
    assert client.get("/team/guided", follow_redirects=False).status_code == 403


def test_a_guided_question_is_answered_like_any_other(client, personas, bank):
    log_in(client, personas["team_a"].username, personas["team_a"].password)
    start_guided(client)
    question = current_question(client, bank)
    data = {"_csrf_token": csrf_token(client, "/quiz"), "question": question.id, "option": right_options(question)}
    assert client.post("/quiz/answer", data=data, follow_redirects=False).status_code == 303
    assert "Câu 2/15" in client.get("/quiz").text
