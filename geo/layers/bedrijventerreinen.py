"""Layer kind ``bedrijventerreinen``: business parks (theme bedrijventerreinen)."""

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
    kind="bedrijventerreinen",
    geometry="polygoon",
    description="Bedrijventerreinen (IBIS/gemeentelijke registratie) met kenmerken per terrein.",
    columns=(
        id_column(),
        *unknown_allowed(
            ColumnSpec("naam", "str", "Naam van het terrein."),
            count("aantal_vestigingen", "Aantal gevestigde bedrijven (KvK)."),
            percentage("leegstand_pct", "Leegstaand vloeroppervlak in procent (0-100)."),
            count("verzamelgebouwen",
                  "Aantal verzamelgebouwen (bedrijfsverzamelgebouwen met units)."),
            percentage("woonfunctie_pct", "Aandeel panden met (ook) een woonfunctie in procent."),
            yes_no("keurmerk_kvo", "Keurmerk Veilig Ondernemen (KVO-B) aanwezig."),
            yes_no("cameratoezicht", "Collectief cameratoezicht aanwezig."),
            ColumnSpec("bouwjaar_mediaan", "int", "Mediaan bouwjaar van de panden.",
                       minimum=1500, maximum=2100),
        ),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_bedrijventerreinen(source: str | os.PathLike[str], layer: str | None = None, *,
                            assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a bedrijventerreinen layer.

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``bedrijventerreinen``).
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
