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


class NormalisedView:
    """The normalised values of memory-mapped raw bands, computed when read, never stored.

    For a large area (:mod:`geo.scoring.passes` with a work directory) a stored copy of the
    normalised indicators would double the largest work array (the country: 12 GB more,
    most of it to keep in the page cache). ``normalise`` is elementwise, so any part
    computed from the same part of ``raw`` is bit-identical to the stored array of a run in
    memory.

    Parameters
    ----------
    raw : ndarray, shape (n, rows, cols)
        Raw indicator values (a :class:`geo.scoring.tiled.TiledArray` view).
    stats : list of NormStats
        One per band (with ``sorted_values`` for ``percentiel``).
    """

    def __init__(self, raw: np.ndarray, stats: list[NormStats]) -> None:
        if raw.shape[0] != len(stats):
            raise ValueError(f"{raw.shape[0]} banden, {len(stats)} statistieken")
        self.raw, self.stats = raw, list(stats)
        self.shape, self.dtype, self.ndim = raw.shape, np.dtype(np.float32), raw.ndim

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index: Any) -> np.ndarray:
        """``view[band]`` or ``view[band, rows, cols]`` (an integer band first)."""
        band, rest = (index[0], index[1:]) if isinstance(index, tuple) else (index, ())
        if not isinstance(band, (int, np.integer)):
            return np.stack([self[(b, *rest)] for b in range(self.shape[0])[band]])
        return normalise(self.raw[(band, *rest)], self.stats[band])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = self[:]
        return values if dtype is None else values.astype(dtype)

    def gather(self, cells: np.ndarray) -> np.ndarray:
        """Values at flat cell indices ``cells``: shape (n, len(cells)), float32."""
        values = (self.raw.gather(cells) if hasattr(self.raw, "gather")  # a TiledArray
                  else self.raw.reshape(self.shape[0], -1)[:, cells])
        out = np.empty_like(values, dtype=np.float32)  # the memory layout of ``[:, cells]``
        for band, stats in enumerate(self.stats):  # of a stored array: sums over it add up
            out[band] = normalise(values[band], stats)  # in the same order, to the last bit
        return out

    def write_to(self, target: np.ndarray,
                 windows: list[tuple[slice, slice]]) -> list[tuple[slice, slice]]:
        """Fill ``target`` (same shape, e.g. a new tiled array) in those of ``windows``
        that hold a value in any band; returns them (the others are all NaN, unwritten)."""
        written = []
        for rows, cols in windows:
            block = self[:, rows, cols]
            if np.isnan(block).all():
                continue
            target[:, rows, cols] = block
            written.append((rows, cols))
        return written
