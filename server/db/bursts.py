"""Query functions for burst flags: counting a commune's finished attempts, raising or joining a flag, and the
admins' choice to leave a flagged burst out of the next release. Nothing here knows a client: no IP, no key."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

from piccolo.engine.sqlite import SQLiteEngine

from ..domain.bursts import BurstFlag, FlagKind, FlagReleased
from ..domain.team import VIETNAM
from . import tables
from .engine import write_transaction

# PostgreSQL: one advisory lock serialises every change to flags, so two finishes at once cannot both raise a flag
# for the same burst (the table has no unique key for it). Flags change rarely; SQLite's BEGIN IMMEDIATE does the same.
FLAG_LOCK = 7_310_917


def _flag_from_row(row: dict) -> BurstFlag:
    return BurstFlag(
        id=row["id"],
        kind=FlagKind(row["kind"]),
        commune=row["commune"],
        day=row["day"],
        attempts=row["attempts"],
        excluded=row["excluded"],
    )


def vietnam_day(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).date().isoformat()


@asynccontextmanager
async def _flag_writing() -> AsyncIterator[None]:
    """A write transaction holding the flags' lock."""
    engine = tables.BurstFlag._meta.db
    async with write_transaction(engine):
        if not isinstance(engine, SQLiteEngine):
            await tables.BurstFlag.raw("SELECT pg_advisory_xact_lock({})", FLAG_LOCK)
        yield


async def finished_self_attempts(commune: str, since: dt.datetime, until: dt.datetime) -> int:
    """A commune's finished attempts in self mode with `since <= finished_at < until` (finished_at is indexed)."""
    return await tables.Attempt.count().where(
        (tables.Attempt.finished_at >= since)
        & (tables.Attempt.finished_at < until)
        & (tables.Attempt.commune == commune)
        & (tables.Attempt.mode == "self")
    )


async def _create(kind: FlagKind, commune: str | None, day: str, now: dt.datetime) -> int:
    row = tables.BurstFlag(kind=kind.value, commune=commune, day=day, attempts=0, excluded=False, created_at=now)
    await row.save()
    return row.id


async def _recount(flag_id: int, kind: FlagKind) -> None:
    """The flag's count is the attempts it holds (what excluding it leaves out); a client's flag names a commune
    only when all of them share one."""
    held = tables.Attempt.burst == flag_id
    values: dict = {tables.BurstFlag.attempts: await tables.Attempt.count().where(held)}
    if kind is FlagKind.CLIENT:
        communes = await tables.Attempt.select(tables.Attempt.commune).where(held).distinct()
        values[tables.BurstFlag.commune] = communes[0]["commune"] if len(communes) == 1 else None
    await tables.BurstFlag.update(values).where(tables.BurstFlag.id == flag_id)


async def flag_client_burst(attempt_ids: Collection[int], day_start: dt.datetime, now: dt.datetime) -> int:
    """Marks one client's attempts of this hour with its flag: the one some of them already carry (a later finish
    joins it), or a new one. An attempt already in another flag stays there. Returns the flag's id."""
    ids = list(attempt_ids)
    async with _flag_writing():
        found = await (
            tables.Attempt.select(tables.Attempt.burst)
            .where(tables.Attempt.id.is_in(ids) & (tables.Attempt.burst.kind == FlagKind.CLIENT.value))
            .first()
        )
        flag_id = found["burst"] if found else await _create(FlagKind.CLIENT, None, vietnam_day(day_start), now)
        await tables.Attempt.update({tables.Attempt.burst: flag_id}).where(
            tables.Attempt.id.is_in(ids) & tables.Attempt.burst.is_null()
        )
        await _recount(flag_id, FlagKind.CLIENT)
    return flag_id


async def flag_commune_day(commune: str, day_start: dt.datetime, now: dt.datetime) -> int | None:
    """Flags a commune's day once, and marks every self-mode attempt of it not yet in a flag (later ones join it).
    Returns the flag's id; None when there is no such flag yet and every attempt of the day is in another flag."""
    day = vietnam_day(day_start)
    unflagged = (
        (tables.Attempt.finished_at >= day_start)
        & (tables.Attempt.finished_at < day_start + dt.timedelta(days=1))
        & (tables.Attempt.commune == commune)
        & (tables.Attempt.mode == "self")
        & tables.Attempt.burst.is_null()
    )
    async with _flag_writing():
        found = await (
            tables.BurstFlag.select(tables.BurstFlag.id)
            .where(
                (tables.BurstFlag.kind == FlagKind.COMMUNE.value)
                & (tables.BurstFlag.commune == commune)
                & (tables.BurstFlag.day == day)
            )
            .first()
        )
        if found is None and not await tables.Attempt.exists().where(unflagged):
            return None
        flag_id = found["id"] if found else await _create(FlagKind.COMMUNE, commune, day, now)
        await tables.Attempt.update({tables.Attempt.burst: flag_id}).where(unflagged)
        await _recount(flag_id, FlagKind.COMMUNE)
    return flag_id


async def all_flags() -> list[BurstFlag]:
    rows = await tables.BurstFlag.select().order_by(tables.BurstFlag.created_at, tables.BurstFlag.id, ascending=False)
    return [_flag_from_row(row) for row in rows]


async def released_months() -> set[str]:
    rows = await tables.Release.select(tables.Release.period)
    return {row["period"] for row in rows}


async def set_excluded(flag_id: int, excluded: bool) -> BurstFlag | None:
    """Takes a flag's attempts out of the next release, or puts them back; None for an unknown flag. Raises
    FlagReleased once its month is published: a release never changes (docs/privacy.md)."""
    async with _flag_writing():
        row = await tables.BurstFlag.select().where(tables.BurstFlag.id == flag_id).first()
        if row is None:
            return None
        flag = _flag_from_row(row)
        if await tables.Release.exists().where(tables.Release.period == flag.month):
            raise FlagReleased(flag.id)
        await tables.BurstFlag.update({tables.BurstFlag.excluded: excluded}).where(tables.BurstFlag.id == flag_id)
    return _flag_from_row({**row, "excluded": excluded})
