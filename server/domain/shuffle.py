"""The order an attempt shows a question's options in, and the neutral names its form uses.

Options are shown in a new order for every attempt, so that "the second option" or "the last one" means nothing;
the order is derived from the attempt's secret id and the question, so a reload, the offline pack and the results
page all show the same order without storing it. True/false keeps "Đúng" before "Sai", as people expect.

The form names a question by its place in the attempt ("Q3") and an option by its place on screen ("A2"), never by
the ids in the content files, which could name the answer ("sign-otp-not-signature") or its place in the file.
Tokens start with a capital letter: content ids are lower case, so the two can never be confused."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from .content import Kind, Option, Question


def option_order(question: Question, seed: str) -> tuple[Option, ...]:
    if question.kind == Kind.TRUE_FALSE:
        return question.options
    digest = hashlib.sha256(f"{seed}\x00{question.id}".encode()).digest()
    options = list(question.options)
    random.Random(digest).shuffle(options)  # uniform over the orders (Fisher-Yates)
    return tuple(options)


def question_token(position: int) -> str:
    """1-based place of a question in its attempt -> its name in the form."""
    return f"Q{position}"


def option_token(position: int) -> str:
    return f"A{position}"


def _place(token: str, prefix: str, count: int) -> int | None:
    if not token.startswith(prefix) or not token[1:].isdigit() or len(token) > 4:
        return None
    place = int(token[1:])
    return place if 1 <= place <= count else None


def question_of(token: str, question_ids: Sequence[str]) -> str | None:
    """The question a form names: by its token, or (a form or an offline queue from before tokens) by its id.
    None for a token outside the attempt."""
    if token[:1] != "Q":
        return token
    place = _place(token, "Q", len(question_ids))
    return question_ids[place - 1] if place else None


def options_of(tokens: Sequence[str], shown: Sequence[Option]) -> list[str]:
    """The option ids a form's values name; a value that is not a token is taken as an id (older forms), and one
    outside the question is kept as it is, for the answer check to refuse."""
    chosen = []
    for token in tokens:
        place = _place(token, "A", len(shown)) if token[:1] == "A" else None
        chosen.append(shown[place - 1].id if place else token)
    return chosen
