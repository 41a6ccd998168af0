"""Layer kind ``landsgrens``: the national border (distance-to-border indicator)."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec

SPEC = LayerSpec(
    kind="landsgrens",
    geometry="lijn",
    id_column=None,
    outside="verwijder",
    description="De landsgrens met België en Duitsland (afstand tot de grens).",
    columns=(
        ColumnSpec("naam", "str", "Naam van het grensdeel (België, Duitsland).",
                   required=False, default=""),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_landsgrens(source: str | os.PathLike[str], layer: str | None = None, *,
                    assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a landsgrens layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``landsgrens``).
    assume_crs : str, optional
        CRS to assume when the file has none (``"EPSG:28992"``); otherwise refused.

    Returns
    -------
    GeoDataFrame
        EPSG:28992, declared columns first (normalised types), extra columns kept.

    Raises
    ------
    InputFileError, UnknownLayerError, CrsError, SchemaError, GeometryError
    """
    return load(SPEC, source, layer, assume_crs=assume_crs)
