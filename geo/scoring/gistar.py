"""Getis-Ord Gi* hotspot z-scores on a raster, by convolution.

For cell *i* with value :math:`x_i`, binary weights :math:`w_{ij} = 1` when cell *j* lies
within distance *d* of *i* (the cell itself included: the "star"), and *n* cells in the
study area with mean :math:`\\bar x` and (population) standard deviation *S*:

.. math::

    G_i^* = \\frac{\\sum_j w_{ij} x_j - \\bar x \\sum_j w_{ij}}
                 {S \\sqrt{\\left(n \\sum_j w_{ij}^2 - (\\sum_j w_{ij})^2\\right) / (n - 1)}}

(Getis & Ord 1992; Ord & Getis 1995). This equals the ``Zs`` of
``esda.G_Local(y, w, transform="B", star=True)``. The neighbourhood sums
:math:`\\sum_j w_{ij} x_j` and :math:`\\sum_j w_{ij}` are one FFT convolution each
(values and area mask with the disc of radius *d*), so the cost does not depend on the
number of neighbours. Cells outside the area are not observations: they count neither
in *n*, nor as neighbours, and get NaN.

Under the null hypothesis of no spatial association Gi* is approximately standard
normal: z > 1.645 / 1.96 / 2.576 marks a hotspot at 90 / 95 / 99 % confidence (one-sided
tests on many cells: read it as a ranking of hotspot strength, not as a formal test).

References
----------
Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance
statistics. *Geographical Analysis* 24(3), 189-206.
Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional
issues and an application. *Geographical Analysis* 27(4), 286-306.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import fftconvolve

from geo.errors import InvalidRequestError


def disc_kernel(cellsize: float, distance: float) -> np.ndarray:
    """Binary disc of cells whose centres lie within ``distance`` (m) of the centre cell.

    Examples
    --------
    >>> disc_kernel(25.0, 25.0).astype(int)
    array([[0, 1, 0],
           [1, 1, 1],
           [0, 1, 0]])
    """
    if not distance >= 0:
        raise InvalidRequestError(
            f"Gi*-afstand moet 0 of groter zijn (gekregen: {distance} m).", afstand=distance
        )
    radius = int(math.floor(distance / cellsize + 1e-9))
    offsets = np.arange(-radius, radius + 1) * cellsize
    dx, dy = np.meshgrid(offsets, offsets)
    return (dx**2 + dy**2 <= distance**2 + 1e-6).astype(float)


def getis_ord_gistar(
    values: np.ndarray, cellsize: float, distance: float, mask: np.ndarray | None = None
) -> np.ndarray:
    """Gi* z-score of every cell with a binary distance-band neighbourhood (self included).

    Parameters
    ----------
    values : ndarray, 2-D
        The variable (e.g. weighted incident counts per cell).
    cellsize : float
        Cell size in metres.
    distance : float
        Neighbourhood radius in metres (cell centre to cell centre).
    mask : ndarray of bool, optional
        True for cells in the study area (default: every cell).

    Returns
    -------
    ndarray of float64: z-scores, NaN outside ``mask``; 0 where the variable is constant.

    Examples
    --------
    A single event in the middle of a 3 × 3 grid, rook neighbours (d = one cell):
    the centre's 5 neighbours hold the one event; n = 9, mean 1/9, S = √8 / 9, so
    z = (1 - 5/9) / (S √((9·5 - 5²) / 8)) = 4 / √20.

    >>> values = np.zeros((3, 3)); values[1, 1] = 1
    >>> round(float(getis_ord_gistar(values, 25.0, 25.0)[1, 1]), 4)
    0.8944
    """
    values = np.asarray(values, float)
    if values.ndim != 2:
        raise InvalidRequestError("Gi* verwacht een 2-dimensionaal raster.")
    inside = np.ones(values.shape, bool) if mask is None else np.asarray(mask, bool)
    x = np.where(inside, values, 0.0)
    n = int(inside.sum())
    out = np.full(values.shape, np.nan)
    if n < 2:
        return out
    kern = disc_kernel(cellsize, distance)
    mean = x[inside].mean()
    std = x[inside].std()  # population standard deviation, as Getis & Ord
    # Neighbourhood sums; binary weights so sum w² == sum w.
    local = np.rint(fftconvolve(inside.astype(float), kern, mode="same"))
    sums = fftconvolve(x, kern, mode="same")
    if std <= 0:
        out[inside] = 0.0
        return out
    denominator = std * np.sqrt(np.clip(n * local - local**2, 0.0, None) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (sums - mean * local) / denominator
    z[~np.isfinite(z)] = 0.0  # a neighbourhood covering the whole area carries no contrast
    out[inside] = z[inside]
    return out
