"""How a citizen's browser talks to the app in HTTP tests: read the form's CSRF token, fill, submit."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from server.domain.content import Bank, Question

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
QUESTION_FIELD = re.compile(r'name="question" value="([^"]+)"')
PROGRESS = re.compile(r"Câu (\d+)/(\d+)")


def csrf_token(client: TestClient, path: str = "/") -> str:
    match = CSRF_FIELD.search(client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def start(
    client: TestClient,
    *,
    scope: str = "full",
    age_band: str = "65+",
    commune: str = "",
    consent: str = "yes",
    follow: bool = False,
):  # type: ignore[no-untyped-def]
    data = {
        "_csrf_token": csrf_token(client, "/start"),
        "consent": consent,
        "age_band": age_band,
        "commune": commune,
        "scope": scope,
    }
    return client.post("/start", data=data, follow_redirects=follow)


def current_question(client: TestClient, bank: Bank) -> Question | None:
    page = client.get("/quiz", follow_redirects=False)
    if page.status_code != 200:
        return None
    match = QUESTION_FIELD.search(page.text)
    assert match, "the question page has no question field"
    return bank.question(match.group(1))


def right_options(question: Question) -> list[str]:
    return sorted(question.correct_ids)


def wrong_options(question: Question) -> list[str]:
    return [sorted(question.option_ids - question.correct_ids)[0]]


def answer(client: TestClient, question: Question, options: list[str], *, htmx: bool = False, follow: bool = False):  # type: ignore[no-untyped-def]
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"_csrf_token": csrf_token(client, "/quiz"), "question": question.id, "option": options}
    return client.post("/quiz/answer", data=data, headers=headers, follow_redirects=follow)


def finish(client: TestClient, bank: Bank, pick=right_options) -> list[Question]:  # type: ignore[no-untyped-def]
    """Answers every remaining question with `pick`; returns the questions in the order asked."""
    asked = []
    while (question := current_question(client, bank)) is not None:
        asked.append(question)
        response = answer(client, question, pick(question))
        assert response.status_code == 303, response.text
    return asked
