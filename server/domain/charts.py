"""Geometry of the dashboard's charts, drawn as SVG by templates (templates/dashboard/_trend_chart.svg).

Hand-written SVG rather than a charting library: pygal, the usual choice, always writes an inline <style>, an
inline <script> and style attributes, all of which the CSP refuses; SVG presentation attributes and classes are
allowed, and a page's own stylesheet styles an SVG drawn inline in it. Pure: numbers in, coordinates out."""

from __future__ import annotations

from dataclasses import dataclass

# Each series is told apart by its marker and its dash as well as its colour (WCAG 1.4.1: not by colour alone).
MARKERS = ("circle", "square", "triangle", "diamond")
DASHES = ("", "8 4", "2 4", "12 4 2 4")


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    value: float  # the share, 0 to 1


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    marker: str
    dash: str
    points: tuple[Point | None, ...]  # None: withheld (too few people), drawn as a gap

    @property
    def segments(self) -> list[str]:
        """Polyline point lists between gaps: a withheld month breaks the line instead of bridging it."""
        runs, current = [], []
        for point in self.points:
            if point is None:
                if len(current) > 1:
                    runs.append(current)
                current = []
            else:
                current.append(f"{point.x:.1f},{point.y:.1f}")
        if len(current) > 1:
            runs.append(current)
        return [" ".join(run) for run in runs]


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # the last label ends at the right edge instead of running past it


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    target_y: float | None
    target: float | None  # the target share, 0 to 1


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    target: float | None = None,
    *,
    width: int = 480,
    height: int = 260,
) -> LineChart:
    """Shares (0 to 1) over periods, on a 0-100 % axis, with an optional target line."""
    # Narrow on purpose: on a 360 px phone the drawing is scaled by about 0.7 and its 14 px text stays readable.
    left, right, top, bottom = 48.0, width - 16.0, 14.0, height - 40.0
    step = (right - left) / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + step * i if len(labels) > 1 else (left + right) / 2

    def y(share: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(1.0, share))

    drawn = tuple(
        Series(
            name,
            MARKERS[n % len(MARKERS)],
            DASHES[n % len(DASHES)],
            tuple(None if v is None else Point(x(i), y(v), v) for i, v in enumerate(values)),
        )
        for n, (name, values) in enumerate(series)
    )
    # Every label when they fit (about 80 px each, room for "12/2026"), else every second or third, always the last.
    every = max(1, -(-len(labels) * 80 // int(right - left)))
    x_ticks = tuple(
        Tick(x(i), label, "end" if i == len(labels) - 1 and len(labels) > 1 else "middle")
        for i, label in enumerate(labels)
        if (len(labels) - 1 - i) % every == 0
    )
    y_ticks = tuple(Tick(y(p / 100), f"{p}", "end") for p in range(0, 101, 25))
    return LineChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        drawn,
        x_ticks,
        y_ticks,
        None if target is None else y(target),
        target,
    )


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    width: float
    share: float
    level: int  # the level's index, 0 for the lowest


@dataclass(frozen=True, slots=True)
class BarRow:
    label: str
    y: float
    segments: tuple[Segment, ...]  # empty: the row is withheld


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: tuple[BarRow, ...]


def stacked_bars(rows: list[tuple[str, list[float | None]]], *, width: int = 480, label_width: int = 96) -> BarChart:
    """One bar per row, its parts the shares of each level (0 to 1) laid end to end; a row with any share withheld
    is drawn as withheld rather than as a bar that would not add up."""
    bar, gap = 28, 10
    drawn = []
    for n, (label, shares) in enumerate(rows):
        y = gap + n * (bar + gap)
        if any(s is None for s in shares):
            drawn.append(BarRow(label, y, ()))
            continue
        total = sum(shares) or 1.0  # released shares may not add up to exactly 1
        x, parts = float(label_width), []
        for level, share in enumerate(shares):
            w = (width - label_width - 4) * share / total  # type: ignore[operator]
            if w > 0:
                parts.append(Segment(round(x, 1), round(w, 1), share, level))  # type: ignore[arg-type]
            x += w
        drawn.append(BarRow(label, y, tuple(parts)))
    return BarChart(width, gap + len(rows) * (bar + gap), label_width, bar, tuple(drawn))
