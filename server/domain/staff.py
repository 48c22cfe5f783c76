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

    @property
    def home(self) -> str:
        return {Role.ADMIN: "/admin", Role.OFFICIAL: "/dashboard", Role.TEAM: "/team"}[self.role]


class InvalidUsername(Exception):
    pass


def normalize_username(typed: str) -> str:
    """Usernames compare case-insensitively and in one Unicode form; 3 to 40 letters, digits, . _ -"""
    name = unicodedata.normalize("NFC", typed).strip().lower()
    if not 3 <= len(name) <= 40 or not all(c.isalnum() or c in "._-" for c in name):
        raise InvalidUsername(typed)
    return name


@dataclass(frozen=True, slots=True)
class Failures:
    count: int
    last: dt.datetime


# Consecutive failures allowed before waiting, and the longest wait. NIST SP 800-63B 5.2.2 asks for at most 100
# consecutive failures per account; OWASP asks that an attacker cannot lock a real user out for long, so the wait
# is capped at five minutes and a success resets it.
FREE_ATTEMPTS = 5
FIRST_WAIT_SECONDS = 15
LONGEST_WAIT_SECONDS = 300
FORGET_AFTER = dt.timedelta(minutes=15)


def wait_seconds(failures: Failures | None, now: dt.datetime, free: int = FREE_ATTEMPTS) -> int:
    """How long a client must wait before its next login attempt: 0 for the first five failures, then 15 s,
    doubling with each further failure up to five minutes, counted from the last failure. Failures older than
    fifteen minutes are forgotten."""
    if failures is None or now - failures.last > FORGET_AFTER or failures.count < free:
        return 0
    wait = min(FIRST_WAIT_SECONDS * 2 ** min(failures.count - free, 10), LONGEST_WAIT_SECONDS)
    remaining = wait - (now - failures.last).total_seconds()
    return max(0, int(remaining + 0.999))
