"""Route map of a controle-plan: numbered stops in visiting order, one offline HTML file.

Built from the finished plan table (the picks of :func:`geo.planning.plan_controls`), in
EPSG:4326 at the edge; nothing is fetched over HTTP (Leaflet is inlined by
:func:`maps.standalone.render_standalone_html`; the served page shows PDOK's BRT background,
a standalone file none: it contacts nobody).
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.atomic import write_text_atomic
from geo.legend import SYNTHETIC_LABEL
from maps.assets import STANDALONE_PREFIX, use_local_assets
from maps.standalone import render_standalone_html
from maps.style import boundary_style
from maps.tile_background import PDOK_BRT

CHOICE_COLORS = {"exploitatie": "#b2182b", "exploratie": "#2166ac"}
CHOICE_LABELS = {"exploitatie": "Exploitatie (hoge verwachte opbrengst)",
                 "exploratie": "Exploratie (witte vlek, getrokken met bekende kans)"}
START_COLOR = "#1b7837"
ROUTE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                "#a6761d", "#666666", "#1f78b4", "#b15928")
"""One colour per team × day (ColorBrewer Dark2 + Paired), repeated beyond ten routes."""


def route_groups(picks: pd.DataFrame) -> list[tuple[tuple[int, int], pd.DataFrame]]:
    """The plan's routes: ``((team, dag), stops in visiting order)``; a plan without teams
    is team 1, a plan without days is day 1."""
    frame = picks.assign(team=picks["team"] if "team" in picks else 1,
                         dag=picks["dag"] if "dag" in picks else 1)
    return [((int(team), int(dag)), group.sort_values("volgorde"))
            for (team, dag), group in frame.groupby(["team", "dag"], sort=True)]


def route_label(team: int, dag: int) -> str:
    """``Team 2, dag 1``."""
    return f"Team {team}, dag {dag}"


def stop_style(row: dict[str, Any], fill: str | None = None) -> dict[str, Any]:
    """Leaflet circle-marker options of one stop (pure): the outline by kind of pick, the
    fill by its route (``fill``; else the outline colour)."""
    color = CHOICE_COLORS.get(str(row.get("soort_keuze")), "#555555")
    return {"color": color, "fillColor": fill or color, "radius": 11, "weight": 3,
            "fill": True, "fillOpacity": 0.9}


class _Stops(MacroElement):
    """Numbered circle markers with popups in plain Leaflet (folium's Popup needs jQuery)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var stops = {{ this.data }};
            stops.forEach(function (s) {
                L.circleMarker([s.lat, s.lon], s.style).bindPopup(s.popup, {maxWidth: 360})
                    .bindTooltip(s.tooltip).addTo({{ this._parent.get_name() }});
                L.marker([s.lat, s.lon], {interactive: false, icon: L.divIcon({
                    className: "kaart-stop", iconSize: [22, 14], iconAnchor: [11, 7],
                    html: '<div style="font:bold 11px sans-serif;color:white;'
                        + 'text-align:center">' + s.volgorde + '</div>'})})
                    .addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, stops: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "PlanStops"
        self.data = json.dumps(stops, ensure_ascii=False).replace("</", "<\\/")


def stop_popup_html(row: dict[str, Any]) -> str:
    """Popup text of one stop (escaped; no personal data exists in a plan)."""
    naam = escape(str(row.get("naam") or row.get("object_id")))
    aankomst = pd.Timestamp(row["aankomst"]).strftime("%d-%m-%Y %H:%M")
    lines = [
        f"<b>{int(row['volgorde'])}. {naam}</b>",
        f"{escape(str(row['thema']))} — {escape(str(row.get('gemeentenaam', '')))}",
        *([escape(route_label(int(row["team"]), int(row["dag"])))] if "team" in row else []),
        f"Geplande aankomst {aankomst}, duur {round(float(row['duur']))} min",
        *([escape(str(row["adres"])), f'<a href="{escape(str(row["navigatie"]))}">'
           "Navigeer hierheen</a>"] if "navigatie" in row else []),
        f"Score {float(row['score']):.2f}, klasse {int(row['klasse'])}".replace(".", ","),
        f"Selectiekans {float(row['selectiekans']) * 100:.1f}%".replace(".", ","),
        f"<i>{escape(str(row['reden']))}</i>",
    ]
    return "<br>".join(lines)


def build_plan_map(picks: pd.DataFrame, *, start_lonlat: tuple[float, float] | None = None,
                   titel: str = "Controleplan", synthetisch: bool = False,
                   boundaries: Any = None, standalone: bool = True) -> folium.Map:
    """A Folium map with one coloured route per team × day and one numbered marker per stop.

    Parameters
    ----------
    picks : DataFrame
        Plan rows in order with ``volgorde, lon, lat, soort_keuze, naam, thema, score,
        klasse, selectiekans, reden, aankomst, duur`` (and ``team``, ``dag`` when planned).
    start_lonlat : (lon, lat), optional
        The start point (drawn as a green marker and every route's first point).
    boundaries : GeoDataFrame, optional
        Gemeente boundaries (EPSG:4326) drawn for orientation.
    """
    lats = picks["lat"].astype(float).tolist()
    lons = picks["lon"].astype(float).tolist()
    if start_lonlat is not None:
        lons, lats = [start_lonlat[0], *lons], [start_lonlat[1], *lats]
    m = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], tiles=None,
                   control_scale=False)
    use_local_assets(m, STANDALONE_PREFIX if standalone else "/static/maps/")
    m.get_root().title = escape(titel)
    if not standalone:  # a standalone plan contacts nobody (maps.tile_background)
        folium.TileLayer(tiles=PDOK_BRT.url, attr=PDOK_BRT.attribution, name=PDOK_BRT.name,
                         max_zoom=PDOK_BRT.max_zoom).add_to(m)
    if boundaries is not None and len(boundaries):
        folium.GeoJson(boundaries[["geometry"]].__geo_interface__, name="Gemeentegrenzen",
                       style_function=boundary_style, interactive=False).add_to(m)
    routes, stops = [], []
    for i, ((team, dag), group) in enumerate(route_groups(picks)):
        color = ROUTE_COLORS[i % len(ROUTE_COLORS)]
        routes.append((route_label(team, dag), color))
        points = list(zip(group["lat"].astype(float), group["lon"].astype(float), strict=True))
        if start_lonlat is not None:
            points = [(start_lonlat[1], start_lonlat[0]), *points]
        folium.PolyLine(points, color=color, weight=4, opacity=0.85,
                        tooltip=escape(route_label(team, dag))).add_to(m)
        stops += [_stop(row, color) for row in group.to_dict("records")]
    if start_lonlat is not None:
        folium.CircleMarker([start_lonlat[1], start_lonlat[0]], radius=8, color=START_COLOR,
                            fill=True, fill_color=START_COLOR, fill_opacity=1,
                            tooltip="Start").add_to(m)
    _Stops(stops).add_to(m)
    _MetricScale().add_to(m)
    m.get_root().html.add_child(Element(legend_html(titel, synthetisch, routes)))
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40))
    return m


