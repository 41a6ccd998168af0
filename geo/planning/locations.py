"""Where a stop is, in words a team can use: the object's address, or else its coordinates
with the name of the nearest road from the werkmap's ``wegen`` layer.

Address fields come from the import profiles (OSM ``addr:*`` tags as ``adres``/``postcode``/
``plaats``; a BAG export's ``straat``/``huisnummer``/``woonplaats``) and are carried from
``objecten.gpkg`` into the candidate table. Nothing is invented: a missing road name or a road
farther than :data:`ROAD_MAX_M` stays ``onbekend``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import points

from geo import RD_CRS
from geo.paths import Werkmap

ADDRESS_COLUMNS = ("adres", "straat", "huisnummer", "postcode", "plaats", "woonplaats")
"""Address columns an object table may have (first the street line, then place)."""
ROAD_MAX_M = 2000.0
"""A road farther away than this does not describe where the stop is."""
UNKNOWN = "onbekend"


def address_columns(objects: pd.DataFrame) -> dict[str, np.ndarray]:
    """The address columns present in ``objects`` as text ('' where empty)."""
    result = {}
    for column in ADDRESS_COLUMNS:
        if column in objects:
            values = objects[column].astype("object")
            result[column] = values.where(values.notna(), "").astype(str).str.strip().to_numpy()
    return result


def address_text(row: pd.Series | dict) -> str:
    """``Kerkstraat 12, 6291 AB Vaals`` from the row's address fields; '' when it has none.

    >>> address_text({"straat": "Kerkstraat", "huisnummer": "12", "postcode": "6291 AB",
    ...               "woonplaats": "Vaals"})
    'Kerkstraat 12, 6291 AB Vaals'
    >>> address_text({"adres": "Camping de Hoeve", "plaats": "Epen"})
    'Camping de Hoeve, Epen'
    >>> address_text({"postcode": "nan"})
    ''
    """
    def field(name: str) -> str:
        value = row.get(name)
        text = "" if value is None else str(value).strip()
        return "" if text.lower() in ("", "nan", "none") else text

    street = field("adres") or " ".join(p for p in (field("straat"), field("huisnummer")) if p)
    place = " ".join(p for p in (field("postcode"), field("woonplaats") or field("plaats")) if p)
    return ", ".join(p for p in (street, place) if p)


def load_roads(werkmap: Werkmap) -> gpd.GeoDataFrame | None:
    """Named roads of the werkmap's ``invoer/lagen.gpkg`` (EPSG:28992), or None without any."""
    import pyogrio

    if not werkmap.lagen.exists():
        return None
    if "wegen" not in {name for name, _ in pyogrio.list_layers(werkmap.lagen)}:
        return None
    roads = gpd.read_file(werkmap.lagen, layer="wegen", engine="pyogrio")
    if "naam" not in roads:
        return None
    names = roads["naam"].astype("object")
    roads = roads[names.notna() & (names.astype(str).str.strip() != "")]
    if roads.empty:
        return None
    roads = roads.to_crs(RD_CRS) if roads.crs is not None else roads.set_crs(RD_CRS)
    return roads[["naam", "geometry"]].reset_index(drop=True)


def nearest_roads(xy: np.ndarray, roads: gpd.GeoDataFrame | None,
                  max_m: float = ROAD_MAX_M) -> list[tuple[str, float] | None]:
    """Per RD point the nearest named road and its distance in metres (None: none within
    ``max_m`` or no roads known)."""
    if roads is None or roads.empty or len(xy) == 0:
        return [None] * len(xy)
    stops = gpd.GeoDataFrame(geometry=points(np.asarray(xy, float)), crs=RD_CRS)
    joined = gpd.sjoin_nearest(stops, roads, how="left", max_distance=max_m,
                               distance_col="afstand")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [None if pd.isna(row.naam) else (str(row.naam).strip(), float(row.afstand))
            for row in joined.itertuples()]


def road_text(road: tuple[str, float] | None) -> str:
    """``N278 (ca. 350 m)``; ``onbekend`` without a road.

    >>> road_text(("N278", 347.2)), road_text(None)
    ('N278 (ca. 350 m)', 'onbekend')
    """
    if road is None:
        return UNKNOWN
    name, distance = road
    return f"{name} (ca. {int(round(distance, -1))} m)"


def stop_location(row: pd.Series | dict) -> str:
    """The stop's address, else ``coördinaten lat, lon; dichtstbijzijnde weg: …``."""
    text = address_text(row)
    if text:
        return text
    road = row.get("weg")
    road = road if isinstance(road, str) and road else UNKNOWN
    return (f"coördinaten {float(row['lat']):.5f}, {float(row['lon']):.5f}; "
            f"dichtstbijzijnde weg: {road}")


def with_road_names(picks: pd.DataFrame, werkmap: Werkmap) -> pd.DataFrame:
    """``picks`` with a ``weg`` column (nearest named road, or ``onbekend``)."""
    roads = load_roads(werkmap)
    found = nearest_roads(picks[["x", "y"]].to_numpy(float), roads)
    return picks.assign(weg=[road_text(r) for r in found])
