"""Staff: roles, what each role may see, and the login back-off schedule."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # manages staff accounts
    OFFICIAL = "official"  # sees aggregates for the province or one commune
    TEAM = "team"  # a community digital technology team member, attached to a commune


@dataclass(frozen=True, slots=True)
class StaffUser:
    id: int
    username: str
    role: Role
    area: str | None  # a commune code; None for the whole province (officials and admins)
    must_change_password: bool
    disabled: bool
    session_version: int  # bumped to end every session of the user at once
    password_expires_at: dt.datetime | None = None  # an admin-set password's deadline (it also works only once)
    has_second_factor: bool = False

    def one_time_password_usable(self, now: dt.datetime) -> bool:
        """An admin-set password (must_change_password) opens the account once, before its deadline."""
        return not self.must_change_password or (
            self.password_expires_at is not None and now < self.password_expires_at
        )

    @property
    def home(self) -> str:
        return {Role.ADMIN: "/admin", Role.OFFICIAL: "/dashboard", Role.TEAM: "/team"}[self.role]


class InvalidUsername(Exception):
    pass


def normalize_username(typed: str) -> str:
    """Usernames compare case-insensitively in compatibility form (NFKC: "admin¹" and a full-width "ａｄｍｉｎ" are
    "admin1" and "admin"); 3 to 40 Latin letters (Vietnamese ones included), ASCII digits, . _ -. A letter of
    another script is refused: a Cyrillic "а" in "admin" looks the same and is another account."""
    name = unicodedata.normalize("NFKC", typed).strip().lower()
    if not 3 <= len(name) <= 40 or not all(_allowed(c) for c in name):
        raise InvalidUsername(typed)
    return name


def _allowed(c: str) -> bool:
    if c in "._-" or ("0" <= c <= "9"):
        return True
    return c.isalpha() and unicodedata.name(c, "").startswith("LATIN ")


# Characters read as one another on a small screen or in a hurried glance, after accents are dropped.
# Separators are dropped: "tran.van.an" and "tranvan_an" read as one name.
_LOOK_ALIKE = str.maketrans({"đ": "d", "0": "o", "1": "l", "i": "l", "ı": "l", ".": None, "_": None, "-": None})


def look_alike(username: str) -> str:
    """What a username looks like to someone reading it: "trần.văn.an", "tran_van_an" and "tranvan.an" are one."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", username) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).translate(_LOOK_ALIKE)


def imitated(username: str, existing: list[str]) -> str | None:
    """The existing account `username` could pass for, if any."""
    shape = look_alike(username)
    return next((other for other in existing if other != username and look_alike(other) == shape), None)


# The login back-off (NIST SP 800-63B 5.2.2; OWASP: an attacker must not lock a real user out for long). Each
# bucket (an account, a device, an address) lets FREE_ATTEMPTS through at once; after that one attempt at a time
# passes a gate that then stays shut for 15 s, doubling with each attempt up to five minutes. A success resets the
# bucket; failures are forgotten an hour after the first, so an attacker gets about 20 guesses an hour per account
# and a person who mistyped five times waits 15 seconds.
FREE_ATTEMPTS = 5
FIRST_WAIT_SECONDS = 15
LONGEST_WAIT_SECONDS = 300
FORGET_AFTER_SECONDS = 3600


def gate_seconds(attempt: int, free: int = FREE_ATTEMPTS) -> int:
    """How long the gate stays shut after the `attempt`-th attempt of a bucket (counting from 1): not at all before
    the last free one, 15 s after it, then twice as long after each further attempt, at most five minutes."""
    if attempt < free:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** min(attempt - free, 10), LONGEST_WAIT_SECONDS)
