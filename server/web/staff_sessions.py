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
