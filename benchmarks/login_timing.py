"""Login timing: an unknown user must cost the same as a known one (no timing oracle for usernames).

Runs the real app (production argon2id parameters: 19 MiB, 2 iterations, 1 lane) on a throwaway SQLite database
and times three kinds of failed or successful login through HTTP. Prints medians and spreads; asserts nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import statistics
import tempfile
import time
from pathlib import Path

from litestar.testing import TestClient

from server.app import create_app
from server.db import staff as staff_db
from server.db.engine import bind, engine_for, migrate
from server.domain.staff import Role
from server.hashing import Hasher
from server.settings import Settings

ROUNDS = 30
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        # Throttling would turn repeated failures into instant 429s: give each round its own IP bucket budget by
        # raising the anonymous limit and resetting the store between kinds.
        settings = Settings(database_url=url, secret_key="b" * 40, environment="test", anonymous_rate_per_minute=10**6)
        hasher = Hasher.from_settings(settings)

        async def prepare() -> None:
            engine = engine_for(url)
            await migrate(engine)
            bind(engine)
            await staff_db.create(
                "bench.user",
                hasher.hash("the right passphrase"),
                Role.TEAM,
                "13669",
                now=dt.datetime.now(dt.UTC),
            )

        asyncio.run(prepare())
        kinds = {
            "unknown user": ("nobody.at.all", "some wrong passphrase"),
            "known user, wrong password": ("bench.user", "some wrong passphrase"),
            "known user, right password": ("bench.user", "the right passphrase"),
        }
        print(
            f"login timing over {ROUNDS} rounds each (argon2id m={settings.argon2_memory_kib} KiB, "
            f"t={settings.argon2_time_cost}, p={settings.argon2_parallelism})"
        )
        for kind, (username, password) in kinds.items():
            timings = []
            for _ in range(ROUNDS):
                app = create_app(settings, hasher=hasher)  # a fresh throttle store each time
                with TestClient(app=app) as client:
                    token = CSRF.search(client.get("/login").text).group(1)
                    data = {"_csrf_token": token, "username": username, "password": password}
                    start = time.perf_counter()
                    response = client.post("/login", data=data, follow_redirects=False)
                    timings.append((time.perf_counter() - start) * 1000)
                    assert response.status_code in (303, 400), response.status_code
            print(
                f"  {kind:28} median {statistics.median(timings):6.1f} ms   "
                f"p10 {sorted(timings)[ROUNDS // 10]:6.1f}   p90 {sorted(timings)[ROUNDS * 9 // 10]:6.1f}"
            )


if __name__ == "__main__":
    main()
