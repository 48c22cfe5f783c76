"""Releases in the database: what a month's release reads (once), how it is stored (once), and how it is read.

Exactly once, even with several app processes: a process first takes a lease on the month (a row in
`release_claim`, inserted with ON CONFLICT DO NOTHING, the same on SQLite and PostgreSQL); the unique period of
`release` is the last guard. A lease older than LEASE (a process that died mid-way) may be taken over."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence

from ..domain import release as rules
from ..domain.release import AttemptRecord, Release, ReleaseRefused, Universe
from ..domain.staff import Role
from ..domain.team import VIETNAM
from . import tables

LEASE = dt.timedelta(minutes=15)
ItemSums = tuple[int, int, float, float, float]


def _kept(attempt):  # type: ignore[no-untyped-def]
    """Attempts of the month that count: finished in it, and not in a burst an admin excluded."""
    return attempt.burst.is_null() | (attempt.burst.excluded == False)  # noqa: E712 - Piccolo builds SQL from ==


async def records_for(period: str) -> list[AttemptRecord]:
    start, end = rules.month_bounds(period)
    a = tables.Attempt
    in_month = (a.finished_at >= start) & (a.finished_at < end) & _kept(a)
    attempts = await a.select(a.id, a.commune, a.age_band, a.mode, a.guided_by, a.finished_at).where(in_month)
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    r = tables.TopicResult
    for row in await r.select(r.attempt, r.topic_id, r.level).where(
        (r.attempt.finished_at >= start) & (r.attempt.finished_at < end) & _kept(r.attempt)
    ):
        levels[row["attempt"]][row["topic_id"]] = row["level"]
    about: dict[int, dict[str, str]] = defaultdict(dict)
    b = tables.AboutAnswer
    for row in await b.select(b.attempt, b.question, b.answer).where(
        (b.attempt.finished_at >= start) & (b.attempt.finished_at < end) & _kept(b.attempt)
    ):
        about[row["attempt"]][row["question"]] = row["answer"]
    return [
        AttemptRecord(
            commune=row["commune"] or rules.NO_COMMUNE,
            age_band=row["age_band"],
            mode=row["mode"],
            levels=levels.get(row["id"], {}),
            about=about.get(row["id"], {}),
            guide=row["guided_by"],
            day=row["finished_at"].astimezone(VIETNAM).date(),
        )
        for row in attempts
    ]


async def item_sums_for(period: str, topic_of: Callable[[str], str | None]) -> dict[tuple[str, str], ItemSums]:
    """Per question and age band: answers, right answers, and sums of the attempt's share of points in the
    question's topic (for point-biserial discrimination). Summed in the database: a month has millions of answers."""
    start, end = rules.month_bounds(period)
    rows = await tables.Answer.raw(
        "SELECT a.question_id, t.age_band, r.topic_id, COUNT(*) AS n, "
        "SUM(CASE WHEN a.points >= 1 THEN 1 ELSE 0 END) AS n_right, "
        "SUM(r.points / r.possible) AS s, SUM((r.points / r.possible) * (r.points / r.possible)) AS s2, "
        "SUM(CASE WHEN a.points >= 1 THEN r.points / r.possible ELSE 0 END) AS sr "
        "FROM answer a JOIN attempt t ON a.attempt = t.id JOIN topic_result r ON r.attempt = t.id "
        "LEFT JOIN burst_flag f ON t.burst = f.id "
        "WHERE t.finished_at >= {} AND t.finished_at < {} AND r.possible > 0 "
        "AND (f.id IS NULL OR f.excluded = {}) "
        "GROUP BY a.question_id, t.age_band, r.topic_id",
        start,
        end,
        False,
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
    await a.update({a.guided_by: None}).where((a.finished_at >= start) & (a.finished_at < end))


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
) -> Release:
    """Computes and stores one month's release. Refuses (ReleaseRefused) a month that has not closed, is not a
    month, is published already, or whose lease another process holds."""
    rules.check_due(period, now, grace_days, await published_periods())
    if not await claim(period, now):
        raise ReleaseRefused("published", period)
    records = await records_for(period)
    items = await item_sums_for(period, topic_of)
    universe = Universe(communes=tuple(communes), topics=tuple(topics), guides=await team_member_ids())
    release = await asyncio.to_thread(
        lambda: rules.build_release(
            period=period,
            records=records,
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
