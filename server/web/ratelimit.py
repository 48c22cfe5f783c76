"""The per-address request limit: a sliding-window counter from the `limits` library.

Litestar's own RateLimitMiddleware keeps, per address, the list of every request's time in the window and reads,
decodes, extends and writes that list back on each request. Its cost and memory grow with the limit (600 a minute
here, because a commune hall's phones share one address), and the read-modify-write lets concurrent requests slip
past. A window counter is two integers per address, incremented atomically (in this process, or in Redis when
several processes share the limit), so every request costs the same whatever the limit and none slips past."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from .counters import Counters

__all__ = ["RequestLimit", "RequestLimitMiddleware"]


class RequestLimit:
    """`per_minute` requests per address in any minute (approximately: the previous minute's count is weighted by
    how much of it still overlaps the sliding window)."""

    def __init__(self, per_minute: int, counters: Counters) -> None:
        self._item = RateLimitItemPerMinute(per_minute)
        self._counters = counters
        self._limiter: SlidingWindowCounterRateLimiter | None = None

    def _opened(self) -> SlidingWindowCounterRateLimiter:
        # The counters' storage exists once the app's lifespan has opened it, anew at each start.
        if self._limiter is None or self._limiter.storage is not self._counters.storage:
            self._limiter = SlidingWindowCounterRateLimiter(self._counters.storage)
        return self._limiter

    async def take(self, address: str) -> int | None:
        """Counts one request; None when it is allowed, else the seconds to wait before the next one."""
        limiter = self._opened()
        if await limiter.hit(self._item, address):
            return None
        reset_at, _ = await limiter.get_window_stats(self._item, address)
        return max(1, math.ceil(reset_at - time.time()))


class RequestLimitMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    # Static files are content-hashed and cached; the health check is for the process manager.
    exclude_path_pattern = ("^/static/", "^/healthz$")

    def __init__(self, limit: RequestLimit) -> None:
        self.limit = limit

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        wait = await self.limit.take(_address(scope))
        if wait is not None:
            # The app's error handler turns this into the "too many requests" page in the person's language.
            raise TooManyRequestsException(headers={"Retry-After": str(wait)})
        await next_app(scope, receive, send)


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"
