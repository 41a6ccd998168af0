"""The gelegenheidskaart engine: indicators → normalised values → theme scores → classes.

Public API (stable; the export pipeline and the API build on it; the result types live in
:mod:`geo.scoring.results`, the passes in :mod:`geo.scoring.passes`)::

    config = load_gelegenheid_config()                 # data/indicatoren/gelegenheid.yaml
    result = compute_gelegenheid(config, layers, grid, mask, window=512, client=None)
    result.themes["bedrijventerreinen"].score           # float32, NaN outside the area
    result.total.klasse                                 # uint8 1..5, 0 outside the area
    result.verantwoording()                             # JSON-able, for kaartverantwoording.json

The work runs in four passes over windows of ``window`` × ``window`` cells, one function
each in :mod:`geo.scoring.passes`:

1. per window (with a halo as wide as the largest influence distance, bandwidth or domain
   distance, so results do not depend on the window layout) every indicator's raw raster
   and every theme's domain are computed from the features clipped to the window;
   this pass runs on a Dask cluster when ``client`` is given;
2. normalisation statistics over the valid cells of each theme's domain in the whole
   area (min/max, exact ranks), identical for any window layout;
3. per window: normalise, combine into theme scores and the overall score;
4. class breaks within each domain (or fixed ones from the configuration), then classes
   per window.

Memory is bounded by the window size: with ``workdir`` every region-sized array is a
:class:`geo.scoring.tiled.TiledArray` in that directory, with a tile on disk per window
that holds area cells (elsewhere it reads as its fill, as in memory).

Kaartverantwoording contract: the export writes ``result.verantwoording()`` as the
``"themas"`` object of ``kaartverantwoording.json`` (``{thema: {thema, label, combinatie,
intercept, indicatoren: [{naam, label, toelichting, soort, gewicht, richting, normalisatie,
parameters}], klassegrenzen, normalisatie_statistieken}}``, the overall map under
``"totaal"``); :func:`geo.scoring.explain.explain_point` reads it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geo.errors import ConfigError
from geo.scoring.config import GelegenheidConfig, load_gelegenheid_config
from geo.scoring.grid import Grid
from geo.scoring.passes import run_passes
from geo.scoring.results import (
    TOTAL,
    GelegenheidResult,
    IndicatorInfo,
    ProgressCallback,
    ThemeResult,
)

__all__ = [
    "GelegenheidConfig",
    "TOTAL",
    "GelegenheidResult",
    "IndicatorInfo",
    "ProgressCallback",
    "ThemeResult",
    "compute_gelegenheid",
    "load_gelegenheid_config",
    "with_learned_weights",
]

def compute_gelegenheid(
    config: GelegenheidConfig,
    layers: dict[str, gpd.GeoDataFrame],
    grid: Grid,
    mask: np.ndarray,
    *,
    window: int = 512,
    client: Any = None,
    workdir: Path | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> GelegenheidResult:
    """Compute every theme's gelegenheidskaart and the overall map.

    Parameters
    ----------
    config : GelegenheidConfig
        Indicator sets (:func:`load_gelegenheid_config`).
    layers : dict of str to GeoDataFrame
        Validated layers in EPSG:28992 keyed by kind (``bedrijventerreinen``, ``wegen``,
        ``kernen`` ...). A theme whose layers are missing raises :class:`ConfigError`.
    grid : Grid
        The area's grid.
    mask : ndarray of bool, shape ``grid.shape``
        True for cells inside the area.
    window : int, default 512
        Window size in cells; results agree within float32 round-off for any layout (the
        FFT of a density depends on the array size) and are bit-identical for the same
        layout on any executor (serial, local workers, Dask).
    client : dask.distributed.Client, optional
        Run pass 1 (indicators per window) on this cluster; results are identical.
    workdir : Path, optional
        Directory for tiled arrays on disk (bounded memory for large areas, see above).
    workers : int, optional
        Local worker processes for pass 1 without ``client`` (1 = serial); default one per
        core above :data:`geo.scoring.parallel.LOCAL_POOL_CELLS` grid cells. Results are
        bit-identical to the serial run.
    progress : callable, optional
        ``progress(done, total, description)``.

    Returns
    -------
    GelegenheidResult
    """
    return run_passes(config, layers, grid, mask, window=window, client=client,
                      workdir=workdir, workers=workers, progress=progress)


def with_learned_weights(config: GelegenheidConfig, thema: str, betas: Mapping[str, float],
                         intercept: float = 0.0) -> GelegenheidConfig:
    """A copy of ``config`` where ``thema`` combines as ``relatief_risico`` with fitted β's.

    Parameters
    ----------
    config : GelegenheidConfig
        The expert configuration the learner's features came from.
    thema : str
        Theme to replace.
    betas : mapping of str to float
        Coefficient per indicator name, fitted on the *normalised* values (``norm:``
        bands); each indicator's direction becomes ``positief`` since β carries the sign.
    intercept : float
        β0.

    Raises
    ------
    ConfigError
        Unknown theme, or indicator names missing from / unknown in ``betas``.
    """
    if thema not in config.themas:
        raise ConfigError(f"Thema '{thema}' staat niet in {config.source}.", thema=thema)
    data = config.model_dump()
    theme = data["themas"][thema]
    names = [i["naam"] for i in theme["indicatoren"]]
    missing, unknown = sorted(set(names) - set(betas)), sorted(set(betas) - set(names))
    if missing or unknown:
        raise ConfigError(
            f"Geleerde gewichten voor thema '{thema}' passen niet bij {config.source}: "
            f"ontbrekend {missing or '-'}, onbekend {unknown or '-'}.", thema=thema)
    theme["combinatie"] = "relatief_risico"
    theme["intercept"] = float(intercept)
    for indicator in theme["indicatoren"]:
        indicator["gewicht"] = float(betas[indicator["naam"]])
        indicator["richting"] = "positief"
    learned = GelegenheidConfig.model_validate(data)
    learned._source = f"{config.source} (geleerde gewichten)"
    learned._lines = dict(config._lines)
    return learned
