"""Real boundaries for the demo: the Limburg gemeenten and the national border (landsgrens).

The landsgrens is the part of the Limburg outline that is not shared with another Dutch
province (Noord-Brabant, Gelderland). The reference boundaries are generalised (50-150 m
off the legal line), so the shared part is found with a tolerance buffer.
"""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.ops import substring

from geo import RD_CRS
from geo.errors import InputFileError
from geo.layers.demo._common import DemoArea, lonlat_to_rd
from geo.paths import BOUNDARIES_GPKG

SHARED_TOLERANCE_M = 300.0
"""Outline within this distance of a Dutch neighbour province counts as shared."""

DRIELANDENPUNT = (6.0207, 50.7548)  # Vaalserberg (lon, lat): NL / BE / DE
MAASTRICHT = (5.691, 50.851)


def generate_gemeenten(area: DemoArea) -> gpd.GeoDataFrame:
    """The real Limburg gemeenten in the ``gemeenten`` layer columns."""
    columns = ["gemeentecode", "gemeentenaam", "provincie", "veiligheidsregio", "regio"]
    return gpd.GeoDataFrame(area.gemeenten[columns].copy(), geometry=area.gemeenten.geometry,
                            crs=RD_CRS).reset_index(drop=True)


def generate_landsgrens(area: DemoArea, tolerance: float = SHARED_TOLERANCE_M
                        ) -> gpd.GeoDataFrame:
    """The Belgian and German border of Limburg as two lines (``naam`` België / Duitsland).

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten (their union is the outline).
    tolerance : float
        Buffer (m) around the neighbouring Dutch provinces; outline inside it is shared.
    """
    try:
        provinces = pyogrio.read_dataframe(BOUNDARIES_GPKG, layer="provincies")
    except Exception as error:  # noqa: BLE001 - any read failure is the same user problem
        raise InputFileError(f"Provinciegrenzen in {BOUNDARIES_GPKG} niet leesbaar: {error}",
                             bestand=str(BOUNDARIES_GPKG), laag="provincies") from error
    names = provinces["provincie"].str.replace(" ", "-")
    neighbours = provinces.loc[names.isin(["Noord-Brabant", "Gelderland"])].geometry
    shared = shapely.union_all(neighbours.values).buffer(tolerance)
    border = shapely.line_merge(area.geometry.boundary.difference(shared))
    parts = [g for g in getattr(border, "geoms", [border]) if g.length > 2_000]
    longest = max(parts, key=lambda g: g.length)
    rest = [g for g in parts if g is not longest]
    tripoint, maastricht = (shapely.Point(xy) for xy in lonlat_to_rd([DRIELANDENPUNT,
                                                                       MAASTRICHT]))
    at = longest.project(tripoint)
    first, second = substring(longest, 0, at), substring(longest, at, longest.length)
    if first.distance(maastricht) > second.distance(maastricht):
        first, second = second, first
    belgium, germany = [first], [second]
    for part in rest:  # small leftovers: assign to the nearer main piece
        (belgium if part.distance(first) < part.distance(second) else germany).append(part)
    geometries = [_multi(belgium), _multi(germany)]
    return gpd.GeoDataFrame({"naam": ["België", "Duitsland"]}, geometry=geometries, crs=RD_CRS)


def _multi(lines: list[LineString]) -> LineString | MultiLineString:
    return lines[0] if len(lines) == 1 else MultiLineString(lines)
