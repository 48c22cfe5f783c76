"""Counters that expire, incremented atomically: in this process, or in Redis when several processes share them.

The `limits` library's storages do exactly this (an increment that sets the expiry when it creates the key, one
Lua script in Redis), so the request limit and the login throttle both count here. A read followed by a write, as
Litestar's stores offer, lets concurrent requests all read the same count and all pass."""

from __future__ import annotations

import math
import time

import redis.asyncio
from limits.aio.storage import MemoryStorage, RedisStorage, Storage


class Counters:
    def __init__(self, redis_url: str | None = None) -> None:
        self._redis_url = redis_url
        self._pool: redis.asyncio.ConnectionPool | None = None
        self._storage: Storage | None = None

    async def open(self) -> None:
        """On the app's event loop (its lifespan): the storage's connections and timers belong to that loop."""
        if self._redis_url:
            self._pool = redis.asyncio.ConnectionPool.from_url(self._redis_url)
            self._storage = RedisStorage(
                "async+" + self._redis_url,
                implementation="redispy",
                key_prefix="kynangso:counters",
                connection_pool=self._pool,
            )
        else:
            self._storage = MemoryStorage()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()
        self._pool = self._storage = None

    @property
    def storage(self) -> Storage:
        assert self._storage is not None, "open() runs in the app's lifespan"
        return self._storage

    async def add(self, key: str, expires_in: int, amount: int = 1) -> int:
        """Adds `amount` and returns the new count; a key that did not exist starts at 0 and expires in
        `expires_in` seconds (later additions do not move its expiry)."""
        return await self.storage.incr(key, expires_in, amount)

    async def seconds_left(self, key: str) -> int:
        return max(1, math.ceil(await self.storage.get_expiry(key) - time.time()))

    async def clear(self, key: str) -> None:
        await self.storage.clear(key)
