"""The served catalog: :class:`geo.catalog.Catalog` re-read only when ``catalogus.json`` changes.

Per map version it also caches what the tile routes need without touching the COG again
(bounds in Web Mercator and WGS84, zoom range).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.catalog import Catalog, KaartEntry
from geo.errors import KaartNotFoundError
from geo.paths import Werkmap


@dataclass(frozen=True)
class CogInfo:
    """What is known about a map's COG once per version."""

    path: Path
    bounds_3857: tuple[float, float, float, float]
    bounds_wgs84: tuple[float, float, float, float]
    minzoom: int
    maxzoom: int


class ServiceCatalog:
    """Catalog entries of a werkmap, cached until the catalog file changes."""

    def __init__(self, werkmap: Werkmap) -> None:
        self.werkmap = werkmap
        self._catalog = Catalog(werkmap)
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, KaartEntry] = {}
        self._lock = threading.Lock()

    def _refresh(self) -> dict[str, KaartEntry]:
        try:
            stat = self._catalog.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            with self._lock:
                entries = self._catalog.entries() if stamp is not None else []
                self._entries = {e.kaart_id: e for e in entries}
                self._stamp = stamp
        return self._entries

    def entries(self) -> list[KaartEntry]:
        """Every map in the catalog (newest version of each)."""
        return list(self._refresh().values())

    def get(self, kaart_id: str) -> KaartEntry:
        """The entry of ``kaart_id``; :class:`KaartNotFoundError` if unknown."""
        entry = self._refresh().get(kaart_id)
        if entry is None:
            raise KaartNotFoundError(f"Kaart '{kaart_id}' bestaat niet.", kaart_id=kaart_id)
        return entry

    def file(self, entry: KaartEntry, bestand: str) -> Path:
        """Absolute path of ``cog``, ``objecten`` or ``verantwoording`` of ``entry``."""
        name = getattr(entry, bestand, None) if bestand in ("cog", "objecten",
                                                            "verantwoording") else None
        path = entry.path(self.werkmap, name) if name else None
        if path is None or not path.is_file():
            raise KaartNotFoundError(
                f"Kaart '{entry.kaart_id}' heeft geen bestand '{bestand}'.",
                kaart_id=entry.kaart_id, bestand=bestand)
        return path

    def cog_info(self, entry: KaartEntry) -> CogInfo:
        """Bounds and zoom range of the map's COG (read once per version)."""
        path = self.file(entry, "cog")
        return _cog_info(str(path), entry.kaart_id, entry.versie, entry.datum)


@lru_cache(maxsize=1024)
def _cog_info(path: str, kaart_id: str, versie: int, datum: str) -> CogInfo:
    from rasterio.warp import transform_bounds
    from rio_tiler.io import Reader

    with Reader(path) as reader:
        bounds = transform_bounds(reader.crs, "EPSG:3857", *reader.bounds, densify_pts=21)
        return CogInfo(Path(path), tuple(bounds), tuple(reader.get_geographic_bounds("EPSG:4326")),
                       int(reader.minzoom), int(reader.maxzoom))
