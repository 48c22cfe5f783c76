"""Item analysis for authors: how each question behaves, so unfair or weak items can be fixed.

From sums per question and age band in each monthly release (closed months only, domain/release.py):
- share right (classical difficulty p);
- point-biserial discrimination: the correlation between getting this question right and the person's share of
  points in its topic, r = (M1 - M0) / s * sqrt(p (1 - p)). Low or negative values mark items that do not separate
  people who know the topic from people who do not (the item-total correlation, uncorrected for the item itself);
- a differential-difficulty screen: for each age band, the share right expected from the item's overall
  difficulty scaled by the band's mean topic score, against the share observed. A band doing more than 15 points
  worse than expected is flagged for an author to look at the wording (a screen, not a Mantel-Haenszel test).
Bands and questions with fewer than K answers are shown as "< K" and never flagged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FLAG_GAP = 0.15


@dataclass(frozen=True, slots=True)
class Sums:
    n: int
    n_right: int
    sum_score: float
    sum_score_sq: float
    sum_score_right: float

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.n + other.n,
            self.n_right + other.n_right,
            self.sum_score + other.sum_score,
            self.sum_score_sq + other.sum_score_sq,
            self.sum_score_right + other.sum_score_right,
        )


ZERO = Sums(0, 0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class ItemReport:
    question_id: str
    n: int | None  # None: fewer than K answers
    share_right: float | None
    discrimination: float | None
    flagged_bands: tuple[str, ...]


def point_biserial(s: Sums) -> float | None:
    n0 = s.n - s.n_right
    if s.n_right == 0 or n0 == 0:
        return None
    mean = s.sum_score / s.n
    variance = s.sum_score_sq / s.n - mean * mean
    if variance <= 1e-12:
        return None
    m1 = s.sum_score_right / s.n_right
    m0 = (s.sum_score - s.sum_score_right) / n0
    p = s.n_right / s.n
    return (m1 - m0) / math.sqrt(variance) * math.sqrt(p * (1 - p))


def analyse(by_band: Mapping[str, Mapping[str, Sums]], k: int) -> list[ItemReport]:
    """by_band[question_id][age_band] -> sums."""
    reports = []
    for question_id, bands in sorted(by_band.items()):
        total = sum(bands.values(), ZERO)
        if total.n < k:
            reports.append(ItemReport(question_id, None, None, None, ()))
            continue
        p = total.n_right / total.n
        overall_mean = total.sum_score / total.n
        flagged = []
        for band, s in sorted(bands.items()):
            if s.n < k or overall_mean <= 0:
                continue
            expected = min(1.0, p * (s.sum_score / s.n) / overall_mean)
            if s.n_right / s.n < expected - FLAG_GAP:
                flagged.append(band)
        reports.append(ItemReport(question_id, total.n, p, point_biserial(total), tuple(flagged)))
    return reports


ITEM_MONTHS = 12  # item analysis reads the releases of the last twelve released months


def sums_from_releases(items: Iterable[Mapping[tuple[str, str], tuple[int, int, float, float, float]]]):  # type: ignore[no-untyped-def]
    """question id -> age band -> sums, added up over the item sums of several releases."""
    result: dict[str, dict[str, Sums]] = {}
    for release_items in items:
        for (question_id, band), values in release_items.items():
            bands = result.setdefault(question_id, {})
            bands[band] = bands.get(band, ZERO) + Sums(*values)
    return result
