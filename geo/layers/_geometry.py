"""Geometry helpers: repairing invalid geometries, the outline of the Netherlands."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyogrio
import shapely

from geo.paths import BOUNDARIES_GPKG

NL_TOLERANCE_M = 10_000
"""Features within this distance of the Dutch land border count as inside."""



def repair(values: np.ndarray, family: str) -> tuple[np.ndarray, int]:
    """Repair invalid geometries with ``make_valid``; return (geometries, number repaired).

    Repaired polygons keep only their polygonal parts (a bow-tie becomes a MultiPolygon,
    never a GeometryCollection), so the geometry type stays within the layer's family.
    """
    invalid = ~shapely.is_valid(values)
    if not invalid.any():
        return values, 0
    values = values.copy()
    fixed = shapely.make_valid(values[invalid], method="structure", keep_collapsed=False)
    if family in ("polygoon", "punt_of_polygoon"):
        fixed = np.array([_keep_type(g, "Polygon") for g in fixed], dtype=object)
    elif family == "lijn":
        fixed = np.array([_keep_type(g, "LineString") for g in fixed], dtype=object)
    values[invalid] = fixed
    return values, int(invalid.sum())


def _keep_type(geometry, base: str):
    if geometry.geom_type not in ("GeometryCollection",):
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type.endswith(base)]
    if base == "Polygon":
        return shapely.multipolygons(parts) if parts else shapely.Polygon()
    return shapely.multilinestrings(parts) if parts else shapely.LineString()


@lru_cache(maxsize=1)
def netherlands_outline() -> shapely.Geometry:
    """The provinces (land and water) of the Netherlands, buffered by ``NL_TOLERANCE_M``."""
    frame = pyogrio.read_dataframe(BOUNDARIES_GPKG, layer="provincies", columns=[])
    outline = shapely.union_all(frame.geometry.values).simplify(500)
    outline = outline.buffer(NL_TOLERANCE_M, quad_segs=2)
    shapely.prepare(outline)
    return outline


def outside_netherlands(values: np.ndarray) -> np.ndarray:
    """Boolean mask of geometries (EPSG:28992) entirely outside the Netherlands."""
    return ~shapely.intersects(netherlands_outline(), values)
