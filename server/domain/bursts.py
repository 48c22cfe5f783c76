"""Bursts of finished attempts that may be fake (one client far above a person's pace, or a commune far above its
usual rate): the rules that raise a flag for admins, and what an admin may still do with a flag (docs/bursts.md)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

USUAL_RATE_DAYS = 28  # a commune's usual daily rate is its mean over this many days before today


class FlagReleased(Exception):
    """The flag's month is already published, so the flag can no longer be changed."""


class FlagKind(StrEnum):
    CLIENT = "client"  # one client (a keyed hash of its IP, in memory only) finished many attempts in one hour
    COMMUNE = "commune"  # one commune's day far above its usual daily rate


class FlagStatus(StrEnum):
    INCLUDED = "included"
    EXCLUDED = "excluded"  # the next release leaves its attempts out
    RELEASED = "released"  # its month is published: the flag can no longer change


@dataclass(frozen=True, slots=True)
class BurstFlag:
    id: int
    kind: FlagKind
    commune: str | None
    day: str  # Vietnam-time day the burst began, "2026-12-01"
    attempts: int
    excluded: bool

    @property
    def month(self) -> str:
        """The release period the flag belongs to, "2026-12"."""
        return self.day[:7]

    def status(self, released_months: Collection[str]) -> FlagStatus:
        if self.month in released_months:
            return FlagStatus.RELEASED
        return FlagStatus.EXCLUDED if self.excluded else FlagStatus.INCLUDED


def client_burst(finished_this_hour: int, per_hour: int) -> bool:
    """More finished attempts from one client in one hour than `per_hour` (BURST_CLIENT_PER_HOUR): few people
    finish a check every three minutes, so many more from one connection is a script or a shared device."""
    return finished_this_hour > per_hour


def commune_burst(today: int, previous: int, *, factor: int, minimum: int) -> bool:
    """A commune's finished attempts today (`today`, this one included) above both `minimum` and `factor` times its
    usual daily rate: the mean of the `previous` attempts over the USUAL_RATE_DAYS days before today. The minimum
    keeps a quiet commune's first busy day (a meeting at the commune hall) from being flagged."""
    usual = previous / USUAL_RATE_DAYS
    return today > max(minimum, factor * usual)


def hour_window(epoch_seconds: float) -> tuple[int, int]:
    """The fixed clock hour a moment falls in, and the seconds left until it ends (at least 1)."""
    hour = int(epoch_seconds // 3600)
    return hour, max(1, (hour + 1) * 3600 - int(epoch_seconds))
