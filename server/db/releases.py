"""Releases in the database: what a month's release reads (once), how it is stored (once), and how it is read.

Exactly once, even with several app processes: a process first takes a lease on the month (a row in
`release_claim`, inserted with ON CONFLICT DO NOTHING, the same on SQLite and PostgreSQL); the unique period of
`release` is the last guard. A lease older than LEASE (a process that died mid-way) may be taken over."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from ..domain import months
from ..domain import release as rules
from ..domain.release import AttemptRecord, Release, ReleaseRefused, Tally, Universe
from ..domain.staff import Role
from ..domain.team import VIETNAM
from . import tables

LEASE = dt.timedelta(minutes=15)
ItemSums = tuple[int, int, float, float, float]


# Attempts of the month that count: finished in it, and not in a burst an admin excluded. An attempt finishes after
# it starts, so `t.month <= {}` lets PostgreSQL skip the partitions of later months; rows of an attempt are joined
# on (attempt, month), so each month's partitions are joined with their own.
def _counted(select: str, joins: str = "") -> str:
    return (
        f"SELECT {select} FROM attempt t LEFT JOIN burst_flag f ON t.burst = f.id {joins} "
        "WHERE t.finished_at >= {} AND t.finished_at < {} AND t.month <= {} AND (f.id IS NULL OR f.excluded = {})"
    )


def _of_month(name: str, alias: str) -> str:
    """Joins a table of an attempt's rows on (attempt, month)."""
    return f"JOIN {name} {alias} ON {alias}.attempt = t.id AND {alias}.month = t.month"


def _period_values(period: str) -> tuple[dt.datetime, dt.datetime, int, bool]:
    start, end = rules.month_bounds(period)
    return start, end, months.month_of(start), False


async def tally_for(period: str) -> Tally:
    """The month's counted attempts, grouped by the database: what the release measures (rules.Tally)."""
    values = _period_values(period)
    base = "t.commune, t.age_band, t.mode"
    attempts = await tables.Attempt.raw(_counted(f"{base}, COUNT(*) AS n") + f" GROUP BY {base}", *values)
    levels = await tables.Attempt.raw(
        _counted(f"{base}, r.topic_id AS k, r.level AS v, COUNT(*) AS n", _of_month("topic_result", "r"))
        + f" GROUP BY {base}, r.topic_id, r.level",
        *values,
    )
    about = await tables.Attempt.raw(
        _counted(f"{base}, b.question AS k, b.answer AS v, COUNT(*) AS n", _of_month("about_answer", "b"))
        + f" GROUP BY {base}, b.question, b.answer",
        *values,
    )
    guides = await tables.Attempt.raw(
        _counted("t.guided_by, t.finished_at, COUNT(*) AS n")
        + " AND t.guided_by IS NOT NULL GROUP BY t.guided_by, t.finished_at",
        *values,
    )

    def group(row: dict) -> tuple[str, str, str]:
        return (row["commune"] or rules.NO_COMMUNE, row["age_band"], row["mode"])

    guide_days: Counter[tuple[int, dt.date]] = Counter()
    for row in guides:  # finished_at is the start of the Vietnam day already; the sum merges equal days
        guide_days[(row["guided_by"], _moment(row["finished_at"]).astimezone(VIETNAM).date())] += int(row["n"])
    return Tally(
        attempts=Counter({group(r): int(r["n"]) for r in attempts}),
        levels=Counter({(*group(r), r["k"], r["v"]): int(r["n"]) for r in levels}),
        about=Counter({(*group(r), r["k"], r["v"]): int(r["n"]) for r in about}),
        guide_days=guide_days,
    )


async def records_for(period: str) -> list[AttemptRecord]:
    """The month's counted attempts one by one, for benchmarks that look at single attempts; releases read
    `tally_for`, which the database groups."""
    values = _period_values(period)
    attempts = await tables.Attempt.raw(
        _counted("t.id, t.commune, t.age_band, t.mode, t.guided_by, t.finished_at"), *values
    )
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    topic_rows = await tables.TopicResult.raw(
        _counted("r.attempt, r.topic_id, r.level", _of_month("topic_result", "r")), *values
    )
    for row in topic_rows:
        levels[row["attempt"]][row["topic_id"]] = row["level"]
    about: dict[int, dict[str, str]] = defaultdict(dict)
    about_rows = await tables.AboutAnswer.raw(
        _counted("b.attempt, b.question, b.answer", _of_month("about_answer", "b")), *values
    )
    for row in about_rows:
        about[row["attempt"]][row["question"]] = row["answer"]
    return [
        AttemptRecord(
            commune=row["commune"] or rules.NO_COMMUNE,
            age_band=row["age_band"],
            mode=row["mode"],
            levels=levels.get(row["id"], {}),
            about=about.get(row["id"], {}),
            guide=row["guided_by"],
            day=_moment(row["finished_at"]).astimezone(VIETNAM).date(),
        )
        for row in attempts
    ]


def _moment(value: dt.datetime | str) -> dt.datetime:
    """A raw query on SQLite returns a timestamp as text."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


async def item_sums_for(period: str, topic_of: Callable[[str], str | None]) -> dict[tuple[str, str], ItemSums]:
    """Per question and age band: answers, right answers, and sums of the attempt's share of points in the
    question's topic (for point-biserial discrimination). Summed in the database: a month has millions of answers."""
    sql = _counted(
        "a.question_id, t.age_band, r.topic_id, COUNT(*) AS n, "
        "SUM(CASE WHEN a.points >= 1 THEN 1 ELSE 0 END) AS n_right, "
        "SUM(r.points / r.possible) AS s, SUM((r.points / r.possible) * (r.points / r.possible)) AS s2, "
        "SUM(CASE WHEN a.points >= 1 THEN r.points / r.possible ELSE 0 END) AS sr",
        f"{_of_month('answer', 'a')} {_of_month('topic_result', 'r')}",
    )
    rows = await tables.Answer.raw(
        sql + " AND r.possible > 0 GROUP BY a.question_id, t.age_band, r.topic_id", *_period_values(period)
    )
    sums: dict[tuple[str, str], ItemSums] = {}
    for row in rows:
        if topic_of(row["question_id"]) == row["topic_id"]:
            sums[(row["question_id"], row["age_band"])] = (
                int(row["n"]),
                int(row["n_right"]),
                float(row["s"]),
                float(row["s2"]),
                float(row["sr"]),
            )
    return sums


