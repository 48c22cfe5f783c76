"""What a team member sees of their own guided sessions: counts, never individual results."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .scoring import LEVELS, Level

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving time


@dataclass(frozen=True, slots=True)
class TeamSummary:
    by_day: list[tuple[dt.date, int]]  # the last 7 days, newest first
    by_week: list[tuple[dt.date, int]]  # the last 8 weeks (their Mondays), newest first
    levels: dict[str, dict[Level, int]]  # topic id -> level -> number of people
    total: int


def summarise(finished: Sequence[dt.datetime], levels: Iterable[tuple[str, Level]], now: dt.datetime) -> TeamSummary:
    """Guided sessions finished per day and per week (Vietnam time), and the levels they reached per topic."""
    today = now.astimezone(VIETNAM).date()
    days = Counter(t.astimezone(VIETNAM).date() for t in finished)
    weeks = Counter(d - dt.timedelta(days=d.weekday()) for d in days.elements())
    this_monday = today - dt.timedelta(days=today.weekday())
    by_topic: dict[str, dict[Level, int]] = {}
    for topic_id, level in levels:
        counts = by_topic.setdefault(topic_id, dict.fromkeys(LEVELS, 0))
        counts[level] += 1
    return TeamSummary(
        by_day=[(today - dt.timedelta(days=n), days[today - dt.timedelta(days=n)]) for n in range(7)],
        by_week=[(this_monday - dt.timedelta(weeks=n), weeks[this_monday - dt.timedelta(weeks=n)]) for n in range(8)],
        levels=by_topic,
        total=len(finished),
    )
