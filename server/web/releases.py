"""Releases as the web app reads them, and the app's own publishing of due releases.

Releases never change once stored, so each process keeps those it has read; only the list of published months
is asked of the database on each request (one small query)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Iterable

from ..db import releases as db
from ..domain.release import Release

log = logging.getLogger("kynangso.release")
CHECK_EVERY_SECONDS = 3600


class ReleaseShelf:
    def __init__(self) -> None:
        self._loaded: dict[str, Release] = {}

    async def periods(self) -> list[str]:
        """Released months, newest first."""
        return await db.published_periods()

    async def get(self, periods: Iterable[str]) -> dict[str, Release]:
        wanted = set(periods)
        for period in wanted - self._loaded.keys():
            release = await db.load(period)
            if release is not None:
                self._loaded[period] = release
        return {p: self._loaded[p] for p in wanted if p in self._loaded}


async def keep_up(upkeep, stop: asyncio.Event) -> None:  # type: ignore[no-untyped-def]
    """Runs the app's upkeep (publishing.upkeep: partitions, due releases, old answers) at start-up and then every
    hour, until `stop` is set. Several processes may run this: the lease in the database lets exactly one compute
    each month, and creating or dropping a partition twice is harmless. The app stops it with the event (and a
    cancel for work under way), so a shutdown never waits for the hour to pass."""
    while not stop.is_set():
        try:
            await upkeep(dt.datetime.now(dt.UTC))
        except Exception:  # noqa: BLE001 - a failed round is logged and tried again in an hour
            log.exception("the hourly upkeep failed")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CHECK_EVERY_SECONDS):
                await stop.wait()
