"""API tokens: only their SHA-256 is stored; the token itself is shown once, when an admin creates it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from ..domain.staff import StaffUser
from . import staff as staff_db
from . import tables

T = tables.ApiToken


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(user_id: int, token: str, label: str, now: dt.datetime) -> None:
    await T.insert(T(user=user_id, token_hash=digest(token), label=label, created_at=now, revoked=False))


@dataclass(frozen=True, slots=True)
class Holder:
    """Whom a token was created for, and whether an admin has revoked it since."""

    user: StaffUser
    revoked: bool


async def holder(token: str) -> Holder | None:
    """None for a token that was never created (revoked ones are kept, so a refusal can say which it was)."""
    row = await T.select(T.user, T.revoked).where(T.token_hash == digest(token)).first()
    user = await staff_db.by_id(row["user"]) if row else None
    return Holder(user, row["revoked"]) if row and user else None


async def revoke_all(user_id: int) -> None:
    await T.update({T.revoked: True}).where(T.user == user_id)
