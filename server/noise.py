"""The differentially private mechanism of the releases: OpenDP's discrete Laplace on integer counts.

Never hand-written noise: OpenDP samples the noise (with a cryptographically secure source) and computes the
privacy loss from the contribution bound. Vectors of counts with the L1 distance are the input: a table's bound is
how far one attempt can move it (server/domain/release.py)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version

import opendp.prelude as dp

# The measurement constructors used here live in OpenDP's "contrib" set (vetted, not yet formally proven).
dp.enable_features("contrib")


@lru_cache(maxsize=64)
def _measurement(scale: float):  # type: ignore[no-untyped-def]
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return space >> dp.m.then_laplace(scale=scale)


class DiscreteLaplace:
    name = "discrete Laplace"
    library = f"opendp {version('opendp')}"

    def epsilon(self, bound: int, scale: float) -> float:
        return float(_measurement(scale).map(d_in=bound))

    def noisy(self, counts: Sequence[int], scale: float) -> list[int]:
        return list(_measurement(scale)([int(c) for c in counts]))
