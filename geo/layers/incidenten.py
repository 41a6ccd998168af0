"""Layer kind ``incidenten``: signals and incidents for the risicokaart.

Police-derived rows are confidential: a row with ``bron = politie`` must have
``vertrouwelijk = ja`` (refused otherwise), so no police signal can be published to
a gemeente user by mistake. Columns the schema does not declare are dropped with a
warning (data minimisation: exports often carry names, addresses or licence plates).
"""

from __future__ import annotations

import os

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec, id_column, yes_no


def _plausible_date(dates: pd.Series) -> pd.Series:
    today = pd.Timestamp.now().normalize()
    return dates.between(pd.Timestamp("1900-01-01"), today)


def _police_is_confidential(frame: pd.DataFrame) -> pd.Series:
    return ~(frame["bron"].eq("politie") & ~frame["vertrouwelijk"].astype(bool))


SPEC = LayerSpec(
    kind="incidenten",
    geometry="punt",
    description="Incidenten en signalen (drugslabs, dumpingen, meldingen, controlebevindingen).",
    columns=(
        id_column(),
        ColumnSpec("datum", "date", "Datum van het incident (2023-12-31 of 31-12-2023).",
                   checks=(pa.Check(_plausible_date, name="datum_plausibel",
                                    error="moet tussen 1900 en vandaag liggen; ongeldig"),)),
        ColumnSpec("soort", "str", "Soort incident.",
                   allowed=("drugslab", "dumping", "hennepkwekerij", "melding",
                            "bevinding_controle", "overig")),
        ColumnSpec("bron", "str", "Herkomst van het signaal.",
                   allowed=("politie", "gemeente", "meld_misdaad_anoniem", "riec", "overig")),
        yes_no("vertrouwelijk", "Vertrouwelijk (nooit zichtbaar voor gemeentegebruikers); "
                                "verplicht 'ja' bij bron politie."),
    ),
    keep_extra=False,
    extra_checks=(
        pa.Check(_police_is_confidential, name="politie_vertrouwelijk",
                 error="politie-incidenten moeten vertrouwelijk = ja hebben"),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_incidenten(source: str | os.PathLike[str], layer: str | None = None, *,
                    assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate an incidenten layer (confidential data: never log rows).

    Parameters
    ----------
    source : path
        GeoPackage, GeoJSON, Shapefile (also zipped), GeoParquet, or CSV/Excel with
        coordinate columns (see :mod:`geo.layers._tables`).
    layer : str, optional
        Layer in a multi-layer file (default: the only layer, or ``incidenten``).
    assume_crs : str, optional
        CRS to assume when the file has none (``"EPSG:28992"``); otherwise refused.

    Returns
    -------
    GeoDataFrame
        EPSG:28992 points; ``datum`` as datetime64 (day), declared columns first.

    Raises
    ------
    InputFileError, UnknownLayerError, CrsError, SchemaError, GeometryError
    """
    return load(SPEC, source, layer, assume_crs=assume_crs)
