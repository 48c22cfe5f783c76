"""Months as numbers, the month in an attempt's public id, and which months' raw answers may go."""

from __future__ import annotations

import datetime as dt

from server.domain import months


def test_a_month_is_vietnams_and_shifts_across_years():
    assert months.month_of(dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)) == 202612  # 00:00 on 1 December there
    assert months.month_of(dt.datetime(2026, 11, 30, 16, 59, tzinfo=dt.UTC)) == 202611
    assert months.shift(202612, 1) == 202701
    assert months.shift(202701, -1) == 202612
    assert months.shift(202605, -17) == 202412
    assert months.period(202603) == "2026-03"


def test_a_public_id_carries_its_month_and_an_old_id_none():
    token = "Zx_9-abc"
    assert months.month_tag(months.tagged(202612, token)) == 202612
    for old in ("Zx_9-abcdefgh", "202613.abc", "20261.abc", "abcdef.x", ""):
        assert months.month_tag(old) is None, old


def test_answers_go_after_keep_months_once_their_release_and_the_next_are_out():
    now = dt.datetime(2027, 3, 10, tzinfo=dt.UTC)  # March 2027
    released = ["2026-11", "2026-12", "2027-01"]
    held = [202611, 202612, 202701, 202702, 202703]
    assert months.answers_to_drop(held, now, 2, released) == [202611, 202612]  # 202701: February not released
    assert months.answers_to_drop(held, now, 3, released) == [202611, 202612]
    assert months.answers_to_drop(held, now, 4, released) == [202611]
    assert months.answers_to_drop(held, now, 2, ["2026-11"]) == []  # December's release missing
