"""kaart.geo: the plain geospatial library (layers, grid, scoring, exports).

``geo`` never imports fastapi or folium; ``api`` and ``maps`` only read what ``geo`` wrote.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kaart")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+onbekend"

RD_CRS = "EPSG:28992"
"""The one internal CRS: Amersfoort / RD New."""

__all__ = ["RD_CRS", "__version__"]
