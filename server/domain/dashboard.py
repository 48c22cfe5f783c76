"""What the officials' dashboard shows: released months, and quarters and years made of them; per topic the
levels by age band (by age group for a commune); trends; targets. Every number is a sum of released cells
(release.py), so two views that nest agree by construction and no view can be subtracted from another to learn
more than the noise allows."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .attempt import AGE_BANDS
from .privacy import DEFAULT_K, ReleasedTable, Shown, released_table, shown
from .release import ABOUT_QUESTIONS, AGE_GROUPS, MODES, WORKING_AGE, Key, Release, parse_period
from .scoring import LEVELS, Level

VIEW_MODES = ("all", *MODES)
ALL_AGES = "all"


class UnknownFilter(Exception):
    """An area, period or mode the dashboard does not offer."""


class NotReleased(Exception):
    """A well-formed period with no release (yet)."""


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # "2026-11", "2026-Q4" or "2026"
    kind: str  # month | quarter | year
    months: tuple[str, ...]  # the released months it covers, oldest first
    start: dt.date
    length: int  # months in the calendar period: a quarter or year with fewer released months is partial

    @property
    def complete(self) -> bool:
        return len(self.months) == self.length


def _period_of_month(month: str, kind: str) -> tuple[str, dt.date, int]:
    year, m = parse_period(month)
    if kind == "month":
        return month, dt.date(year, m, 1), 1
    if kind == "quarter":
        q = (m - 1) // 3 + 1
        return f"{year:04d}-Q{q}", dt.date(year, 3 * q - 2, 1), 3
    return f"{year:04d}", dt.date(year, 1, 1), 12


def periods_offered(released: Iterable[str]) -> list[Period]:
    """The released months, then the quarters and years that contain at least one of them, each newest first.
    Only released months: free ranges, and the month still running, would allow differencing."""
    result = []
    for kind in ("month", "quarter", "year"):
        grouped: dict[str, tuple[dt.date, int, list[str]]] = {}
        for month in sorted(set(released)):
            key, start, length = _period_of_month(month, kind)
            grouped.setdefault(key, (start, length, []))[2].append(month)
        for key, (start, length, months) in sorted(grouped.items(), key=lambda kv: kv[1][0], reverse=True):
            result.append(Period(key, kind, tuple(months), start, length))
    return result


def _well_formed(key: str) -> bool:
    if len(key) == 4:
        return key.isdigit()
    if len(key) == 7 and key[4:6] == "-Q":
        return key[:4].isdigit() and key[6] in "1234"
    try:
        parse_period(key)
    except Exception:  # noqa: BLE001 - any refusal of the parser means "not a period"
        return False
    return True


def find_period(key: str, offered: Sequence[Period]) -> Period:
    for period in offered:
        if period.key == key:
            return period
    if _well_formed(key):
        raise NotReleased(key)
    raise UnknownFilter(key)


TREND_LENGTH = {"month": 12, "quarter": 8, "year": 3}


def trend_periods(period: Period, offered: Sequence[Period]) -> list[Period]:
    """The chosen period and the released ones of its kind before it, oldest first."""
    same_kind = [p for p in offered if p.kind == period.kind and p.start <= period.start]
    return list(reversed(same_kind[: TREND_LENGTH[period.kind]]))


@dataclass(frozen=True, slots=True)
class Targets:
    about: Mapping[str, float]  # question -> target percentage
    working_age_basic: float | None


NO_TARGETS = Targets({}, None)


class TargetsError(Exception):
    pass


def load_targets(path: Path) -> Targets:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        about = {q: float(v) for q, v in raw.get("about", {}).items() if q in ABOUT_QUESTIONS}
        working = raw.get("skills", {}).get("working_age_basic")
        targets = Targets(about, float(working) if working is not None else None)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise TargetsError(f"{path}: cannot read the targets: {exc}") from None
    if any(not 0 <= v <= 100 for v in (*targets.about.values(), targets.working_age_basic or 0)):
        raise TargetsError(f"{path}: a target is a percentage from 0 to 100")
    return targets


@dataclass(frozen=True, slots=True)
class TargetBook:
    """Each province's targets, by province code; a province without a file has none."""

    by_province: Mapping[str, Targets]

    def of(self, province: str) -> Targets:
        return self.by_province.get(province, NO_TARGETS)


