"""Shared test set-up: a real database built by the real migrations.

The suite runs on SQLite by default. With DATABASE_URL=postgresql://... it runs on PostgreSQL instead: a fresh
database is created on that server for the session, migrated, and dropped at the end."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.app import load_content
from server.db.engine import engine_for, migrate
from server.domain.content import Bank
from server.settings import ROOT, Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
ARGON2_TEST_MEMORY_KIB = 8 * 1024


def cli(
    database_url: str, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m server ARGS` against the test database, as an operator runs it (`env`: more settings)."""
    env = {
        **os.environ,
        **(env or {}),
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "APP_ENV": "test",
        "ARGON2_MEMORY_KIB": str(ARGON2_TEST_MEMORY_KIB),
        "ARGON2_TIME_COST": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def run_async(coroutine) -> Any:  # type: ignore[no-untyped-def]
    """Runs a coroutine to the end on a loop of its own, in a thread: Playwright's sync API keeps an event loop
    running in the main thread, where asyncio.run() is refused."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _postgres_admin(url: str):  # type: ignore[no-untyped-def]
    import asyncpg

    return asyncpg.connect(dsn=url)


def _create_pg_database(server_url: str) -> str:
    name = f"kns_test_{secrets.token_hex(4)}"

    async def create() -> None:
        conn = await _postgres_admin(server_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    run_async(create())
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def _drop_pg_database(server_url: str, url: str) -> None:
    name = url.rpartition("/")[2]

    async def drop() -> None:
        conn = await _postgres_admin(server_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    run_async(drop())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith(("postgresql://", "postgres://")):
        url = _create_pg_database(server_url)
        run_async(migrate(engine_for(url)))
        yield url
        _drop_pg_database(server_url, url)
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        run_async(migrate(engine_for(url)))
        yield url


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A factory of new, empty databases built by the migrations, on the same kind of server as the suite's one:
    for tests about releases, which never change once published and so must not share the suite's database."""
    server_url = os.environ.get("DATABASE_URL", "")
    made: list[str] = []

    def make() -> str:
        if server_url.startswith(("postgresql://", "postgres://")):
            url = _create_pg_database(server_url)
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'test.db'}"
        made.append(url)
        run_async(migrate(engine_for(url)))
        return url

    yield make
    if server_url.startswith(("postgresql://", "postgres://")):
        for url in made:
            _drop_pg_database(server_url, url)


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    """With REDIS_URL set, staff sessions, throttling and rate limits live in that Redis; the suite starts from an
    empty namespace so counters of an earlier run cannot throttle this one."""
    url = os.environ.get("REDIS_URL") or None
    if url:
        from litestar.stores.redis import RedisStore

        async def empty() -> None:
            store = RedisStore.with_client(url=url, namespace="kynangso")
            await store.delete_all()
            await store._redis.aclose()

        run_async(empty())
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        environment="test",
        anonymous_rate_per_minute=100_000,
        redis_url=redis_url,
        # Cheaper than production so the suite stays fast; logins then also exercise the rehash path.
        argon2_memory_kib=ARGON2_TEST_MEMORY_KIB,
        argon2_time_cost=1,
        # Releases are published by the tests that are about them, with a clock of their own.
        auto_release=False,
        # Every test client has one address: per-client limits and burst flags get tests of their own.
        attempts_per_client_hour=100_000,
        burst_client_per_hour=100_000,
        # Officials log in all over the suite; their second factor (on by default) has tests of its own. Admins
        # always have one: tests/web/staff.py keeps their authenticator.
        second_factor_officials=False,
    )


@pytest.fixture(scope="session")
def bank(settings: Settings) -> Bank:
    return load_content(settings, today=dt.date(2026, 11, 30))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp:
    """`python -m server serve` as an operator runs it, on one loopback port, logging to a file; a test may stop it
    and start it again on the same port (the phone's server going down and coming back)."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or _free_port()
        self.host, self.workers = host, workers
        self.url = f"http://{host}:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET,
            "APP_ENV": "test",
            "RATE_LIMIT_PER_MINUTE": "100000",
            "ARGON2_MEMORY_KIB": str(ARGON2_TEST_MEMORY_KIB),
            "ARGON2_TIME_COST": "1",
            "AUTO_RELEASE": "false",
            "ATTEMPTS_PER_HOUR": "100000",
            "BURST_CLIENT_PER_HOUR": "100000",
            "SECOND_FACTOR_OFFICIALS": "false",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, release: str | None = None) -> None:
        """Starts the server; `release` sets RELEASE, which versions the service worker (a new app release)."""
        env = {**self.env, **({"RELEASE": release} if release else {})}
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "serve", "--host", self.host, "--port", str(self.port)]
                + ["--workers", str(self.workers)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60  # a loaded machine takes a while to import, migrate and load content
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)  # noqa: S310 - our own loopback server
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log.read_text()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {self.log.read_text()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def live_server_and_log(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The live server of the session; its stdout and stderr go to a file, so tests can read what it logs."""
    served = ServedApp(database_url, Path(tmp_path_factory.mktemp("server")) / "server.log")
    try:
        served.start()
        yield served.url, served.log
    finally:
        served.stop()


@pytest.fixture(scope="session")
def live_server(live_server_and_log: tuple[str, Path]) -> str:
    return live_server_and_log[0]


@pytest.fixture(scope="session")
def live_server_log(live_server_and_log: tuple[str, Path]) -> Path:
    """The file the live server writes its log to (shared by every test of the session: read what you add)."""
    return live_server_and_log[1]
