"""One month's published statistics: measured once, with noise, at a few fixed grains; made consistent; never
changed. Every number an official or a team member sees is a sum of cells of releases (docs/privacy.md).

The method, after the US Census Bureau's TopDown and Wikimedia's pageview releases:

1. Contribution bounding. One attempt counts once in participation, once per topic it took (at most one level per
   topic) and once per "about you" answer. A table's `bound` is the most cells of that table one attempt can add
   one to, so adding or removing one attempt moves the table by at most `bound` in L1 distance.
2. Measurement. Every cell of every table, zeros included (the keys come from public lists: communes, age bands,
   modes, topics, levels, questions), gets noise from a differentially private mechanism (discrete
   Laplace from OpenDP: server/noise.py). A table gets a share of the month's privacy budget; its noise scale is
   `bound / (share * epsilon)`, and the library computes each table's privacy loss from its bound. The release's
   loss is their sum (basic sequential composition).
3. Consistency (post-processing, which costs no privacy). The province tables are clamped at zero. Each commune
   table is then projected, group by group, onto non-negative integers that add up to the province's numbers:
   the communes and "no commune given" of one (age group, mode, topic, level) sum exactly to the province's cell.
   So "the province is the sum of its communes" holds in what is published, as do "all = self + guided" and
   "working age = the sum of its bands", which views compute by adding released cells.

Pure: counts in, released cells out. The noise comes in as an argument.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .attempt import AGE_BANDS
from .scoring import LEVELS
from .team import VIETNAM

MODES = ("self", "guided")
ABOUT_QUESTIONS = ("smartphone", "bank_account", "digital_signature", "public_services", "vneid_level2", "telehealth")
ABOUT_ANSWERS = ("yes", "no")
WORKING_AGE = ("15-24", "25-34", "35-44", "45-54", "55-64")
AGE_GROUPS = {"15-64": WORKING_AGE, "65+": ("65+",)}  # communes are measured by these, not by the six bands
NO_COMMUNE = ""  # people who gave no commune: counted in the province only (in the nation only, nationally)
NO_PROVINCE = ""
Key = tuple[str, ...]


class ReleaseRefused(Exception):
    """A release that cannot be made: the month has not closed, is not a month, or is published already."""

    def __init__(self, reason: str, period: str) -> None:
        super().__init__(f"{reason}: {period}")
        self.reason = reason  # "not_closed" | "unknown_period" | "published"
        self.period = period


def age_group(band: str) -> str:
    return "65+" if band == "65+" else "15-64"


@dataclass(frozen=True, slots=True)
class Grain:
    """One measured table: its dimensions, how many of its cells one attempt can touch, and its budget share.
    A grain with a `parent` is projected to add up to the parent's numbers over its own dimensions."""

    name: str
    dims: tuple[str, ...]
    bound: int
    share: float
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """What a release needs of one finished attempt: nothing that identifies the person."""

    commune: str  # NO_COMMUNE when none was given
    age_band: str
    mode: str
    levels: Mapping[str, str]  # topic id -> level value: at most one level per topic
    about: Mapping[str, str]  # question -> "yes" | "no": at most one answer per question
    guide: int | None = None  # the team member's id, for their own page
    day: dt.date | None = None  # Vietnam-time day it finished, for the team member's weekly counts


@dataclass(frozen=True, slots=True)
class Universe:
    """The public lists every key of a release is drawn from. A national release (`provinces` given: each
    commune's province) also measures every province."""

    communes: tuple[str, ...]  # commune codes; NO_COMMUNE is added
    topics: tuple[str, ...]
    guides: tuple[int, ...] = ()
    provinces: Mapping[str, str] = field(default_factory=dict)  # commune -> province code, national releases only

    @property
    def national(self) -> bool:
        return bool(self.provinces)

    def province_of(self, commune: str) -> str:
        return self.provinces.get(commune, NO_PROVINCE)

    def values(self, dim: str) -> tuple[str, ...]:
        return {
            "province": (*sorted(set(self.provinces.values())), NO_PROVINCE),
            "commune": (*self.communes, NO_COMMUNE),
            "age_band": AGE_BANDS,
            "age_group": tuple(AGE_GROUPS),
            "mode": MODES,
            "topic": self.topics,
            "level": tuple(level.value for level in LEVELS),
            "question": ABOUT_QUESTIONS,
            "answer": ABOUT_ANSWERS,
        }[dim]

    def keys(self, grain: Grain) -> list[Key]:
        keys: list[Key] = [()]
        for dim in grain.dims:
            keys = [(*key, value) for key in keys for value in self.values(dim)]
        return keys


