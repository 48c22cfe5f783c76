"""What a team member sees: their own guided sessions by week, and the levels guided sessions reached in their
commune, all from the monthly releases (release.py): never a live count, never an individual result.

The levels are the commune's released guided-mode counts, not the member's own: one member's few sessions a month
cannot be given levels with noise small enough to read, and the commune's come at no extra privacy cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .privacy import ReleasedTable, released_table
from .scoring import LEVELS

if TYPE_CHECKING:
    from .release import Release

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving time
WEEKS_SHOWN = 8


@dataclass(frozen=True, slots=True)
class TeamSummary:
    released_through: str | None  # the latest released month, "2026-11"
    by_week: list[tuple[dt.date, int]]  # the last weeks (their Mondays) of the released months, newest first
    total: int  # sessions in all the released months
    levels: ReleasedTable  # the commune's guided sessions; rows: topics; columns: LEVELS; under K shown as "< K"


def summarise(
    releases: Sequence[Release], guide: int, commune: str | None, topic_ids: Sequence[str], k: int
) -> TeamSummary:
    """`releases` newest first."""
    weeks: dict[dt.date, int] = {}
    levels: dict[tuple[str, str], int] = {}
    for release in releases:
        for (member, monday), n in release.team_weeks.items():
            if member == guide:
                weeks[monday] = weeks.get(monday, 0) + n
        for (area, _, mode, topic, level), n in release.cells("levels_by_commune").items():
            if area == commune and mode == "guided":
                levels[(topic, level)] = levels.get((topic, level), 0) + n
    by_week: list[tuple[dt.date, int]] = []
    if releases:
        last = _last_day(releases[0].period)
        monday = last - dt.timedelta(days=last.weekday())
        by_week = [
            (monday - dt.timedelta(weeks=n), weeks.get(monday - dt.timedelta(weeks=n), 0)) for n in range(WEEKS_SHOWN)
        ]
    return TeamSummary(
        released_through=releases[0].period if releases else None,
        by_week=by_week,
        total=sum(weeks.values()),
        levels=released_table([[levels.get((t, lv.value), 0) for lv in LEVELS] for t in topic_ids], k),
    )


def _last_day(period: str) -> dt.date:
    year, month = int(period[:4]), int(period[5:])
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
