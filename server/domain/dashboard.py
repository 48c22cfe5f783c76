"""What the officials' dashboard shows: fixed periods, protected tables per topic, trends and targets.

Counts come in (from the monthly rollups), protected tables go out; see privacy.py for the protection."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .attempt import AGE_BANDS
from .privacy import DEFAULT_K, ProtectedTable, protect
from .scoring import LEVELS, Level

MODES = ("all", "self", "guided")
ABOUT_QUESTIONS = ("smartphone", "bank_account", "digital_signature", "public_services", "vneid_level2", "telehealth")
WORKING_AGE = ("15-24", "25-34", "35-44", "45-54", "55-64")


class UnknownFilter(Exception):
    """An area, period or mode the dashboard does not offer."""


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # "2026-11", "2026-Q4" or "2026"
    kind: str  # month | quarter | year
    months: tuple[str, ...]
    start: dt.date


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_period(year: int, month: int) -> Period:
    return Period(_month(year, month), "month", (_month(year, month),), dt.date(year, month, 1))


def quarter_period(year: int, quarter: int) -> Period:
    months = tuple(_month(year, 3 * (quarter - 1) + m) for m in (1, 2, 3))
    return Period(f"{year:04d}-Q{quarter}", "quarter", months, dt.date(year, 3 * quarter - 2, 1))


def year_period(year: int) -> Period:
    return Period(f"{year:04d}", "year", tuple(_month(year, m) for m in range(1, 13)), dt.date(year, 1, 1))


def periods_offered(today: dt.date) -> list[Period]:
    """Fixed presets only (free date ranges would allow differencing): the last 12 months, 8 quarters, 3 years."""
    months, quarters = [], []
    y, m = today.year, today.month
    for _ in range(12):
        months.append(month_period(y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    y, q = today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        quarters.append(quarter_period(y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    years = [year_period(today.year - n) for n in range(3)]
    return months + quarters + years


def find_period(key: str, today: dt.date) -> Period:
    for period in periods_offered(today):
        if period.key == key:
            return period
    raise UnknownFilter(key)


def trend_periods(period: Period, today: dt.date, count: int = 6) -> list[Period]:
    """The chosen period and the ones of its kind before it, oldest first."""
    same_kind = [p for p in periods_offered(today) if p.kind == period.kind and p.start <= period.start]
    return list(reversed(same_kind[:count]))


@dataclass(frozen=True, slots=True)
class TopicPanel:
    topic_id: str
    table: ProtectedTable  # rows: AGE_BANDS; columns: LEVELS


def level_table(counts: Mapping[tuple[str, str], int], k: int = DEFAULT_K) -> ProtectedTable:
    """counts[(age band, level value)] -> people, as a protected band x level table."""
    return protect([[counts.get((band, level.value), 0) for level in LEVELS] for band in AGE_BANDS], k)


def participation_table(counts: Mapping[str, int], k: int = DEFAULT_K) -> ProtectedTable:
    return protect([[counts.get(band, 0)] for band in AGE_BANDS], k)


def basic_or_above_table(counts_by_row: Sequence[Mapping[str, int]], k: int = DEFAULT_K) -> ProtectedTable:
    """Rows (periods, or age bands) x [below Basic, Basic or above], from counts by level value."""
    rows = []
    for counts in counts_by_row:
        below = counts.get(Level.NOT_YET.value, 0)
        above = sum(counts.get(level.value, 0) for level in LEVELS if level != Level.NOT_YET)
        rows.append([below, above])
    return protect(rows, k)


def about_table(counts: Mapping[tuple[str, str], int], k: int = DEFAULT_K) -> ProtectedTable:
    """Age bands x [yes, no] for one "about you" question."""
    return protect([[counts.get((band, "yes"), 0), counts.get((band, "no"), 0)] for band in AGE_BANDS], k)


@dataclass(frozen=True, slots=True)
class Targets:
    about: Mapping[str, float]  # question -> target percentage
    working_age_basic: float | None


def load_targets(path: Path) -> Targets:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    about = {q: float(v) for q, v in raw.get("about", {}).items() if q in ABOUT_QUESTIONS}
    skills = raw.get("skills", {})
    working = skills.get("working_age_basic")
    return Targets(about, float(working) if working is not None else None)


@dataclass(frozen=True, slots=True)
class TrendPanel:
    topic_id: str
    periods: tuple[Period, ...]
    table: ProtectedTable  # rows: periods; columns: [below Basic, Basic or above]


@dataclass(frozen=True, slots=True)
class AboutPanel:
    question: str
    table: ProtectedTable  # rows: AGE_BANDS; columns: [yes, no]
    target: float | None


@dataclass(frozen=True, slots=True)
class DashboardView:
    """Everything one dashboard screen (and its exports) shows; `withheld` when the chosen group is too small."""

    area: str | None
    period: Period
    mode: str
    withheld: bool
    participation: ProtectedTable | None = None
    topics: tuple[TopicPanel, ...] = ()
    working_age: ProtectedTable | None = None  # rows: topics; columns: [below Basic, Basic or above]
    working_age_target: float | None = None
    trends: tuple[TrendPanel, ...] = ()
    about: tuple[AboutPanel, ...] = ()


def build_view(
    *,
    area: str | None,
    period: Period,
    mode: str,
    topic_ids: Sequence[str],
    attempts: Mapping[str, int],
    levels: Mapping[str, Mapping[tuple[str, str], int]],
    by_month: Mapping[str, Mapping[str, Mapping[str, int]]],
    trend: Sequence[Period],
    about: Mapping[str, Mapping[tuple[str, str], int]],
    targets: Targets,
    k: int = DEFAULT_K,
) -> DashboardView:
    """The screen for a group large enough to show (the caller decides that: see privacy.publishable_areas)."""
    topics = tuple(TopicPanel(t, level_table(levels.get(t, {}), k)) for t in topic_ids)
    working = []
    for t in topic_ids:
        counts: dict[str, int] = {}
        for (band, level), n in levels.get(t, {}).items():
            if band in WORKING_AGE:
                counts[level] = counts.get(level, 0) + n
        working.append(counts)
    trends = []
    for t in topic_ids:
        rows = []
        for p in trend:
            counts = {}
            for month in p.months:
                for level, n in by_month.get(month, {}).get(t, {}).items():
                    counts[level] = counts.get(level, 0) + n
            rows.append(counts)
        trends.append(TrendPanel(t, tuple(trend), basic_or_above_table(rows, k)))
    return DashboardView(
        area=area,
        period=period,
        mode=mode,
        withheld=False,
        participation=participation_table(attempts, k),
        topics=topics,
        working_age=basic_or_above_table(working, k),
        working_age_target=targets.working_age_basic,
        trends=tuple(trends),
        about=tuple(AboutPanel(q, about_table(about.get(q, {}), k), targets.about.get(q)) for q in ABOUT_QUESTIONS),
    )