def grains(topic_count: int, national: bool = False) -> tuple[Grain, ...]:
    """The tables of a release. Communes are measured coarser (two age groups, totals for "about you") because a
    commune's month is small; the top tables keep the six bands. Shares favour the commune tables, whose
    cells are small, and the "about you" tables, whose bound (six answers) makes each cell's noise six times that
    of a one-answer table (benchmarks/releases.py measures the result). A national release adds the provinces
    between the nation and the communes, with the six bands: communes add up to their province, provinces (and
    people who gave no commune) to the nation."""
    about = len(ABOUT_QUESTIONS)
    if not national:
        return (
            Grain("participation", ("age_band", "mode"), 1, 0.05),
            Grain("participation_by_commune", ("commune", "age_band", "mode"), 1, 0.10, parent="participation"),
            Grain("levels", ("age_band", "mode", "topic", "level"), topic_count, 0.10),
            Grain(
                "levels_by_commune",
                ("commune", "age_group", "mode", "topic", "level"),
                topic_count,
                0.35,
                parent="levels",
            ),
            Grain("about", ("age_band", "mode", "question", "answer"), about, 0.15),
            Grain("about_by_commune", ("commune", "mode", "question", "answer"), about, 0.25, parent="about"),
        )
    return (
        Grain("participation", ("age_band", "mode"), 1, 0.03),
        Grain("participation_by_province", ("province", "age_band", "mode"), 1, 0.04, parent="participation"),
        Grain(
            "participation_by_commune",
            ("commune", "age_band", "mode"),
            1,
            0.08,
            parent="participation_by_province",
        ),
        Grain("levels", ("age_band", "mode", "topic", "level"), topic_count, 0.06),
        Grain(
            "levels_by_province",
            ("province", "age_band", "mode", "topic", "level"),
            topic_count,
            0.09,
            parent="levels",
        ),
        Grain(
            "levels_by_commune",
            ("commune", "age_group", "mode", "topic", "level"),
            topic_count,
            0.30,
            parent="levels_by_province",
        ),
        Grain("about", ("age_band", "mode", "question", "answer"), about, 0.08),
        Grain(
            "about_by_province",
            ("province", "age_band", "mode", "question", "answer"),
            about,
            0.10,
            parent="about",
        ),
        Grain(
            "about_by_commune",
            ("commune", "mode", "question", "answer"),
            about,
            0.22,
            parent="about_by_province",
        ),
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """A month's finished attempts counted by group: all a release reads of them. The database groups them itself
    (db/releases.tally_for), so a month of millions of attempts arrives as a few thousand numbers; `Tally.of`
    counts attempt records one by one (tests, benchmarks). Both agree because an attempt has at most one level
    per topic and one answer per "about you" question (unique keys in the database, dicts in a record)."""

    attempts: Mapping[tuple[str, str, str], int]  # (commune, age band, mode) -> attempts
    levels: Mapping[tuple[str, str, str, str, str], int]  # ... + (topic, level) -> attempts
    about: Mapping[tuple[str, str, str, str, str], int]  # ... + (question, answer) -> attempts
    guide_days: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)  # (team member, day) -> attempts

    @classmethod
    def of(cls, records: Iterable[AttemptRecord]) -> Tally:
        attempts: Counter[tuple[str, str, str]] = Counter()
        levels: Counter[tuple[str, str, str, str, str]] = Counter()
        about: Counter[tuple[str, str, str, str, str]] = Counter()
        guide_days: Counter[tuple[int, dt.date]] = Counter()
        for r in records:
            base = (r.commune, r.age_band, r.mode)
            attempts[base] += 1
            levels.update((*base, topic, level) for topic, level in r.levels.items())
            about.update((*base, question, answer) for question, answer in r.about.items())
            if r.guide is not None and r.day is not None:
                guide_days[(r.guide, r.day)] += 1
        return cls(attempts, levels, about, guide_days)

    @property
    def total(self) -> int:
        return sum(self.attempts.values())


