"""Objects of a map as Mapbox Vector Tiles (``objecten.gpkg`` → MVT, no HTTP here).

One layer ``objecten`` per tile, in tile coordinates (extent 4096, y down as the MVT spec
wants). A tile carries only what drawing needs: ``id`` and ``thema`` (a click asks the
server for the popup; search and the object table ask it too) and the class columns of
:data:`geo.legend.OBJECT_CLASS_PROPERTY` the file has (``klasse``; on the gecombineerd run
also ``risico_klasse`` and ``gecombineerde_klasse``), so the viewer colours objects by the
map that is shown. Geometries are simplified to :data:`SIMPLIFY_UNITS` tile units (a
quarter of a screen pixel at any zoom), a polygon smaller than :data:`POINT_BELOW_UNITS`
on the tile becomes one point (the viewer draws it as a marker: at low zoom a
bedrijventerrein is a dot, not a polygon of sub-pixel edges), then clipped to the tile plus
a small buffer (so outlines join across tiles). A tile holds at most :data:`MAX_FEATURES`
objects (highest score first) and :data:`MAX_BYTES` encoded bytes; when it would hold
more, the lowest scores are left out and :func:`vector_tile` says so.

Properties are data (ids come from source files): they are written as protobuf strings
and numbers, never as markup; the viewer must show them as text. Long strings are cut to
:data:`MAX_TEXT` characters.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid

from api.objects import _load, _plain
from api.tiles import TMS, check_tile
from geo.catalog import KaartEntry
from geo.legend import OBJECT_CLASS_PROPERTY

LAYER = "objecten"
EXTENT = 4096
BUFFER = 64
"""Tile units kept outside the tile edge (1/64 of a tile)."""
MAX_FEATURES = 2000
MAX_BYTES = 256 * 1024
MAX_TEXT = 200
SIMPLIFY_UNITS = 4
"""Simplification tolerance in tile units: 4096 units are drawn on 256 screen pixels, so
4 units is a quarter pixel at every zoom (simplification follows the zoom)."""
POINT_BELOW_UNITS = 64
"""A polygon whose bounding box is narrower and lower than this (4 screen pixels) is sent
as one point inside it."""
PROPERTIES = ("id", "thema", *dict.fromkeys(OBJECT_CLASS_PROPERTY.values()))
"""The only properties a tile carries (popups, search and the table ask the server)."""


@lru_cache(maxsize=16)
def _mercator(path: str, thema: str, versie: int, datum: str) -> gpd.GeoDataFrame:
    """The map's objects in EPSG:3857, best score first, with a spatial index built."""
    frame = _load(path, thema, versie, datum).to_crs("EPSG:3857")
    frame = frame[[c for c in PROPERTIES if c in frame.columns] + ["geometry"]]
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()].reset_index(drop=True)
    frame.sindex  # noqa: B018 - build the index once, while cached
    return frame


def _properties(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        value = _plain(value)
        if value is None or isinstance(value, dict | list):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a class read as float (a NULL in the column): 1 byte, not 9
        if not isinstance(value, bool | int | float | str):
            value = str(value)
        out[str(key)] = value[:MAX_TEXT] if isinstance(value, str) else value
    return out


def _features(frame: gpd.GeoDataFrame, bounds: tuple[float, float, float, float]
              ) -> list[dict[str, Any]]:
    """Simplified, clipped geometries in tile units (y down) with their properties; tiny
    polygons as points."""
    west, south, east, north = bounds
    unit = (east - west) / EXTENT
    pad = BUFFER * unit
    geoms = _points_when_tiny(frame.geometry.to_numpy(), POINT_BELOW_UNITS * unit)
    geoms = shapely.simplify(geoms, SIMPLIFY_UNITS * unit, preserve_topology=True)
    geoms = shapely.clip_by_rect(geoms, west - pad, south - pad, east + pad, north + pad)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(
        [(xy[:, 0] - west) / unit, (north - xy[:, 1]) / unit]))
    records = frame.drop(columns="geometry").to_dict("records")
    return [{"geometry": g, "properties": _properties(r)}
            for g, r in zip(geoms, records, strict=True) if g is not None and not g.is_empty]


def _points_when_tiny(geoms: np.ndarray, size: float) -> np.ndarray:
    """``geoms`` with every polygon whose bounding box is smaller than ``size`` in both
    directions replaced by a point on its surface."""
    box = shapely.bounds(geoms)
    tiny = (((box[:, 2] - box[:, 0]) < size) & ((box[:, 3] - box[:, 1]) < size)
            & np.isin(shapely.get_type_id(geoms), (3, 6)))  # Polygon, MultiPolygon
    if not tiny.any():
        return geoms
    out = geoms.copy()
    out[tiny] = shapely.point_on_surface(geoms[tiny])
    return out


def _encode(features: list[dict[str, Any]]) -> bytes:
    return mapbox_vector_tile.encode(
        [{"name": LAYER, "features": features}],
        default_options={"extents": EXTENT, "y_coord_down": True,
                         "on_invalid_geometry": on_invalid_geometry_make_valid})


def vector_tile(path: Path, entry: KaartEntry, z: int, x: int, y: int,
                thema: str | None = None) -> tuple[bytes, int]:
    """The MVT of tile ``z/x/y`` (only theme ``thema`` when given) and how many objects
    were left out by the caps."""
    check_tile(z, x, y)
    frame = _mercator(str(path), entry.thema, entry.versie, entry.datum)
    b = TMS.xy_bounds(x, y, z)
    bounds = (b.left, b.bottom, b.right, b.top)
    pad = BUFFER * (b.right - b.left) / EXTENT
    hits = np.sort(frame.sindex.query(shapely.box(b.left - pad, b.bottom - pad,
                                                  b.right + pad, b.top + pad),
                                      predicate="intersects"))
    if thema is not None and "thema" in frame:
        hits = hits[(frame["thema"].to_numpy()[hits] == thema)]
    keep = min(len(hits), MAX_FEATURES)
    while True:
        data = _encode(_features(frame.iloc[hits[:keep]], bounds)) if keep else _encode([])
        if len(data) <= MAX_BYTES or keep == 0:
            return data, len(hits) - keep
        keep //= 2
