"""Scoring answers, the level rule and lesson recommendations. Documented in docs/scoring.md."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .content import BANDS, Band, Bank, Kind, Lesson, Question

PASS_SHARE = 0.6


class InvalidAnswer(Exception):
    """The chosen options do not fit the question (none chosen, several for single choice, a foreign option)."""


class Level(StrEnum):
    NOT_YET = "not_yet"  # Chưa đạt
    BASIC = "basic"  # Cơ bản
    INTERMEDIATE = "intermediate"  # Trung cấp
    ADVANCED = "advanced"  # Nâng cao

    @property
    def rank(self) -> int:
        return LEVELS.index(self)


LEVELS: tuple[Level, ...] = (Level.NOT_YET, Level.BASIC, Level.INTERMEDIATE, Level.ADVANCED)
_LEVEL_FOR_BAND = {Band.BASIC: Level.BASIC, Band.INTERMEDIATE: Level.INTERMEDIATE, Band.ADVANCED: Level.ADVANCED}


def check_choice(question: Question, chosen: Iterable[str]) -> frozenset[str]:
    """Validates a submitted choice and returns it as a set of option ids."""
    choice = frozenset(chosen)
    if not choice:
        raise InvalidAnswer("no option chosen")
    if not choice <= question.option_ids:
        raise InvalidAnswer("an option that does not belong to the question")
    if question.kind != Kind.MULTIPLE and len(choice) != 1:
        raise InvalidAnswer("only one option may be chosen")
    return choice


def score(question: Question, choice: frozenset[str]) -> float:
    """Points for one answer, from 0 to 1.

    Single choice and true/false: 1 for the right option, else 0. Multiple choice gives partial credit: each right
    option chosen earns 1/R (R = number of right options) and each wrong option chosen takes 1/R away, never below 0,
    so ticking every box earns nothing unless every option is right.
    """
    correct = question.correct_ids
    if question.kind != Kind.MULTIPLE:
        return 1.0 if choice == correct else 0.0
    hits = len(choice & correct)
    misses = len(choice - correct)
    return max(0.0, (hits - misses) / len(correct))


@dataclass(frozen=True, slots=True)
class Scored:
    """One answered question with its points."""

    question: Question
    choice: frozenset[str]
    points: float

    @property
    def is_right(self) -> bool:
        return self.points >= 1.0


@dataclass(frozen=True, slots=True)
class TopicResult:
    topic_id: str
    level: Level | None  # None: the topic was not asked
    points: float
    possible: int

    @property
    def share(self) -> float:
        return self.points / self.possible if self.possible else 0.0


def level_for(answers: Sequence[Scored]) -> Level | None:
    """The level rule, cumulative like the DigComp 2.2 proficiency tiers.

    For each band, the share of its possible points the person earned. A level is reached when the person earned at
    least 60 % (PASS_SHARE) in its band and every band below it. When an attempt asked no question of a band, that
    band is judged by the person's share over the whole topic, so the rule holds for any draw. No answers: no level.
    """
    if not answers:
        return None
    overall = sum(a.points for a in answers) / len(answers)
    level = Level.NOT_YET
    for band in BANDS:
        in_band = [a.points for a in answers if a.question.band == band]
        share = sum(in_band) / len(in_band) if in_band else overall
        if share < PASS_SHARE:
            break
        level = _LEVEL_FOR_BAND[band]
    return level


def topic_results(bank: Bank, topic_ids: Sequence[str], answers: Sequence[Scored]) -> list[TopicResult]:
    results = []
    for topic_id in topic_ids:
        mine = [a for a in answers if a.question.topic_id == topic_id]
        results.append(TopicResult(topic_id, level_for(mine), sum(a.points for a in mine), len(mine)))
    return results


def recommend(bank: Bank, answers: Sequence[Scored], limit: int = 3) -> list[Lesson]:
    """Up to `limit` lessons, most important first.

    Only lessons behind questions the person did not get fully right are recommended. Most important: the lesson of
    the easiest band missed (a basic gap puts people at risk sooner than an advanced one), then the one with the
    most points missed, then topic order and lesson id so ties always come out the same way.
    """
    missed: dict[str, tuple[int, float]] = {}
    for a in answers:
        if a.is_right:
            continue
        band_rank = BANDS.index(a.question.band)
        lowest, lost = missed.get(a.question.lesson_id, (band_rank, 0.0))
        missed[a.question.lesson_id] = (min(lowest, band_rank), lost + 1.0 - a.points)
    topic_order = {t.id: t.order for t in bank.topics}

    def importance(lesson_id: str) -> tuple[int, float, int, str]:
        band_rank, lost = missed[lesson_id]
        return band_rank, -lost, topic_order.get(bank.lesson(lesson_id).topic_id, 0), lesson_id

    return [bank.lesson(lesson_id) for lesson_id in sorted(missed, key=importance)[:limit]]
