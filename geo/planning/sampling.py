"""Sampling with known inclusion probabilities (probability-proportional-to-size).

Exploration picks are drawn with systematic PPS sampling: with ``m`` draws and size
measures ``w``, object ``i`` is included with probability ``π_i = min(1, c·w_i)`` where ``c``
makes ``Σ π_i = m`` — exactly, so ``1/π_i`` is a valid Horvitz-Thompson weight.
"""

from __future__ import annotations

import numpy as np

from geo.errors import InvalidRequestError


def inclusion_probabilities(weights: np.ndarray, m: int) -> np.ndarray:
    """``π_i ∝ w_i`` summing to ``m``, capped at 1 (iteratively, as in Tillé 2006, §2.10).

    Examples
    --------
    >>> inclusion_probabilities(np.array([1.0, 1.0, 2.0]), 2).tolist()
    [0.5, 0.5, 1.0]
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or not np.isfinite(w).all():
        raise InvalidRequestError("Trekgewichten moeten eindige, niet-negatieve getallen zijn.")
    positive = int((w > 0).sum())
    if m < 0 or m > positive:
        raise InvalidRequestError(
            f"Kan geen {m} objecten trekken uit {positive} objecten met een positief gewicht.")
    pi = np.zeros_like(w)
    if m == 0:
        return pi
    certain = np.zeros(len(w), dtype=bool)
    while True:
        rest = m - certain.sum()
        free = (~certain) & (w > 0)
        pi[free] = rest * w[free] / w[free].sum()
        newly = free & (pi >= 1.0)
        if not newly.any():
            break
        certain |= newly
        pi[certain] = 1.0
    return np.clip(pi, 0.0, 1.0)


def systematic_pps(pi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices drawn by systematic sampling in random order with inclusion probabilities ``pi``.

    ``pi`` must sum to an integer ``m``; exactly ``m`` distinct indices are returned, in the
    order they were drawn (random order, so the first is not favoured by position).
    """
    pi = np.asarray(pi, dtype=float)
    m = int(round(pi.sum()))
    if m == 0:
        return np.array([], dtype=int)
    order = rng.permutation(len(pi))
    cumulative = np.concatenate([[0.0], np.cumsum(pi[order])])
    points = rng.uniform(0.0, 1.0) + np.arange(m)
    hits = np.searchsorted(cumulative, points, side="right") - 1
    hits = np.clip(hits, 0, len(pi) - 1)
    chosen = order[hits]
    return chosen[rng.permutation(len(chosen))]
