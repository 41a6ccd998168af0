"""Class names and colours shared by tiles (api) and legends (maps), so they always match.

Pure data: no rendering library is imported here.
"""

from __future__ import annotations

from geo.runs import legend_scheme

CLASS_NAMES: dict[int, str] = {
    1: "zeer laag",
    2: "laag",
    3: "gemiddeld",
    4: "hoog",
    5: "zeer hoog",
}
"""The five classes of a gelegenheidskaart or risicokaart (band 2 of every COG, 0 = nodata)."""

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


def bivariate_class(gelegenheid: int, risico: int) -> int:
    """Class code 1..9 of a (gelegenheid, risico) pair of levels 1..3."""
    return (gelegenheid - 1) * 3 + risico


def bivariate_levels(code: int) -> tuple[int, int]:
    """(gelegenheid, risico) levels of a class code 1..9."""
    return (code - 1) // 3 + 1, (code - 1) % 3 + 1


def class_colors(soort: str) -> dict[int, str]:
    """Class code → hex colour for a map kind or scheme (:func:`geo.runs.legend_scheme`)."""
    soort = legend_scheme(soort)
    if soort == "risico":
        return dict(RISK_COLORS)
    if soort == "gecombineerd":
        return {bivariate_class(g, r): c for (g, r), c in BIVARIATE_COLORS.items()}
    return dict(CLASS_COLORS)


def class_labels(soort: str) -> dict[int, str]:
    """Class code → Dutch label for a map kind or scheme (:func:`geo.runs.legend_scheme`)."""
    if legend_scheme(soort) == "gecombineerd":
        return {
            bivariate_class(g, r):
                f"gelegenheid {BIVARIATE_LEVELS[g]}, risico {BIVARIATE_LEVELS[r]}"
            for g in (1, 2, 3) for r in (1, 2, 3)
        }
    return dict(CLASS_NAMES)


SYNTHETIC_LABEL = "Synthetische demodata — geen echte gegevens"
"""Shown on every map, file and page built from synthetic demo data."""
