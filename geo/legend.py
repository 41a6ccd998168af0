"""Class codes, names and colours shared by tiles (api), COGs, legends (maps) and reports.

One place for them, so they always match. Pure data and small numpy helpers: no
rendering library is imported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geo.runs import legend_scheme

NODATA = 0
"""Class code outside the area (band 2 of every COG, nodata of the uint8 class band)."""

GEEN_KENMERKEN = 6
"""Class code of a gelegenheid cell or object with score exactly 0: no factor present.

Its own class, not "zeer laag": the five quantile classes 1..5 are taken over the
non-zero scores only (:mod:`geo.scoring.classify`). The code is 6 so that 1..5 keep their
meaning (5 = zeer hoog); code order is not rank order, so compare classes through
:func:`class_rank` (geen kenmerken ranks below zeer laag)."""

CLASS_NAMES: dict[int, str] = {
    1: "zeer laag",
    2: "laag",
    3: "gemiddeld",
    4: "hoog",
    5: "zeer hoog",
    GEEN_KENMERKEN: "geen kenmerken",
}
"""Dutch class names by code (gelegenheid: 1..5 and :data:`GEEN_KENMERKEN`; risico: 1..5)."""

GEEN_KENMERKEN_COLOR = "#d9d9d9"
"""Light grey: cells and objects without any factor (score 0)."""

MAP_OPACITY = 0.75
"""Opacity of the class raster on the map; legend swatches and objects use the colour
blended at this opacity over white (:func:`shown_color`), so the legend shows what is drawn."""

CLASS_COLORS: dict[int, str] = {
    1: "#ffffb2",
    2: "#fecc5c",
    3: "#fd8d3c",
    4: "#f03b20",
    5: "#bd0026",
}
"""Gelegenheidskaart colours (ColorBrewer YlOrRd, 5 classes)."""

RISK_COLORS: dict[int, str] = {
    1: "#f2f0f7",
    2: "#cbc9e2",
    3: "#9e9ac8",
    4: "#756bb1",
    5: "#54278f",
}
"""Risicokaart colours (ColorBrewer Purples, 5 classes)."""

BIVARIATE_LEVELS: dict[int, str] = {1: "laag", 2: "midden", 3: "hoog"}

BIVARIATE_COLORS: dict[tuple[int, int], str] = {
    (1, 1): "#e8e8e8", (2, 1): "#e4acac", (3, 1): "#c85a5a",
    (1, 2): "#b0d5df", (2, 2): "#ad9ea5", (3, 2): "#985356",
    (1, 3): "#64acbe", (2, 3): "#627f8c", (3, 3): "#574249",
}
"""Gecombineerde kaart, keyed by (gelegenheid level, risico level), Stevens' 3×3 scheme.

The class band stores ``(gelegenheid - 1) * 3 + risico`` (1..9), 0 = nodata.
"""


OBJECT_CLASS_PROPERTY: dict[str, str] = {
    "gelegenheid": "klasse", "risico": "risico_klasse", "gecombineerd": "gecombineerde_klasse"}
"""Object column with the object's class on each legend scheme (objects are coloured by the
map that is shown; risico and gecombineerd come from the gecombineerd run's objecten.gpkg).
The vector tiles carry exactly these columns (:mod:`api.vector_tiles`)."""


def bivariate_class(gelegenheid: int, risico: int) -> int:
    """Class code 1..9 of a (gelegenheid, risico) pair of levels 1..3."""
    return (gelegenheid - 1) * 3 + risico


def bivariate_levels(code: int) -> tuple[int, int]:
    """(gelegenheid, risico) levels of a class code 1..9."""
    return (code - 1) // 3 + 1, (code - 1) % 3 + 1


def class_codes(soort: str) -> tuple[int, ...]:
    """Class codes of a map kind in legend order, lowest first (0 = nodata never listed).

    Examples
    --------
    >>> class_codes("gelegenheid")
    (6, 1, 2, 3, 4, 5)
    >>> class_codes("risico")
    (1, 2, 3, 4, 5)
    """
    soort = legend_scheme(soort)
    if soort == "gecombineerd":
        return tuple(range(1, 10))
    if soort == "risico":
        return (1, 2, 3, 4, 5)
    return (GEEN_KENMERKEN, 1, 2, 3, 4, 5)


def class_colors(soort: str) -> dict[int, str]:
    """Class code → hex colour for a map kind or scheme (:func:`geo.runs.legend_scheme`),
    in legend order (:func:`class_codes`)."""
    soort = legend_scheme(soort)
    if soort == "risico":
        return dict(RISK_COLORS)
    if soort == "gecombineerd":
        return {code: BIVARIATE_COLORS[bivariate_levels(code)] for code in class_codes(soort)}
    return {code: GEEN_KENMERKEN_COLOR if code == GEEN_KENMERKEN else CLASS_COLORS[code]
            for code in class_codes(soort)}


def class_labels(soort: str) -> dict[int, str]:
    """Class code → Dutch label for a map kind or scheme, in legend order."""
    if legend_scheme(soort) == "gecombineerd":
        return {
            bivariate_class(g, r):
                f"gelegenheid {BIVARIATE_LEVELS[g]}, risico {BIVARIATE_LEVELS[r]}"
            for g in (1, 2, 3) for r in (1, 2, 3)
        }
    return {code: CLASS_NAMES[code] for code in class_codes(soort)}


def legend_classes(soort: str) -> list[tuple[int, str, str]]:
    """(code, Dutch label, hex colour) of every class of a map kind, in legend order.

    The one list a colour table (QGIS, palette PNG) or a legend is generated from."""
    colors, labels = class_colors(soort), class_labels(soort)
    return [(code, labels[code], colors[code]) for code in class_codes(soort)]


def class_rank(klasse: Any) -> Any:
    """Rank of class codes 1..5 / :data:`GEEN_KENMERKEN` for comparisons and differences:
    geen kenmerken → 0, 1..5 → 1..5, nodata (0) or unknown → NaN (float array or float).

    Examples
    --------
    >>> class_rank(np.array([0, 6, 1, 5])).tolist()
    [nan, 0.0, 1.0, 5.0]
    """
    codes = np.asarray(klasse, dtype="float64")
    ranks = np.where(codes == GEEN_KENMERKEN, 0.0,
                     np.where((codes >= 1) & (codes <= 5), codes, np.nan))
    return ranks if ranks.ndim else float(ranks)


def shown_color(colour: str, opacity: float = MAP_OPACITY, over: str = "#ffffff") -> str:
    """The colour a map shows for ``colour`` drawn at ``opacity`` over ``over`` (white).

    Examples
    --------
    >>> shown_color("#bd0026")
    '#ce405c'
    """
    top, bottom = _rgb(colour), _rgb(over)
    mixed = (round(opacity * t + (1 - opacity) * b) for t, b in zip(top, bottom, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


SYNTHETIC_LABEL = "Synthetische demodata — geen echte gegevens"
"""Shown on every map, file and page built from synthetic demo data."""
