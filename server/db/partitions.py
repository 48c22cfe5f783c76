"""Monthly partitions of the attempt tables on PostgreSQL, and the retention of raw answers on both engines.

At national scale (50 million attempts a year) one attempt table and one answer table would grow without end:
every insert would update indexes too large for memory, and dropping old answers would mean deleting hundreds of
millions of rows. So on PostgreSQL `attempt`, `answer`, `topic_result` and `about_answer` are partitioned by the
attempt's month (migration m0011): each month has its own four tables, created ahead by the app, and a month's raw
answers leave with one DROP TABLE once nothing needs them. SQLite, the embedded default for one province, keeps
plain tables and deletes old answers in small batches, so writers never wait long for its lock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from ..domain import months
from . import tables
from .engine import write_transaction

log = logging.getLogger("kynangso.partitions")

# Parents first: a child's partition has a foreign key to its month's attempts.
PARTITIONED = ("attempt", "answer", "topic_result", "about_answer")
AHEAD = 2  # months created beyond the current one, so the first attempt of a month never waits for DDL
SQLITE_DELETE_BATCH = 5000

T = TypeVar("T")

# The months known to have partitions, per database (engines of one database share what they know).
_known: dict[str, set[int]] = {}


def _database(engine: Engine) -> str:
    return repr(sorted(engine.config.items())) if isinstance(engine, PostgresEngine) else ""


def _months_known(engine: Engine) -> set[int]:
    return _known.setdefault(_database(engine), set())


def is_partitioned(engine: Engine) -> bool:
    return isinstance(engine, PostgresEngine)


def partition_name(table: str, month: int) -> str:
    return f"{table}_m{month}"


async def ensure(engine: Engine, wanted: Iterable[int]) -> None:
    """Creates the partitions of these months that do not exist yet (PostgreSQL; a no-op on SQLite). Cheap when
    they do: the months this process has seen are remembered. Safe with several processes at once."""
    if not is_partitioned(engine):
        return
    known = _months_known(engine)
    for month in sorted(set(wanted) - known):
        if not months.is_month(month):
            raise ValueError(f"not a month: {month}")
        await _create(engine, month)  # idempotent: two requests creating one month at once both succeed
        known.add(month)


async def _create(engine: Engine, month: int) -> None:
    until = months.shift(month, 1)
    for table in PARTITIONED:
        statement = (
            f"CREATE TABLE IF NOT EXISTS {partition_name(table, month)} "
            f"PARTITION OF {table} FOR VALUES FROM ({month}) TO ({until})"
        )
        try:
            await engine.run_ddl(statement)
        except Exception as error:  # noqa: BLE001 - another process created it between our check and our create
            if "already exists" not in str(error) and "duplicate key" not in str(error):
                raise
    log.info("created the partitions of month=%s", month)


def _no_partition(error: Exception) -> bool:
    return "no partition of relation" in str(error)


async def filing(engine: Engine, month: int, write: Callable[[], Awaitable[T]]) -> T:
    """Runs `write` (a whole transaction) for rows of `month`, creating the month's partitions first when needed.
    Should they be missing all the same (another process dropped an old month's answers under an attempt that was
    left open that long), creates them and runs `write` once more: the failed transaction wrote nothing."""
    await ensure(engine, [month])
    try:
        return await write()
    except Exception as error:
        if not is_partitioned(engine) or not _no_partition(error):
            raise
    _months_known(engine).discard(month)
    await ensure(engine, [month])
    return await write()


async def ensure_ahead(engine: Engine, now: dt.datetime) -> None:
    current = months.month_of(now)
    await ensure(engine, [months.shift(current, n) for n in range(AHEAD + 1)])


async def held_months(engine: Engine, table: str) -> list[int]:
    """The months that have rows (SQLite) or a partition (PostgreSQL) in `table`."""
    if is_partitioned(engine):
        rows = await tables.Attempt.raw(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = {}",
            table,
        )
        prefix = f"{table}_m"
        return sorted(int(r["relname"][len(prefix) :]) for r in rows if r["relname"].startswith(prefix))
    rows = await tables.Answer.raw(f"SELECT DISTINCT month FROM {table}")  # noqa: S608 - a name of ours
    return sorted(int(r["month"]) for r in rows)


async def drop_answers(engine: Engine, now: dt.datetime, keep_months: int, published: Iterable[str]) -> list[int]:
    """Drops the raw answers of every month nothing needs any more (months.answers_to_drop); returns those months."""
    done = months.answers_to_drop(await held_months(engine, "answer"), now, keep_months, published)
    for month in done:
        if is_partitioned(engine):
            await engine.run_ddl(f"DROP TABLE IF EXISTS {partition_name('answer', month)}")
            _months_known(engine).discard(month)
        else:
            await _delete_in_batches(engine, month)
        log.info("dropped the raw answers of month=%s", month)
    return done


async def _delete_in_batches(engine: Engine, month: int) -> None:
    a = tables.Answer
    while True:
        async with write_transaction(engine):
            batch = await a.select(a.id).where(a.month == month).limit(SQLITE_DELETE_BATCH)
            if batch:
                await a.delete().where(a.id.is_in([r["id"] for r in batch]))
        if len(batch) < SQLITE_DELETE_BATCH:
            return
