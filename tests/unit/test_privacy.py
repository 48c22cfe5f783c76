"""Small-group suppression (docs/privacy.md): examples, then properties over random tables (hypothesis).

The audit here is the test's own: a linear programme built from the published table alone, independent of the
one inside server/domain/privacy.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from server.domain.privacy import Hidden, ProtectedTable, protect, publishable_areas

K = 10


def outsider_ranges(table: ProtectedTable) -> dict[tuple, tuple[float, float]]:
    """What someone who sees only the published table can say about each hidden number."""
    rows, cols = len(table.cells), len(table.cells[0])
    n = rows * cols
    items = [(("cell", r, c), table.cells[r][c], [r * cols + c]) for r in range(rows) for c in range(cols)]
    items += [(("row", r), table.row_totals[r], [r * cols + c for c in range(cols)]) for r in range(rows)]
    items += [(("col", c), table.col_totals[c], [r * cols + c for r in range(rows)]) for c in range(cols)]
    items += [(("all",), table.total, list(range(n)))]
    eq_a, eq_b, ub_a, ub_b = [], [], [], []
    for _, shown, members in items:
        vector = np.zeros(n)
        vector[members] = 1
        if isinstance(shown, int):
            eq_a.append(vector)
            eq_b.append(shown)
        elif shown == Hidden.SMALL:  # "< K"
            ub_a.append(vector)
            ub_b.append(K - 1)
        else:  # complementary cells were published candidates, so K or more
            ub_a.append(-vector)
            ub_b.append(-K)
    ranges = {}
    for key, shown, members in items:
        if isinstance(shown, int):
            continue
        vector = np.zeros(n)
        vector[members] = 1
        ends = []
        for sign in (1, -1):
            result = linprog(
                sign * vector,
                A_ub=np.array(ub_a) if ub_a else None,
                b_ub=ub_b or None,
                A_eq=np.array(eq_a) if eq_a else None,
                b_eq=eq_b or None,
                bounds=[(0, None)] * n,
                method="highs",
            )
            ends.append(sign * result.fun if result.status == 0 else float("inf"))
        ranges[key] = (ends[0], ends[1])
    return ranges


def test_a_table_of_large_counts_is_published_whole():
    table = protect([[40, 25, 30, 12], [15, 60, 22, 18]], K)
    assert table.hidden_count == 0
    assert table.row_totals == (107, 115) and table.total == 222
    assert table.share(0, 0) == pytest.approx(40 / 107)


def test_small_cells_are_shown_as_under_k():
    table = protect([[40, 3, 30, 12], [15, 60, 22, 18]], K)
    assert table.cells[0][1] == Hidden.SMALL
    assert table.share(0, 1) is None


def test_one_small_cell_in_a_row_takes_a_second_cell_with_it():
    table = protect([[40, 3, 30, 12], [15, 60, 22, 18]], K)
    hidden_in_row = [c for c in table.cells[0] if isinstance(c, Hidden)]
    assert len(hidden_in_row) >= 2
    assert Hidden.COMPLEMENTARY in hidden_in_row


def test_a_small_age_band_is_hidden_whole_even_its_zeros():
    table = protect([[0, 0, 4, 0], [30, 40, 20, 15], [20, 25, 30, 40]], K)
    assert all(isinstance(c, Hidden) for c in table.cells[0])
    assert isinstance(table.row_totals[0], Hidden)


def test_a_single_small_row_total_cannot_be_recovered_from_the_grand_total():
    table = protect([[5, 4, 0, 0], [30, 40, 20, 15], [20, 25, 30, 40]], K)
    ranges = outsider_ranges(table)
    assert all(high - low >= 1 for low, high in ranges.values())


def test_percentages_come_from_published_counts():
    table = protect([[40, 25, 30, 12]], K)
    assert table.share(0, 2) == pytest.approx(30 / 107)
    assert table.col_share(0) == pytest.approx(40 / 107)


counts = st.integers(min_value=0, max_value=40).map(lambda n: n if n % 3 else n // 4)  # many small numbers
tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_number_can_be_worked_out_from_the_published_table(table_counts):
    table = protect(table_counts, K)
    for key, (low, high) in outsider_ranges(table).items():
        assert high - low >= 1, f"{key} is pinned to {low}..{high} in {table_counts}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_published_numbers_are_true_and_every_small_one_is_hidden(table_counts):
    table = protect(table_counts, K)
    for r, row in enumerate(table_counts):
        for c, value in enumerate(row):
            shown = table.cells[r][c]
            assert shown == value or isinstance(shown, Hidden)
            if 0 < value < K:
                assert shown == Hidden.SMALL
        total = sum(row)
        assert table.row_totals[r] == total or isinstance(table.row_totals[r], Hidden)
        if 0 < total < K:
            assert table.row_totals[r] == Hidden.SMALL


communes = st.dictionaries(st.sampled_from([f"c{i}" for i in range(12)]), st.integers(min_value=0, max_value=60))


@given(communes)
def test_what_published_communes_leave_over_is_never_a_small_group(totals):
    shown = publishable_areas(totals, K)
    assert all(totals[name] >= K for name in shown)
    residual = sum(totals.values()) - sum(totals[name] for name in shown)
    assert not shown or residual == 0 or residual >= K


@given(communes, st.sampled_from([f"c{i}" for i in range(12)]))
def test_two_published_views_never_differ_by_one_attempt(totals, newcomer_commune):
    """Add one attempt anywhere: no published view of the data before and after differs by fewer than K."""
    before = publishable_areas(totals, K)
    after_totals = {**totals, newcomer_commune: totals.get(newcomer_commune, 0) + 1}
    after = publishable_areas(after_totals, K)
    for shown, data in ((before, totals), (after, after_totals)):
        whole = sum(data.values())
        for name in shown:  # the whole minus one published part
            assert whole - data[name] == 0 or whole - data[name] >= K
        residual = whole - sum(data[name] for name in shown)  # the whole minus all of them
        assert not shown or residual == 0 or residual >= K