def _stop(row: dict[str, Any], color: str) -> dict[str, Any]:
    return {"lat": float(row["lat"]), "lon": float(row["lon"]),
            "volgorde": int(row["volgorde"]), "style": stop_style(row, color),
            "popup": stop_popup_html(row),
            "tooltip": escape(f"{int(row['volgorde'])}. {row.get('naam') or ''}")}


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres/kilometres only (no miles)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, metric: true, position: "bottomleft"})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def legend_html(titel: str, synthetisch: bool,
                routes: list[tuple[str, str]] | None = None) -> str:
    """The fixed legend box (title, one line per route, kinds of pick, synthetic label)."""
    lines = "".join(
        f'<div><span style="display:inline-block;width:18px;height:4px;background:{color};'
        f'margin:0 6px 3px 0"></span>{escape(label)}</div>' for label, color in routes or [])
    items = "".join(
        f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:6px;'
        f'border:3px solid {CHOICE_COLORS[k]};margin-right:6px"></span>{escape(v)}</div>'
        for k, v in CHOICE_LABELS.items())
    synthetic = f'<div style="color:#b35806;font-weight:bold">{escape(SYNTHETIC_LABEL)}</div>' \
        if synthetisch else ""
    return ('<div class="plan-legenda" style="position:fixed;top:12px;right:12px;z-index:1000;'
            'background:white;'
            'padding:8px 10px;border:1px solid #999;font:12px sans-serif;'
            'max-width:min(340px, calc(100vw - 90px))">'
            f"<b>{escape(titel)}</b>{lines}<div>Rand van de stip:</div>{items}"
            f"{synthetic}</div>")


def write_plan_map(picks: pd.DataFrame, target: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Build the plan map and write it as one offline HTML file (atomically)."""
    html = render_standalone_html(build_plan_map(picks, standalone=True, **kwargs))
    return write_text_atomic(target, html)
