"""Five classes (zeer laag .. zeer hoog, :data:`geo.legend.CLASS_NAMES`) from a score.

A cell's class is ``1 + (number of breaks strictly below its score)``, so a score equal
to a break belongs to the lower class. Breaks are either fixed (configuration) or the
20/40/60/80 % quantiles (linear interpolation) of the scores of the cells in the theme's
domain inside the area; cells outside the domain have score 0 and normally fall in
class 1.

Ties and degenerate breaks: when many cells share a value (for example a large share of
zeros) several quantiles coincide. Breaks are kept as they are (non-decreasing); equal
breaks make the classes between them empty, and every tied cell lands in the lowest
class the tie reaches. A constant score puts every cell in class 1; an empty domain
gives breaks ``[0, 0, 0, 0]`` (every cell class 1). Nothing is ever assigned to a class
by chance or by position.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

QUANTILES = (0.2, 0.4, 0.6, 0.8)


def quantile_breaks(scores: np.ndarray) -> list[float]:
    """The four quantile breaks of the finite ``scores`` (any shape).

    Examples
    --------
    >>> quantile_breaks(np.arange(11.0))
    [2.0, 4.0, 6.0, 8.0]
    """
    values = np.asarray(scores, np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(q) for q in np.quantile(values, QUANTILES)]


def classify(score: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class 1..5 (uint8) per cell; 0 where the score is NaN (outside the area).

    Examples
    --------
    >>> classify(np.array([0.0, 2.0, 2.5, 9.0, np.nan]), [2.0, 4.0, 6.0, 8.0])
    array([1, 1, 2, 5, 0], dtype=uint8)
    """
    score = np.asarray(score, np.float64)
    b = np.asarray(breaks, np.float64)
    klasse = np.searchsorted(b, np.nan_to_num(score, nan=-np.inf), side="left") + 1
    return np.where(np.isnan(score), 0, klasse).astype(np.uint8)