def load_target_book(folder: Path, province_codes: Iterable[str]) -> TargetBook:
    """Reads `<code>.toml` for each province code (and all.toml for the nation); any other file there is refused,
    so a misnamed file is not silently ignored."""
    codes = set(province_codes)
    book = {}
    for path in sorted(folder.glob("*.toml")):
        if path.stem not in codes:
            raise TargetsError(f"{path}: the file name must be a province code of the map, such as 37.toml")
        book[path.stem] = load_targets(path)
    return TargetBook(book)


@dataclass(frozen=True, slots=True)
class TopicPanel:
    topic_id: str
    table: ReleasedTable  # rows: the view's level rows; columns: LEVELS


@dataclass(frozen=True, slots=True)
class TrendPanel:
    topic_id: str
    periods: tuple[Period, ...]
    table: ReleasedTable  # rows: periods; columns: [below Basic, Basic or above]


@dataclass(frozen=True, slots=True)
class AboutPanel:
    question: str
    table: ReleasedTable  # rows: the view's about rows; columns: [yes, no]
    target: float | None


@dataclass(frozen=True, slots=True)
class DashboardView:
    """Everything one dashboard screen (and its exports and API answer) shows."""

    area: str | None  # None: all the deployment serves (the province, or the nation); else a province or commune
    area_kind: str | None  # None, "province" or "commune"
    period: Period
    mode: str
    k: int
    epsilon: float  # the privacy loss of one month's release, for one attempt
    computed: tuple[dt.datetime, ...]  # when each release in the period was computed
    level_rows: tuple[str, ...]  # age bands (province) or age groups (commune)
    about_rows: tuple[str, ...]  # age bands (province) or "all" (commune)
    participation: ReleasedTable  # rows: AGE_BANDS; one column
    topics: tuple[TopicPanel, ...]
    working_age: ReleasedTable  # rows: topics; columns: [below Basic, Basic or above]
    working_age_target: float | None
    trends: tuple[TrendPanel, ...]
    about: tuple[AboutPanel, ...]

    @property
    def by_age_group(self) -> bool:
        """A commune's view: its levels come by the two age groups, not the six bands."""
        return self.level_rows == tuple(AGE_GROUPS)


def tally(
    releases: Iterable[Release], table: str, dims: Sequence[str], where: Mapping[str, Iterable[str]], by: Sequence[str]
) -> Counter[Key]:
    """Sums released cells of `table` (dimensions `dims`) whose values are allowed by `where`, by the dims `by`."""
    allowed = {d: set(v) for d, v in where.items()}
    index = {d: i for i, d in enumerate(dims)}
    out: Counter[Key] = Counter()
    for release in releases:
        for key, n in release.cells(table).items():
            if all(key[index[d]] in values for d, values in allowed.items()):
                out[tuple(key[index[d]] for d in by)] += n
    return out


def _matrix(counts: Mapping[Key, int], rows: Sequence[str], cols: Sequence[str], k: int) -> ReleasedTable:
    return released_table([[counts.get((r, c), 0) for c in cols] for r in rows], k)


def _basic_split(counts: Mapping[Key, int], rows: Sequence[str], k: int) -> ReleasedTable:
    """Rows x [below Basic, Basic or above] from counts keyed (row, level value)."""
    below = Level.NOT_YET.value
    return released_table(
        [
            [counts.get((r, below), 0), sum(n for (row, lv), n in counts.items() if row == r and lv != below)]
            for r in rows
        ],
        k,
    )


LEVEL_VALUES = tuple(level.value for level in LEVELS)


@dataclass(frozen=True, slots=True)
class ViewTables:
    """Which released tables one kind of view reads: the whole territory, a province of a national deployment,
    or a commune."""

    place_dim: str | None  # the area's dimension in these tables (None: the top tables)
    participation: tuple[str, tuple[str, ...]]
    levels: tuple[str, tuple[str, ...], str, tuple[str, ...]]  # table, dims, row dimension, rows
    about: tuple[str, tuple[str, ...], str | None, tuple[str, ...]]
    working: Mapping[str, tuple[str, ...]]


