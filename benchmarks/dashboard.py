"""Dashboard speed at province scale: N synthetic attempts (default 1,000,000), then the province dashboard for a
month, a quarter and a year, timed through the real app. Prints numbers; asserts nothing.

    python -m benchmarks.dashboard [--attempts N] [--database-url URL]

Without --database-url it uses a throwaway SQLite file. With a postgresql:// URL to a server, it creates a
throwaway database there and drops it afterwards."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from litestar.testing import TestClient

from server.app import create_app, load_content
from server.db import staff as staff_db
from server.db.engine import bind, engine_for
from server.demo import write
from server.domain.areas import load_province
from server.domain.dashboard import periods_offered
from server.domain.staff import Role
from server.hashing import Hasher
from server.settings import Settings

ROUNDS = 10
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


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
        f"  {label:34} first {first:7.1f} ms   median {statistics.median(ordered):7.1f} ms   "
        f"p90 {ordered[int(len(ordered) * 0.9) - 1]:7.1f} ms"
    )


def run(url: str, attempts: int) -> None:
    settings = Settings(database_url=url, secret_key="b" * 40, environment="test", anonymous_rate_per_minute=10**6)
    bank, province = load_content(settings), load_province(settings.communes_file)
    started = time.perf_counter()
    asyncio.run(write(url, bank, province, attempts, seed=1))
    print(f"demo-data: {attempts:,} attempts written in {time.perf_counter() - started:.1f} s")
    hasher = Hasher.from_settings(settings)

    async def official() -> None:
        engine = engine_for(url)
        bind(engine)
        from server.db.engine import start, stop

        await start(engine)
        await staff_db.create(
            "bench.official",
            hasher.hash("bench passphrase"),
            Role.OFFICIAL,
            None,
            must_change=False,
            now=dt.datetime.now(dt.UTC),
        )
        await stop(engine)

    asyncio.run(official())
    app = create_app(settings, bank=bank, hasher=hasher)
    with TestClient(app=app) as client:
        token = CSRF.search(client.get("/login").text).group(1)
        client.post("/login", data={"_csrf_token": token, "username": "bench.official", "password": "bench passphrase"})
        today = dt.date.today()
        kinds = {p.kind: p.key for p in reversed(periods_offered(today))}
        print(f"province dashboard ({ROUNDS} requests each, after the first):")
        for kind in ("month", "quarter", "year"):
            params = {"period": kinds[kind]}
            started = time.perf_counter()
            client.get("/dashboard", params=params)
            first = (time.perf_counter() - started) * 1000
            report(f"{kind} {kinds[kind]}, whole page", first, timed(client, "/dashboard", params))
            report(
                f"{kind} {kinds[kind]}, htmx panels", first, timed(client, "/dashboard", params, {"HX-Request": "true"})
            )
        commune = province.communes[0].code
        params = {"period": kinds["year"], "area": commune}
        started = time.perf_counter()
        client.get("/dashboard", params=params)
        report(
            f"year, one commune ({commune})",
            (time.perf_counter() - started) * 1000,
            timed(client, "/dashboard", params),
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url and args.database_url.startswith(("postgresql://", "postgres://")):
        import asyncpg

        name = f"kns_bench_{secrets.token_hex(3)}"

        async def admin(sql: str) -> None:
            conn = await asyncpg.connect(dsn=args.database_url)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        try:
            print(f"PostgreSQL ({name})")
            run(f"{args.database_url.rpartition('/')[0]}/{name}", args.attempts)
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            print(f"SQLite ({url})")
            run(url, args.attempts)


if __name__ == "__main__":
    main()
