"""Layer kind ``havens``: sea/inland ports, marinas, airports and airstrips."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec, count, id_column, unknown_allowed, yes_no

SPEC = LayerSpec(
    kind="havens",
    geometry="punt_of_polygoon",
    description="Havens, jachthavens, luchthavens en airstrips.",
    columns=(
        id_column(),
        *unknown_allowed(
            ColumnSpec("naam", "str", "Naam van de haven."),
            ColumnSpec("soort", "str", "Soort haven.",
                       allowed=("zeehaven", "binnenhaven", "jachthaven", "luchthaven", "airstrip")),
            count("ligplaatsen", "Aantal ligplaatsen (0 voor lucht)."),
            yes_no("nachtregister", "Er wordt een nachtregister/passantenregistratie bijgehouden."),
            yes_no("toezicht_24_7", "Er is 24/7 toezicht (havenmeester, beveiliging)."),
        ),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_havens(source: str | os.PathLike[str], layer: str | None = None, *,
                assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a havens layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``havens``).
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
