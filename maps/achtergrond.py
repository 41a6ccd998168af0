"""Orientation under the maps (issue 14 item 6): an offline background from the project's
own data, and an optional WMTS/XYZ background (default PDOK BRT-Achtergrondkaart).

* The **offline background** is drawn from what the werkmap and ``data/referentie`` hold:
  kernen (grey built-up areas with their names), wegen, water (when the werkmap has a
  ``water`` layer), the landsgrens and the neighbouring gemeenten. It needs no network, so
  a standalone file shows it from ``file://`` and nobody learns which area is looked at.
* A **tile background** (:class:`~maps.tile_background.TileBackground`) is used only when
  configured: the served
  viewer defaults to :data:`PDOK_BRT` (a Dutch government service, not OpenStreetMap); a
  standalone file only when asked. The Content-Security-Policy allows its host only then
  (:func:`image_hosts`).

Every name is shown through ``textContent`` (never as HTML): kern names come from files.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pyogrio
import shapely

from maps.tile_background import PDOK_BRT, TileBackground, image_hosts

__all__ = ["PDOK_BRT", "TileBackground", "add_backgrounds", "image_hosts",
           "offline_background", "read_background_layers"]

WGS84 = "EPSG:4326"
PANE = "kaartAchtergrond"
"""Leaflet pane of the offline background: above base tiles (200), below the maps (400)."""
OFFLINE_NAME = "Eigen achtergrond (offline)"
NONE_NAME = "Geen achtergrond"
SIMPLIFY_DEG = 0.00005  # ~5 m at least; 1/4000 of the area's width for regions


def read_background_layers(lagen: Path | None, bounds: tuple[float, float, float, float],
                           ) -> dict[str, gpd.GeoDataFrame]:
    """``kernen``, ``wegen``, ``water``, ``landsgrens`` of the werkmap's ``lagen.gpkg``
    inside ``bounds`` (west, south, east, north in WGS84) plus ``gemeenten`` from the
    reference boundaries; each in WGS84, simplified. Missing layers are left out."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    box = _rd_box(bounds)
    tolerance = max((bounds[2] - bounds[0]) / 4000, SIMPLIFY_DEG)  # a region stays small
    if lagen is not None and Path(lagen).is_file():
        present = {name for name, _ in pyogrio.list_layers(lagen)}
        for name in ("water", "kernen", "wegen", "landsgrens"):
            if name in present:
                frame = gpd.read_file(lagen, layer=name, bbox=box, engine="pyogrio")
                if len(frame) and frame.crs is not None:
                    layers[name] = _simplified(frame, tolerance)
    from geo.layers.gemeenten import reference_gemeenten

    gemeenten = reference_gemeenten()
    gemeenten = gemeenten[gemeenten.intersects(
        gpd.GeoSeries.from_xy([box[0], box[2]], [box[1], box[3]], crs=gemeenten.crs)
        .union_all().envelope)]
    if len(gemeenten):
        layers["gemeenten"] = _simplified(gemeenten[["gemeentenaam", "geometry"]], tolerance)
    return layers


def _rd_box(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    dx, dy = (east - west) * 0.5, (north - south) * 0.5  # a margin around the area
    box = gpd.GeoSeries.from_xy([west - dx, east + dx], [south - dy, north + dy], crs=WGS84)
    x0, y0, x1, y1 = box.to_crs("EPSG:28992").total_bounds
    return float(x0), float(y0), float(x1), float(y1)


def _simplified(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    frame = frame.to_crs(WGS84)
    keep = [c for c in ("naam", "soort", "gemeentenaam") if c in frame.columns]
    # coordinates on a grid of a tenth of the tolerance (1e-5° ≈ 1 m for a gemeente,
    # 1e-4° for the country): 17 digits per number made the country page 3.6 MB
    grid = 10.0 ** math.floor(math.log10(tolerance / 10))
    simple = shapely.set_precision(shapely.simplify(frame.geometry.to_numpy(), tolerance),
                                   grid)
    out = gpd.GeoDataFrame(frame[keep].astype(object).where(frame[keep].notna(), None),
                           geometry=simple, crs=WGS84)
    return out[~out.geometry.is_empty & out.geometry.notna()]


_STYLES: dict[str, dict[str, Any]] = {
    "water": {"color": "#9ec5e8", "weight": 1, "fillColor": "#c6dff5", "fillOpacity": 1.0},
    "kernen": {"color": "#c8c8c8", "weight": 1, "fillColor": "#ececec", "fillOpacity": 1.0},
    "gemeenten": {"color": "#8a8a8a", "weight": 1, "fill": False},
    "landsgrens": {"color": "#555555", "weight": 2, "dashArray": "10 4 2 4", "fill": False},
}
_ROAD_WEIGHT = {"snelweg": 3.5, "hoofdweg": 2.0}

_LABEL_JS = folium.JsCode(
    "function(feature, layer) {"
    " var name = feature.properties && feature.properties.naam;"
    " if (!name) { return; }"
    " var label = document.createElement('span'); label.textContent = String(name);"
    " layer.bindTooltip(label, {permanent: true, direction: 'center',"
    " className: 'kaart-plaatsnaam', interactive: false});"
    "}")


def _road_style(feature: dict[str, Any]) -> dict[str, Any]:
    soort = (feature.get("properties") or {}).get("soort")
    return {"color": "#9a9a9a" if soort == "snelweg" else "#b5b5b5",
            "weight": _ROAD_WEIGHT.get(str(soort), 1.0), "fill": False}


def offline_background(layers: dict[str, gpd.GeoDataFrame]) -> folium.FeatureGroup:
    """The offline background as one base layer (``overlay=False``) of folium GeoJson
    children in the :data:`PANE` pane, kernen with their names as labels."""
    group = folium.FeatureGroup(name=OFFLINE_NAME, overlay=False, control=True)
    for name in ("water", "kernen", "gemeenten", "wegen", "landsgrens"):
        frame = layers.get(name)
        if frame is None or not len(frame):
            continue
        style = _road_style if name == "wegen" else (
            lambda feature, s=_STYLES[name]: dict(s))
        folium.GeoJson(
            frame.to_geo_dict(show_bbox=False, drop_id=True),  # no bbox per feature
            name=name, style_function=style, interactive=False,
            control=False, pane=PANE,
            on_each_feature=_LABEL_JS if name == "kernen" else None,
        ).add_to(group)
    return group


def add_backgrounds(m: folium.Map, layers: dict[str, gpd.GeoDataFrame],
                    background: TileBackground | None
                    ) -> tuple[folium.TileLayer | None, folium.FeatureGroup]:
    """Add the base layers to ``m``: the tile background (shown first, if configured), the
    offline background (shown when there is no tile background, and the fallback when
    its tiles fail) and "Geen achtergrond". Returns (tile layer or None, offline layer)."""
    folium.map.CustomPane(PANE, z_index=250, pointer_events=False).add_to(m)
    tiles = None
    if background is not None:
        tiles = folium.TileLayer(tiles=background.url, attr=escape(background.attribution),
                                 name=escape(background.name), overlay=False, control=True,
                                 show=True, max_zoom=background.max_zoom).add_to(m)
    offline = offline_background(layers)
    offline.show = background is None
    offline.add_to(m)
    folium.FeatureGroup(name=NONE_NAME, overlay=False, control=True, show=False).add_to(m)
    return tiles, offline
