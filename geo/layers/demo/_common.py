"""Shared helpers for the synthetic Limburg demo: the real area, population, random shapes.

Everything here is deterministic given a :class:`numpy.random.Generator`; nothing touches
global randomness. Shapes are built in EPSG:28992 (metres).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo import RD_CRS
from geo.errors import InputFileError
from geo.layers.gemeenten import select_area
from geo.paths import REFERENCE_DIR

KERNCIJFERS_CSV = REFERENCE_DIR / "cbs_kerncijfers_gemeenten_2015.csv"

# Gemeenten formed after 2015 (CBS 2015 layout): inhabitants = sum of their predecessors.
_PREDECESSORS = {"GM1954": ("GM0881", "GM0951", "GM0962")}  # Beekdaelen

# The largest kern of gemeenten whose name is not a place name (real place names).
MAIN_KERN = {
    "GM0888": "Beek", "GM0893": "Bergen", "GM0944": "Mook", "GM0971": "Stein",
    "GM0994": "Valkenburg", "GM1507": "Horst", "GM1640": "Heythuysen",
    "GM1641": "Maasbracht", "GM1669": "Herkenbosch", "GM1711": "Echt",
    "GM1729": "Gulpen", "GM1883": "Sittard", "GM1894": "Panningen",
    "GM1903": "Eijsden", "GM1954": "Nuth",
}

_TO_RD = Transformer.from_crs("EPSG:4326", RD_CRS, always_xy=True)


def lonlat_to_rd(points: list[tuple[float, float]]) -> np.ndarray:
    """Convert ``[(lon, lat), ...]`` (WGS84) to an ``(n, 2)`` array of RD New coordinates."""
    lon, lat = np.asarray(points, dtype=float).T
    x, y = _TO_RD.transform(lon, lat)
    return np.column_stack([x, y])


@dataclass(frozen=True, eq=False)
class DemoArea:
    """The real Limburg gemeenten with inhabitants, as the frame every generator draws in.

    Attributes
    ----------
    gemeenten : GeoDataFrame
        The 31 Limburg gemeenten (EPSG:28992), sorted by ``gemeentecode``, with
        ``inwoners`` (CBS 2015) and ``km2``.
    """

    gemeenten: gpd.GeoDataFrame

    @classmethod
    def limburg(cls) -> DemoArea:
        """Load the 31 Limburg gemeenten and their inhabitants."""
        return cls.provincie("Limburg")

    @classmethod
    def provincie(cls, name: str) -> DemoArea:
        """Load the gemeenten of one province (CBS reference) and their inhabitants."""
        frame = select_area(provincie=name).gemeenten
        frame = frame.sort_values("gemeentecode").reset_index(drop=True)
        frame["inwoners"] = _inhabitants(frame)
        frame["km2"] = frame.geometry.area / 1e6
        return cls(frame)

    @cached_property
    def geometry(self) -> BaseGeometry:
        """The union of all gemeenten (the province outline)."""
        return shapely.union_all(self.gemeenten.geometry.values)

    def gemeente(self, code: str) -> pd.Series:
        """The row of one gemeente by CBS code."""
        return self.gemeenten.loc[self.gemeenten["gemeentecode"] == code].iloc[0]

    def code_of(self, name: str) -> str:
        """CBS code of a gemeente by (exact) name."""
        hits = self.gemeenten.loc[self.gemeenten["gemeentenaam"] == name, "gemeentecode"]
        return str(hits.iloc[0])


def _inhabitants(frame: gpd.GeoDataFrame) -> np.ndarray:
    try:
        table = pd.read_csv(KERNCIJFERS_CSV, dtype={"gemeentecode": str},
                            usecols=["gemeentecode", "aantal_inwoners"])
    except OSError as error:
        raise InputFileError(f"Kerncijfers {KERNCIJFERS_CSV} niet leesbaar: {error}",
                             bestand=str(KERNCIJFERS_CSV)) from error
    lookup = dict(zip(table["gemeentecode"], table["aantal_inwoners"], strict=True))
    values = []
    for code, km2 in zip(frame["gemeentecode"], frame.geometry.area / 1e6, strict=True):
        if code in lookup:
            values.append(float(lookup[code]))
        elif code in _PREDECESSORS:
            values.append(float(sum(lookup.get(c, 0.0) for c in _PREDECESSORS[code])))
        else:  # unknown: a rural density of 300 inhabitants/km²
            values.append(300.0 * km2)
    return np.asarray(values)


def kern_name(gemeentecode: str, gemeentenaam: str) -> str:
    """Name of the largest kern of a gemeente."""
    return MAIN_KERN.get(gemeentecode, gemeentenaam.replace(" (L.)", ""))


def points_in(geometry: BaseGeometry, n: int, rng: np.random.Generator,
              exclude: BaseGeometry | None = None, max_rounds: int = 200) -> np.ndarray:
    """``n`` uniform random points inside ``geometry`` (and outside ``exclude``).

    Vectorised rejection sampling on the bounding box; returns an ``(m, 2)`` array with
    ``m <= n`` only if the area is (nearly) empty.
    """
    if n <= 0 or geometry.is_empty:
        return np.empty((0, 2))
    shapely.prepare(geometry)
    if exclude is not None and not exclude.is_empty:
        shapely.prepare(exclude)
    minx, miny, maxx, maxy = geometry.bounds
    box_area = (maxx - minx) * (maxy - miny)
    fraction = max(geometry.area / box_area, 0.01)
    found: list[np.ndarray] = []
    have = 0
    for _ in range(max_rounds):
        batch = int((n - have) / fraction * 1.5) + 16
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(batch, 2))
        keep = shapely.contains_xy(geometry, xy[:, 0], xy[:, 1])
        if exclude is not None and not exclude.is_empty:
            keep &= ~shapely.contains_xy(exclude, xy[:, 0], xy[:, 1])
        found.append(xy[keep])
        have += int(keep.sum())
        if have >= n:
            break
    return np.concatenate(found)[:n]


def blob(x: float, y: float, radius: float, rng: np.random.Generator,
         irregularity: float = 0.25, vertices: int = 18) -> Polygon:
    """An irregular, star-shaped polygon of mean radius ``radius`` around ``(x, y)``."""
    angles = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    noise = rng.normal(0.0, irregularity, vertices)
    smooth = (noise + np.roll(noise, 1) + np.roll(noise, -1)) / 3.0
    radii = radius * np.clip(1.0 + smooth, 0.5, 1.6)
    return Polygon(np.column_stack([x + radii * np.cos(angles), y + radii * np.sin(angles)]))


def block(x: float, y: float, area_m2: float, rng: np.random.Generator) -> Polygon:
    """A rotated rectangle (aspect 1-2.5) of about ``area_m2`` with one corner cut off."""
    aspect = rng.uniform(1.0, 2.5)
    width = np.sqrt(area_m2 / aspect)
    length = width * aspect
    cut = rng.uniform(0.1, 0.35)
    hx, hy = length / 2, width / 2
    shape = np.array([[-hx, -hy], [hx, -hy], [hx, hy - cut * width],
                      [hx - cut * length, hy], [-hx, hy]])
    theta = rng.uniform(0, np.pi)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return Polygon(shape @ rot.T + [x, y])


def jitter_points(xy: np.ndarray, max_distance: float, rng: np.random.Generator) -> np.ndarray:
    """Move each point a uniform random distance (< ``max_distance``) in a random direction."""
    angle = rng.uniform(0, 2 * np.pi, len(xy))
    dist = max_distance * np.sqrt(rng.uniform(0, 1, len(xy)))
    return xy + np.column_stack([dist * np.cos(angle), dist * np.sin(angle)])


def to_frame(records: list[dict], geometries: list[BaseGeometry]) -> gpd.GeoDataFrame:
    """A GeoDataFrame in EPSG:28992 from row dicts and geometries."""
    return gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=list(geometries),
                            crs=RD_CRS)


def as_points(xy: np.ndarray) -> np.ndarray:
    """Shapely points from an ``(n, 2)`` array."""
    return shapely.points(xy) if len(xy) else np.empty(0, dtype=object)


def point(x: float, y: float) -> Point:
    return Point(float(x), float(y))


SYLLABLES_START = (
    "Op", "Ter", "Hoog", "Laag", "Sint", "Oud", "Nieuw", "Groot", "Klein", "Brun", "Hee",
    "Sweik", "Kes", "Hel", "Mee", "Ro", "Lin", "Wes", "Bor", "Gre", "Ven", "Hun",
)
SYLLABLES_END = (
    "rade", "broek", "heide", "hoven", "berg", "veld", "beek", "hout", "dorp", "laer",
    "straat", "ven", "sel", "holt", "donk", "weerd",
)


def invented_name(rng: np.random.Generator, used: set[str]) -> str:
    """An invented, Limburg-sounding place name not yet in ``used`` (adds it)."""
    for _ in range(200):
        start = SYLLABLES_START[int(rng.integers(len(SYLLABLES_START)))]
        end = SYLLABLES_END[int(rng.integers(len(SYLLABLES_END)))]
        name = f"{start} {end.capitalize()}" if start in ("Sint", "Oud", "Nieuw") else start + end
        if name not in used:
            used.add(name)
            return name
    name = f"Buurtschap {len(used) + 1}"
    used.add(name)
    return name
