"""API tokens: only their SHA-256 is stored; the token itself is shown once, when an admin creates it."""

from __future__ import annotations

import datetime as dt
import hashlib

from ..domain.staff import StaffUser
from . import staff as staff_db
from . import tables

T = tables.ApiToken


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(user_id: int, token: str, label: str, now: dt.datetime) -> None:
    await T.insert(T(user=user_id, token_hash=digest(token), label=label, created_at=now, revoked=False))


async def user_for(token: str) -> StaffUser | None:
    row = await T.select(T.user).where((T.token_hash == digest(token)) & (T.revoked == False)).first()  # noqa: E712
    return await staff_db.by_id(row["user"]) if row else None


async def revoke_all(user_id: int) -> None:
    await T.update({T.revoked: True}).where(T.user == user_id)
