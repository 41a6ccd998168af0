"""Spatial blocks for cross-validation and bootstrap, and coarsening of cells.

Used by :mod:`geo.scoring.learning` (the learner), :mod:`geo.scoring.influence` (choice of
the spatial influence) and :mod:`geo.scoring.simulation` (the simulation study).
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold


def spatial_blocks(shape: tuple[int, int], block_cells: int) -> np.ndarray:
    """Block id of every cell: square blocks of ``block_cells`` × ``block_cells`` cells.

    Examples
    --------
    >>> spatial_blocks((3, 4), 2)
    array([[0, 0, 1, 1],
           [0, 0, 1, 1],
           [2, 2, 3, 3]])
    """
    rows, cols = shape
    block_cells = max(1, int(block_cells))
    per_row = -(-cols // block_cells)
    r = np.arange(rows)[:, None] // block_cells
    c = np.arange(cols)[None, :] // block_cells
    return r * per_row + c


def block_folds(groups: np.ndarray, n_splits: int, random_state: int | None) -> list:
    """Train/test index pairs of the spatial block CV: every block in one fold (shuffled)."""
    groups = np.asarray(groups)
    n = min(n_splits, len(np.unique(groups)))
    return list(GroupKFold(n_splits=n, shuffle=True, random_state=random_state).split(
        np.zeros(len(groups)), None, groups))


def aggregate_cells(
    features: np.ndarray, counts: np.ndarray, mask: np.ndarray, factor: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """Coarsen ``factor`` × ``factor`` cells: mean features, summed counts, any-mask.

    Returns ``(features, counts, mask, shape)`` of the coarse grid; ``factor=1`` is a no-op.
    A Poisson log-linear model fitted on coarse cells predicts fine cells up to a constant
    (the cell area), which does not change rankings.
    """
    if factor <= 1:
        return features, counts, mask, counts.shape
    n, rows, cols = features.shape
    pr, pc = -rows % factor, -cols % factor
    feats = np.pad(features, ((0, 0), (0, pr), (0, pc)))
    cnt = np.pad(counts, ((0, pr), (0, pc)))
    msk = np.pad(mask, ((0, pr), (0, pc)))
    shape = ((rows + pr) // factor, (cols + pc) // factor)
    blocks = (shape[0], factor, shape[1], factor)
    inside = msk.reshape(blocks).sum(axis=(1, 3))
    total = (feats * msk).reshape((n, *blocks)).sum(axis=(2, 4))
    mean = np.divide(total, inside, out=np.zeros_like(total, dtype=float), where=inside > 0)
    return mean, cnt.reshape(blocks).sum(axis=(1, 3)), inside > 0, shape
