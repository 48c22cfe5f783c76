"""The quiz content model: topics, questions, options and lessons, as immutable objects.

Content is data (quizzes/*.toml); `content_loader` turns files into these objects and refuses broken ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from .text import Text


class Band(StrEnum):
    """Difficulty band of a question (DigComp 2.2 tiers: foundation, intermediate, advanced)."""

    BASIC = "basic"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


BANDS: tuple[Band, ...] = (Band.BASIC, Band.INTERMEDIATE, Band.ADVANCED)


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    text: Text
    correct: bool
    why: Text | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    topic_id: str
    kind: Kind
    band: Band
    scenario: bool
    competences: tuple[str, ...]
    lesson_id: str
    sources: tuple[str, ...]
    prompt: Text
    explanation: Text
    options: tuple[Option, ...]
    picture: str | None = None
    picture_text: Text | None = None
    framework_757: tuple[str, ...] = ()

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options)

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)


@dataclass(frozen=True, slots=True)
class LessonLink:
    title: Text
    url: str


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    topic_id: str
    competences: tuple[str, ...]
    minutes: int
    title: Text
    summary: Text
    body: Text
    links: tuple[LessonLink, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    order: int
    title: Text
    summary: Text
    reviewed: dt.date
    review_every_months: int
    questions: tuple[Question, ...]  # the ones drawn
    lessons: tuple[Lesson, ...]
    # Questions taken out of the draw (`retired = true`), kept so that attempts that asked them still show them.
    retired: tuple[Question, ...] = ()

    @property
    def review_due(self) -> dt.date:
        month = self.reviewed.month - 1 + self.review_every_months
        year = self.reviewed.year + month // 12
        return dt.date(year, month % 12 + 1, min(self.reviewed.day, 28))

    def in_band(self, band: Band) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.band == band)


@dataclass(frozen=True, slots=True)
class Bank:
    """Every topic, question and lesson, with lookups by id."""

    topics: tuple[Topic, ...]
    _questions: dict[str, Question] = field(default_factory=dict, repr=False)
    _lessons: dict[str, Lesson] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for topic in self.topics:
            for q in (*topic.questions, *topic.retired):
                self._questions[q.id] = q
            for lesson in topic.lessons:
                self._lessons[lesson.id] = lesson

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise UnknownTopic(topic_id)

    def question(self, question_id: str) -> Question:
        try:
            return self._questions[question_id]
        except KeyError:
            raise UnknownQuestion(question_id) from None

    def lesson(self, lesson_id: str) -> Lesson:
        try:
            return self._lessons[lesson_id]
        except KeyError:
            raise UnknownLesson(lesson_id) from None

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)


class ContentError(Exception):
    """A domain lookup that failed; web/ maps each kind to a page in the user's language."""


class UnknownTopic(ContentError):
    pass


class UnknownQuestion(ContentError):
    pass


class UnknownLesson(ContentError):
    pass
