"""Choosing and binding the database engine from settings.

Piccolo finds its engine through a `piccolo_conf` module (for its CLI and migrations) and caches it on each table.
`bind` points both at the engine built from our settings, so the app, the migrations and the tests all use the
database the settings name, and nothing depends on the environment at import time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

SQLITE_BUSY_TIMEOUT_MS = 5000
WRITE_WAIT_SECONDS = 10.0  # a write that waits longer for its turn is refused with "try again" (503)
WRITES = frozenset({"insert", "update", "delete"})


class WriteBusy(Exception):
    """A write waited too long for its turn (the process's writer, or another process's lock on the file)."""


class TunedSQLiteEngine(SQLiteEngine):
    """SQLite for one busy machine. Piccolo's engine opens a connection (and a thread) per query and lets writers
    race for the file's lock, which under load ends in "database is locked". Here, once `open` has run on the
    app's event loop:

    - reads outside a transaction share one long-lived connection (WAL lets them run while a write goes on);
    - every write, a transaction or a lone statement, takes the process's write lock and runs on one long-lived
      writer connection, so writers of this process queue instead of racing; a write that cannot get its turn in
      WRITE_WAIT_SECONDS raises WriteBusy (the page says "try again", nothing saved is lost);
    - each connection waits for another process's writer (busy_timeout) and syncs fully, so an acknowledged answer
      survives a power cut.

    Queries from any other event loop (command-line tools, tests' helpers) keep Piccolo's connection per query."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader: aiosqlite.Connection | None = None
        self._writer: aiosqlite.Connection | None = None
        self._write_lock: asyncio.Lock | None = None

    async def get_connection(self):  # type: ignore[no-untyped-def]
        connection = await aiosqlite.connect(**{**self.connection_kwargs, "isolation_level": None})
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in ("foreign_keys = 1", f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}", "synchronous = FULL"):
            await connection.execute(f"PRAGMA {pragma}")
        return connection

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._reader = await self.get_connection()
        self._writer = await self.get_connection()
        self._write_lock = asyncio.Lock()

    async def close(self) -> None:
        for connection in (self._reader, self._writer):
            if connection is not None:
                await connection.close()
        self._loop = self._reader = self._writer = self._write_lock = None

    def shared(self) -> bool:
        """True on the app's own loop, where the long-lived connections live."""
        try:
            return self._loop is not None and asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    async def _run_in_existing_connection(self, connection, query, args=None, query_type="generic", table=None):  # type: ignore[no-untyped-def]
        # As Piccolo's, without its PRAGMA before every statement (our connections set their pragmas once), and in
        # one call to the connection's thread: a statement left open between `execute` and `fetchall` while another
        # coroutine runs its own on a shared connection would pin the connection's read snapshot, and reads would
        # stop seeing new commits.
        return await connection.execute_fetchall(query, args or [])

    async def run_querystring(self, querystring, in_pool: bool = False):  # type: ignore[no-untyped-def]
        if not self.shared() or self.current_transaction.get() is not None:
            return await super().run_querystring(querystring, in_pool)
        if querystring.query_type in WRITES:
            async with self.transaction(TransactionType.immediate):
                return await super().run_querystring(querystring, in_pool)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        assert self._reader is not None
        return await self._run_in_existing_connection(self._reader, query, args)

    def transaction(self, transaction_type=TransactionType.deferred, allow_nested=True):  # type: ignore[no-untyped-def]
        return SerialTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class SerialTransaction(SQLiteTransaction):
    """A transaction on the engine's writer connection, one at a time per process (see TunedSQLiteEngine)."""

    __slots__ = ("_shared",)

    async def __aenter__(self):  # type: ignore[no-untyped-def]
        if self._parent is not None:
            return self._parent
        engine: TunedSQLiteEngine = self.engine  # type: ignore[assignment]
        self._shared = engine.shared()
        if self._shared:
            assert engine._write_lock is not None and engine._writer is not None
            # asyncio.timeout, not wait_for: on Python 3.11, wait_for loses a cancellation that arrives as the lock
            # is granted (the task then runs on as if never cancelled, and a shutdown waiting for it hangs), and
            # can leave the lock held by no one when its timeout races the grant.
            try:
                async with asyncio.timeout(WRITE_WAIT_SECONDS):
                    await engine._write_lock.acquire()
            except TimeoutError:
                raise WriteBusy from None
            self.connection = engine._writer
        else:
            self.connection = await self.get_connection()
        try:
            await self.begin()
        except sqlite3.OperationalError as error:  # another process held the file's lock past busy_timeout
            self._release()
            raise WriteBusy from error
        self.context = engine.current_transaction.set(self)
        return self

    def _release(self) -> None:
        if self._shared:
            self.engine._write_lock.release()  # type: ignore[attr-defined]

    async def __aexit__(self, exception_type, exception, traceback) -> bool:  # type: ignore[no-untyped-def]
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            if self._shared:
                self._release()
            else:
                await self.connection.close()
            self.engine.current_transaction.reset(self.context)
        return exception is None


def write_transaction(engine: Engine):  # type: ignore[no-untyped-def]
    """SQLite: take the write lock at BEGIN (IMMEDIATE), so two writers never deadlock upgrading a read lock."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def engine_for(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return TunedSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    parts = urlsplit(database_url)
    dsn = database_url.replace("postgres://", "postgresql://", 1) if parts.scheme == "postgres" else database_url
    return PostgresEngine(config={"dsn": dsn})


def bind(engine: Engine) -> None:
    """Makes `engine` the one Piccolo uses for our tables and for its migration bookkeeping."""
    from piccolo.apps.migrations.tables import Migration

    from . import tables

    conf = sys.modules.get("piccolo_conf")
    if conf is None:
        try:
            import piccolo_conf as conf  # type: ignore[no-redef]
        except ImportError:
            conf = types.ModuleType("piccolo_conf")
            sys.modules["piccolo_conf"] = conf
    conf.DB = engine  # type: ignore[attr-defined]
    if not hasattr(conf, "APP_REGISTRY"):
        from piccolo.conf.apps import AppRegistry

        conf.APP_REGISTRY = AppRegistry(apps=["server.db.piccolo_app"])  # type: ignore[attr-defined]
    for table in (*tables.ALL, Migration):
        table._meta.db = engine


async def prepare_sqlite(engine: Engine) -> None:
    """WAL lets readers go on while one process writes; the setting persists in the file."""
    if isinstance(engine, SQLiteEngine):
        await engine._run_in_new_connection("PRAGMA journal_mode = WAL")


async def migrate(engine: Engine) -> None:
    """Runs every migration not yet applied: the same code path for the app, the CLI and the tests."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    bind(engine)
    await prepare_sqlite(engine)
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")


async def _no_reset(connection) -> None:  # type: ignore[no-untyped-def]
    """The app keeps no session state on a connection (no LISTEN, SET or session-level locks), so a connection
    going back to the pool needs no reset: asyncpg's default costs a round trip after every query."""


async def start(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        # Custom plans: each statement is planned with its values, so a query that names its month reads and locks
        # that month's partitions only. A generic plan (PostgreSQL's choice after five runs of a prepared
        # statement) keeps every partition in the plan and locks them all at each run: the cost would grow with the
        # months kept (benchmarks/national.py measured it).
        await engine.start_connection_pool(
            min_size=1, max_size=10, reset=_no_reset, server_settings={"plan_cache_mode": "force_custom_plan"}
        )
    elif isinstance(engine, TunedSQLiteEngine):
        await engine.open()


async def stop(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, TunedSQLiteEngine):
        await engine.close()
