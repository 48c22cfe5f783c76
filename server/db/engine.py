"""Choosing and binding the database engine from settings.

Piccolo finds its engine through a `piccolo_conf` module (for its CLI and migrations) and caches it on each table.
`bind` points both at the engine built from our settings, so the app, the migrations and the tests all use the
database the settings name, and nothing depends on the environment at import time.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

SQLITE_BUSY_TIMEOUT_MS = 5000


class TunedSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a connection per query outside a transaction and only applies foreign_keys.
    Each connection here also waits for a busy writer instead of failing at once (several app processes share the
    file) and syncs fully so an acknowledged answer survives a power cut."""

    async def get_connection(self):  # type: ignore[no-untyped-def]
        connection = await super().get_connection()
        await connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA synchronous = FULL")
        return connection


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


async def start(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10)


async def stop(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
