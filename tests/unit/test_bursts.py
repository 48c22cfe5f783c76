"""The burst rules (docs/bursts.md): when a commune's day or a client's hour raises a flag, and what an admin may
still do with a flag."""

from __future__ import annotations

import pytest

from server.domain.bursts import BurstFlag, FlagKind, FlagStatus, client_burst, commune_burst, hour_window

# (finished today, finished in the 28 days before, factor, minimum) -> a burst?
COMMUNE_CASES = [
    (30, 0, 5, 30, False),  # at the minimum is not above it
    (31, 0, 5, 30, True),  # a commune with no history: the minimum alone decides
    (31, 28 * 10, 5, 30, False),  # usual 10 a day: the threshold is 50
    (50, 28 * 10, 5, 30, False),
    (51, 28 * 10, 5, 30, True),
    (4, 0, 2, 3, True),
    (3, 0, 2, 3, False),
]


@pytest.mark.parametrize(("today", "previous", "factor", "minimum", "burst"), COMMUNE_CASES)
def test_a_communes_day_is_a_burst_only_above_both_the_minimum_and_factor_times_its_usual_rate(
    today, previous, factor, minimum, burst
):
    assert commune_burst(today, previous, factor=factor, minimum=minimum) is burst


def test_a_usual_rate_is_the_mean_over_28_days():
    assert commune_burst(60, 28 * 6, factor=5, minimum=30) is True  # usual 6: threshold 30
    assert commune_burst(60, 28 * 12, factor=5, minimum=30) is False  # usual 12: threshold 60


@pytest.mark.parametrize(("finished", "burst"), [(19, False), (20, False), (21, True)])
def test_a_client_raises_a_flag_past_its_hourly_limit(finished, burst):
    assert client_burst(finished, 20) is burst


@pytest.mark.parametrize(
    ("excluded", "released", "status"),
    [
        (False, set(), FlagStatus.INCLUDED),
        (True, {"2026-11"}, FlagStatus.EXCLUDED),
        (True, {"2026-12"}, FlagStatus.RELEASED),
        (False, {"2026-12"}, FlagStatus.RELEASED),
    ],
)
def test_a_flag_can_change_until_its_month_is_released(excluded, released, status):
    flag = BurstFlag(id=1, kind=FlagKind.CLIENT, commune=None, day="2026-12-01", attempts=21, excluded=excluded)
    assert flag.status(released) is status


def test_an_hour_window_ends_on_the_clock_hour():
    assert hour_window(7200.0) == (2, 3600)
    assert hour_window(10799.5) == (2, 1)
