"""Months as numbers (202612 for December 2026, Vietnam time): the key every row of an attempt is filed under.

An attempt's month is the month it started in and never changes (its times are coarsened when it finishes, its
month is not). On PostgreSQL the attempt tables are partitioned by it (db/partitions.py), so a month's rows live
in tables of their own: a lookup that knows the month touches one, and a month's raw answers go with one DROP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .team import VIETNAM


def month_of(moment: dt.datetime) -> int:
    local = moment.astimezone(VIETNAM)
    return local.year * 100 + local.month


def shift(month: int, count: int) -> int:
    """The month `count` months after (or, negative, before) `month`."""
    index = (month // 100) * 12 + (month % 100 - 1) + count
    return (index // 12) * 100 + index % 12 + 1


def period(month: int) -> str:
    """202612 -> "2026-12", the name of the month's release."""
    return f"{month // 100:04d}-{month % 100:02d}"


def is_month(month: int) -> bool:
    return 200001 <= month <= 299912 and 1 <= month % 100 <= 12


def answers_to_drop(held: Iterable[int], now: dt.datetime, keep_months: int, published: Iterable[str]) -> list[int]:
    """Months whose raw answers nothing needs any more, oldest first: at least `keep_months` before the current
    month, and both their release and the next month's published (an attempt that starts on the 31st may finish on
    the 1st, and the next month's item statistics read its answers). Topic results and attempts stay: the results
    page and the result code show levels from them."""
    released = set(published)
    newest_droppable = shift(month_of(now), -keep_months)
    return sorted(
        m for m in set(held) if m <= newest_droppable and period(m) in released and period(shift(m, 1)) in released
    )


def tagged(month: int, token: str) -> str:
    """An attempt's public id: its month, a dot (never in a URL-safe token), the random token."""
    return f"{month}.{token}"


def month_tag(public_id: str) -> int | None:
    """The month a public id starts with; None for an id without one (handed out before ids carried it)."""
    head, dot, _ = public_id.partition(".")
    if not dot or len(head) != 6 or not head.isdigit() or not is_month(int(head)):
        return None
    return int(head)
