"""Map images for the report: a class map from a COG with the gemeente boundaries, a metric
scale bar and a north arrow, in the colours of :mod:`geo.legend` (matplotlib, Agg)."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio

from geo.legend import class_colors

_NICE_LENGTHS = (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000)


def scale_length(width_m: float) -> int:
    """A round scale-bar length (metres) of at most a quarter of the map width.

    Examples
    --------
    >>> scale_length(7600), scale_length(40000)
    (1000, 10000)
    """
    fitting = [n for n in _NICE_LENGTHS if n <= width_m / 4]
    return fitting[-1] if fitting else _NICE_LENGTHS[0]


def scale_label(metres: int) -> str:
    """Dutch label of a scale-bar length: ``500 m``, ``2 km``, ``2,5 km``."""
    if metres < 1000:
        return f"{metres} m"
    km = metres / 1000
    return f"{km:g} km".replace(".", ",")


def render_class_map(cog: Path, soort: str, boundaries: gpd.GeoDataFrame, *,
                     width_in: float = 6.3, dpi: int = 150) -> bytes:
    """PNG of band 2 (``klasse``) of ``cog`` with boundaries, scale bar and north arrow."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap

    with rasterio.open(cog) as src:
        classes = src.read(2)
        left, bottom, right, top = src.bounds
    colors = class_colors(soort)
    codes = sorted(colors)
    shown = np.ma.masked_where(~np.isin(classes, codes), classes)
    cmap = ListedColormap([colors[c] for c in codes])
    norm = BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N)
    height_in = width_in * (top - bottom) / max(right - left, 1.0)
    fig, ax = plt.subplots(figsize=(width_in, min(max(height_in, 2.5), 7.5)), dpi=dpi)
    ax.imshow(shown, extent=(left, right, bottom, top), cmap=cmap, norm=norm,
              interpolation="nearest")
    if len(boundaries):
        boundaries.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
    return finish_map_png(fig, ax, (left, right, bottom, top), dpi=dpi, pad=0.2)


def finish_map_png(fig, ax, extent: tuple[float, float, float, float], *, dpi: int,
                   pad: float) -> bytes:
    """Scale bar, north arrow, the extent (``left, right, bottom, top`` in metres) at equal
    aspect, no axes; the figure as PNG bytes (closed afterwards). Also used by the plan
    briefings (:mod:`services.briefing`)."""
    from matplotlib import pyplot as plt

    left, right, bottom, top = extent
    _scale_bar(ax, left, right, bottom, top)
    _north_arrow(ax)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout(pad=pad)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def _scale_bar(ax, left: float, right: float, bottom: float, top: float) -> None:
    length = scale_length(right - left)
    x0 = left + (right - left) * 0.04
    y0 = bottom + (top - bottom) * 0.04
    bar = (top - bottom) * 0.012
    ax.fill([x0, x0 + length / 2, x0 + length / 2, x0], [y0, y0, y0 + bar, y0 + bar],
            color="black")
    ax.fill([x0 + length / 2, x0 + length, x0 + length, x0 + length / 2],
            [y0, y0, y0 + bar, y0 + bar], facecolor="white", edgecolor="black",
            linewidth=0.6)
    ax.text(x0 + length / 2, y0 + bar * 1.8, scale_label(length), ha="center",
            va="bottom", fontsize=7, bbox={"facecolor": "white", "alpha": 0.7,
                                            "edgecolor": "none", "pad": 1})


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=9, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 2.5, "headwidth": 8,
                            "headlength": 8})
