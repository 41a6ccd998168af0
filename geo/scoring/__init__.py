"""Scoring: the grid, indicators, normalisation, combination, classification, explanation.

The gelegenheidskaart engine's public API lives in :mod:`geo.scoring.engine`
(re-exported here); the risicokaart modules (``kde``, ``gistar``, ``risico`` ...) are
imported from their own modules.
"""

from geo.scoring.config import GelegenheidConfig, load_gelegenheid_config
from geo.scoring.engine import (
    TOTAL,
    GelegenheidResult,
    IndicatorInfo,
    ThemeResult,
    compute_gelegenheid,
    with_learned_weights,
)
from geo.scoring.explain import explain_cell, explain_point
from geo.scoring.grid import Grid, grid_for_area

__all__ = [
    "TOTAL",
    "GelegenheidConfig",
    "GelegenheidResult",
    "Grid",
    "IndicatorInfo",
    "ThemeResult",
    "compute_gelegenheid",
    "explain_cell",
    "explain_point",
    "grid_for_area",
    "load_gelegenheid_config",
    "with_learned_weights",
]
