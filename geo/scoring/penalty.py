"""The penalty grid of the learned map, scaled to the data, and the no-skill verdict.

sklearn's :class:`~sklearn.linear_model.PoissonRegressor` minimises the *mean* Poisson
deviance plus α/2·‖β‖². For rare events (a mean count of ~0.004 per cell) the mean deviance
is tiny, so a fixed grid starting at α = 10⁻⁴ already shrinks every effect towards a flat
map. :func:`alpha_grid` therefore scales the grid by the null deviance per cell (the mean
deviance of the flat map): 10⁻⁷ … 10¹ times it, one value per decade, and always down to
:data:`ALPHA_FLOOR`. Used by :class:`geo.scoring.learning.PoissonRiskLearner`.
"""

from __future__ import annotations

import numpy as np

NO_SKILL_WARNING = "het model voorspelt niet beter dan een vlakke kaart"
"""Dutch warning when the cross-validated D² is ≤ 0 or within one standard error of 0."""
ALPHA_DECADES = (-7, 1)
"""The data-scaled α grid: 10^-7 … 10^1 times the null deviance per cell (one per decade)."""
ALPHA_FLOOR = 1e-8
"""The grid always reaches at least this small α (four decades below the old 1e-4)."""


def null_deviance_per_cell(y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """Mean Poisson deviance of the intercept-only model (the flat map).

    Examples
    --------
    >>> round(null_deviance_per_cell(np.array([0, 0, 0, 2])), 4)
    1.3863
    """
    y = np.asarray(y, float)
    sw = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
    mu = float(np.average(y, weights=sw))
    if mu <= 0:
        return 0.0
    term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0) - (y - mu)
    return float(np.average(2.0 * term, weights=sw))


def alpha_grid(y: np.ndarray, sample_weight: np.ndarray | None = None) -> tuple[float, ...]:
    """Candidate penalties scaled to the data: null deviance per cell × 10^-7 … 10^1.

    Examples
    --------
    >>> grid = alpha_grid(np.r_[np.zeros(999), 4.0])
    >>> len(grid), grid[0] <= 1e-8, grid == tuple(sorted(grid))
    (9, True, True)
    """
    scale = null_deviance_per_cell(y, sample_weight) or 1.0
    low, high = ALPHA_DECADES
    grid = scale * 10.0 ** np.arange(low, high + 1)
    grid[0] = min(grid[0], ALPHA_FLOOR)
    return tuple(float(a) for a in grid)
