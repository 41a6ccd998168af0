"""The interactive map of a gemeente or region, built from finished outputs only.

``build_gemeente_map(outputs, ...)`` returns a :class:`folium.Map` with a base map (and a
no-network fallback), the gemeente boundaries, the gelegenheidskaart (overall and per
theme), the risicokaart and gecombineerde kaart when allowed, the object layers with
Dutch popups, legends, search, measuring, full screen and *gebied analyseren*.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium import plugins

from geo.errors import InvalidRequestError
from geo.export.tabular import FORMULA_TRIGGERS
from geo.legend import MAP_OPACITY
from geo.runs import legend_scheme
from geo.scoring.uitleg import breakdown_text
from maps.achtergrond import TileBackground, add_backgrounds, read_background_layers
from maps.assets import SERVED_PREFIX, STANDALONE_PREFIX, use_local_assets
from maps.elements import KaartControls
from maps.herkomst import layer_sources, mixed_label
from maps.objecten import ObjectApi, ObjectLoader, loader_config
from maps.outputs import PUBLIC_KINDS, RISK_CLASS_COLUMNS, MapOutputs, RasterLayer
from maps.raster import render_class_png
from maps.style import (
    OBJECT_CLASS_PROPERTY,
    OPACITY_NOTE,
    THEME_LABELS,
    boundary_style,
    format_date,
    info_html,
    kaart_title,
    legend_html,
    object_highlight,
    object_style,
    parse_uitleg,
    popup_html,
    shown_colors,
)
from maps.verantwoording import public_paths

CSV_COLUMNS: list[tuple[str, str]] = [
    ("id", "id"), ("naam", "naam"), ("thema", "thema"), ("gemeentenaam", "gemeente"),
    ("score", "score"), ("klasse", "klasse"), ("klasse_naam", "klasse_naam"),
    ("rang_gemeente", "rang_gemeente"), ("rang_gebied", "rang_gebied"),
    ("volledigheid", "volledigheid"), ("top_indicatoren", "top_indicatoren"),
    ("opbouw", "opbouw_score"), ("_lat", "breedtegraad"), ("_lon", "lengtegraad"),
]
"""(property, CSV header) of the *gebied analyseren* download."""

_KEEP = [c for c, _ in CSV_COLUMNS if not c.startswith("_") and c != "opbouw"] + list(
    RISK_CLASS_COLUMNS)  # the object's class on every map kind: coloured by the map shown


def gebied_csv_config(gebied_id: str) -> dict[str, Any]:
    """Settings of the browser's *gebied analyseren* CSV: columns, file name and the
    formula triggers it neutralises (the rule of :mod:`geo.export.tabular`)."""
    return {"csvColumns": CSV_COLUMNS, "csvName": f"gebied_analyse_{gebied_id}.csv",
            "formulaTriggers": list(FORMULA_TRIGGERS)}



def objects_geojson(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """GeoJSON of one theme's objects (EPSG:4326) with popup HTML and search/analysis fields.

    Adds ``_popup`` (Dutch HTML), ``_zoeknaam`` (unique search label), ``_lat``/``_lon``
    (a point inside the object, for *gebied analyseren*); drops the bulky ``uitleg`` JSON
    after it went into the popup and rounds coordinates to 1e-6° (~0.1 m).
    """
    if frame.crs is None or not frame.crs.equals("EPSG:4326"):
        raise InvalidRequestError("Objecten moeten in EPSG:4326 staan voor de kaart.")
    frame = frame.copy()
    inside = frame.geometry.representative_point()
    props = []
    seen: dict[str, int] = {}
    for (_, row), point in zip(frame.iterrows(), inside, strict=True):
        record = {k: _plain(row.get(k)) for k in _KEEP if k in row.index}
        record["uitleg"] = row.get("uitleg")
        popup = popup_html(record)
        record["opbouw"] = breakdown_text(parse_uitleg(record.pop("uitleg")))
        label = str(record.get("naam") or record.get("id") or "object")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({record.get('id')})"
        record.update(_popup=popup, _zoeknaam=label, _lat=round(point.y, 6),
                      _lon=round(point.x, 6))
        props.append(record)
    geometry = shapely.set_precision(frame.geometry.values, 1e-6)
    features = [
        {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
        for p, g in zip(props, geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def screen_boundaries(geometry: gpd.GeoSeries, bounds: tuple[float, float, float, float]
                      ) -> gpd.GeoSeries:
    """Boundaries (EPSG:4326) simplified to about 1/4000 of the area's width (a few metres
    for a gemeente, ~100 m for the country) with 1e-5° precision: a region or the whole
    country stays a small page; a gemeente looks the same."""
    tolerance = max((bounds[2] - bounds[0]) / 4000, 1e-5)
    simple = shapely.simplify(geometry.to_numpy(), tolerance, preserve_topology=True)
    return gpd.GeoSeries(shapely.set_precision(simple, 1e-5), index=geometry.index,
                         crs=geometry.crs)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _add_object_loader(m: folium.Map, outputs: MapOutputs, api: ObjectApi,
                       layer_control: Any, draw: Any, prefix: str) -> None:
    """Object layers from vector tiles, with server-side search, table and analysis."""
    gemeenten = sorted({(str(code), str(naam)) for code, naam in zip(
        outputs.boundaries["gemeentecode"], outputs.boundaries["gemeentenaam"], strict=True)},
        key=lambda g: g[1])
    config = loader_config(api, [t for t, f in outputs.objects.items() if len(f)], gemeenten,
                           gebied_csv_config(outputs.gebied_id)["csvName"],
                           count=sum(len(f) for f in outputs.objects.values()))
    loader = ObjectLoader(config, control=layer_control, draw=draw)
    use_local_assets(loader, prefix, "ObjectLoader")
    loader.add_to(m)


def _raster_layer(layer: RasterLayer, *, tiles_url: str | None, show: bool) -> Any:
    entry = layer.entry
    name = escape(kaart_title(entry.soort, entry.thema))  # Leaflet shows names as HTML
    if entry.vertrouwelijk:
        name += " (vertrouwelijk)"
    if tiles_url:
        return folium.TileLayer(
            tiles=tiles_url.replace("{kaart_id}", entry.kaart_id), name=name, overlay=True,
            control=True, show=show, opacity=MAP_OPACITY, attr="kaart", max_zoom=19,
        )
    image = render_class_png(layer.path, legend_scheme(entry.soort))
    return folium.raster_layers.ImageOverlay(
        image=image.data_url, bounds=image.bounds, name=name, overlay=True, control=True,
        show=show, opacity=MAP_OPACITY, pixelated=True, interactive=False,
    )


def _legend(outputs: MapOutputs, kinds: list[str]) -> str:
    """Legend blocks (gelegenheid and every raster kind) in the colours as drawn; each block
    names the object column its classes come from, so the viewer colours objects by the
    map that is shown with the legend's own swatches."""
    blocks = []
    for kind in dict.fromkeys(["gelegenheid", *kinds]):
        column = OBJECT_CLASS_PROPERTY[kind]
        codes = shown_colors(kind)
        unclassed = any(column not in frame or (~frame[column].isin(codes)).any()
                        for frame in outputs.objects.values())
        block = legend_html(kind, unclassed=unclassed)
        blocks.append(block.replace(' data-soort="', f' data-eigenschap="{column}" '
                                    'data-soort="', 1))
    return "".join(blocks) + f'<p class="kaart-legenda-noot">{escape(OPACITY_NOTE)}</p>'


