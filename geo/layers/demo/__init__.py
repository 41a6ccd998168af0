"""Synthetic but plausible demo data for Limburg (31 gemeenten), with a known signal.

SYNTHETISCHE DEMODATA: only the gemeente boundaries and the national border are real.
Every other object (kernen, wegen, bedrijventerreinen, buitengebied, havens,
vakantieparken, incidenten) is invented, deterministically from one seed.

The incidents follow a known log-linear Poisson intensity of the same geographic
indicators the gelegenheidskaart uses (see :mod:`geo.layers.demo.signaal` for the
features and :data:`TRUE_COEFFICIENTS`), drawn independently per year 2023-2025, plus a
background of meldingen in kernen proportional to inhabitants. A model fitted on the
indicators should therefore predict 2025 better than the 2023-2024 incident locations.

Examples
--------
>>> layers = generate_demo(seed=1)  # doctest: +SKIP
>>> sorted(layers)  # doctest: +SKIP
['bedrijventerreinen', 'buitengebied', 'gemeenten', 'havens', 'incidenten', 'kernen', ...]
>>> write_demo(Werkmap.open("demo"), seed=1)  # doctest: +SKIP
PosixPath('.../demo/invoer/lagen.gpkg')
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np

from geo.errors import InvalidRequestError
from geo.layers import validate_layer, write_layers
from geo.layers.demo._common import DemoArea
from geo.layers.demo.bedrijventerreinen import generate_bedrijventerreinen
from geo.layers.demo.buitengebied import generate_buitengebied
from geo.layers.demo.grenzen import generate_gemeenten, generate_landsgrens
from geo.layers.demo.havens import generate_havens
from geo.layers.demo.incidenten import generate_incidenten
from geo.layers.demo.kernen import generate_kernen
from geo.layers.demo.signaal import EXPECTED_PER_YEAR, TRUE_COEFFICIENTS, compute_features
from geo.layers.demo.vakantieparken import generate_vakantieparken
from geo.layers.demo.wegen import exit_points, generate_wegen
from geo.paths import Werkmap

DEMO_LAYERS: tuple[str, ...] = (
    "gemeenten", "landsgrens", "kernen", "wegen", "bedrijventerreinen", "vakantieparken",
    "buitengebied", "havens", "incidenten",
)
"""Generated layer kinds, in generation order."""

DESCRIPTION = (
    "SYNTHETISCHE DEMODATA voor Limburg (31 gemeenten), gegenereerd met 'kaart demo'. "
    "Alleen de gemeentegrenzen en de landsgrens zijn echt; kernen, wegen, "
    "bedrijventerreinen, buitengebied, havens, vakantieparken en incidenten zijn verzonnen "
    "en zeggen niets over echte plaatsen, bedrijven of personen."
)

REAL_SOURCES = {
    "gemeenten": "CBS/Kadaster gebiedsindeling 2024 (gegeneraliseerd)",
    "landsgrens": "afgeleid uit CBS/Kadaster provinciegrenzen 2024 (Limburg min NL-buren)",
}
"""Sources of the two real layers (their layer metadata says ``synthetisch = nee``)."""

# One independent random stream per layer: changing one generator never shifts the others.
_STREAM = {kind: number for number, kind in enumerate(DEMO_LAYERS)}

ProgressCallback = Callable[[str], None]


def generate_demo(seed: int = 1, *, on_layer: ProgressCallback | None = None,
                  validate: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """Generate every demo layer (EPSG:28992), deterministically from ``seed``.

    Parameters
    ----------
    seed : int
        Non-negative seed; the same seed always gives identical layers.
    on_layer : callable, optional
        Called with each layer kind after it has been generated (progress).
    validate : bool
        Validate every layer against its schema (``geo.layers.validate_layer``) and return
        the normalised frames, exactly as loading them from the GeoPackage would.

    Returns
    -------
    dict of GeoDataFrame
        Layer kind → frame, in :data:`DEMO_LAYERS` order. The true incident model is in
        ``layers["incidenten"].attrs["demo_model"]``.
    """
    layers, model = _generate(seed, on_layer)
    if validate:
        layers = _validated(layers, seed)
    layers["incidenten"].attrs["demo_model"] = model
    return layers


def _validated(layers: dict[str, gpd.GeoDataFrame], seed: int) -> dict[str, gpd.GeoDataFrame]:
    return {kind: validate_layer(kind, frame, source=f"kaart demo (seed {seed})")
            for kind, frame in layers.items()}


def _generate(seed: int, on_layer: ProgressCallback | None
              ) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidRequestError(f"Seed moet een geheel getal ≥ 0 zijn, niet {seed!r}.",
                                  seed=str(seed))
    seed = int(seed)

    def rng(kind: str) -> np.random.Generator:
        return np.random.default_rng([seed, _STREAM[kind]])

    def done(kind: str, frame: gpd.GeoDataFrame) -> None:
        layers[kind] = frame
        if on_layer is not None:
            on_layer(kind)

    area = DemoArea.limburg()
    layers: dict[str, gpd.GeoDataFrame] = {}
    done("gemeenten", generate_gemeenten(area))
    done("landsgrens", generate_landsgrens(area))
    done("kernen", generate_kernen(area, rng("kernen")))
    done("wegen", generate_wegen(area, layers["kernen"]))
    exits = exit_points(layers["wegen"])
    done("bedrijventerreinen", generate_bedrijventerreinen(area, layers["kernen"], exits,
                                                           rng("bedrijventerreinen")))
    built = gpd.GeoSeries(list(layers["kernen"].geometry) +
                          list(layers["bedrijventerreinen"].geometry), crs=area.gemeenten.crs)
    done("vakantieparken", generate_vakantieparken(area, built, rng("vakantieparken")))
    occupied = gpd.GeoSeries(list(built) + list(layers["vakantieparken"].geometry),
                             crs=area.gemeenten.crs)
    done("buitengebied", generate_buitengebied(area, occupied, rng("buitengebied")))
    done("havens", generate_havens(area, layers["kernen"], rng("havens")))
    incidenten, model = generate_incidenten(layers, rng("incidenten"))
    model["seed"] = seed
    done("incidenten", incidenten)
    return {kind: layers[kind] for kind in DEMO_LAYERS}, model


def write_demo(werkmap: Werkmap, seed: int = 1, *, on_layer: ProgressCallback | None = None
               ) -> Path:
    """Generate the demo, validate every layer and write ``werkmap.lagen`` atomically.

    The GeoPackage's dataset metadata says ``synthetisch = ja`` with a Dutch
    ``beschrijving``; every invented layer's metadata says ``synthetisch = ja`` and
    ``bron = kaart demo (seed N)`` (the real ``gemeenten`` and ``landsgrens`` say ``nee``
    and name their source); the ``incidenten`` layer also carries the true model as JSON
    (``demo_model``).

    Parameters
    ----------
    werkmap : Werkmap
        Target werkmap; an existing ``invoer/lagen.gpkg`` is replaced.
    seed : int
        Seed for :func:`generate_demo`.
    on_layer : callable, optional
        Progress callback, as in :func:`generate_demo`.

    Returns
    -------
    Path
        The written GeoPackage.
    """
    layers, model = _generate(seed, on_layer)
    checked = _validated(layers, seed)
    info = {kind: {"synthetisch": "ja", "bron": f"kaart demo (seed {seed})"}
            for kind in checked}
    info["gemeenten"] = {"synthetisch": "nee", "bron": REAL_SOURCES["gemeenten"]}
    info["landsgrens"] = {"synthetisch": "nee", "bron": REAL_SOURCES["landsgrens"]}
    info["incidenten"]["demo_model"] = json.dumps(model, sort_keys=True)
    return write_layers(werkmap.lagen, checked, synthetic=True,
                        description=f"{DESCRIPTION} Seed: {seed}.", layer_info=info)


__all__ = [
    "DEMO_LAYERS", "DESCRIPTION", "EXPECTED_PER_YEAR", "TRUE_COEFFICIENTS", "compute_features",
    "exit_points", "generate_bedrijventerreinen", "generate_buitengebied", "generate_demo",
    "generate_gemeenten", "generate_havens", "generate_incidenten", "generate_kernen",
    "generate_landsgrens", "generate_vakantieparken", "generate_wegen", "write_demo",
]
