"""How a citizen's browser talks to the app in HTTP tests: read the form's CSRF token, fill, submit."""

from __future__ import annotations

import html
import re

from litestar.testing import TestClient

from server.domain.content import Bank, Question

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
QUESTION_FIELD = re.compile(r'name="question" value="([^"]+)"')
PROMPT = re.compile(r'<span id="prompt">(.*?)</span>', re.S)
OPTION = re.compile(r'name="option" value="([^"]+)"> <span id="option-\d+-text">(.*?)</span>', re.S)
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


def shown_question(page: str, bank: Bank) -> tuple[Question, str, dict[str, str]]:
    """What a person sees on a question page: the question (found by its wording, as they read it), the name the
    form gives it, and for each option id the value its box posts (the order differs in every attempt)."""
    prompt = html.unescape(PROMPT.search(page).group(1)).strip()
    question = _by_prompt(bank)[prompt]
    token = QUESTION_FIELD.search(page).group(1)
    shown = {html.unescape(text).strip(): value for value, text in OPTION.findall(page)}
    values = {o.id: shown[o.text.vi] for o in question.options}
    return question, token, values


def _by_prompt(bank: Bank) -> dict[str, Question]:
    # A retired question may share its wording with the one that replaced it: the one still drawn wins.
    return {q.prompt.vi.strip(): q for t in bank.topics for q in (*t.retired, *t.questions)}


def current_question(client: TestClient, bank: Bank) -> Question | None:
    page = client.get("/quiz", follow_redirects=False)
    if page.status_code != 200:
        return None
    assert QUESTION_FIELD.search(page.text), "the question page has no question field"
    return shown_question(page.text, bank)[0]


def right_options(question: Question) -> list[str]:
    return sorted(question.correct_ids)


def wrong_options(question: Question) -> list[str]:
    return [sorted(question.option_ids - question.correct_ids)[0]]


def form_for(client: TestClient, bank: Bank, question: Question, options: list[str]) -> dict:
    """The form a person sends by ticking `options` (content ids) on the question page now on screen. A question
    that is not on screen, or an option it does not have, goes by its content id, as a form of an older version
    (or a forged one) would name it."""
    page = client.get("/quiz")
    if page.status_code != 200 or not PROMPT.search(page.text):
        return {"_csrf_token": csrf_token(client, "/"), "question": question.id, "option": options}
    shown, token, values = shown_question(page.text, bank)
    if shown.id != question.id:
        token, values = question.id, {}
    return {
        "_csrf_token": CSRF_FIELD.search(page.text).group(1),
        "question": token,
        "option": [values.get(o, o) for o in options],
    }


def answer(  # type: ignore[no-untyped-def]
    client: TestClient, question: Question, options: list[str], *, htmx: bool = False, follow: bool = False, bank=None
):
    headers = {"HX-Request": "true"} if htmx else {}
    data = form_for(client, bank or client.app.state.site.bank, question, options)
    return client.post("/quiz/answer", data=data, headers=headers, follow_redirects=follow)


def finish(client: TestClient, bank: Bank, pick=right_options) -> list[Question]:  # type: ignore[no-untyped-def]
    """Answers every remaining question with `pick`; returns the questions in the order asked."""
    asked = []
    while (question := current_question(client, bank)) is not None:
        asked.append(question)
        response = answer(client, question, pick(question), bank=bank)
        assert response.status_code == 303, response.text
    return asked
