"""Layer kind ``buitengebied``: objects in the rural area (farms, sheds, barns)."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec, id_column, unknown_allowed, yes_no

SPEC = LayerSpec(
    kind="buitengebied",
    geometry="punt_of_polygoon",
    description="Objecten in het buitengebied (agrarische bedrijven, schuren, loodsen, stallen).",
    columns=(
        id_column(),
        *unknown_allowed(
            ColumnSpec("soort", "str", "Soort object.",
                       allowed=("agrarisch_bedrijf", "schuur", "loods", "stal", "woning",
                                "overig")),
            yes_no("leegstaand", "Het object staat leeg."),
            yes_no("stoppend_bedrijf", "Agrarisch bedrijf dat stopt of gestopt is (VAB)."),
            ColumnSpec("oppervlakte_m2", "float", "Bebouwd oppervlak in m².", minimum=0),
        ),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_buitengebied(source: str | os.PathLike[str], layer: str | None = None, *,
                      assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a buitengebied layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``buitengebied``).
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
