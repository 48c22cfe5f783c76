"""Dashboard speed at province scale: N synthetic attempts (default 1,000,000), their monthly releases, then the
province dashboard for the latest month, a quarter and a year, timed through the real app. Prints numbers;
asserts nothing.

    python -m benchmarks.dashboard [--attempts N] [--database-url URL]

Without --database-url it uses a throwaway SQLite file. With a postgresql:// URL to a server, it creates a
throwaway database there and drops it afterwards. benchmarks/releases.py reuses the pieces here (the throwaway
database, the demo data, the timing) and measures the releases themselves in between."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from litestar.testing import TestClient

from server.app import create_app, load_content
from server.db import releases as releases_db
from server.db import staff as staff_db
from server.db.engine import bind, engine_for, start, stop
from server.demo import write
from server.domain.areas import Province, load_province
from server.domain.content import Bank
from server.domain.dashboard import Period, periods_offered
from server.domain.staff import Role
from server.hashing import Hasher
from server.publishing import publish_due
from server.settings import Settings

ROUNDS = 10
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
T = TypeVar("T")


def bench_settings(url: str, epsilon: float | None = None) -> Settings:
    """The app's settings for a benchmark: no background publishing (the benchmark publishes, and times it)."""
    extra = {} if epsilon is None else {"release_epsilon": epsilon}
    return Settings(
        database_url=url,
        secret_key="b" * 40,
        environment="test",
        anonymous_rate_per_minute=10**6,
        auto_release=False,
        second_factor_officials=False,  # the dashboard is timed, not the login (benchmarks.login_timing)
        **extra,  # type: ignore[arg-type]
    )


@contextmanager
def throwaway_postgres(server_url: str, prefix: str) -> Iterator[str]:
    """A new database on the PostgreSQL server of `server_url`, named `prefix` and a random suffix, dropped when the
    block ends."""
    import asyncpg

    server_url = server_url.replace("postgres://", "postgresql://", 1)
    name = f"{prefix}_{secrets.token_hex(3)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn=server_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server_url.rpartition('/')[0]}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def throwaway_database(database_url: str | None) -> Iterator[str]:
    """A database URL that lives as long as the block: a new database on a PostgreSQL server (dropped afterwards)
    for a postgresql:// URL, the given SQLite URL, or a SQLite file in a temporary folder."""
    if database_url and database_url.startswith(("postgresql://", "postgres://")):
        with throwaway_postgres(database_url, "kns_bench") as url:
            print(f"PostgreSQL (throwaway database {url.rpartition('/')[2]})")
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            print(f"SQLite ({url})")
            yield url


async def with_engine(url: str, work: Callable[[], Awaitable[T]]) -> T:
    """Runs `work` with the app's engine for `url` bound and started, as the CLI does."""
    engine = engine_for(url)
    bind(engine)
    await start(engine)
    try:
        return await work()
    finally:
        await stop(engine)


def write_demo(url: str, bank: Bank, province: Province, attempts: int, seed: int = 1) -> float:
    """The real demo-data writer; returns the seconds it took."""
    started = time.perf_counter()
    asyncio.run(write(url, bank, province, attempts, seed=seed))
    seconds = time.perf_counter() - started
    print(f"demo-data: {attempts:,} attempts written in {seconds:.1f} s", flush=True)
    return seconds


def timed(client: TestClient, path: str, params: dict[str, str], headers: dict[str, str] | None = None) -> list[float]:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(path, params=params, headers=headers or {})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def report(label: str, first: float, timings: list[float]) -> None:
    ordered = sorted(timings)
    print(
        f"  {label:52} first {first:7.1f} ms   median {statistics.median(ordered):7.1f} ms   "
        f"p90 {ordered[int(len(ordered) * 0.9) - 1]:7.1f} ms"
    )


def _first(client: TestClient, params: dict[str, str], headers: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get("/dashboard", params=params, headers=headers or {})
    assert response.status_code == 200, response.status_code
    assert response.url.path == "/dashboard", response.url  # not sent to the login page
    return (time.perf_counter() - started) * 1000


def chosen_periods(released: list[str]) -> dict[str, Period]:
    """What is timed: the latest month (the default view), the latest complete quarter (else the latest), and the
    year with the most released months."""
    offered = periods_offered(released)
    quarters = [p for p in offered if p.kind == "quarter"]
    years = [p for p in offered if p.kind == "year"]
    return {
        "month": next(p for p in offered if p.kind == "month"),
        "quarter": next((p for p in quarters if p.complete), quarters[0]),
        "year": max(years, key=lambda p: (len(p.months), p.start)),
    }


def time_dashboard(settings: Settings, bank: Bank, province: Province) -> None:
    """The province dashboard (and one commune's year) through the real app, for released months."""
    hasher = Hasher.from_settings(settings)

    username = f"bench.official.{secrets.token_hex(3)}"

    async def official() -> list[str]:
        await staff_db.create(
            username,
            hasher.hash("bench passphrase"),
            Role.OFFICIAL,
            None,
            now=dt.datetime.now(dt.UTC),
        )
        return await releases_db.published_periods()

    released = asyncio.run(with_engine(settings.database_url, official))
    if not released:
        print("province dashboard: no release published, nothing to time")
        return
    periods = chosen_periods(released)
    app = create_app(settings, bank=bank, hasher=hasher)
    with TestClient(app=app) as client:
        for name in ("kynangso.request", "kynangso.auth", "httpx"):  # one log line per request drowns the figures
            logging.getLogger(name).setLevel(logging.WARNING)
        token = CSRF.search(client.get("/login").text).group(1)
        # Not following the redirect to the dashboard, so that the first timed request is the first to read releases.
        response = client.post(
            "/login",
            data={"_csrf_token": token, "username": username, "password": "bench passphrase"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.status_code
        print(f"province dashboard ({ROUNDS} requests each, after the first; releases are cached after first read):")
        for kind in ("month", "quarter", "year"):
            period = periods[kind]
            # The latest month is the default view: the page with no period chosen.
            params = {} if kind == "month" else {"period": period.key}
            label = f"{kind} {period.key} ({len(period.months)} released month(s))"
            report(f"{label}, whole page", _first(client, params), timed(client, "/dashboard", params))
            htmx = {"HX-Request": "true"}
            report(f"{label}, htmx panels", _first(client, params, htmx), timed(client, "/dashboard", params, htmx))
        commune = province.communes[0].code
        params = {"period": periods["year"].key, "area": commune}
        report(f"year, one commune ({commune})", _first(client, params), timed(client, "/dashboard", params))


def run(url: str, attempts: int) -> None:
    settings = bench_settings(url)
    bank, province = load_content(settings), load_province(settings.map_file, settings.province)
    write_demo(url, bank, province, attempts)
    started = time.perf_counter()
    done = asyncio.run(with_engine(url, lambda: publish_due(settings, bank, province, dt.datetime.now(dt.UTC))))
    print(f"releases: {len(done)} month(s) published in {time.perf_counter() - started:.1f} s")
    time_dashboard(settings, bank, province)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with throwaway_database(args.database_url) as url:
        run(url, args.attempts)


if __name__ == "__main__":
    main()
