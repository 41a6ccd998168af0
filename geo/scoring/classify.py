"""Classes of a gelegenheid score: "geen kenmerken" for score 0, five quantile classes above.

Scheme (issue 14 item 2, "honest classes"):

* score exactly 0 — no factor present — is its own class :data:`geo.legend.GEEN_KENMERKEN`
  ("geen kenmerken"), never mixed into "zeer laag";
* the other cells get five classes 1..5 (zeer laag .. zeer hoog,
  :data:`geo.legend.CLASS_NAMES`): ``1 + (number of breaks strictly below the score)``, so
  a score equal to a break belongs to the lower class. Breaks are fixed (configuration) or
  the 20/40/60/80 % quantiles (linear interpolation, numpy's default, the same as
  ``mapclassify.Quantiles(k=5)`` up to its tie rule) of the **non-zero** scores of the
  cells in the theme's domain inside the area;
* NaN (outside the area) is class 0, the nodata of every class band.

Objects are classed with the breaks of the raster of the same area and theme (the cell
distribution), not with quantiles of a handful of objects.

Ties and degenerate breaks: when many non-zero cells share a value several quantiles
coincide. Breaks are kept as they are (non-decreasing); equal breaks make the classes
between them empty, and every tied cell lands in the lowest class the tie reaches. A
constant non-zero score puts every such cell in class 1; no non-zero score at all gives
breaks ``[0, 0, 0, 0]`` (every cell "geen kenmerken"). Nothing is ever assigned to a
class by chance or by position.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo.legend import GEEN_KENMERKEN, NODATA

QUANTILES = (0.2, 0.4, 0.6, 0.8)


def quantile_breaks(scores: np.ndarray) -> list[float]:
    """The four quantile breaks of the finite, non-zero ``scores`` (any shape).

    Examples
    --------
    >>> quantile_breaks(np.array([0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))  # 0s left out
    [2.0, 3.0, 4.0, 5.0]
    """
    values = np.asarray(scores, np.float64).ravel()
    values = values[np.isfinite(values) & (values != 0)]
    if values.size == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(q) for q in np.quantile(values, QUANTILES)]


def classify(score: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class per cell (uint8): 1..5, :data:`~geo.legend.GEEN_KENMERKEN` (6) where the score
    is exactly 0, :data:`~geo.legend.NODATA` (0) where it is NaN (outside the area).

    Examples
    --------
    >>> classify(np.array([0.0, 2.0, 2.5, 9.0, np.nan]), [2.0, 4.0, 6.0, 8.0])
    array([6, 1, 2, 5, 0], dtype=uint8)
    """
    score = np.asarray(score, np.float64)
    b = np.asarray(breaks, np.float64)
    klasse = np.searchsorted(b, np.nan_to_num(score, nan=-np.inf), side="left") + 1
    klasse = np.where(score == 0, GEEN_KENMERKEN, klasse)
    return np.where(np.isnan(score), NODATA, klasse).astype(np.uint8)
