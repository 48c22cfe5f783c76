from __future__ import annotations

from server.domain.charts import line_chart


def test_shares_map_onto_a_zero_to_hundred_axis_with_the_target_line():
    chart = line_chart(["10/2026", "11/2026"], [("An toàn", [0.0, 1.0])], target=0.7)
    low, high = chart.series[0].points
    assert (low.y, high.y) == (chart.bottom, chart.top)
    assert low.x == chart.left and high.x == chart.right
    assert chart.target_y == chart.bottom - 0.7 * (chart.bottom - chart.top)
    assert [t.label for t in chart.y_ticks] == ["0", "25", "50", "75", "100"]


def test_a_withheld_period_breaks_the_line_instead_of_bridging_it():
    chart = line_chart(["1", "2", "3", "4", "5"], [("A", [0.5, 0.6, None, 0.4, 0.45])])
    assert len(chart.series[0].segments) == 2
    lone = line_chart(["1", "2", "3"], [("A", [0.5, None, 0.4])])
    assert lone.series[0].segments == []  # single points keep their markers, no line


def test_series_differ_by_marker_and_dash_not_only_by_colour():
    chart = line_chart(["1", "2"], [(n, [0.1, 0.2]) for n in "ABC"])
    assert len({s.marker for s in chart.series}) == 3 and len({s.dash for s in chart.series}) == 3


def test_a_long_trend_labels_every_other_period_and_always_the_latest():
    labels = [f"{m}/2026" for m in range(1, 13)]
    ticks = [t.label for t in line_chart(labels, [("A", [0.5] * 12)], width=360).x_ticks]
    assert ticks[-1] == "12/2026" and len(ticks) < 12


def test_stacked_bars_lay_the_levels_end_to_end_and_withhold_a_row_that_cannot_add_up():
    from server.domain.charts import stacked_bars

    chart = stacked_bars([("15-24", [0.1, 0.2, 0.3, 0.4]), ("65+", [0.5, None, 0.2, 0.1])], width=496, label_width=96)
    first, withheld = chart.rows
    assert [s.level for s in first.segments] == [0, 1, 2, 3]
    assert first.segments[0].x == 96 and abs(sum(s.width for s in first.segments) - 396) < 0.5
    assert all(a.x + a.width <= b.x + 0.2 for a, b in zip(first.segments, first.segments[1:], strict=False))
    assert withheld.segments == () and withheld.y > first.y
