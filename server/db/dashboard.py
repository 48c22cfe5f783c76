"""Dashboard reads: sums over the monthly rollups, never over attempts or answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from piccolo.query.functions.aggregate import Sum

from . import tables


def _scope(table, months: Sequence[str], area: str | None, mode: str):  # type: ignore[no-untyped-def]
    condition = table.month.is_in(list(months))
    if area is not None:
        condition &= table.commune == area
    if mode != "all":
        condition &= table.mode == mode
    return condition


async def level_counts(months: Sequence[str], area: str | None, mode: str) -> dict[str, dict[tuple[str, str], int]]:
    """topic -> (age band, level) -> people."""
    t = tables.MonthLevels
    rows = await (
        t.select(t.topic_id, t.age_band, t.level, Sum(t.n).as_alias("n"))
        .where(_scope(t, months, area, mode))
        .group_by(t.topic_id, t.age_band, t.level)
    )
    result: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for r in rows:
        result[r["topic_id"]][(r["age_band"], r["level"])] = int(r["n"] or 0)
    return result


async def level_counts_by_month(
    months: Sequence[str], area: str | None, mode: str
) -> dict[str, dict[str, dict[str, int]]]:
    """month -> topic -> level -> people (all ages), for trends."""
    t = tables.MonthLevels
    rows = await (
        t.select(t.month, t.topic_id, t.level, Sum(t.n).as_alias("n"))
        .where(_scope(t, months, area, mode))
        .group_by(t.month, t.topic_id, t.level)
    )
    result: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        result[r["month"]][r["topic_id"]][r["level"]] = int(r["n"] or 0)
    return result


async def attempt_counts(months: Sequence[str], area: str | None, mode: str) -> dict[str, int]:
    """age band -> people who finished a check."""
    t = tables.MonthAttempts
    rows = await t.select(t.age_band, Sum(t.n).as_alias("n")).where(_scope(t, months, area, mode)).group_by(t.age_band)
    return {r["age_band"]: int(r["n"] or 0) for r in rows}


async def commune_totals(months: Sequence[str], mode: str) -> dict[str, int]:
    """commune -> people, over the whole province ("" for people who gave no commune)."""
    t = tables.MonthAttempts
    rows = await t.select(t.commune, Sum(t.n).as_alias("n")).where(_scope(t, months, None, mode)).group_by(t.commune)
    return {r["commune"]: int(r["n"] or 0) for r in rows}


async def mode_totals(months: Sequence[str], area: str | None) -> dict[str, int]:
    t = tables.MonthAttempts
    rows = await t.select(t.mode, Sum(t.n).as_alias("n")).where(_scope(t, months, area, "all")).group_by(t.mode)
    return {r["mode"]: int(r["n"] or 0) for r in rows}


async def about_counts(months: Sequence[str], area: str | None, mode: str) -> dict[str, dict[tuple[str, str], int]]:
    """question -> (age band, answer) -> people."""
    t = tables.MonthAbout
    rows = await (
        t.select(t.question, t.age_band, t.answer, Sum(t.n).as_alias("n"))
        .where(_scope(t, months, area, mode))
        .group_by(t.question, t.age_band, t.answer)
    )
    result: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for r in rows:
        result[r["question"]][(r["age_band"], r["answer"])] = int(r["n"] or 0)
    return result


async def item_stats() -> list[dict]:
    return await tables.ItemStats.select()
