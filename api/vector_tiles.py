"""Objects of a map as Mapbox Vector Tiles (``objecten.gpkg`` → MVT, no HTTP here).

One layer ``objecten`` per tile, in tile coordinates (extent 4096, y down as the MVT spec
wants). Geometries are simplified to one tile unit at the tile's zoom, then clipped to the
tile plus a small buffer (so lines and outlines join across tiles). A tile holds at most
:data:`MAX_FEATURES` objects (highest score first) and :data:`MAX_BYTES` encoded bytes;
when it would hold more, the lowest scores are left out and :func:`vector_tile` says so.

Properties are data (names come from source files): they are written as protobuf strings
and numbers, never as markup; the viewer must show them as text. Long strings are cut to
:data:`MAX_TEXT` characters; the large ``uitleg`` JSON stays out (``/punt`` and
``/objecten`` give it).
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

LAYER = "objecten"
EXTENT = 4096
BUFFER = 64
"""Tile units kept outside the tile edge (1/64 of a tile)."""
MAX_FEATURES = 2000
MAX_BYTES = 512 * 1024
MAX_TEXT = 200
_LEFT_OUT = ("uitleg",)


@lru_cache(maxsize=16)
def _mercator(path: str, thema: str, versie: int, datum: str) -> gpd.GeoDataFrame:
    """The map's objects in EPSG:3857, best score first, with a spatial index built."""
    frame = _load(path, thema, versie, datum).to_crs("EPSG:3857")
    frame = frame.drop(columns=[c for c in _LEFT_OUT if c in frame.columns])
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
        if not isinstance(value, bool | int | float | str):
            value = str(value)
        out[str(key)] = value[:MAX_TEXT] if isinstance(value, str) else value
    return out


def _features(frame: gpd.GeoDataFrame, bounds: tuple[float, float, float, float]
              ) -> list[dict[str, Any]]:
    """Simplified, clipped geometries in tile units (y down) with their properties."""
    west, south, east, north = bounds
    unit = (east - west) / EXTENT
    pad = BUFFER * unit
    geoms = shapely.simplify(frame.geometry.to_numpy(), unit, preserve_topology=True)
    geoms = shapely.clip_by_rect(geoms, west - pad, south - pad, east + pad, north + pad)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(
        [(xy[:, 0] - west) / unit, (north - xy[:, 1]) / unit]))
    records = frame.drop(columns="geometry").to_dict("records")
    return [{"geometry": g, "properties": _properties(r)}
            for g, r in zip(geoms, records, strict=True) if g is not None and not g.is_empty]


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
