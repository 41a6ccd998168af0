"""Scoring: the grid, indicators, normalisation, combination, classification, explanation.

The gelegenheidskaart engine's public API lives in :mod:`geo.scoring.engine`
(re-exported here, lazily); the risicokaart modules (``kde``, ``gistar``, ``risico`` ...) are
imported from their own modules.
"""

import importlib

_EXPORTS = {
    "GelegenheidConfig": "config", "load_gelegenheid_config": "config",
    "TOTAL": "engine", "GelegenheidResult": "engine", "IndicatorInfo": "engine",
    "ThemeResult": "engine", "compute_gelegenheid": "engine", "with_learned_weights": "engine",
    "explain_cell": "explain", "explain_point": "explain",
    "Grid": "grid", "grid_for_area": "grid",
}
"""Re-exports, imported on first use (PEP 562): importing a light submodule such as
``geo.scoring.uitleg`` must not load the engine (geopandas, scipy) into a tile server."""


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geo.scoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"geo.scoring.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


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
