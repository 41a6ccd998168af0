"""Layer kind ``kernen``: built-up areas; the buitengebied is the gemeente minus kernen."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec

SPEC = LayerSpec(
    kind="kernen",
    geometry="polygoon",
    id_column="naam",
    description="Bebouwde kommen / woonkernen; buitengebied = gemeente min kernen.",
    columns=(
        ColumnSpec("naam", "str", "Naam van de kern.", required=False, default=""),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_kernen(source: str | os.PathLike[str], layer: str | None = None, *,
                assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a kernen layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped) or GeoParquet.
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``kernen``).
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
