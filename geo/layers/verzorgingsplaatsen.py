"""Layer kind ``verzorgingsplaatsen``: truck parkings, rest areas and service areas.

Places where lorries stand still unobserved along motorways and main roads: a known
setting for overslag (transfer of drugs or precursors between vehicles), transport and
dumping of drug waste. Real data comes from OpenStreetMap (profile
``osm-verzorgingsplaats``); every attribute except the id may be unknown.
"""

from __future__ import annotations

import os

import geopandas as gpd

from geo.layers._load import load
from geo.layers._schema import ColumnSpec, LayerSpec, count, id_column, unknown_allowed, yes_no

SPEC = LayerSpec(
    kind="verzorgingsplaatsen",
    geometry="punt_of_polygoon",
    description="Truckparkings, rustplaatsen en verzorgingsplaatsen langs (snel)wegen.",
    columns=(
        id_column(),
        *unknown_allowed(
            ColumnSpec("naam", "str", "Naam van de plaats."),
            yes_no("truckparking", "Parkeerplaats voor vrachtwagens."),
            yes_no("rustplaats", "Rustplaats/parkeerplaats zonder voorzieningen."),
            yes_no("verzorgingsplaats", "Verzorgingsplaats met voorzieningen (tankstation, "
                   "restaurant)."),
            ColumnSpec("weg", "str", "Weg waaraan de plaats ligt (A67, N280)."),
            count("vrachtwagenplaatsen", "Aantal parkeerplaatsen voor vrachtwagens."),
            yes_no("brandstof", "Er is een tankstation."),
            yes_no("restaurant", "Er is een restaurant."),
            yes_no("toiletten", "Er zijn toiletten."),
            ColumnSpec("oppervlakte_m2", "float", "Oppervlakte in m².", minimum=0),
        ),
    ),
)
SCHEMA = SPEC.schema
"""The pandera schema of the attribute columns."""


def load_verzorgingsplaatsen(source: str | os.PathLike[str], layer: str | None = None, *,
                             assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Load and validate a verzorgingsplaatsen layer.

    Parameters, result and errors as :func:`geo.layers.load_layer` (EPSG:28992, declared
    columns first, unknown attributes NULL). Real OpenStreetMap data: ``kaart importeer
    verzorgingsplaatsen BESTAND --profiel osm-verzorgingsplaats``.
    """
    return load(SPEC, source, layer, assume_crs=assume_crs)
