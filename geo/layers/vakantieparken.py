"""Layer kind ``vakantieparken``: holiday parks (theme vakantieparken)."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import (
    ColumnSpec,
    LayerSpec,
    count,
    id_column,
    percentage,
    unknown_allowed,
    yes_no,
)

SPEC = LayerSpec(
    kind="vakantieparken",
    geometry="polygoon",
    description="Vakantieparken met kenmerken uit de vitaliteitsscan.",
    columns=(
        id_column(),
        *unknown_allowed(
            ColumnSpec("naam", "str", "Naam van het park."),
            count("aantal_eenheden", "Aantal recreatiewoningen/standplaatsen."),
            percentage("permanente_bewoning_pct", "Permanent bewoonde eenheden in procent."),
            percentage("arbeidsmigranten_pct",
                       "Eenheden bewoond door arbeidsmigranten in procent."),
            yes_no("versnipperd_eigendom", "Eenheden hebben veel verschillende eigenaren."),
            yes_no("toegangscontrole", "Er is toegangscontrole (slagboom, receptie)."),
            ColumnSpec("vitaliteit", "str", "Uitkomst vitaliteitsscan.",
                       allowed=("vitaal", "kwetsbaar", "niet_vitaal")),
        ),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_vakantieparken(source: str | os.PathLike[str], layer: str | None = None, *,
                        assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a vakantieparken layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``vakantieparken``).
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
