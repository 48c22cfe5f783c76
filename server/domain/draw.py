"""Which questions an attempt asks: a balanced draw from the bank.

Rules (issue: the quiz a person takes):
- the full check asks at most 15 questions (5 per topic), a single topic at most 8;
- every band is present for every topic asked, easy questions first (kinder to people who are unsure);
- scenario and knowledge questions are mixed inside a band where the bank allows;
- questions from the person's previous attempt are avoided while others are left.
"""

from __future__ import annotations

import random
from collections.abc import Collection

from .content import BANDS, Band, Bank, Question, Topic

FULL_CHECK = "full"
# Questions per band when one topic is asked, and per topic in the full check.
SINGLE_TOPIC_PLAN: dict[Band, int] = {Band.BASIC: 3, Band.INTERMEDIATE: 3, Band.ADVANCED: 2}
FULL_CHECK_PLAN: dict[Band, int] = {Band.BASIC: 2, Band.INTERMEDIATE: 2, Band.ADVANCED: 1}
DRAW_PER_BAND_MINIMUM = max(SINGLE_TOPIC_PLAN.values())


class UnknownScope(Exception):
    """The person asked for a quiz that is neither the full check nor a topic."""


def scopes(bank: Bank) -> tuple[str, ...]:
    return (FULL_CHECK, *bank.topic_ids)


def draw(bank: Bank, scope: str, rng: random.Random, avoid: Collection[str] = ()) -> tuple[str, ...]:
    """Returns the question ids of a new attempt, in the order they are asked."""
    if scope == FULL_CHECK:
        topics, plan = bank.topics, FULL_CHECK_PLAN
    elif scope in bank.topic_ids:
        topics, plan = (bank.topic(scope),), SINGLE_TOPIC_PLAN
    else:
        raise UnknownScope(scope)
    avoid = frozenset(avoid)
    drawn: list[str] = []
    for topic in topics:
        for band in BANDS:
            drawn.extend(q.id for q in _draw_band(topic, band, plan[band], rng, avoid))
    return tuple(drawn)


def _draw_band(topic: Topic, band: Band, count: int, rng: random.Random, avoid: frozenset[str]) -> list[Question]:
    pool = list(topic.in_band(band))
    rng.shuffle(pool)
    # Fresh questions first; the shuffle keeps the order random within each group.
    pool.sort(key=lambda q: q.id in avoid)
    fresh = [q for q in pool if q.id not in avoid]
    candidates = fresh if len(fresh) >= count else pool
    scenarios = [q for q in candidates if q.scenario]
    knowledge = [q for q in candidates if not q.scenario]
    # Alternate the two kinds so a band of two or more has both where the bank has both.
    picked: list[Question] = []
    first, second = (scenarios, knowledge) if rng.random() < 0.5 else (knowledge, scenarios)
    while len(picked) < count and (first or second):
        source = first if (len(picked) % 2 == 0 and first) or not second else second
        picked.append(source.pop(0))
    if len(picked) < count:
        rest = [q for q in pool if q not in picked]
        picked.extend(rest[: count - len(picked)])
    return picked
