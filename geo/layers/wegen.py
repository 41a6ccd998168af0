"""Layer kind ``wegen``: motorways, exits and main roads (accessibility indicators)."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec

SPEC = LayerSpec(
    kind="wegen",
    geometry="lijn",
    id_column=None,
    outside="verwijder",
    description="Snelwegen, afritten en hoofdwegen (bereikbaarheid).",
    columns=(
        ColumnSpec("soort", "str", "Soort weg.", allowed=("snelweg", "afrit", "hoofdweg")),
        ColumnSpec("naam", "str", "Wegnummer of naam (A2, N280).", required=False, default=""),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_wegen(source: str | os.PathLike[str], layer: str | None = None, *,
               assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a wegen layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``wegen``).
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
