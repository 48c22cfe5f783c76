"""Server-side staff sessions, kept in a Litestar store (memory in one process; Redis when
REDIS_URL is set, so several processes share them).

Litestar's own server-side session backend keeps whatever session id the client sends, even one it never issued,
so a login could not rotate it (session fixation). This thin layer mints a fresh 256-bit id at every login and
deletes the old one; everything else is the store's."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from litestar.stores.base import Store


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

    # A login between its two steps: the password was right, the code is still to come. Five minutes, then the
    # password is asked again; the full session exists only once both are done.

    PENDING_SECONDS = 300

    async def begin_second_step(self, user_id: int, version: int) -> str:
        token = secrets.token_urlsafe(32)
        payload = json.dumps({"uid": user_id, "ver": version})
        await self.store.set(f"staff-pending:{token}", payload, expires_in=self.PENDING_SECONDS)
        return token

    async def second_step(self, token: str | None) -> tuple[int, int] | None:
        """(user id, session version) of a login waiting for its code."""
        if not token or len(token) > 64:
            return None
        raw = await self.store.get(f"staff-pending:{token}")
        if raw is None:
            return None
        data = json.loads(raw)
        return data["uid"], data["ver"]

    async def end_second_step(self, token: str | None) -> None:
        if token:
            await self.store.delete(f"staff-pending:{token}")

    # The secret offered at enrolment, kept with the session until the person proves their app has it.

    async def offer_secret(self, session_id: str, secret: str) -> None:
        await self.store.set(f"staff-enrol:{session_id}", secret, expires_in=15 * 60)

    async def offered_secret(self, session_id: str) -> str | None:
        raw = await self.store.get(f"staff-enrol:{session_id}")
        return raw.decode() if isinstance(raw, bytes) else raw

    async def withdraw_secret(self, session_id: str) -> None:
        await self.store.delete(f"staff-enrol:{session_id}")
