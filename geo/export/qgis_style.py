"""QGIS styles for the run's outputs: ``.qml`` beside each map COG and ``layer_styles`` in a
GeoPackage, with the classes, colours and labels of :mod:`geo.legend` (the viewer's legend).

QGIS applies ``<name>.qml`` when it opens ``<name>.tif`` and the default row of a
GeoPackage's ``layer_styles`` table when it opens that layer, so a map opened in QGIS looks
as in the viewer without any setup:

- the class COG (``<kaart>.klasse.tif``, uint8, :func:`geo.export.cog.write_klasse_cog`):
  a *paletted* renderer, one entry per class code;
- the map COG itself: a *singleband pseudocolor* renderer on the score band with a
  discrete ramp on the map's class limits (``KLASSEGRENZEN``), so the same cells get the
  same colours (score exactly 0 is "geen kenmerken" where the legend has that class); the
  gecombineerde kaart has no limits on one band and gets the paletted renderer on its
  class band;
- the object layers: a *categorized* renderer on the class column.

Everything here is text; the files are written by :mod:`geo.export.cog` and
:func:`geo.export.objects.write_objects_gpkg`. Labels are escaped (they end up in XML).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from geo.legend import legend_classes
from geo.runs import legend_scheme

QGIS_VERSION = "3.22.16-Białowieża"
"""QGIS version written in the styles (Debian bookworm's QGIS; newer versions read them)."""
STYLE_NAME = "kaart"
OBJECT_CLASS_COLUMNS: dict[str, str] = {"gelegenheid": "klasse", "risico": "klasse",
                                        "gecombineerd": "gecombineerde_klasse"}
"""Column of an object table that holds the class code of each legend scheme."""
_HEADER = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
_PIPE_TAIL = (
    '<brightnesscontrast brightness="0" contrast="0" gamma="1"/>'
    '<huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" '
    'colorizeGreen="128" colorizeBlue="128" colorizeStrength="100" invertColors="0"/>'
    '<rasterresampler maxOversampling="2"/><resamplingStage>resamplingFilter</resamplingStage>'
)
_MINMAX = ("<minMaxOrigin><limits>None</limits><extent>WholeRaster</extent>"
           "<statAccuracy>Estimated</statAccuracy><cumulativeCutLower>0.02</cumulativeCutLower>"
           "<cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor>"
           "</minMaxOrigin>")


def class_rgb(soort: str) -> dict[int, tuple[int, int, int]]:
    """Class code → (r, g, b) of :func:`geo.legend.legend_classes`, in legend order.

    Examples
    --------
    >>> class_rgb("gelegenheid")[5]
    (189, 0, 38)
    """
    return {code: tuple(bytes.fromhex(colour.lstrip("#")[:6]))  # type: ignore[misc]
            for code, _, colour in legend_classes(soort)}


def _qgis(body: str, extra: str = "") -> str:
    return (f'{_HEADER}<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories">'
            f"{body}{extra}</qgis>\n")


def _raster(renderer: str) -> str:
    return _qgis(f"<pipe>{renderer}{_PIPE_TAIL}</pipe><blendMode>0</blendMode>")


def paletted_qml(soort: str, *, band: int = 1) -> str:
    """QML of a paletted renderer on ``band``: one entry per class code of ``soort``.

    Examples
    --------
    >>> 'label="zeer hoog"' in paletted_qml("gelegenheid")
    True
    """
    entries = "".join(
        f'<paletteEntry value="{code}" color="{colour}" alpha="255" label={quoteattr(label)}/>'
        for code, label, colour in legend_classes(soort))
    return _raster(f'<rasterrenderer type="paletted" band="{band}" opacity="1" '
                   f'alphaBand="-1" nodataColor=""><rasterTransparency/>{_MINMAX}'
                   f"<colorPalette>{entries}</colorPalette></rasterrenderer>")


def _dutch(value: float) -> str:
    return f"{value:.4g}".replace(".", ",")


def interval_labels(soort: str, breaks: Sequence[float]) -> list[tuple[int, float, str]]:
    """(class code, upper limit, label) of each interval of a score cut at ``breaks``.

    Class ``1 + (number of limits below the score)`` as :mod:`geo.scoring.classify` assigns
    it; the last interval is open (``inf``). When the legend has one class more than there
    are intervals, its first class (legend order, :func:`geo.legend.class_codes`) is the
    score exactly 0 ("geen kenmerken"): upper limit 0. Any other mismatch: an empty list.

    Examples
    --------
    >>> interval_labels("risico", [0.25, 0.5, 0.75, 0.875])[0]
    (1, 0.25, 'zeer laag (≤ 0,25)')
    >>> interval_labels("gelegenheid", [0.25, 0.5, 0.75, 0.875])[:2]
    [(6, 0.0, 'geen kenmerken (= 0)'), (1, 0.25, 'zeer laag (> 0 en ≤ 0,25)')]
    """
    classes = legend_classes(soort)
    # float32, as the maps store scores and geo.scoring.classify compares them
    limits = [float(np.float32(b)) for b in breaks] + [math.inf]
    rows: list[tuple[int, float, str]] = []
    if len(classes) == len(limits) + 1:
        code, label, _ = classes.pop(0)
        rows.append((code, 0.0, f"{label} (= 0)"))
    if len(classes) != len(limits):
        return []
    lower = 0.0 if rows else None
    for (code, label, _), upper in zip(classes, limits, strict=True):
        parts = [f"> {_dutch(lower)}"] if lower is not None else []
        parts += [f"≤ {_dutch(upper)}"] if math.isfinite(upper) else []
        rows.append((code, upper, f"{label} ({' en '.join(parts)})"))
        lower = upper
    return rows


def graduated_qml(soort: str, breaks: Sequence[float], *, band: int = 1) -> str:
    """QML of a singleband pseudocolor renderer with a discrete ramp on the class limits
    (the paletted renderer on the class band, band 2, when the limits do not fit)."""
    rows = interval_labels(soort, breaks) if breaks else []
    if not rows:
        return paletted_qml(soort, band=2)
    colours = {code: colour for code, _, colour in legend_classes(soort)}
    items = "".join(
        f'<item value="{upper if math.isfinite(upper) else "inf"}" '
        f'color="{colours[code]}" alpha="255" label={quoteattr(label)}/>'
        for code, upper, label in rows)
    low, high = min(0.0, float(breaks[0])), float(breaks[-1])
    shader = (f'<rastershader><colorrampshader colorRampType="DISCRETE" classificationMode="1" '
              f'clip="0" minimumValue="{low}" maximumValue="{high}" labelPrecision="4">'
              f"{items}</colorrampshader></rastershader>")
    return _raster(f'<rasterrenderer type="singlebandpseudocolor" band="{band}" opacity="1" '
                   f'alphaBand="-1" classificationMin="{low}" classificationMax="{high}" '
                   f'nodataColor=""><rasterTransparency/>{_MINMAX}{shader}</rasterrenderer>')


def _option(name: str, value: str) -> str:
    return f'<Option type="QString" name="{name}" value={quoteattr(value)}/>'


def _symbol(index: int, kind: str, rgb: tuple[int, int, int]) -> str:
    colour = ",".join(str(c) for c in rgb) + ",255"
    if kind == "marker":
        layer, options = "SimpleMarker", [("name", "circle"), ("size", "3"), ("size_unit", "MM"),
                                          ("outline_color", "35,35,35,255"),
                                          ("outline_width", "0.3")]
    elif kind == "line":
        layer, options = "SimpleLine", [("line_width", "0.8"), ("line_width_unit", "MM")]
    else:
        layer, options = "SimpleFill", [("style", "solid"), ("outline_color", "35,35,35,255"),
                                        ("outline_width", "0.3"), ("outline_style", "solid")]
    colour_key = "line_color" if kind == "line" else "color"
    body = _option(colour_key, colour) + "".join(_option(k, v) for k, v in options)
    return (f'<symbol type="{kind}" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="{layer}" enabled="1" locked="0" pass="0">'
            f'<Option type="Map">{body}</Option></layer></symbol>')


def symbol_kind(geometry_type: str) -> str:
    """QGIS symbol type for a GeoPackage geometry type name (``POINT`` → ``marker``)."""
    name = geometry_type.upper()
    if "POLYGON" in name or "SURFACE" in name:
        return "fill"
    if "POINT" in name:
        return "marker"
    if "LINE" in name or "CURVE" in name:
        return "line"
    return "fill"


def categorized_qml(soort: str, geometry_type: str, column: str | None = None) -> str:
    """QML of a categorized renderer on the class column, one category per class code."""
    scheme = legend_scheme(soort)
    column = column or OBJECT_CLASS_COLUMNS.get(scheme, "klasse")
    kind = symbol_kind(geometry_type)
    categories = "".join(
        f'<category value="{code}" symbol="{i}" label={quoteattr(label)} render="true"/>'
        for i, (code, label, _) in enumerate(legend_classes(soort)))
    symbols = "".join(_symbol(i, kind, rgb) for i, rgb in enumerate(class_rgb(soort).values()))
    renderer = (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(column)} '
                'symbollevels="0" enableorderby="0" forceraster="0">'
                f"<categories>{categories}</categories><symbols>{symbols}</symbols>"
                "</renderer-v2>")
    return _qgis(renderer, "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
                           "<layerOpacity>1</layerOpacity>")


def layer_styles_table(layers: Sequence[tuple[str, str, str]], soort: str,
                       stamp: datetime | None = None) -> pd.DataFrame:
    """Rows of QGIS's ``layer_styles`` table: one default style per (layer, geometry column,
    geometry type) in ``layers``, categorized on the class column of ``soort``."""
    moment = (stamp or datetime.now(UTC)).replace(tzinfo=None)
    rows = [{
        "f_table_catalog": "", "f_table_schema": "", "f_table_name": name,
        "f_geometry_column": column, "styleName": STYLE_NAME,
        "styleQML": categorized_qml(soort, geometry_type), "styleSLD": "",
        "useAsDefault": True,
        "description": f"Klassen zoals in de kaartviewer ({legend_scheme(soort)})",
        "owner": "", "ui": "", "update_time": moment,
    } for name, column, geometry_type in layers]
    return pd.DataFrame(rows)


__all__ = ["OBJECT_CLASS_COLUMNS", "QGIS_VERSION", "categorized_qml", "class_rgb",
           "graduated_qml", "interval_labels", "layer_styles_table", "paletted_qml",
           "symbol_kind"]