def _cells(grain: Grain, tally: Tally, universe: Universe) -> Iterable[tuple[Key, int]]:
    """The cells of `grain` the tally's groups add to, never outside the universe. One attempt adds one to at most
    `grain.bound` of them: one cell per attempt, per topic it took or per question it answered."""
    if "topic" in grain.dims:
        rows = [(g[:3], {"topic": g[3], "level": g[4]}, n) for g, n in tally.levels.items() if g[3] in universe.topics]
    elif "question" in grain.dims:
        rows = [
            (g[:3], {"question": g[3], "answer": g[4]}, n)
            for g, n in tally.about.items()
            if g[3] in ABOUT_QUESTIONS and g[4] in ABOUT_ANSWERS
        ]
    else:
        rows = [(g, {}, n) for g, n in tally.attempts.items()]
    known = set(universe.communes)
    for (commune, band, mode), extra, n in rows:
        if band not in AGE_BANDS or mode not in MODES:
            continue
        place = commune if commune in known else NO_COMMUNE
        values = {
            "province": universe.province_of(place),
            "commune": place,
            "age_band": band,
            "age_group": age_group(band),
            "mode": mode,
            **extra,
        }
        yield tuple(str(values[dim]) for dim in grain.dims), n


def true_counts(grain: Grain, source: Tally | Iterable[AttemptRecord], universe: Universe) -> Counter[Key]:
    tally = source if isinstance(source, Tally) else Tally.of(source)
    counts: Counter[Key] = Counter()
    for key, n in _cells(grain, tally, universe):
        counts[key] += n
    return counts


class Mechanism(Protocol):
    name: str
    library: str

    def epsilon(self, bound: int, scale: float) -> float: ...

    def noisy(self, counts: Sequence[int], scale: float) -> list[int]: ...


def project(values: Sequence[float], total: int) -> list[int]:
    """The non-negative integers closest to `values` (least squares) that add up to `total`: the Euclidean
    projection onto the scaled simplex (subtract one level, clip at zero), then largest-remainder rounding."""
    if total <= 0 or not values:
        return [0] * len(values)
    ordered = sorted(values, reverse=True)
    running, level = 0.0, 0.0
    for i, v in enumerate(ordered, start=1):
        running += v
        candidate = (running - total) / i
        if v - candidate > 0:
            level = candidate
    real = [max(0.0, v - level) for v in values]
    floors = [math.floor(x) for x in real]
    short = total - sum(floors)
    by_remainder = sorted(range(len(real)), key=lambda i: (real[i] - floors[i], real[i]), reverse=True)
    for i in by_remainder[:short]:
        floors[i] += 1
    return floors


def _group_key(dims: Sequence[str], key: Key, group_dims: Sequence[str], universe: Universe) -> Key:
    """The key of a cell in the dimensions its consistency group is defined on (age bands read as age groups, a
    commune as its province)."""
    values = dict(zip(dims, key, strict=True))
    if "age_band" in values:
        values.setdefault("age_group", age_group(values["age_band"]))
    if "commune" in values:
        values.setdefault("province", universe.province_of(values["commune"]))
    return tuple(values[d] for d in group_dims)


@dataclass(frozen=True, slots=True)
class TableParameters:
    grain: Grain
    scale: float
    epsilon: float


@dataclass(frozen=True, slots=True)
class Release:
    """The published cells of one month: table name -> key -> count (zeros left out)."""

    period: str
    computed_at: dt.datetime
    mechanism: str
    library: str
    epsilon: float
    tables: Mapping[str, Mapping[Key, int]]
    parameters: Mapping[str, object] = field(default_factory=dict)
    items: Mapping[tuple[str, str], tuple[int, int, float, float, float]] = field(default_factory=dict)
    team_weeks: Mapping[tuple[int, dt.date], int] = field(default_factory=dict)

    def cells(self, table: str) -> Mapping[Key, int]:
        return self.tables.get(table, {})


