"""Limits and watches what one client does (docs/bursts.md): how many new attempts it may start in an hour, and
bursts of finished attempts, from one client or in one commune, flagged for admins.

A client is known only by a keyed hash of its IP address, and only in the store (memory, or Redis), where every
key expires within the hour. No IP and no client key reaches the database or the logs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time

from litestar import Request

from ..db import bursts as db
from ..domain.attempt import Attempt
from ..domain.bursts import USUAL_RATE_DAYS, client_burst, commune_burst, hour_window
from .errors import TooManyAttempts
from .site import Site

log = logging.getLogger("kynangso.bursts")


def client_key(request: Request, secret: str) -> str:
    """The client's IP (the proxy's X-Forwarded-For once HTTPS=true), hashed with the secret key: counters can be
    kept per client without keeping its address."""
    host = request.client.host if request.client else "unknown"
    return hmac.new(secret.encode(), f"client|{host}".encode(), hashlib.sha256).hexdigest()[:32]


async def limit_new_attempt(request: Request, site: Site) -> None:
    """Counts one new self-mode attempt for this client in the current clock hour; refuses it (429, Retry-After:
    the end of the hour) past ATTEMPTS_PER_HOUR. Guided sessions do not come here: one tablet runs many."""
    hour, left = hour_window(time.time())
    key = f"attempts-started:{client_key(request, site.settings.secret_key)}:{hour}"
    started = int(await site.store.get(key) or 0)
    if started >= site.settings.attempts_per_client_hour:
        raise TooManyAttempts(retry_after=left)
    await site.store.set(key, str(started + 1), expires_in=left)


async def watch_finished(request: Request, site: Site, attempt: Attempt) -> None:
    """After a request finished `attempt` (self mode): flags it with its client's or its commune's burst."""
    if attempt.is_guided or attempt.finished_at is None:
        return  # a team member's sessions are theirs to answer for, and one tablet runs many
    now = dt.datetime.now(dt.UTC)
    await _watch_client(request, site, attempt, attempt.finished_at, now)
    if attempt.commune:
        await _watch_commune(site, attempt.commune, attempt.finished_at, now)


async def _watch_client(
    request: Request, site: Site, attempt: Attempt, day_start: dt.datetime, now: dt.datetime
) -> None:
    """Keeps the ids of the client's attempts finished this hour (in the store only); past BURST_CLIENT_PER_HOUR
    they all go into one flag, and later ones this hour join it. Two finishes at once may lose an id here, never
    raise two flags: the database finds the flag the others already carry."""
    hour, left = hour_window(time.time())
    key = f"attempts-finished:{client_key(request, site.settings.secret_key)}:{hour}"
    ids: list[int] = json.loads(await site.store.get(key) or "[]")
    if attempt.id not in ids:
        ids.append(attempt.id)
        await site.store.set(key, json.dumps(ids), expires_in=left)
    if client_burst(len(ids), site.settings.burst_client_per_hour):
        flag_id = await db.flag_client_burst(ids, day_start, now)
        log.info("burst flagged kind=client flag=%s finished_this_hour=%s", flag_id, len(ids))


async def _watch_commune(site: Site, commune: str, day_start: dt.datetime, now: dt.datetime) -> None:
    settings = site.settings
    today = await db.finished_self_attempts(commune, day_start, day_start + dt.timedelta(days=1))
    if today <= settings.burst_commune_minimum:
        return  # never a burst, whatever the usual rate: spare the 28-day count
    previous = await db.finished_self_attempts(commune, day_start - dt.timedelta(days=USUAL_RATE_DAYS), day_start)
    if commune_burst(today, previous, factor=settings.burst_commune_factor, minimum=settings.burst_commune_minimum):
        flag_id = await db.flag_commune_day(commune, day_start, now)
        if flag_id is not None:
            log.info("burst flagged kind=commune flag=%s commune=%s today=%s", flag_id, commune, today)
