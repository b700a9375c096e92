"""Coverage-weighted statistics accumulated chunk by chunk, one slot per parcel.

A parcel may be processed in several pieces (a large parcel is cut into tiles), so every
statistic is kept in a form that merges exactly: weight sums, minimum and maximum, and
mean/M2 combined with Chan's parallel update for the weighted variance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CONTINUOUS_STATS", "STATS", "Accumulator"]

#: Statistics computed from values: names and meaning (all weighted by covered fraction).
CONTINUOUS_STATS = {
    "count": "covered valid pixels (sum of covered fractions)",
    "sum": "sum of value × covered fraction",
    "mean": "coverage-weighted mean",
    "min": "minimum over pixels the parcel touches with positive area",
    "max": "maximum over pixels the parcel touches with positive area",
    "std": "coverage-weighted population standard deviation",
    "median": "coverage-weighted median",
}
#: Statistics computed from value frequencies.
CATEGORICAL_STATS = {
    "majority": "value with the largest covered area",
    "minority": "value with the smallest covered area",
}
STATS = {**CONTINUOUS_STATS, **CATEGORICAL_STATS}


class Accumulator:
    """Running coverage-weighted statistics of one raster band for ``n`` parcels."""

    def __init__(self, n: int, *, stats: Sequence[str], shares: bool = False) -> None:
        self.n = n
        self.stats = tuple(stats)
        self.weight = np.zeros(n)
        self.mean = np.zeros(n)
        self.m2 = np.zeros(n)
        self.min = np.full(n, np.inf)
        self.max = np.full(n, -np.inf)
        self._need_classes = shares or any(s in CATEGORICAL_STATS for s in self.stats)
        self._need_values = "median" in self.stats
        self._classes: list[pd.Series] = []
        self._values: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, parcels: np.ndarray, local: np.ndarray, values: np.ndarray, weight: np.ndarray) -> None:
        """Add valid cells of one chunk.

        ``parcels`` holds the distinct parcel positions of the chunk; ``local`` indexes it for
        each cell, beside the cell's value and covered fraction. Work is proportional to the
        chunk, not to the number of parcels.
        """
        if len(local) == 0:
            return
        k = len(parcels)
        wb = np.bincount(local, weight, minlength=k)
        seen = wb > 0
        mb = np.divide(np.bincount(local, weight * values, minlength=k), wb, out=np.zeros(k), where=seen)
        m2b = np.bincount(local, weight * (values - mb[local]) ** 2, minlength=k)
        wa = self.weight[parcels]
        w = wa + wb
        delta = mb - self.mean[parcels]
        frac_b = np.divide(wb, w, out=np.zeros(k), where=w > 0)
        self.mean[parcels] += delta * frac_b
        self.m2[parcels] += m2b + delta**2 * wa * frac_b
        self.weight[parcels] = w
        lo = np.full(k, np.inf)
        hi = np.full(k, -np.inf)
        np.minimum.at(lo, local, values)
        np.maximum.at(hi, local, values)
        self.min[parcels] = np.minimum(self.min[parcels], lo)
        self.max[parcels] = np.maximum(self.max[parcels], hi)
        pos = parcels[local]
        if self._need_classes:
            key = pd.MultiIndex.from_arrays([pos, values], names=["pos", "value"])
            self._classes.append(pd.Series(weight, index=key).groupby(level=[0, 1]).sum())
        if self._need_values:
            self._values.append((pos, values, weight))

    def class_weights(self) -> pd.DataFrame:
        """Covered pixels per parcel position (rows) and value (columns)."""
        if not self._classes:
            return pd.DataFrame(index=pd.RangeIndex(self.n))
        s = pd.concat(self._classes).groupby(level=[0, 1]).sum()
        table = s.unstack("value", fill_value=0.0).reindex(range(self.n), fill_value=0.0)
        return table.sort_index(axis=1)

    def _median(self) -> np.ndarray:
        out = np.full(self.n, np.nan)
        if not self._values:
            return out
        pos, val, w = (np.concatenate(a) for a in zip(*self._values, strict=True))
        order = np.lexsort((val, pos))
        pos, val, w = pos[order], val[order], w[order]
        cum = np.cumsum(w)
        start = np.searchsorted(pos, np.arange(self.n))
        end = np.searchsorted(pos, np.arange(self.n), side="right")
        has = end > start
        base = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
        half = base + 0.5 * (cum[np.maximum(end - 1, 0)] - base)
        at = np.searchsorted(cum, half[has] - 1e-12 * np.abs(half[has]), side="left")
        out[has] = val[np.minimum(at, len(val) - 1)]
        return out

    def result(self) -> dict[str, np.ndarray]:
        """Each requested statistic as an array over parcel positions (NaN where no valid cell)."""
        has = self.weight > 0
        nan = np.full(self.n, np.nan)
        out: dict[str, np.ndarray] = {}
        table = self.class_weights() if self._need_classes else None
        for name in self.stats:
            if name == "count":
                out[name] = self.weight.copy()
            elif name == "sum":
                out[name] = np.where(has, self.mean * self.weight, np.nan)
            elif name == "mean":
                out[name] = np.where(has, self.mean, nan)
            elif name == "min":
                out[name] = np.where(has, self.min, nan)
            elif name == "max":
                out[name] = np.where(has, self.max, nan)
            elif name == "std":
                var = np.divide(self.m2, self.weight, out=nan.copy(), where=has)
                out[name] = np.sqrt(np.maximum(var, 0.0))
            elif name == "median":
                out[name] = self._median()
            elif name in CATEGORICAL_STATS:
                assert table is not None
                out[name] = _pick(table, largest=name == "majority", has=has)
        return out


def _pick(table: pd.DataFrame, *, largest: bool, has: np.ndarray) -> np.ndarray:
    out = np.full(len(table), np.nan)
    if table.shape[1] == 0:
        return out
    w = table.to_numpy()
    values = table.columns.to_numpy(dtype=float)
    col = np.argmax(w, axis=1) if largest else np.argmin(np.where(w > 0, w, np.inf), axis=1)
    out[has] = values[col[has]]
    return out