def build_release(
    *,
    period: str,
    records: Iterable[AttemptRecord] | Tally,
    universe: Universe,
    mechanism: Mechanism,
    epsilon: float,
    computed_at: dt.datetime,
    threshold: int,
    items: Mapping[tuple[str, str], tuple[int, int, float, float, float]] | None = None,
) -> Release:
    """Measures every grain once, makes the commune tables add up to the province's, and returns the release."""
    tally = records if isinstance(records, Tally) else Tally.of(records)
    measured: dict[str, dict[Key, int]] = {}
    parameters: dict[str, TableParameters] = {}
    all_grains = grains(len(universe.topics), universe.national)
    by_name = {g.name: g for g in all_grains}
    for grain in all_grains:
        scale = grain.bound / (grain.share * epsilon)
        keys = universe.keys(grain)
        counts = true_counts(grain, tally, universe)
        noisy = mechanism.noisy([counts.get(k, 0) for k in keys], scale) if keys else []
        parameters[grain.name] = TableParameters(grain, scale, mechanism.epsilon(grain.bound, scale))
        measured[grain.name] = dict(zip(keys, noisy, strict=True))
    published: dict[str, dict[Key, int]] = {}
    for grain in all_grains:
        if grain.parent is None:
            published[grain.name] = {k: max(0, v) for k, v in measured[grain.name].items()}
    for grain in all_grains:
        if grain.parent is not None:
            parent = by_name[grain.parent]
            published[grain.name] = _consistent(grain, measured[grain.name], parent, published[parent.name], universe)
    weeks: Counter[tuple[int, dt.date]] = Counter()
    for (guide, day), n in tally.guide_days.items():
        if guide in universe.guides:
            weeks[(guide, day - dt.timedelta(days=day.weekday()))] += n
    return Release(
        period=period,
        computed_at=computed_at,
        mechanism=mechanism.name,
        library=mechanism.library,
        epsilon=sum(p.epsilon for p in parameters.values()),
        tables={name: {k: v for k, v in cells.items() if v > 0} for name, cells in published.items()},
        parameters={
            "tables": {
                name: {
                    "dims": list(p.grain.dims),
                    "bound": p.grain.bound,
                    "share": p.grain.share,
                    "scale": p.scale,
                    "epsilon": p.epsilon,
                    "consistent_with": p.grain.parent,
                }
                for name, p in parameters.items()
            },
            "cut": month_bounds(period)[1].isoformat(),
            "display_threshold": threshold,
        },
        items=dict(items or {}),
        team_weeks=dict(weeks),
    )


def _consistent(
    grain: Grain, noisy: Mapping[Key, int], parent: Grain, parent_cells: Mapping[Key, int], universe: Universe
) -> dict:
    """The child table projected, group by group, onto the parent's numbers: the areas of one group (the
    communes of a province, or the provinces of the nation) add up to the parent's cell."""
    area = "commune" if "commune" in grain.dims else "province"
    group_dims = [d for d in grain.dims if d != area]
    if "province" in parent.dims:
        group_dims.insert(0, "province")
    targets: Counter[Key] = Counter()
    for key, n in parent_cells.items():
        targets[_group_key(parent.dims, key, group_dims, universe)] += n
    groups: dict[Key, list[Key]] = {}
    for key in noisy:
        groups.setdefault(_group_key(grain.dims, key, group_dims, universe), []).append(key)
    result: dict[Key, int] = {}
    for group, keys in groups.items():
        for key, n in zip(keys, project([noisy[k] for k in keys], targets.get(group, 0)), strict=True):
            result[key] = n
    return result


# Periods. A release covers one calendar month in Vietnam time (UTC+7, no daylight saving).


def parse_period(text: str) -> tuple[int, int]:
    """A month as "2026-11" -> (2026, 11); anything else is refused as an unknown period."""
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        raise ReleaseRefused("unknown_period", text)
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise ReleaseRefused("unknown_period", text)
    return year, month


def month_start(year: int, month: int) -> dt.datetime:
    """The first moment of a Vietnam-time month, in UTC."""
    if month == 13:
        year, month = year + 1, 1
    return dt.datetime(year, month, 1, tzinfo=VIETNAM).astimezone(dt.UTC)


def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    year, month = parse_period(period)
    return month_start(year, month), month_start(year, month + 1)


def period_of(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y-%m")


def due_at(period: str, grace_days: int) -> dt.datetime:
    """When a month's release may be computed: the month has ended and the grace period has passed."""
    return month_bounds(period)[1] + dt.timedelta(days=grace_days)


def check_due(period: str, now: dt.datetime, grace_days: int, published: Iterable[str]) -> None:
    if now < due_at(period, grace_days):
        raise ReleaseRefused("not_closed", period)
    if period in set(published):
        raise ReleaseRefused("published", period)


def due_periods(first: dt.datetime | None, now: dt.datetime, grace_days: int, published: Iterable[str]) -> list[str]:
    """Every closed month from the one of the first finished attempt on that has no release yet, oldest first."""
    if first is None:
        return []
    done = set(published)
    local = first.astimezone(VIETNAM)
    year, month = local.year, local.month
    result = []
    while now >= due_at(f"{year:04d}-{month:02d}", grace_days):
        period = f"{year:04d}-{month:02d}"
        if period not in done:
            result.append(period)
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return result
