"""Protecting aggregate tables: small-cell suppression with complementary suppression, checked exactly.

The method (documented in docs/privacy.md):

1. Primary suppression. Every interior cell, row total, column total or grand total that counts 1 to K-1 attempts
   is hidden and shown as "< K". In a row or column whose total is under K, every cell is hidden, zeros included,
   so that a small group's answers are never shown even as "all of them at one level".
2. Complementary suppression. Published totals let one subtract: a single hidden cell in a row is its total minus
   the other cells. An exact audit asks, for every hidden cell and hidden total, the smallest and largest value it
   can take given everything published (totals as equations, "< K" as 0..K-1, a complementary cell as K or more,
   counts never negative). This is a linear programme per cell (scipy's HiGHS). Whenever one is pinned to a range
   narrower than one attempt, the smallest published cell in its row or column is hidden too, and the audit runs
   again. Hiding everything is always safe, so the loop ends.
3. Percentages are computed from published counts only.

Pure: counts in, a protected table out; no identifiers ever reach this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

DEFAULT_K = 10
SAFE_WIDTH = 1.0  # a hidden count must be able to vary by at least one attempt


class Hidden(StrEnum):
    SMALL = "small"  # under K: shown as "< K"
    COMPLEMENTARY = "complementary"  # hidden so that a small cell cannot be worked out


Shown = int | Hidden
Key = tuple[str, int, int]  # ("cell", r, c), ("row", r, 0), ("col", c, 0), ("all", 0, 0)


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    k: int
    cells: tuple[tuple[Shown, ...], ...]
    row_totals: tuple[Shown, ...]
    col_totals: tuple[Shown, ...]
    total: Shown

    def share(self, row: int, col: int) -> float | None:
        """The share of a row in a column, from published counts only."""
        cell, whole = self.cells[row][col], self.row_totals[row]
        if isinstance(cell, Hidden) or isinstance(whole, Hidden) or whole == 0:
            return None
        return cell / whole

    def col_share(self, col: int) -> float | None:
        cell, whole = self.col_totals[col], self.total
        if isinstance(cell, Hidden) or isinstance(whole, Hidden) or whole == 0:
            return None
        return cell / whole

    @property
    def hidden_count(self) -> int:
        flat = [*self.row_totals, *self.col_totals, self.total, *(c for row in self.cells for c in row)]
        return sum(isinstance(c, Hidden) for c in flat)


def protect(counts: Sequence[Sequence[int]], k: int = DEFAULT_K) -> ProtectedTable:
    """Protects a table of counts (rows x columns) with its row, column and grand totals."""
    frozen = tuple(tuple(int(v) for v in row) for row in counts)
    if not frozen or not frozen[0]:
        return ProtectedTable(k, (), (), (), 0)
    return _protect(frozen, k)


@lru_cache(maxsize=4096)
def _protect(counts: tuple[tuple[int, ...], ...], k: int) -> ProtectedTable:
    rows, cols = len(counts), len(counts[0])
    row_totals = [sum(r) for r in counts]
    col_totals = [sum(counts[r][c] for r in range(rows)) for c in range(cols)]
    total = sum(row_totals)
    small = lambda n: 0 < n < k  # noqa: E731 - the primary rule, read once
    hidden: dict[Key, Hidden] = {}
    for r in range(rows):
        if small(row_totals[r]):
            hidden[("row", r, 0)] = Hidden.SMALL
    for c in range(cols):
        if small(col_totals[c]):
            hidden[("col", c, 0)] = Hidden.SMALL
    if small(total):
        hidden[("all", 0, 0)] = Hidden.SMALL
    for r in range(rows):
        for c in range(cols):
            in_small_line = ("row", r, 0) in hidden or ("col", c, 0) in hidden
            if small(counts[r][c]) or in_small_line:
                hidden[("cell", r, c)] = Hidden.SMALL
    # Hiding one more item only removes an equation, so a range found wide enough stays wide enough: each
    # item is audited until it passes once.
    safe: set[Key] = set()
    values = _values(counts, row_totals, col_totals, total)
    while (weak := _pinned(counts, hidden, safe, k)) is not None:
        key = _next_to_hide(values, hidden, weak, rows, cols)
        # Shown honestly: an item under K (a zero, say) as "< K"; a larger one as hidden for protection.
        hidden[key] = Hidden.SMALL if values[key] < k else Hidden.COMPLEMENTARY

    def shown(key: tuple[str, int, int], value: int) -> Shown:
        return hidden.get(key, value)

    return ProtectedTable(
        k=k,
        cells=tuple(tuple(shown(("cell", r, c), counts[r][c]) for c in range(cols)) for r in range(rows)),
        row_totals=tuple(shown(("row", r, 0), row_totals[r]) for r in range(rows)),
        col_totals=tuple(shown(("col", c, 0), col_totals[c]) for c in range(cols)),
        total=shown(("all", 0, 0), total),
    )


def _bounds(kind: Hidden, k: int) -> tuple[float, float | None]:
    return (0, k - 1) if kind == Hidden.SMALL else (k, None)


class _Audit:
    """What an outsider knows from a published table, as a linear system over the interior counts."""

    def __init__(self, counts: Sequence[Sequence[int]], hidden: dict[Key, Hidden], k: int) -> None:
        import numpy as np

        self.np = np
        self.rows, self.cols = len(counts), len(counts[0])
        self.counts = counts
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for key in self.keys():
            if key not in hidden:
                a_eq.append(self.line(key))
                b_eq.append(self.value(key))
            else:
                low, high = _bounds(hidden[key], k)
                a_ub.append(-self.line(key))
                b_ub.append(-low)
                if high is not None:
                    a_ub.append(self.line(key))
                    b_ub.append(high)
        self.a_eq = np.array(a_eq) if a_eq else None
        self.b_eq = np.array(b_eq) if b_eq else None
        self.a_ub = np.array(a_ub) if a_ub else None
        self.b_ub = np.array(b_ub) if b_ub else None

    def keys(self) -> list[Key]:
        keys: list[Key] = [("cell", r, c) for r in range(self.rows) for c in range(self.cols)]
        keys += [("row", r, 0) for r in range(self.rows)] + [("col", c, 0) for c in range(self.cols)]
        return [*keys, ("all", 0, 0)]

    def line(self, key: Key):  # type: ignore[no-untyped-def]
        vector = self.np.zeros(self.rows * self.cols)
        kind, a, b = key
        if kind == "cell":
            vector[a * self.cols + b] = 1
        elif kind == "row":
            vector[a * self.cols : (a + 1) * self.cols] = 1
        elif kind == "col":
            vector[a :: self.cols] = 1
        else:
            vector[:] = 1
        return vector

    def value(self, key: Key) -> int:
        kind, a, b = key
        if kind == "cell":
            return self.counts[a][b]
        if kind == "row":
            return sum(self.counts[a])
        if kind == "col":
            return sum(row[a] for row in self.counts)
        return sum(sum(row) for row in self.counts)

    def range(self, key: Key) -> tuple[float, float]:
        from scipy.optimize import linprog

        objective = self.line(key)
        extremes = []
        for sign in (1, -1):
            result = linprog(
                sign * objective,
                A_ub=self.a_ub,
                b_ub=self.b_ub,
                A_eq=self.a_eq,
                b_eq=self.b_eq,
                bounds=[(0, None)] * (self.rows * self.cols),
                method="highs",
            )
            if result.status == 0:
                extremes.append(sign * result.fun)
            else:  # unbounded above
                extremes.append(float("inf"))
        return extremes[0], extremes[1]


def _pinned(counts, hidden: dict[Key, Hidden], safe: set[Key], k: int) -> Key | None:  # type: ignore[no-untyped-def]
    """The first hidden item whose feasible range is narrower than one attempt, or None. Adds the items that
    pass to `safe`."""
    todo = sorted(key for key in hidden if key not in safe)
    if not todo:
        return None
    audit = _Audit(counts, hidden, k)
    for key in todo:
        low, high = audit.range(key)
        if high - low < SAFE_WIDTH:
            return key
        safe.add(key)
    return None


def _values(counts, row_totals, col_totals, total) -> dict[Key, int]:  # type: ignore[no-untyped-def]
    rows, cols = len(counts), len(counts[0])
    value = {("cell", r, c): counts[r][c] for r in range(rows) for c in range(cols)}
    value.update({("row", r, 0): row_totals[r] for r in range(rows)})
    value.update({("col", c, 0): col_totals[c] for c in range(cols)})
    value[("all", 0, 0)] = total
    return value


def _next_to_hide(value: dict[Key, int], hidden: dict[Key, Hidden], weak: Key, rows: int, cols: int) -> Key:
    """What to hide next so that the weak item can vary: the smallest published cell sharing its row or column;
    for a weak total, the smallest other published total of the same kind; failing those, the smallest published
    cell anywhere, then any published item (a zero too: "< K" is true of it)."""
    kind, a, b = weak
    if kind == "cell":
        near = [("cell", a, c) for c in range(cols)] + [("cell", r, b) for r in range(rows)]
        near += [("row", a, 0), ("col", b, 0)]
    elif kind == "row":
        near = [("row", r, 0) for r in range(rows)] + [("all", 0, 0)]
    elif kind == "col":
        near = [("col", c, 0) for c in range(cols)] + [("all", 0, 0)]
    else:
        near = [("row", r, 0) for r in range(rows)] + [("col", c, 0) for c in range(cols)]
    everywhere = [key for key in value if key[0] == "cell"] + [key for key in value if key[0] != "cell"]
    for group in (near, everywhere):
        candidates = [key for key in group if key not in hidden and value[key] > 0]
        if candidates:
            # Cells before totals, then the smallest: hide as little as possible.
            return min(candidates, key=lambda key: (key[0] != "cell", value[key], key))
    return next(key for key in everywhere if key not in hidden)


def publishable_areas(totals: dict[str, int], k: int = DEFAULT_K) -> frozenset[str]:
    """Which parts of a whole (communes of the province, or self/guided within an area) may be published beside
    the whole.

    A part is published only with K or more attempts, and only while what the published parts leave over (the
    whole minus their sum) is 0 or K or more: otherwise subtracting them from the whole would single out a few
    attempts. The smallest parts are withheld until that holds. A withheld commune still counts in the province.
    """
    published = {name for name, n in totals.items() if n >= k}
    whole = sum(totals.values())
    while published:
        residual = whole - sum(totals[name] for name in published)
        if residual == 0 or residual >= k:
            break
        published.remove(min(published, key=lambda name: (totals[name], name)))
    return frozenset(published)
