"""Areas side by side: each commune's numbers are sums of its released cells, met / not met is judged in counts,
and sorting never orders withheld values among themselves (that would tell a small number from zero)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from server.domain.areas import sort_key
from server.domain.dashboard import (
    TargetsError,
    area_rows,
    area_sort_known,
    load_target_book,
    met_counts,
    sort_areas,
)
from server.domain.release import Release

TOPICS = ("safety", "signing")
NAMES = {"001": "Yên Bằng", "002": "An Hòa", "003": "Đồng Văn", "004": "Bình Lục"}


def release(period: str, people: dict[str, int], basic: dict[tuple[str, str], tuple[int, int]]) -> Release:
    """A release with, per commune, `people` in participation and per (commune, topic) working-age people below
    Basic and at Basic; some 65+ and guided cells that the working-age columns must leave out."""
    participation = {(c, "35-44", "self"): n for c, n in people.items()}
    levels = {}
    for (c, t), (below, at_basic) in basic.items():
        levels[(c, "15-64", "self", t, "not_yet")] = below
        levels[(c, "15-64", "self", t, "basic")] = at_basic
        levels[(c, "65+", "self", t, "advanced")] = 50  # not working age
    return Release(
        period=period,
        computed_at=dt.datetime(2026, 11, 4, tzinfo=dt.UTC),
        mechanism="test",
        library="test",
        epsilon=1.0,
        tables={"participation_by_commune": participation, "levels_by_commune": levels},
    )


def rows_of(*releases: Release, target: float | None = 70):  # type: ignore[no-untyped-def]
    return area_rows(
        releases=releases, mode="all", codes=list(NAMES), topic_ids=TOPICS, target_of=lambda _c: target, k=10
    )


def test_each_communes_numbers_are_the_sums_of_its_cells_over_the_periods_months():
    october = release("2026-10", {"001": 40, "002": 12}, {("001", "safety"): (10, 30), ("002", "safety"): (4, 8)})
    november = release("2026-11", {"001": 20}, {("001", "safety"): (5, 15)})
    rows = {r.code: r for r in rows_of(october, november)}
    assert rows["001"].people == 60
    assert rows["001"].share(0) == pytest.approx(45 / 60)  # 65+ cells left out
    assert rows["002"].share(0) is None  # 8 at Basic: under K
    assert rows["003"].people == 0 and rows["003"].shown_people() == rows["004"].shown_people()


def test_met_is_judged_in_counts_so_a_share_equal_to_the_target_meets_it():
    # 57 of 100 is exactly 57 %: as floats 0.57 * 100 < 57
    rows = {r.code: r for r in rows_of(release("2026-10", {"001": 100}, {("001", "safety"): (43, 57)}), target=57)}
    assert rows["001"].met(0) is True
    rows = {r.code: r for r in rows_of(release("2026-10", {"001": 100}, {("001", "safety"): (44, 56)}), target=57)}
    assert rows["001"].met(0) is False
    assert rows["002"].met(0) is None  # nothing shown: cannot be judged
    assert rows_of(release("2026-10", {"001": 100}, {("001", "safety"): (43, 57)}), target=None)[0].met(0) is None


def test_met_counts_add_up_to_every_commune():
    r = release(
        "2026-10",
        {"001": 100, "002": 100, "003": 100},
        {("001", "safety"): (20, 80), ("002", "safety"): (50, 50), ("003", "safety"): (3, 5)},
    )
    counts = met_counts(rows_of(r), len(TOPICS))
    assert (counts[0].met, counts[0].missed, counts[0].hidden) == (1, 1, 2)
    assert (counts[1].met, counts[1].missed, counts[1].hidden) == (0, 0, 4)


def names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [NAMES[r.code] for r in rows]


def test_sorting_by_name_follows_vietnamese_order_both_ways():
    rows = rows_of(release("2026-10", {}, {}))
    key = lambda code: sort_key(NAMES[code])  # noqa: E731
    assert names(sort_areas(rows, "name", False, key, TOPICS)) == ["An Hòa", "Bình Lục", "Đồng Văn", "Yên Bằng"]
    assert names(sort_areas(rows, "name", True, key, TOPICS)) == ["Yên Bằng", "Đồng Văn", "Bình Lục", "An Hòa"]


def test_withheld_values_sort_last_in_name_order_whichever_the_direction():
    # 004 has 9 people (withheld), 003 none (withheld): their order must not depend on 9 versus 0
    rows = rows_of(release("2026-10", {"001": 40, "002": 90, "004": 9}, {}))
    key = lambda code: sort_key(NAMES[code])  # noqa: E731
    assert names(sort_areas(rows, "people", True, key, TOPICS)) == ["An Hòa", "Yên Bằng", "Bình Lục", "Đồng Văn"]
    assert names(sort_areas(rows, "people", False, key, TOPICS)) == ["Yên Bằng", "An Hòa", "Bình Lục", "Đồng Văn"]


def test_sorting_by_a_topic_uses_its_working_age_share():
    r = release(
        "2026-10",
        {"001": 100, "002": 100, "003": 100},
        {("001", "signing"): (60, 40), ("002", "signing"): (10, 90), ("003", "signing"): (50, 50)},
    )
    key = lambda code: sort_key(NAMES[code])  # noqa: E731
    ordered = sort_areas(rows_of(r), "topic-signing", True, key, TOPICS)
    assert names(ordered) == ["An Hòa", "Đồng Văn", "Yên Bằng", "Bình Lục"]
    assert area_sort_known("topic-signing", TOPICS) and not area_sort_known("topic-nothing", TOPICS)
    assert not area_sort_known("code", TOPICS)


def test_targets_are_read_per_province_and_a_misnamed_file_is_refused(tmp_path: Path):
    (tmp_path / "37.toml").write_text("[skills]\nworking_age_basic = 70\n[about]\nsmartphone = 80\n")
    book = load_target_book(tmp_path, ["37", "01"])
    assert book.of("37").working_age_basic == 70 and book.of("37").about == {"smartphone": 80}
    assert book.of("01").working_age_basic is None  # no file: no targets
    (tmp_path / "ninh-binh.toml").write_text("[skills]\nworking_age_basic = 70\n")
    with pytest.raises(TargetsError, match="province code"):
        load_target_book(tmp_path, ["37", "01"])
    (tmp_path / "ninh-binh.toml").unlink()
    (tmp_path / "01.toml").write_text("[skills]\nworking_age_basic = 170\n")
    with pytest.raises(TargetsError, match="0 to 100"):
        load_target_book(tmp_path, ["37", "01"])


def test_the_shipped_targets_are_ninh_binhs():
    folder = Path(__file__).parents[2] / "server" / "data" / "targets"
    assert load_target_book(folder, ["37"]).of("37").working_age_basic == 70
