"""Evaluation of maps against held-out incidents: hit rate and PAI by area coverage.

Definitions (Chainey, Tompson & Uhlig 2008):

- **coverage** *c*: the share of the area's cells flagged, taking the cells with the
  highest score first (1, 2, 5, 10 or 20 % of the area);
- **hit rate** *H(c)* = (test incidents in the flagged cells) / (all test incidents in the
  area) — the share of future incidents a map "catches" with that much area;
- **PAI** (Predictive Accuracy Index) = hit rate / area share = *H(c) / c*. A map no better
  than chance has PAI 1; PAI 4 at 5 % means the top 5 % of the area catches 20 % of the
  incidents, four times more than its size.

Cells with equal scores at the cut-off are taken proportionally (the expected value under
a random order among ties), so ties never favour a map and a constant map — the
*uniform random* reference — scores exactly *H(c) = c*, PAI 1.

Temporal hold-out: maps are built from incidents before ``split`` (training period) and
scored on incidents from ``split`` on (test period), never on the incidents they saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo.errors import InvalidRequestError

COVERAGES = (0.01, 0.02, 0.05, 0.10, 0.20)


def hit_rate(
    score: np.ndarray, counts: np.ndarray, mask: np.ndarray, coverage: float
) -> float:
    """Share of the incidents in ``counts`` caught by the top ``coverage`` of cells.

    Parameters
    ----------
    score : ndarray
        The map's score per cell (higher = flagged first). NaN counts as lowest.
    counts : ndarray
        Test incidents per cell.
    mask : ndarray of bool
        Cells in the area.
    coverage : float
        Area share in (0, 1].

    Examples
    --------
    Four cells holding 1, 0, 3 and 0 incidents; the best cell (3 incidents) is a quarter
    of the area, so H(25 %) = 3/4 and PAI = 0.75 / 0.25 = 3.

    >>> hit_rate(np.array([0.5, 0.1, 0.9, 0.2]), np.array([1, 0, 3, 0]),
    ...          np.ones(4, bool), 0.25)
    0.75
    """
    if not 0 < coverage <= 1:
        raise InvalidRequestError(f"Dekking moet tussen 0 en 1 liggen (gekregen: {coverage}).")
    mask = np.asarray(mask, bool)
    s = np.nan_to_num(np.asarray(score, float)[mask], nan=-np.inf)
    c = np.asarray(counts, float)[mask]
    total = c.sum()
    if total <= 0:
        return float("nan")
    k = coverage * s.size
    order = np.sort(s)[::-1]
    threshold = order[min(int(np.ceil(k)) - 1, s.size - 1)] if k >= 1 else order[0]
    above = s > threshold
    tied = s == threshold
    n_above = int(above.sum())
    share_tied = (k - n_above) / tied.sum() if tied.any() else 0.0
    hits = c[above].sum() + max(share_tied, 0.0) * c[tied].sum()
    return float(hits / total)


def evaluate_maps(
    maps: Mapping[str, np.ndarray],
    counts: np.ndarray,
    mask: np.ndarray,
    coverages: Sequence[float] = COVERAGES,
) -> pd.DataFrame:
    """Hit rate and PAI of every map at every coverage.

    Returns
    -------
    DataFrame with columns ``kaart, dekking, trefkans, pai`` (one row per map and coverage).

    Examples
    --------
    >>> table = evaluate_maps({"uniform": np.zeros(10)}, np.arange(10), np.ones(10, bool),
    ...                       [0.1, 0.2])
    >>> table["pai"].round(6).tolist()
    [1.0, 1.0]
    """
    rows = []
    for name, score in maps.items():
        for coverage in coverages:
            h = hit_rate(score, counts, mask, coverage)
            rows.append({"kaart": name, "dekking": float(coverage), "trefkans": h,
                         "pai": h / coverage})
    return pd.DataFrame(rows)


def uniform_map(mask: np.ndarray) -> np.ndarray:
    """The uniform random reference: a constant score (ties taken at random, in expectation)."""
    return np.where(mask, 0.0, np.nan)
