"""The release builder: contribution bounds, consistent sums, projection, privacy loss, periods, and views that are
sums of released cells."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.attempt import AGE_BANDS
from server.domain.dashboard import NotReleased, Targets, UnknownFilter, build_view, find_period, periods_offered, tally
from server.domain.release import (
    ABOUT_ANSWERS,
    ABOUT_QUESTIONS,
    MODES,
    NO_COMMUNE,
    AttemptRecord,
    ReleaseRefused,
    Universe,
    age_group,
    build_release,
    check_due,
    due_periods,
    grains,
    project,
    true_counts,
)
from server.noise import DiscreteLaplace

COMMUNES = ("c1", "c2", "c3")
TOPICS = ("safety", "signatures", "services")
LEVELS = ("not_yet", "basic", "intermediate", "advanced")
UNIVERSE = Universe(communes=COMMUNES, topics=TOPICS, guides=(7, 8))
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


class NoNoise:
    """Returns the true counts: lets the tests see what post-processing alone does."""

    name = "none"
    library = "test"

    def epsilon(self, bound: int, scale: float) -> float:
        return bound / scale

    def noisy(self, counts, scale):  # type: ignore[no-untyped-def]
        return list(counts)


records = st.builds(
    AttemptRecord,
    commune=st.sampled_from((*COMMUNES, NO_COMMUNE, "retired-code")),
    age_band=st.sampled_from(AGE_BANDS),
    mode=st.sampled_from(MODES),
    levels=st.dictionaries(st.sampled_from((*TOPICS, "removed-topic")), st.sampled_from(LEVELS)),
    about=st.dictionaries(st.sampled_from(ABOUT_QUESTIONS), st.sampled_from(ABOUT_ANSWERS)),
    guide=st.sampled_from((None, 7, 8, 99)),
    day=st.just(dt.date(2026, 10, 5)),
)


def release_of(rs, mechanism=None, epsilon=1.0):  # type: ignore[no-untyped-def]
    return build_release(
        period="2026-10",
        records=rs,
        universe=UNIVERSE,
        mechanism=mechanism or DiscreteLaplace(),
        epsilon=epsilon,
        computed_at=NOW,
        threshold=10,
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(records, max_size=30), records)
def test_one_attempt_moves_each_table_by_at_most_its_bound(others, one):
    for grain in grains(len(TOPICS)):
        before = true_counts(grain, others, UNIVERSE)
        after = true_counts(grain, [*others, one], UNIVERSE)
        changes = [after[k] - before[k] for k in set(before) | set(after)]
        assert sum(abs(c) for c in changes) <= grain.bound, grain.name
        assert all(0 <= c <= 1 for c in changes), grain.name  # at most once in any one cell


def test_bounds_count_participation_once_topics_once_each_and_about_once_each():
    bounds = {g.name: g.bound for g in grains(len(TOPICS))}
    assert bounds["participation"] == bounds["participation_by_commune"] == 1
    assert bounds["levels"] == bounds["levels_by_commune"] == len(TOPICS)
    assert bounds["about"] == bounds["about_by_commune"] == len(ABOUT_QUESTIONS)
    assert sum(g.share for g in grains(len(TOPICS))) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(records, max_size=60))
def test_released_numbers_are_non_negative_and_communes_add_up_to_the_province(rs):
    release = release_of(rs)
    for cells in release.tables.values():
        assert all(isinstance(n, int) and n > 0 for n in cells.values())
    by_commune = Counter()
    for (_, band, mode), n in release.cells("participation_by_commune").items():
        by_commune[(band, mode)] += n
    assert by_commune == Counter(release.cells("participation"))
    province = Counter()
    for (band, mode, topic, level), n in release.cells("levels").items():
        province[(age_group(band), mode, topic, level)] += n
    communes = Counter()
    for (_, group, mode, topic, level), n in release.cells("levels_by_commune").items():
        communes[(group, mode, topic, level)] += n
    assert communes == province
    about = Counter()
    for (_, mode, q, a), n in release.cells("about").items():
        about[(mode, q, a)] += n
    communes_about = Counter()
    for (_, m, q, a), n in release.cells("about_by_commune").items():
        communes_about[(m, q, a)] += n
    assert communes_about == about


def test_without_noise_the_release_is_the_true_count():
    rs = [
        AttemptRecord("c1", "65+", "guided", {"safety": "basic"}, {"smartphone": "yes"}, 7, dt.date(2026, 10, 5)),
        AttemptRecord("c1", "65+", "self", {"safety": "not_yet"}, {}, None, dt.date(2026, 10, 6)),
    ]
    release = release_of(rs, NoNoise())
    assert release.cells("levels_by_commune") == {
        ("c1", "65+", "guided", "safety", "basic"): 1,
        ("c1", "65+", "self", "safety", "not_yet"): 1,
    }
    assert release.team_weeks == {(7, dt.date(2026, 10, 5)): 1}


def test_the_mechanism_really_adds_noise_to_large_cells_and_to_zeros():
    rs = [AttemptRecord("c1", "35-44", "self", {"safety": "basic"}, {}) for _ in range(200)]
    release = release_of(rs)
    assert (
        release.cells("participation").get(("35-44", "self")) != 200
        or release.cells("levels").get(("35-44", "self", "safety", "basic")) != 200
    )
    # Cells that are truly zero get noise too: some of them are published as more than zero.
    assert len(release.cells("levels")) > 1


def test_the_privacy_loss_is_computed_by_the_library_and_matches_the_budget():
    release = release_of([], epsilon=0.8)
    tables = release.parameters["tables"]
    assert release.epsilon == pytest.approx(0.8)
    for name, p in tables.items():
        assert p["epsilon"] == pytest.approx(0.8 * p["share"]), name
        assert DiscreteLaplace().epsilon(p["bound"], p["scale"]) == pytest.approx(p["epsilon"])
    assert release.library.startswith("opendp ")


@pytest.mark.parametrize(
    ("values", "total"),
    [([3.0, -2.0, 5.0], 6), ([0.0, 0.0], 5), ([-4.0, -1.0, -3.0], 2), ([1.5, 1.5, 1.5], 4), ([10.0], 0)],
)
def test_projection_gives_non_negative_integers_with_the_right_sum(values, total):
    result = project(values, total)
    assert sum(result) == total and all(isinstance(x, int) and x >= 0 for x in result)


def test_projection_keeps_numbers_that_already_add_up():
    assert project([4.0, 0.0, 6.0], 10) == [4, 0, 6]


def test_due_periods_are_the_closed_months_without_a_release():
    first = dt.datetime(2026, 8, 20, tzinfo=dt.UTC)
    assert due_periods(first, NOW, 3, ["2026-09"]) == ["2026-08", "2026-10"]
    # November ends at 17:00 UTC on 30 November; with 3 days' grace it is due from 3 December 17:00 UTC.
    assert "2026-11" in due_periods(first, dt.datetime(2026, 12, 3, 17, tzinfo=dt.UTC), 3, [])
    assert "2026-11" not in due_periods(first, dt.datetime(2026, 12, 3, 16, 59, tzinfo=dt.UTC), 3, [])
    assert due_periods(None, NOW, 3, []) == []


@pytest.mark.parametrize(
    ("period", "reason"),
    [("2026-12", "not_closed"), ("2026-13", "unknown_period"), ("Nov", "unknown_period"), ("2026-10", "published")],
)
def test_a_release_that_cannot_be_made_is_refused_with_its_reason(period, reason):
    with pytest.raises(ReleaseRefused) as refused:
        check_due(period, NOW, 3, ["2026-10"])
    assert refused.value.reason == reason


def _releases(rs_by_month):  # type: ignore[no-untyped-def]
    return {
        m: build_release(
            period=m,
            records=rs,
            universe=UNIVERSE,
            mechanism=DiscreteLaplace(),
            epsilon=1.0,
            computed_at=NOW,
            threshold=10,
        )
        for m, rs in rs_by_month.items()
    }


@settings(max_examples=25, deadline=None)
@given(st.lists(records, max_size=40), st.lists(records, max_size=40), st.sampled_from(("all", "self", "guided")))
def test_every_number_of_every_view_is_a_sum_of_released_cells(a, b, mode):
    releases = _releases({"2026-09": a, "2026-10": b})
    offered = periods_offered(releases)
    modes = MODES if mode == "all" else (mode,)
    for key in ("2026-10", "2026-Q3", "2026-Q4", "2026"):
        period = find_period(key, offered)
        chosen = [releases[m] for m in period.months]
        for area in (None, "c2"):
            view = build_view(
                area=area,
                period=period,
                mode=mode,
                releases=releases,
                trend=[period],
                topic_ids=TOPICS,
                targets=Targets({}, 70.0),
                k=10,
            )
            table = "participation" if area is None else "participation_by_commune"
            dims = ("age_band", "mode") if area is None else ("commune", "age_band", "mode")
            where = {"mode": modes, **({} if area is None else {"commune": ("c2",)})}
            people = tally(chosen, table, dims, where, ("age_band",))
            assert view.participation.row_sums == tuple(people.get((band,), 0) for band in AGE_BANDS)
            levels = "levels" if area is None else "levels_by_commune"
            ldims = (
                ("age_band", "mode", "topic", "level")
                if area is None
                else ("commune", "age_group", "mode", "topic", "level")
            )
            topic_totals = tally(chosen, levels, ldims, where, ("topic",))
            for panel in view.topics:
                assert sum(panel.table.row_sums) == topic_totals.get((panel.topic_id,), 0)
            for trend, panel in zip(view.trends, view.topics, strict=True):
                assert trend.table.row_sums == (sum(panel.table.row_sums),)


def test_a_quarter_is_the_sum_of_its_months_so_nested_views_agree():
    rs = [AttemptRecord("c1", "45-54", "self", {"safety": "basic"}, {}) for _ in range(50)]
    releases = _releases({"2026-07": rs, "2026-08": rs[:20], "2026-09": rs[:5]})
    offered = periods_offered(releases)
    view = lambda key: build_view(  # noqa: E731
        area=None,
        period=find_period(key, offered),
        mode="all",
        releases=releases,
        trend=[],
        topic_ids=TOPICS,
        targets=Targets({}, None),
        k=10,
    )
    quarter = view("2026-Q3").participation.row_sums
    months = [view(m).participation.row_sums for m in ("2026-07", "2026-08", "2026-09")]
    assert quarter == tuple(map(sum, zip(*months, strict=True)))


def test_periods_offered_are_released_months_and_the_quarters_and_years_around_them():
    offered = periods_offered(["2026-10", "2026-09"])
    assert [p.key for p in offered] == ["2026-10", "2026-09", "2026-Q4", "2026-Q3", "2026"]
    assert not find_period("2026-Q4", offered).complete
    with pytest.raises(NotReleased):
        find_period("2026-11", offered)
    with pytest.raises(UnknownFilter):
        find_period("robots", offered)


def test_a_national_release_spends_the_same_budget_across_nation_provinces_and_communes():
    national = grains(len(TOPICS), national=True)
    assert sum(g.share for g in national) == pytest.approx(1.0)
    parents = {g.name: g.parent for g in national}
    assert parents["levels_by_commune"] == "levels_by_province" and parents["levels_by_province"] == "levels"
