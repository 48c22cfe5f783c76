"""The per-address request limit: what a person sees past it, and that it holds under concurrency and across
processes (a window counter incremented atomically, not a list read and written back)."""

from __future__ import annotations

import dataclasses
import re
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.web.counters import Counters
from server.web.ratelimit import RequestLimit

from ..conftest import run_async


def forget_counts(redis_url: str | None) -> None:
    """Each test starts with no request counted (in Redis the counts outlive an app)."""
    if not redis_url:
        return
    import redis.asyncio

    async def forget() -> None:
        client = redis.asyncio.from_url(redis_url)
        async for key in client.scan_iter(match="kynangso:counters:{LIMITER/*"):
            await client.delete(key)
        await client.aclose()

    run_async(forget())


@pytest.fixture
def limited(settings, bank):  # type: ignore[no-untyped-def]
    """The app with a limit of 8 requests a minute per address (every test client has one address)."""
    forget_counts(settings.redis_url)
    app = create_app(dataclasses.replace(settings, anonymous_rate_per_minute=8), bank=bank)
    with TestClient(app=app, base_url="http://testserver.local") as client:
        yield client


def test_past_the_limit_a_person_is_asked_to_wait_in_their_language_and_static_files_still_load(limited):
    statuses = [limited.get("/").status_code for _ in range(8)]
    assert statuses == [200] * 8
    refused = limited.get("/")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Quá nhiều yêu cầu trong thời gian ngắn. Vui lòng chờ một phút rồi thử lại." in refused.text
    limited.cookies.set("lang", "en")
    assert "Too many requests in a short time." in limited.get("/").text
    css = re.search(r'href="(/static/[^"]+\.css)"', refused.text).group(1)
    assert limited.get(css).status_code == 200  # hashed static files are never limited
    assert limited.get("/healthz").status_code == 200


def test_requests_sent_at_once_never_get_past_the_limit(limited):
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: limited.get("/").status_code, range(40)))
    assert statuses.count(200) == 8
    assert statuses.count(429) == 32


def test_processes_sharing_redis_share_one_limit(redis_url):
    """Two app processes behind one proxy count an address's requests together."""
    if not redis_url:
        pytest.skip("the shared limit needs Redis (the PostgreSQL pass of CI has one)")
    address = f"203.0.113.{secrets.randbelow(200) + 1}-{secrets.token_hex(4)}"

    async def take_alternately() -> list[int | None]:
        counters = Counters(redis_url), Counters(redis_url)
        for c in counters:
            await c.open()
        first, second = (RequestLimit(5, c) for c in counters)
        try:
            return [await (first if n % 2 else second).take(address) for n in range(8)]
        finally:
            for c in counters:
                await c.close()

    waits = run_async(take_alternately())
    assert waits[:5] == [None] * 5
    assert all(isinstance(w, int) and 1 <= w <= 60 for w in waits[5:])
