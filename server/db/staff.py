"""Query functions for staff accounts."""

from __future__ import annotations

import datetime as dt

from ..domain.staff import Role, StaffUser
from . import tables

T = tables.StaffUser


def _user(row: dict) -> StaffUser:
    return StaffUser(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        area=row["area"],
        must_change_password=row["must_change_password"],
        disabled=row["disabled"],
        session_version=row["session_version"],
    )


async def by_username(username: str) -> tuple[StaffUser, str] | None:
    """The user and their password hash."""
    row = await T.select().where(T.username == username).first()
    return (_user(row), row["password_hash"]) if row else None


async def by_id(user_id: int) -> StaffUser | None:
    row = await T.select().where(T.id == user_id).first()
    return _user(row) if row else None


async def all_users() -> list[StaffUser]:
    return [_user(r) for r in await T.select().order_by(T.role).order_by(T.username)]


async def username_taken(username: str) -> bool:
    return await T.exists().where(T.username == username)


async def create(
    username: str, password_hash: str, role: Role, area: str | None, *, must_change: bool, now: dt.datetime
) -> StaffUser:
    row = T(
        username=username,
        password_hash=password_hash,
        role=role.value,
        area=area,
        must_change_password=must_change,
        disabled=False,
        session_version=1,
        created_at=now,
    )
    await row.save()
    user = await by_id(row.id)
    assert user is not None
    return user


async def set_password(user_id: int, password_hash: str, *, must_change: bool, end_sessions: bool) -> None:
    values = {T.password_hash: password_hash, T.must_change_password: must_change}
    if end_sessions:
        values[T.session_version] = T.session_version + 1
    await T.update(values).where(T.id == user_id)


async def set_disabled(user_id: int, disabled: bool) -> None:
    await T.update({T.disabled: disabled, T.session_version: T.session_version + 1}).where(T.id == user_id)


async def end_sessions(user_id: int) -> None:
    await T.update({T.session_version: T.session_version + 1}).where(T.id == user_id)