async def first_finished() -> dt.datetime | None:
    a = tables.Attempt
    row = await a.select(a.finished_at).where(a.finished_at.is_not_null()).order_by(a.finished_at).first()
    return row["finished_at"] if row else None


async def published_periods() -> list[str]:
    """Every released month, newest first."""
    rows = await tables.Release.select(tables.Release.period).order_by(tables.Release.period, ascending=False)
    return [r["period"] for r in rows]


async def team_member_ids() -> tuple[int, ...]:
    rows = await tables.StaffUser.select(tables.StaffUser.id).where(tables.StaffUser.role == Role.TEAM.value)
    return tuple(sorted(r["id"] for r in rows))


async def claim(period: str, now: dt.datetime) -> bool:
    c = tables.ReleaseClaim
    taken = await (
        c.insert(c(period=period, claimed_at=now)).on_conflict(target=c.period, action="DO NOTHING").returning(c.id)
    )
    if taken:
        return True
    stale = await (
        c.update({c.claimed_at: now}).where((c.period == period) & (c.claimed_at < now - LEASE)).returning(c.id)
    )
    return bool(stale)


def _encode(release: Release) -> str:
    return json.dumps(
        {
            "cells": {name: [[*key, n] for key, n in sorted(cells.items())] for name, cells in release.tables.items()},
            "items": [[q, band, *sums] for (q, band), sums in sorted(release.items.items())],
            "team_weeks": [[g, week.isoformat(), n] for (g, week), n in sorted(release.team_weeks.items())],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(row: dict) -> Release:
    data = json.loads(row["tables"])
    return Release(
        period=row["period"],
        computed_at=row["computed_at"],
        mechanism=row["mechanism"],
        library=row["library"],
        epsilon=row["epsilon"],
        tables={name: {tuple(c[:-1]): int(c[-1]) for c in cells} for name, cells in data["cells"].items()},
        parameters=json.loads(row["parameters"]),
        items={(i[0], i[1]): (int(i[2]), int(i[3]), float(i[4]), float(i[5]), float(i[6])) for i in data["items"]},
        team_weeks={(int(g), dt.date.fromisoformat(w)): int(n) for g, w, n in data["team_weeks"]},
    )


async def store(release: Release) -> bool:
    """Stores a release once; False when the month has one already (another process was first)."""
    t = tables.Release
    stored = await (
        t.insert(
            t(
                period=release.period,
                computed_at=release.computed_at,
                mechanism=release.mechanism,
                epsilon=release.epsilon,
                library=release.library,
                parameters=json.dumps(release.parameters),
                tables=_encode(release),
            )
        )
        .on_conflict(target=t.period, action="DO NOTHING")
        .returning(t.id)
    )
    return bool(stored)


async def load(period: str) -> Release | None:
    row = await tables.Release.select().where(tables.Release.period == period).first()
    if row is None:
        return None
    return await asyncio.to_thread(_decode, row)


async def forget_guides(period: str) -> None:
    """Keep less: once a month is released, its attempts no longer say which team member guided them."""
    start, end = rules.month_bounds(period)
    a = tables.Attempt
    in_month = (a.finished_at >= start) & (a.finished_at < end) & (a.month <= months.month_of(start))
    await a.update({a.guided_by: None}).where(in_month & a.guided_by.is_not_null())  # touch only rows that change


async def publish(
    period: str,
    *,
    now: dt.datetime,
    grace_days: int,
    epsilon: float,
    threshold: int,
    communes: Sequence[str],
    topics: Sequence[str],
    topic_of: Callable[[str], str | None],
    mechanism: rules.Mechanism,
    provinces: Mapping[str, str] | None = None,
) -> Release:
    """Computes and stores one month's release. Refuses (ReleaseRefused) a month that has not closed, is not a
    month, is published already, or whose lease another process holds."""
    rules.check_due(period, now, grace_days, await published_periods())
    if not await claim(period, now):
        raise ReleaseRefused("published", period)
    tally = await tally_for(period)
    items = await item_sums_for(period, topic_of)
    universe = Universe(
        communes=tuple(communes), topics=tuple(topics), guides=await team_member_ids(), provinces=dict(provinces or {})
    )
    release = await asyncio.to_thread(
        lambda: rules.build_release(
            period=period,
            records=tally,
            universe=universe,
            mechanism=mechanism,
            epsilon=epsilon,
            computed_at=now,
            threshold=threshold,
            items=items,
        )
    )
    if not await store(release):
        raise ReleaseRefused("published", period)
    await forget_guides(period)
    return release


async def publish_due(now: dt.datetime, grace_days: int, **publishing) -> list[str]:  # type: ignore[no-untyped-def]
    """Publishes every closed month without a release; months another process is computing are left to it."""
    done = []
    for period in rules.due_periods(await first_finished(), now, grace_days, await published_periods()):
        try:
            await publish(period, now=now, grace_days=grace_days, **publishing)
        except ReleaseRefused:
            continue
        done.append(period)
    return done
