"""Normalisation of raw indicator values to 0..1, with statistics over the whole area.

Statistics are taken over the valid (finite) values of the cells in the theme's domain
inside the area — never per window — so a windowed, whole-array or Dask run normalises
identically:

- ``minmax``: ``(x - min) / (max - min)``; if max == min the indicator does not
  distinguish any cell and every value becomes 0;
- ``percentiel``: the mid-rank percentile ``(rank - 1) / (n - 1)`` with tied values
  sharing their average rank (as ``scipy.stats.rankdata(method="average")``), from an
  exact sorted copy of the domain values (4 bytes per cell for one indicator at a time);
- ``vast``: ``(x - min) / (max - min)`` for a fixed range from the configuration;
- ``geen``: the raw value (for indicators that are already 0..1, like proximity).

Results are clipped to 0..1 (except ``geen``); NaN stays NaN (no value: no contribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class NormStats:
    """Fitted statistics of one indicator.

    Attributes
    ----------
    method : str
        ``minmax``, ``percentiel``, ``vast`` or ``geen``.
    low, high : float
        Min and max (observed, or the fixed range for ``vast``).
    count : int
        Number of valid domain cells the statistics were taken over.
    sorted_values : ndarray, optional
        Sorted domain values (``percentiel`` only).
    """

    method: str
    low: float
    high: float
    count: int
    sorted_values: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (without the sorted values)."""
        finite = np.isfinite([self.low, self.high])
        return {"methode": self.method,
                "min": float(self.low) if finite[0] else None,
                "max": float(self.high) if finite[1] else None,
                "n": int(self.count)}


def fit_stats(method: str, low: float, high: float, count: int,
              sorted_values: np.ndarray | None = None,
              fixed: tuple[float | None, float | None] = (None, None)) -> NormStats:
    """Statistics from reduced window statistics (and the sorted values for ``percentiel``)."""
    if method == "vast":
        low, high = float(fixed[0]), float(fixed[1])
    return NormStats(method, float(low), float(high), int(count), sorted_values)


def normalise(raw: np.ndarray, stats: NormStats) -> np.ndarray:
    """Normalised float32 values of ``raw`` (any shape).

    Examples
    --------
    >>> normalise(np.array([2.0, 4, 6, np.nan]), NormStats("minmax", 2, 6, 3))
    array([0. , 0.5, 1. , nan], dtype=float32)
    """
    raw = np.asarray(raw, np.float64)
    if stats.method == "geen":
        return raw.astype(np.float32)
    if stats.method == "percentiel":
        out = percentile_rank(raw, stats.sorted_values)
    else:
        span = stats.high - stats.low
        if not np.isfinite(span) or span <= 0:
            out = np.where(np.isnan(raw), np.nan, 0.0)
        else:
            out = (raw - stats.low) / span
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def percentile_rank(values: np.ndarray, sorted_values: np.ndarray | None) -> np.ndarray:
    """Mid-rank percentile (0..1) of ``values`` among ``sorted_values``.

    Examples
    --------
    >>> percentile_rank(np.array([1.0, 2, 3]), np.array([1.0, 2, 2, 3]))
    array([0. , 0.5, 1. ])
    """
    values = np.asarray(values, np.float64)
    out = np.full(values.shape, np.nan)
    if sorted_values is None or sorted_values.size == 0:
        return out
    n = sorted_values.size
    valid = ~np.isnan(values)
    x = values[valid].astype(sorted_values.dtype)
    below = np.searchsorted(sorted_values, x, side="left")
    upto = np.searchsorted(sorted_values, x, side="right")
    if n == 1:
        out[valid] = 0.0
    else:
        out[valid] = ((below + upto - 1) / 2.0) / (n - 1)
    return np.clip(out, 0.0, 1.0)
