"""Exact Euclidean distance rasters (m) to the nearest feature cell, optionally only within
an influence band.

Split from :mod:`geo.scoring.indicators` (which re-exports :func:`distance`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import edt
import numpy as np
from scipy import ndimage

_EXACT_F32 = 2**24  # float32 holds every integer below this exactly


def distance(mask: np.ndarray, cellsize: float, *, return_indices: bool = False,
             max_distance: float | None = None
             ) -> np.ndarray | tuple[np.ndarray, np.ndarray | None]:
    """Distance (m) from each cell centre to the nearest True cell; inf if there is none.

    Without indices the squared distance in cells comes from the ``edt`` package (exact
    Felzenszwalb–Huttenlocher transform, several times faster than scipy's, which always
    builds the feature transform). It is an integer, so ``sqrt(d² · cellsize²)`` is
    bit-identical to scipy's ``sqrt((dr·s)² + (dc·s)²)`` whenever ``cellsize²`` and the
    products are exact in float64 (checked); otherwise scipy computes it.

    With ``max_distance`` only the influence band is transformed: the features' bounding
    box grown by ``max_distance`` (plus a cell). Inside it every distance is exact (all
    features are in it); every cell outside is farther than ``max_distance`` and gets
    ``inf``, so a caller that only looks at distances up to ``max_distance`` sees the same
    values.

    Examples
    --------
    >>> distance(np.array([[True, False, False]]), 25.0)
    array([[ 0., 25., 50.]])
    >>> distance(np.array([[True, False, False, False, False]]), 25.0, max_distance=25.0)
    array([[ 0., 25., 50., inf, inf]])
    """
    if not mask.any():
        dist = np.full(mask.shape, np.inf)
        return (dist, None) if return_indices else dist
    if return_indices:
        return ndimage.distance_transform_edt(~mask, sampling=cellsize, return_indices=True)
    if max_distance is not None:
        band = _band(mask, max_distance / cellsize)
        if band is not None:
            dist = np.full(mask.shape, np.inf)
            dist[band] = _exact_distance(mask[band], cellsize)
            return dist
    return _exact_distance(mask, cellsize)


def _band(mask: np.ndarray, cells: float) -> tuple[slice, slice] | None:
    """Rows and columns within ``cells`` of the True cells' bounding box (``None``: all)."""
    grow = int(math.floor(cells)) + 1
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    r0, r1 = max(0, rows[0] - grow), min(mask.shape[0], rows[-1] + grow + 1)
    c0, c1 = max(0, cols[0] - grow), min(mask.shape[1], cols[-1] + grow + 1)
    if (r1 - r0) * (c1 - c0) == mask.size:
        return None
    return slice(r0, r1), slice(c0, c1)


def _exact_distance(mask: np.ndarray, cellsize: float) -> np.ndarray:
    cells2 = edt.edtsq(np.ascontiguousarray(~mask).view(np.uint8), black_border=False, parallel=1)
    if _exact(cellsize, float(cells2.max())):
        dist = cells2.astype(np.float64)  # one allocation, then in place
        dist *= cellsize * cellsize
        return np.sqrt(dist, out=dist)
    return ndimage.distance_transform_edt(~mask, sampling=cellsize)


def _exact(cellsize: float, max_cells2: float) -> bool:
    """Whether every ``d² · cellsize²`` (and scipy's per-axis terms) is exact in float64.

    True for the usual cell sizes (25, 12.5, 10 m) and distances; false for e.g. 0.1 m,
    where ``cellsize²`` itself is rounded.
    """
    square = Fraction(cellsize) ** 2
    if square != Fraction(cellsize * cellsize) or max_cells2 >= _EXACT_F32:
        return False
    return square.numerator.bit_length() + int(max_cells2).bit_length() <= 53
