"""Input layers: one module per kind with its schema and ``load_<kind>``; the werkmap's GPKG.

Examples
--------
>>> from geo.layers import load_layer, write_layers  # doctest: +SKIP
>>> parken = load_layer("vakantieparken", "parken.shp.zip", assume_crs="EPSG:28992")
>>> write_layers(werkmap.lagen, {"vakantieparken": parken}, synthetic=False,
...              description="Vitaliteitsscan 2024")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import geopandas as gpd

from geo.errors import UnknownLayerError
from geo.layers import _store as store
from geo.layers import (
    bedrijventerreinen,
    buitengebied,
    gemeenten,
    havens,
    incidenten,
    kernen,
    landsgrens,
    vakantieparken,
    verzorgingsplaatsen,
    wegen,
)
from geo.layers._load import load, validate_frame
from geo.layers._normalise import suggest
from geo.layers._schema import ColumnSpec, LayerSpec, restore_types
from geo.layers._validate import ColumnsDroppedWarning, OutsideNetherlandsWarning
from geo.layers.bedrijventerreinen import load_bedrijventerreinen
from geo.layers.buitengebied import load_buitengebied
from geo.layers.gemeenten import load_gemeenten
from geo.layers.havens import load_havens
from geo.layers.incidenten import load_incidenten
from geo.layers.kernen import load_kernen
from geo.layers.landsgrens import load_landsgrens
from geo.layers.vakantieparken import load_vakantieparken
from geo.layers.verzorgingsplaatsen import load_verzorgingsplaatsen
from geo.layers.wegen import load_wegen
from geo.runs import THEMES

_MODULES = (gemeenten, kernen, bedrijventerreinen, buitengebied, havens, vakantieparken, wegen,
            verzorgingsplaatsen, landsgrens, incidenten)

SPECS: dict[str, LayerSpec] = {module.SPEC.kind: module.SPEC for module in _MODULES}
"""The schema of every layer kind, by kind name."""

LAYER_KINDS: tuple[str, ...] = tuple(SPECS)
"""All layer kinds, in pipeline order."""


LOADERS: dict[str, Callable[..., gpd.GeoDataFrame]] = {
    module.SPEC.kind: getattr(module, f"load_{module.SPEC.kind}") for module in _MODULES}
"""``load_<kind>`` of every layer kind, by kind name."""


def get_spec(kind: str) -> LayerSpec:
    """The :class:`LayerSpec` of ``kind``; :class:`UnknownLayerError` with suggestions."""
    if kind not in SPECS:
        raise UnknownLayerError(
            f"Onbekende laagsoort '{kind}'.{suggest(kind, list(LAYER_KINDS))} "
            f"Bekende soorten: {', '.join(LAYER_KINDS)}.", soort=kind, bekend=list(LAYER_KINDS))
    return SPECS[kind]


def load_layer(kind: str, source: str | os.PathLike[str], layer: str | None = None, *,
               assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a layer of any kind (see ``load_<kind>``).

    Parameters
    ----------
    kind : str
        One of :data:`LAYER_KINDS`.
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file.
    assume_crs : str, optional
        CRS to assume when the file has none; without it such a file is refused.

    Returns
    -------
    GeoDataFrame
        Validated, EPSG:28992.
    """
    return load(get_spec(kind), source, layer, assume_crs=assume_crs)


def validate_layer(kind: str, frame: gpd.GeoDataFrame, *, source: str = "<geheugen>",
                   assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Validate an in-memory GeoDataFrame against the schema of ``kind``.

    The input is not changed; a normalised copy in EPSG:28992 is returned. Used by the
    demo generator and by ``read_layers`` callers who built frames themselves.
    """
    return validate_frame(get_spec(kind), frame, source=source, assume_crs=assume_crs)


def read_layers(gpkg_path: str | os.PathLike[str],
                kinds: Iterable[str] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Read the werkmap's ``invoer/lagen.gpkg``; kinds that are not in it are simply absent.

    Raises
    ------
    InputFileError
        The file does not exist or is unreadable.
    UnknownLayerError
        ``kinds`` names an unknown kind.
    """
    layers = store.read_layers(gpkg_path, kinds, LAYER_KINDS)
    return {kind: restore_types(SPECS[kind], frame) for kind, frame in layers.items()}


def write_layers(gpkg_path: str | os.PathLike[str], layers: dict[str, gpd.GeoDataFrame], *,
                 synthetic: bool, description: str,
                 layer_info: dict[str, dict[str, str]] | None = None) -> Path:
    """Write ``layers`` (kind → frame) as one GPKG, atomically replacing ``gpkg_path``.

    Parameters
    ----------
    synthetic : bool
        Dataset metadata ``synthetisch`` = ``ja``/``nee``.
    description : str
        Dataset metadata ``beschrijving`` (Dutch).
    layer_info : dict, optional
        Extra layer metadata per kind (``bron``, ``synthetisch`` of that layer).
    """
    return store.write_layers(gpkg_path, layers, synthetic=synthetic, description=description,
                              known=LAYER_KINDS, layer_info=layer_info)


def is_synthetic(gpkg_path: str | os.PathLike[str]) -> bool:
    """True when the GPKG's dataset metadata says ``synthetisch = ja``."""
    return store.dataset_metadata(gpkg_path).get("synthetisch", "nee") == "ja"


__all__ = [
    "LAYER_KINDS", "LOADERS", "SPECS", "THEMES", "ColumnSpec", "ColumnsDroppedWarning",
    "LayerSpec",
    "OutsideNetherlandsWarning", "get_spec", "is_synthetic", "load_bedrijventerreinen",
    "load_buitengebied", "load_gemeenten", "load_havens", "load_incidenten", "load_kernen",
    "load_landsgrens", "load_layer", "load_vakantieparken", "load_verzorgingsplaatsen",
    "load_wegen", "read_layers",
    "validate_layer", "write_layers",
]
