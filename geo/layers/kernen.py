"""Layer kind ``kernen``: built-up areas; the buitengebied is the gemeente minus kernen."""

from __future__ import annotations

import os

import geopandas as gpd

from geo import RD_CRS
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
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
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


def buitengebied_area(gemeenten: gpd.GeoDataFrame, kernen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The buitengebied per gemeente: the gemeente minus every kern (EPSG:28992).

    Parameters
    ----------
    gemeenten : GeoDataFrame
        Gemeente polygons (e.g. ``Area.gemeenten``); attributes are kept.
    kernen : GeoDataFrame
        Validated kernen.

    Returns
    -------
    GeoDataFrame
        One row per gemeente (same index), geometry = gemeente minus the union of kernen;
        column ``oppervlakte_km2``.

    Examples
    --------
    A 10×10 km gemeente with a 2×3 km kern has 94 km² buitengebied.
    """
    result = gemeenten.to_crs(RD_CRS) if gemeenten.crs is not None else gemeenten.copy()
    if len(kernen):
        built = kernen.to_crs(RD_CRS).geometry.union_all()
        result = result.set_geometry(result.geometry.difference(built))
    return result.assign(oppervlakte_km2=result.geometry.area / 1e6)