TOP_VIEW = ViewTables(
    None,
    ("participation", ("age_band", "mode")),
    ("levels", ("age_band", "mode", "topic", "level"), "age_band", AGE_BANDS),
    ("about", ("age_band", "mode", "question", "answer"), "age_band", AGE_BANDS),
    {"age_band": WORKING_AGE},
)
PROVINCE_VIEW = ViewTables(
    "province",
    ("participation_by_province", ("province", "age_band", "mode")),
    ("levels_by_province", ("province", "age_band", "mode", "topic", "level"), "age_band", AGE_BANDS),
    ("about_by_province", ("province", "age_band", "mode", "question", "answer"), "age_band", AGE_BANDS),
    {"age_band": WORKING_AGE},
)
COMMUNE_VIEW = ViewTables(
    "commune",
    ("participation_by_commune", ("commune", "age_band", "mode")),
    ("levels_by_commune", ("commune", "age_group", "mode", "topic", "level"), "age_group", tuple(AGE_GROUPS)),
    ("about_by_commune", ("commune", "mode", "question", "answer"), None, (ALL_AGES,)),
    {"age_group": ("15-64",)},
)


def view_tables(area: str | None, area_kind: str) -> ViewTables:
    if area is None:
        return TOP_VIEW
    return PROVINCE_VIEW if area_kind == "province" else COMMUNE_VIEW


def build_view(
    *,
    area: str | None,
    period: Period,
    mode: str,
    releases: Mapping[str, Release],
    trend: Sequence[Period],
    topic_ids: Sequence[str],
    targets: Targets,
    k: int = DEFAULT_K,
    area_kind: str = "commune",
) -> DashboardView:
    """The screen for one area (None: all of the territory; else a commune, or with `area_kind` "province" a
    province of a national deployment), period and mode, from the releases of the months it covers (`releases`
    holds at least those of `period` and `trend`)."""
    chosen = [releases[m] for m in period.months]
    modes = MODES if mode == "all" else (mode,)
    tables = view_tables(area, area_kind)
    place: dict[str, Iterable[str]] = {"mode": modes}
    if tables.place_dim is not None and area is not None:
        place[tables.place_dim] = (area,)
    participation, levels, about, working = tables.participation, tables.levels, tables.about, tables.working
    people = tally(chosen, participation[0], participation[1], place, ("age_band",))
    level_table, level_dims, row_dim, level_rows = levels
    by_topic = tally(chosen, level_table, level_dims, place, ("topic", row_dim, "level"))
    topics = tuple(
        TopicPanel(
            t, _matrix({(r, lv): n for (tp, r, lv), n in by_topic.items() if tp == t}, level_rows, LEVEL_VALUES, k)
        )
        for t in topic_ids
    )
    working_counts = tally(chosen, level_table, level_dims, {**place, **working}, ("topic", "level"))
    trends = []
    for t in topic_ids:
        rows: Counter[Key] = Counter()
        for p in trend:
            for (lv,), n in tally(
                [releases[m] for m in p.months], level_table, level_dims, {**place, "topic": (t,)}, ("level",)
            ).items():
                rows[(p.key, lv)] += n
        trends.append(TrendPanel(t, tuple(trend), _basic_split(rows, [p.key for p in trend], k)))
    about_table, about_dims, about_row, about_rows = about
    about_by = ("question", about_row, "answer") if about_row else ("question", "answer")
    answers = tally(chosen, about_table, about_dims, place, about_by)
    if about_row is None:
        answers = Counter({(q, ALL_AGES, a): n for (q, a), n in answers.items()})
    return DashboardView(
        area=area,
        area_kind=None if area is None else area_kind,
        period=period,
        mode=mode,
        k=k,
        epsilon=max((r.epsilon for r in chosen), default=0.0),
        computed=tuple(r.computed_at for r in chosen),
        level_rows=level_rows,
        about_rows=about_rows,
        participation=released_table([[people.get((band,), 0)] for band in AGE_BANDS], k),
        topics=topics,
        working_age=_basic_split(working_counts, topic_ids, k),
        working_age_target=targets.working_age_basic,
        trends=tuple(trends),
        about=tuple(
            AboutPanel(
                q,
                _matrix({(r, a): n for (qq, r, a), n in answers.items() if qq == q}, about_rows, ("yes", "no"), k),
                targets.about.get(q),
            )
            for q in ABOUT_QUESTIONS
        ),
    )


# Areas side by side: one row per commune (or province), for one released period.


