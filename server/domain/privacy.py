"""How a released count is shown: the numbers come from releases (release.py), already protected by noise; under
the display threshold K they are shown as "< K", so a true zero and a small count look the same.

Totals are sums of the released cells they cover, so every shown part adds up to its shown total; percentages
are computed from released counts, and are not shown where the count or its total is under K."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_K = 10


class Hidden(StrEnum):
    SMALL = "small"  # a released count under K: shown as "< K"


Shown = int | Hidden


def shown(n: int, k: int) -> Shown:
    return Hidden.SMALL if n < k else n


@dataclass(frozen=True, slots=True)
class ReleasedTable:
    """Rows x columns of released counts, with their row, column and grand totals."""

    k: int
    counts: tuple[tuple[int, ...], ...]

    @property
    def cells(self) -> tuple[tuple[Shown, ...], ...]:
        return tuple(tuple(shown(n, self.k) for n in row) for row in self.counts)

    @property
    def row_sums(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.counts)

    @property
    def col_sums(self) -> tuple[int, ...]:
        if not self.counts:
            return ()
        return tuple(sum(row[c] for row in self.counts) for c in range(len(self.counts[0])))

    @property
    def row_totals(self) -> tuple[Shown, ...]:
        return tuple(shown(n, self.k) for n in self.row_sums)

    @property
    def col_totals(self) -> tuple[Shown, ...]:
        return tuple(shown(n, self.k) for n in self.col_sums)

    @property
    def total(self) -> Shown:
        return shown(sum(self.row_sums), self.k)

    def _share(self, part: int, whole: int) -> float | None:
        if part < self.k or whole < self.k:
            return None
        return part / whole

    def share(self, row: int, col: int) -> float | None:
        """The share of a row in a column."""
        return self._share(self.counts[row][col], self.row_sums[row])

    def col_share(self, col: int) -> float | None:
        return self._share(self.col_sums[col], sum(self.row_sums))


def released_table(counts: Sequence[Sequence[int]], k: int = DEFAULT_K) -> ReleasedTable:
    return ReleasedTable(k, tuple(tuple(int(v) for v in row) for row in counts))
