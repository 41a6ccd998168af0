"""Combining normalised indicators into a theme score, and theme scores into the total.

Each indicator contributes a *value* ``v = norm`` (direction ``positief``) or
``v = 1 - norm`` (``negatief``: a protective factor whose absence adds opportunity);
a missing value (NaN: no object within reach) contributes 0. An *unknown* value
(``skip``: the object is there but its attribute is unknown, ``onbekend: overslaan``)
is left out: the weights are renormalised over the known indicators of that cell
(``gewogen_som``) or the term is 0, the reference level (``relatief_risico``); a cell
with no known indicator at all has no score (NaN). Then

- ``gewogen_som`` (expert weights ``w ≥ 0``): ``score = Σ w·v / Σ w`` (0..1);
- ``relatief_risico`` (coefficients β, e.g. learned): ``score = exp(β0 + Σ β·v)``, the
  relative risk against a cell where every value is 0 (Caplan & Kennedy, risk terrain
  modelling; the form of a Poisson/logistic regression on the indicators).

The overall gelegenheidskaart combines the theme scores (0 outside each theme's domain)
with ``maximum`` (the highest theme score per cell) or ``gewogen_som`` (``Σ W·s / Σ W``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geo.errors import ConfigError

COMBINATIONS = ("gewogen_som", "relatief_risico")
TOTAL_COMBINATIONS = ("maximum", "gewogen_som")


def values(norm: np.ndarray, directions: Sequence[str]) -> np.ndarray:
    """Per-indicator values ``v`` (axis 0 = indicator), float64, NaN replaced by 0."""
    norm = np.asarray(norm, np.float64)
    sign = np.array([d == "negatief" for d in directions]).reshape((-1,) + (1,) * (norm.ndim - 1))
    v = np.where(sign, 1.0 - norm, norm)
    return np.nan_to_num(v, nan=0.0)


def terms(norm: np.ndarray, weights: Sequence[float], directions: Sequence[str]) -> np.ndarray:
    """``w_i · v_i`` per indicator (axis 0)."""
    w = np.asarray(weights, np.float64).reshape((-1,) + (1,) * (np.ndim(norm) - 1))
    return w * values(norm, directions)


def combine(norm: np.ndarray, weights: Sequence[float], directions: Sequence[str],
            combination: str, intercept: float = 0.0,
            skip: np.ndarray | None = None) -> np.ndarray:
    """Theme score (float64) from normalised values ``(n, ...)``.

    Examples
    --------
    >>> combine(np.array([[0.5], [1.0]]), [1, 3], ["positief", "negatief"], "gewogen_som")
    array([0.125])
    >>> combine(np.array([[1.0], [0.5]]), [0.5, 1.0], ["positief", "positief"],
    ...         "relatief_risico").round(4)
    array([2.7183])
    """
    t = terms(norm, weights, directions)
    if skip is not None and np.any(skip):
        t = np.where(skip, 0.0, t)
        if combination == "gewogen_som":
            return t.sum(axis=0) / known_weight(weights, skip)
    if combination == "gewogen_som":
        return t.sum(axis=0) / float(np.sum(weights))
    if combination == "relatief_risico":
        return np.exp(intercept + t.sum(axis=0))
    raise ConfigError(f"Onbekende combinatie '{combination}' (kies uit {', '.join(COMBINATIONS)}).")


def known_weight(weights: Sequence[float], skip: np.ndarray) -> np.ndarray:
    """Per cell the sum of the weights of the known indicators; NaN where none is known.

    Examples
    --------
    >>> known_weight([1, 3], np.array([[False, True], [True, True]])).tolist()
    [1.0, nan]
    """
    w = np.asarray(weights, np.float64).reshape((-1,) + (1,) * (np.ndim(skip) - 1))
    total = np.where(skip, 0.0, w).sum(axis=0)
    return np.where(total > 0, total, np.nan)


def completeness(weights: Sequence[float], status: np.ndarray) -> np.ndarray:
    """Share (0..1) of the indicator weight (|w|) whose value was known, per cell.

    ``status`` ``(n, ...)`` is 0 for a known value, > 0 for an unknown one (left out or
    imputed: an imputed value is not a known one).

    Examples
    --------
    >>> completeness([1, 3], np.array([[0, 1], [2, 0]])).tolist()
    [0.25, 0.75]
    """
    w = np.abs(np.asarray(weights, np.float64)).reshape((-1,) + (1,) * (np.ndim(status) - 1))
    total = float(w.sum())
    if total <= 0:
        return np.ones(np.shape(status)[1:])
    return np.where(np.asarray(status) > 0, 0.0, w).sum(axis=0) / total


def combine_total(scores: np.ndarray, weights: Sequence[float], combination: str) -> np.ndarray:
    """Overall score from theme scores ``(themes, ...)`` (0 outside a theme's domain)."""
    scores = np.nan_to_num(np.asarray(scores, np.float64), nan=0.0)
    if combination == "maximum":
        return scores.max(axis=0)
    if combination == "gewogen_som":
        w = np.asarray(weights, np.float64)
        if w.sum() <= 0:
            raise ConfigError(
                "De som van de themagewichten (totaal.gewichten) moet groter dan 0 zijn."
            )
        return np.tensordot(w, scores, axes=1) / w.sum()
    raise ConfigError(
        f"Onbekende combinatie '{combination}' voor het totaal "
        f"(kies uit {', '.join(TOTAL_COMBINATIONS)})."
    )
