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
        password_expires_at=row["password_expires_at"],
        has_second_factor=row["totp_secret"] is not None,
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
    username: str,
    password_hash: str,
    role: Role,
    area: str | None,
    *,
    now: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> StaffUser:
    """`expires_at`: the password is an admin-set one-time password with this deadline (must be changed)."""
    row = T(
        username=username,
        password_hash=password_hash,
        role=role.value,
        area=area,
        must_change_password=expires_at is not None,
        password_expires_at=expires_at,
        disabled=False,
        session_version=1,
        created_at=now,
    )
    await row.save()
    user = await by_id(row.id)
    assert user is not None
    return user


async def set_password(
    user_id: int, password_hash: str, *, end_sessions: bool, expires_at: dt.datetime | None = None
) -> None:
    """The person's own password, or (with `expires_at`) an admin-set one-time password."""
    values = {
        T.password_hash: password_hash,
        T.must_change_password: expires_at is not None,
        T.password_expires_at: expires_at,
    }
    if end_sessions:
        values[T.session_version] = T.session_version + 1
    await T.update(values).where(T.id == user_id)


async def rehash(user_id: int, password_hash: str) -> None:
    await T.update({T.password_hash: password_hash}).where(T.id == user_id)


async def spend_one_time_password(user_id: int, now: dt.datetime) -> bool:
    """Uses up an admin-set password at the login it opens; False when it had expired or was used already (two
    logins racing with it: only one gets through)."""
    rows = await (
        T.update({T.password_expires_at: now})
        .where((T.id == user_id) & (T.must_change_password == True) & (T.password_expires_at > now))  # noqa: E712
        .returning(T.id)
    )
    return bool(rows)


async def set_disabled(user_id: int, disabled: bool) -> None:
    await T.update({T.disabled: disabled, T.session_version: T.session_version + 1}).where(T.id == user_id)


async def end_sessions(user_id: int) -> None:
    await T.update({T.session_version: T.session_version + 1}).where(T.id == user_id)


async def second_factor(user_id: int) -> tuple[str, int | None] | None:
    """The TOTP secret and the last step accepted, or None when none is enrolled."""
    row = await T.select(T.totp_secret, T.totp_last_step).where(T.id == user_id).first()
    return (row["totp_secret"], row["totp_last_step"]) if row and row["totp_secret"] else None


async def accept_step(user_id: int, step: int) -> bool:
    """Records `step` as used, unless a later or equal one was: a code replayed at the same moment fails."""
    rows = await (
        T.update({T.totp_last_step: step})
        .where((T.id == user_id) & ((T.totp_last_step.is_null()) | (T.totp_last_step < step)))
        .returning(T.id)
    )
    return bool(rows)


async def enrol(user_id: int, secret: str, step: int, recovery_hashes: list[str]) -> None:
    async with T._meta.db.transaction():
        await T.update({T.totp_secret: secret, T.totp_last_step: step}).where(T.id == user_id)
        await replace_recovery_codes(user_id, recovery_hashes)


async def replace_recovery_codes(user_id: int, hashes: list[str]) -> None:
    R = tables.RecoveryCode
    await R.delete().where(R.user == user_id)
    if hashes:
        await R.insert(*(R(user=user_id, code_hash=h, used=False) for h in hashes))


async def unused_recovery_codes(user_id: int) -> list[tuple[int, str]]:
    R = tables.RecoveryCode
    rows = await R.select(R.id, R.code_hash).where((R.user == user_id) & (R.used == False))  # noqa: E712
    return [(r["id"], r["code_hash"]) for r in rows]


async def use_recovery_code(code_id: int) -> bool:
    R = tables.RecoveryCode
    rows = await R.update({R.used: True}).where((R.id == code_id) & (R.used == False)).returning(R.id)  # noqa: E712
    return bool(rows)


async def remove_second_factor(user_id: int) -> None:
    """An admin's answer to a lost phone without recovery codes: the person enrols again at their next login."""
    async with T._meta.db.transaction():
        await T.update({T.totp_secret: None, T.totp_last_step: None, T.session_version: T.session_version + 1}).where(
            T.id == user_id
        )
        await replace_recovery_codes(user_id, [])
