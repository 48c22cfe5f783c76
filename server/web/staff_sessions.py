"""Server-side staff sessions and login throttling, kept in a Litestar store (memory in one process; Redis when
REDIS_URL is set, so several processes share them).

Litestar's own server-side session backend keeps whatever session id the client sends, even one it never issued,
so a login could not rotate it (session fixation). This thin layer mints a fresh 256-bit id at every login and
deletes the old one; everything else is the store's."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from litestar.stores.base import Store

from ..domain.staff import Failures, wait_seconds


@dataclass(frozen=True, slots=True)
class StaffSession:
    id: str
    user_id: int
    version: int
    created: float  # epoch seconds


class StaffSessions:
    def __init__(self, store: Store, *, idle_seconds: int, absolute_seconds: int) -> None:
        self.store = store
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    @staticmethod
    def _key(session_id: str) -> str:
        return f"staff-session:{session_id}"

    async def create(self, user_id: int, version: int, *, replacing: str | None = None) -> StaffSession:
        if replacing:
            await self.store.delete(self._key(replacing))
        session = StaffSession(secrets.token_urlsafe(32), user_id, version, time.time())
        payload = json.dumps({"uid": user_id, "ver": version, "created": session.created})
        await self.store.set(self._key(session.id), payload, expires_in=self.idle_seconds)
        return session

    async def load(self, session_id: str | None) -> StaffSession | None:
        """The live session behind a cookie, renewing its idle timeout; None when unknown, idle or too old."""
        if not session_id or len(session_id) > 64:
            return None
        raw = await self.store.get(self._key(session_id), renew_for=self.idle_seconds)
        if raw is None:
            return None
        data = json.loads(raw)
        if time.time() - data["created"] > self.absolute_seconds:
            await self.store.delete(self._key(session_id))
            return None
        return StaffSession(session_id, data["uid"], data["ver"], data["created"])

    async def end(self, session_id: str | None) -> None:
        if session_id:
            await self.store.delete(self._key(session_id))


class LoginThrottle:
    """Counts failed logins per bucket: the account (for clients without a device cookie), one device cookie, one IP.

    A device cookie (OWASP "Slow down online guessing attacks with device cookies") is given at a successful login;
    with it a person's attempts count in a bucket of their own, so an attacker hammering the account from elsewhere
    cannot lock them out."""

    IP_FREE_ATTEMPTS = 30  # many phones share one carrier IP: loose per IP, strict per account

    def __init__(self, store: Store, secret: str) -> None:
        self.store = store
        self.secret = secret.encode()

    def device_token(self, username: str) -> str:
        nonce = secrets.token_urlsafe(12)
        return f"{nonce}.{self._sign(username, nonce)}"

    def device_nonce(self, token: str | None, username: str) -> str | None:
        if not token or "." not in token or len(token) > 100:
            return None
        nonce, signature = token.split(".", 1)
        return nonce if hmac.compare_digest(signature, self._sign(username, nonce)) else None

    def _sign(self, username: str, nonce: str) -> str:
        return hmac.new(self.secret, f"{username}|{nonce}".encode(), hashlib.sha256).hexdigest()[:32]

    @staticmethod
    def buckets(username: str, ip: str, device_nonce: str | None) -> list[tuple[str, int]]:
        account = f"dev:{device_nonce}" if device_nonce else f"acct:{username}"
        return [(f"login-fail:{account}", 5), (f"login-fail:ip:{ip}", LoginThrottle.IP_FREE_ATTEMPTS)]

    async def wait(self, buckets: list[tuple[str, int]], now: dt.datetime) -> int:
        waits = [wait_seconds(await self._failures(key), now, free) for key, free in buckets]
        return max(waits)

    async def failed(self, buckets: list[tuple[str, int]], now: dt.datetime) -> None:
        for key, _ in buckets:
            previous = await self._failures(key)
            count = (previous.count if previous else 0) + 1
            record = json.dumps({"count": count, "last": now.timestamp()})
            await self.store.set(key, record, expires_in=15 * 60)

    async def succeeded(self, buckets: list[tuple[str, int]]) -> None:
        for key, _ in buckets[:1]:  # the IP bucket is shared with others: a success clears only the account's
            await self.store.delete(key)

    async def _failures(self, key: str) -> Failures | None:
        raw = await self.store.get(key)
        if raw is None:
            return None
        data = json.loads(raw)
        return Failures(data["count"], dt.datetime.fromtimestamp(data["last"], dt.UTC))
