"""An attempt as the domain sees it: which questions it asks, which are answered, whether it is finished."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from . import shuffle
from .content import Bank, Option, Question
from .scoring import Level, Scored, TopicResult, topic_results

AGE_BANDS = ("15-24", "25-34", "35-44", "45-54", "55-64", "65+")


class AttemptFinished(Exception):
    """A finished attempt cannot be changed."""


class QuestionNotInAttempt(Exception):
    """The question exists but this attempt did not ask it."""


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    question_id: str
    choice: frozenset[str]
    points: float


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    public_id: str
    result_code: str
    scope: str
    age_band: str
    commune: str | None
    question_ids: tuple[str, ...]
    answers: Mapping[str, SavedAnswer]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    previous_id: int | None = None
    mode: str = "self"  # "guided" when a team member runs it for the person beside them
    guided_by: int | None = None
    month: int = 0  # the month it started in, 202612 (domain/months.py)

    @property
    def is_guided(self) -> bool:
        return self.mode == "guided"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def next_question_id(self) -> str | None:
        for qid in self.question_ids:
            if qid not in self.answers:
                return qid
        return None

    @property
    def position(self) -> int:
        """1-based number of the question being asked ("Câu 3/10")."""
        return min(len(self.answers) + 1, len(self.question_ids))

    @property
    def total(self) -> int:
        return len(self.question_ids)

    def check_can_answer(self, question_id: str) -> None:
        if self.is_finished:
            raise AttemptFinished(self.public_id)
        if question_id not in self.question_ids:
            raise QuestionNotInAttempt(question_id)

    def topic_ids(self, bank: Bank) -> list[str]:
        seen: list[str] = []
        for qid in self.question_ids:
            topic_id = bank.question(qid).topic_id
            if topic_id not in seen:
                seen.append(topic_id)
        return seen

    def options(self, question: Question) -> tuple[Option, ...]:
        """The question's options in the order this attempt shows them (domain/shuffle.py)."""
        return shuffle.option_order(question, self.public_id)

    def token_of(self, question_id: str) -> str:
        return shuffle.question_token(self.question_ids.index(question_id) + 1)

    def scored(self, bank: Bank) -> list[Scored]:
        """Answers in the order they were asked, with their questions."""
        return [
            Scored(bank.question(qid), self.answers[qid].choice, self.answers[qid].points)
            for qid in self.question_ids
            if qid in self.answers
        ]

    def results(self, bank: Bank) -> list[TopicResult]:
        return topic_results(bank, self.topic_ids(bank), self.scored(bank))


@dataclass(frozen=True, slots=True)
class PastLevels:
    """What an earlier attempt reached, found by its result code."""

    result_code: str
    finished_at: dt.datetime
    levels: Mapping[str, Level | None]