@dataclass(frozen=True, slots=True)
class AreaTables:
    """Which released tables give each area's numbers, and which of their rows are the working age."""

    dim: str  # the area's dimension in those tables
    participation: tuple[str, tuple[str, ...]]
    levels: tuple[str, tuple[str, ...]]
    working: Mapping[str, tuple[str, ...]]


COMMUNE_TABLES = AreaTables(
    "commune",
    ("participation_by_commune", ("commune", "age_band", "mode")),
    ("levels_by_commune", ("commune", "age_group", "mode", "topic", "level")),
    {"age_group": ("15-64",)},
)


PROVINCE_TABLES = AreaTables(
    "province",
    ("participation_by_province", ("province", "age_band", "mode")),
    ("levels_by_province", ("province", "age_band", "mode", "topic", "level")),
    {"age_band": WORKING_AGE},
)


@dataclass(frozen=True, slots=True)
class AreaRow:
    code: str
    people: int  # released count of people who finished a check, all ages
    working_age: ReleasedTable  # rows: topics; columns: [below Basic, Basic or above], ages 15-64
    target: float | None  # the working-age target (percentage) of the area's province

    def shown_people(self) -> Shown:
        return shown(self.people, self.working_age.k)

    def share(self, topic: int) -> float | None:
        return self.working_age.share(topic, 1)

    def met(self, topic: int) -> bool | None:
        """Whether the topic's working-age share reaches the target; None when either is not shown."""
        if self.target is None or self.share(topic) is None:
            return None
        # In counts, not floats: 0.57 * 100 is 56.99999999999999.
        return self.working_age.counts[topic][1] * 100 >= self.target * self.working_age.row_sums[topic]


def area_rows(
    *,
    releases: Iterable[Release],
    mode: str,
    codes: Sequence[str],
    topic_ids: Sequence[str],
    target_of: Callable[[str], float | None],
    tables: AreaTables = COMMUNE_TABLES,
    k: int = DEFAULT_K,
) -> list[AreaRow]:
    """Every area of `codes` for the releases of one period, summed from released cells like every other view."""
    chosen = list(releases)
    place: dict[str, Iterable[str]] = {"mode": MODES if mode == "all" else (mode,), tables.dim: codes}
    people = tally(chosen, *tables.participation, place, (tables.dim,))
    levels = tally(chosen, *tables.levels, {**place, **tables.working}, (tables.dim, "topic", "level"))
    rows = []
    for code in codes:
        by_topic = {(t, lv): n for (c, t, lv), n in levels.items() if c == code}
        rows.append(AreaRow(code, people.get((code,), 0), _basic_split(by_topic, topic_ids, k), target_of(code)))
    return rows


@dataclass(frozen=True, slots=True)
class MetCount:
    met: int
    missed: int
    hidden: int  # a share or the target not shown


def met_counts(rows: Sequence[AreaRow], topic_count: int) -> list[MetCount]:
    """Per topic, how many areas meet the target, miss it, or cannot be judged."""
    result = []
    for t in range(topic_count):
        judged = [r.met(t) for r in rows]
        result.append(MetCount(judged.count(True), judged.count(False), judged.count(None)))
    return result


AREA_SORTS = ("name", "people")  # and "topic-<id>" for a topic's working-age share


def sort_areas(
    rows: Sequence[AreaRow], by: str, descending: bool, name_key: Callable[[str], object], topic_ids: Sequence[str]
) -> list[AreaRow]:
    """Rows sorted by name, people or a topic's share. A withheld value is never compared with another: withheld
    rows come last in name order whichever the direction, so the order cannot tell a small number from zero."""
    by_name = sorted(rows, key=lambda r: name_key(r.code))
    if by == "name":
        return list(reversed(by_name)) if descending else by_name

    def value(row: AreaRow) -> float | None:
        if by == "people":
            return row.people if row.people >= row.working_age.k else None
        return row.share(topic_ids.index(by.removeprefix("topic-")))

    shown_rows = [r for r in by_name if value(r) is not None]
    withheld = [r for r in by_name if value(r) is None]
    shown_rows.sort(key=lambda r: value(r), reverse=descending)  # type: ignore[arg-type, return-value]
    return shown_rows + withheld


def area_sort_known(by: str, topic_ids: Sequence[str]) -> bool:
    return by in AREA_SORTS or (by.startswith("topic-") and by.removeprefix("topic-") in topic_ids)
