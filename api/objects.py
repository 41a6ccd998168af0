"""Reading object tables (``objecten.gpkg``) and point values from our outputs (no HTTP here)."""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
from pyproj import Transformer
from rasterio.windows import Window
from shapely.geometry import box

from geo.catalog import KaartEntry
from geo.errors import InvalidRequestError
from geo.legend import class_labels
from geo.runs import THEMES, TOTAL

_FLOAT = r"-?\d+(?:\.\d+)?"
_BBOX = re.compile(rf"^\s*({_FLOAT})\s*,\s*({_FLOAT})\s*,\s*({_FLOAT})\s*,\s*({_FLOAT})\s*$")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (WGS84) → tuple; :class:`InvalidRequestError` if invalid."""
    match = _BBOX.match(text)
    if not match:
        raise InvalidRequestError(
            "bbox moet 'minlon,minlat,maxlon,maxlat' zijn (WGS84, decimale graden).",
            parameter="bbox", waarde=text[:100])
    west, south, east, north = (float(v) for v in match.groups())
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidRequestError(
            "bbox: west < oost en zuid < noord, binnen -180..180 en -90..90.",
            parameter="bbox", waarde=text[:100])
    return west, south, east, north


@lru_cache(maxsize=16)
def _load(path: str, thema: str, versie: int, datum: str) -> gpd.GeoDataFrame:
    layers = [name for name, _ in pyogrio.list_layers(path)]
    wanted = [t for t in THEMES if t in layers] if thema == TOTAL else \
        [thema] if thema in layers else []
    frames = [gpd.read_file(path, layer=name, engine="pyogrio") for name in wanted]
    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame({"score": []}, geometry=[], crs="EPSG:4326")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=frames[0].crs).to_crs("EPSG:4326")
    if "score" in frame:
        frame = frame.sort_values(["score"], ascending=False, kind="stable", na_position="last")
    return frame.reset_index(drop=True)


def select_objects(path: Path, entry: KaartEntry, *, bbox: str | None = None,
                   gemeente: str | None = None, top: int | None = None, limit: int = 100,
                   offset: int = 0, uitleg: bool = False) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (WGS84) of the map's objects, best score first.

    ``top`` keeps the N highest scores before paging (``limit``/``offset``).
    """
    frame = _load(str(path), entry.thema, entry.versie, entry.datum)
    if bbox:
        west, south, east, north = parse_bbox(bbox)
        frame = frame[frame.intersects(box(west, south, east, north))]
    if gemeente and "gemeentecode" in frame:
        frame = frame[frame["gemeentecode"] == gemeente.upper()]
    if top is not None:
        frame = frame.iloc[:top]
    matched = len(frame)
    page = frame.iloc[offset:offset + limit].copy()
    if "uitleg" in page:
        if uitleg:
            page["uitleg"] = [json.loads(v) if isinstance(v, str) and v else None
                              for v in page["uitleg"]]
        else:
            page = page.drop(columns="uitleg")
    features = []
    for record, geometry in zip(page.drop(columns="geometry").to_dict("records"),
                                page.geometry, strict=True):
        features.append({"type": "Feature",
                         "geometry": geometry.__geo_interface__ if geometry is not None else None,
                         "properties": {k: _plain(v) for k, v in record.items()}})
    return {"type": "FeatureCollection", "features": features, "aantal_gevonden": matched,
            "aantal": len(features), "offset": offset, "limit": limit}


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


@lru_cache(maxsize=1)
def _to_rd() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def value_at(path: Path, entry: KaartEntry, lon: float, lat: float) -> dict[str, Any]:
    """Score and class of the map at a WGS84 point (``binnen`` false outside the data)."""
    x, y = _to_rd().transform(lon, lat)
    result: dict[str, Any] = {"kaart_id": entry.kaart_id, "lon": lon, "lat": lat,
                              "x": round(x, 2), "y": round(y, 2), "binnen": False,
                              "score": None, "klasse": None, "klasse_naam": None}
    if not (math.isfinite(x) and math.isfinite(y)):
        return result
    with rasterio.open(path) as dataset:
        row, col = dataset.index(x, y)
        if not (0 <= row < dataset.height and 0 <= col < dataset.width):
            return result
        values = dataset.read(window=Window(col, row, 1, 1))[:, 0, 0]
        names = dataset.descriptions
    score = float(values[0])
    klasse = float(values[1]) if len(values) > 1 else math.nan
    if not math.isfinite(score) or not math.isfinite(klasse) or klasse < 1:
        return result
    result.update(binnen=True, score=score, klasse=int(klasse),
                  klasse_naam=class_labels(entry.soort).get(int(klasse)))
    extra = {name or f"band_{i + 1}": float(values[i]) for i, name in enumerate(names)
             if i >= 2 and math.isfinite(float(values[i]))}
    if extra:
        result["overige_banden"] = extra
    return result