def _initial_kaart(rasters: list[RasterLayer], wanted: str | None) -> str | None:
    ids = [r.kaart_id for r in rasters]
    if wanted in ids:
        return wanted
    for r in rasters:
        if r.entry.soort == "gelegenheid" and r.entry.thema == "totaal":
            return r.kaart_id
    return ids[0] if ids else None


def build_gemeente_map(outputs: MapOutputs, *, tiles_url: str | None = None,
                       standalone: bool = False,
                       allowed_kinds: Iterable[str] = PUBLIC_KINDS,
                       asset_prefix: str = SERVED_PREFIX,
                       show_kaart: str | None = None,
                       object_api: ObjectApi | None = None,
                       background: TileBackground | None = None) -> folium.Map:
    """Build the interactive map of a gemeente (or region) from its finished outputs.

    Parameters
    ----------
    outputs : MapOutputs
        From :func:`maps.outputs.load_outputs` (never fetched over HTTP here).
    tiles_url : str, optional
        Served mode: tile URL template with ``{kaart_id}``, ``{z}``, ``{x}``, ``{y}``
        (``/tiles/{kaart_id}/{z}/{x}/{y}.png``; same origin, so the session cookie goes
        along). Without it the class bands are embedded as PNG overlays.
    standalone : bool
        Use asset placeholders that :func:`maps.standalone.render_standalone_html`
        inlines; rasters are always embedded.
    allowed_kinds : iterable of str
        Map kinds the viewer may see; others are left out even if present in ``outputs``.
    asset_prefix : str
        URL prefix of the vendored JS/CSS in served mode.
    show_kaart : str, optional
        kaart_id of the raster shown when the map opens (default: gelegenheid totaal).
    object_api : ObjectApi, optional
        Served mode: the objects come per viewport as vector tiles and search, popups,
        *gebied analyseren* and the object table ask these endpoints; nothing of the
        objects is embedded, so the page does not grow with them. Without it (and always
        when ``standalone``) the objects are embedded as GeoJSON.
    background : TileBackground, optional
        A tile background (e.g. :data:`maps.achtergrond.PDOK_BRT`), shown first; the
        offline background (:mod:`maps.achtergrond`) is always there and is the fallback.
        Without it the map contacts no outside host at all.
    """
    allowed = frozenset(allowed_kinds)
    prefix = STANDALONE_PREFIX if standalone else asset_prefix
    if standalone:
        tiles_url = None
        object_api = None
    rasters = [r for r in outputs.rasters if r.entry.soort in allowed]
    west, south, east, north = outputs.bounds
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=12,
                   tiles=None, control_scale=False, prefer_canvas=False,
                   font_size="0.8125rem")
    # fitted before any layer is added: tiles (raster and object) are only asked for the
    # area's own view, not first for zoom_start (96 object tiles at z12 for the country)
    m.fit_bounds([[south, west], [north, east]])
    use_local_assets(m, prefix)
    vertrouwelijk = any(r.entry.vertrouwelijk for r in rasters)
    title = (f"Gelegenheids- en risicokaart {outputs.gebied_naam}" if vertrouwelijk
             else f"Gelegenheidskaart {outputs.gebied_naam}")
    m.get_root().title = escape(f"{title} — kaart")  # branca does not escape the title

    osm, plain = add_backgrounds(
        m, read_background_layers(outputs.lagen, outputs.bounds),
        background)

    raster_layers = []
    shown = _initial_kaart(rasters, show_kaart)
    for layer in rasters:
        show = layer.kaart_id == shown
        folium_layer = _raster_layer(layer, tiles_url=tiles_url, show=show)
        folium_layer.add_to(m)
        raster_layers.append((legend_scheme(layer.entry.soort), folium_layer))

    boundaries = outputs.boundaries.assign(  # folium's tooltip inserts values as HTML
        gemeentenaam=outputs.boundaries["gemeentenaam"].map(lambda v: escape(str(v))),
        geometry=screen_boundaries(outputs.boundaries.geometry, outputs.bounds))
    folium.GeoJson(
        boundaries.to_geo_dict(show_bbox=False, drop_id=True), name="Gemeentegrenzen",
        style_function=boundary_style,
        tooltip=folium.GeoJsonTooltip(fields=["gemeentenaam"], labels=False),
        interactive=True,
    ).add_to(m)

    object_layers = {}
    shown_kind = next((kind for kind, layer in raster_layers if layer.show), "gelegenheid")
    for thema, frame in ({} if object_api else outputs.objects).items():
        data = objects_geojson(frame)
        layer = folium.GeoJson(
            data, name=escape(f"{THEME_LABELS.get(thema, thema)} (objecten)"),
            style_function=lambda feature, kind=shown_kind: object_style(feature, kind),
            highlight_function=object_highlight,
            marker=folium.CircleMarker(radius=7, fill=True),
            on_each_feature=folium.JsCode(
                "function(feature, layer) {"
                " layer.bindPopup(feature.properties._popup, {maxWidth: 460, minWidth: 320});"
                "}"
            ),
        )
        layer.add_to(m)
        object_layers[thema] = layer

    fullscreen = plugins.Fullscreen(position="topleft", title="Volledig scherm",
                                    title_cancel="Volledig scherm sluiten")
    use_local_assets(fullscreen, prefix, "Fullscreen")
    fullscreen.add_to(m)
    measure = plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                                     secondary_length_unit="kilometers",
                                     primary_area_unit="hectares", secondary_area_unit="sqmeters",
                                     localization="nl")
    use_local_assets(measure, prefix, "MeasureControl")
    measure.add_to(m)
    draw = None
    if object_layers or (object_api and outputs.objects):
        draw = plugins.Draw(
            position="topleft", show_geometry_on_click=False,
            draw_options={"polyline": False, "circle": False, "marker": False,
                          "circlemarker": False,
                          "polygon": {"allowIntersection": False, "showArea": True},
                          "rectangle": True},
            edit_options={"edit": False},
        )
        use_local_assets(draw, prefix, "Draw")
        draw.add_to(m)
    layer_control = folium.LayerControl(position="bottomright", collapsed=False).add_to(m)
    if object_api and outputs.objects:
        _add_object_loader(m, outputs, object_api, layer_control, draw, prefix)

    legend = _legend(outputs, [k for k, _ in raster_layers])
    info = info_html(title=title, datum=format_date(outputs.datum),
                     bronnen=public_paths(  # no server paths
                         layer_sources(outputs.verantwoording) or outputs.sources()),
                     synthetisch=outputs.synthetisch, vertrouwelijk=vertrouwelijk,
                     synthetisch_label=mixed_label(outputs.verantwoording))
    controls = KaartControls(
        info=info, legend=legend, object_layers=object_layers, rasters=raster_layers,
        osm=osm, plain=plain, draw=draw,
        config={"themes": THEME_LABELS, **gebied_csv_config(outputs.gebied_id)},
    )
    use_local_assets(controls, prefix, "KaartControls")
    controls.add_to(m)
    return m
