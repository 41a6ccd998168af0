"""Render map tiles (WebMercatorQuad PNG) from the class band of our maps.

Tiles are read from the map's Web Mercator serving copy (:mod:`api.webtiles`,
:mod:`geo.export.webcog`): one aligned block per tile, bounded at every zoom 0-24.
Colours come from :func:`geo.legend.class_colors` (the legends use the same); class 0 and
cells outside the map are transparent. Rendered tiles are kept in an in-process LRU keyed by
file, version, z/x/y and size; tiles outside the map's bounds are answered with a cached
transparent PNG without opening a file.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import zlib
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import morecantile
import numpy as np

from api.catalog import CogInfo
from api.webtiles import WebCopies, read_web_tile, web_levels
from geo.atomic import atomic_file
from geo.errors import InvalidRequestError, OutputError
from geo.legend import class_colors

CLASS_BAND = 2
PNG_LEVEL = 3
"""zlib level of tile PNGs: measured on Limburg class tiles, level 6 took 1.8 ms and 920 B
per tile, level 3 0.4 ms and 1270 B (level 1: 0.4 ms, 1440 B)."""
MAX_ZOOM = 24
TMS = morecantile.tms.get("WebMercatorQuad")


def colormap(soort: str) -> dict[int, tuple[int, int, int, int]]:
    """A 256-entry RGBA lookup for the class band of a map kind (unlisted codes transparent)."""
    lut = {code: (0, 0, 0, 0) for code in range(256)}
    for code, hexcolor in class_colors(soort).items():
        value = hexcolor.lstrip("#")
        lut[code] = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 255)
    return lut


@lru_cache(maxsize=8)
def _palette(soort: str) -> tuple[np.ndarray, bytes, bytes]:
    """(code lookup, PLTE, tRNS) of a map kind: unlisted codes become 0 (transparent)."""
    table = colormap(soort)
    listed = [code for code, rgba in table.items() if rgba[3]]
    lookup = np.zeros(256, dtype="uint8")
    lookup[listed] = listed
    count = max(listed, default=0) + 1
    plte = b"".join(bytes(table[code][:3]) for code in range(count))
    trns = bytes(table[code][3] for code in range(count))
    return lookup, plte, trns


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(codes: np.ndarray, soort: str) -> bytes:
    """A paletted PNG (colour type 3 with transparency) of class ``codes`` (uint8, rows×cols).

    One byte per pixel, a palette of the legend colours and zlib level :data:`PNG_LEVEL`:
    under 1 ms per tile, where rendering RGBA through GDAL took ~25 ms; browsers show the
    same colours.
    """
    lookup, plte, trns = _palette(soort)
    rows, cols = codes.shape
    raw = np.zeros((rows, cols + 1), dtype="uint8")  # filter byte 0 per row
    raw[:, 1:] = lookup[codes]
    header = struct.pack(">IIBBBBB", cols, rows, 8, 3, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", plte)
            + _chunk(b"tRNS", trns) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), PNG_LEVEL))
            + _chunk(b"IEND", b""))


@lru_cache(maxsize=2)
def transparent_png(size: int) -> bytes:
    """A fully transparent PNG tile of ``size`` pixels."""
    return encode_png(np.zeros((size, size), dtype="uint8"), "gelegenheid")


def check_tile(z: int, x: int, y: int) -> None:
    """Refuse tile indices that do not exist in WebMercatorQuad."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidRequestError(f"Zoomniveau {z} bestaat niet (0 tot {MAX_ZOOM}).",
                                  parameter="z", waarde=z)
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidRequestError(f"Tegel {z}/{x}/{y} bestaat niet.", parameter="x/y",
                                  waarde=f"{z}/{x}/{y}")


def _outside(bounds: tuple[float, float, float, float],
             data: tuple[float, float, float, float]) -> bool:
    return bounds[2] <= data[0] or bounds[0] >= data[2] or bounds[3] <= data[1] \
        or bounds[1] >= data[3]


def render_tile(path: str, soort: str, z: int, x: int, y: int, size: int,
                key: tuple = ()) -> bytes:
    """Read the class codes of one tile from the serving copy at ``path`` and colour them."""
    codes = read_web_tile(path, z, x, y, size, key)
    if codes is None or not codes.any():
        return transparent_png(size)
    return encode_png(codes, soort)


class CacheInfo(NamedTuple):
    """Hits, misses and size of the tile LRU (like ``functools``' cache info)."""

    hits: int
    misses: int
    maxsize: int
    currsize: int
    nbytes: int


class TileLRU:
    """Rendered PNGs by key, at most ``maxsize`` tiles and ``max_bytes`` bytes, least
    recently used out first (a dict access under a lock)."""

    def __init__(self, maxsize: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.maxsize, self.max_bytes = maxsize, max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._bytes = self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            png = self._items.get(key)
            if png is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return png

    def put(self, key: tuple, png: bytes) -> None:
        if self.maxsize <= 0 or len(png) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(png) - (len(old) if old is not None else 0)
            self._items[key] = png
            while len(self._items) > self.maxsize or self._bytes > self.max_bytes:
                self._bytes -= len(self._items.popitem(last=False)[1])

    def info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self._items), self._bytes)


def tile_key(kaart_id: str, versie: int, datum: str, soort: str, z: int, x: int, y: int,
             scale: int = 1) -> tuple:
    """The LRU key of a tile: map id and version identify the file (catalog), so a new
    version never serves an old tile."""
    return (kaart_id, versie, datum, soort, z, x, y, 256 * scale)


class TileRenderer:
    """Tiles with an in-process LRU of rendered PNGs (``cache_size`` tiles, 0 = none; see
    :class:`TileLRU`, :meth:`cached`) and, optionally, a directory shared by all worker
    processes (``disk_dir``).

    Disk entries are keyed by file, version and date, so a new map version never serves an
    old tile; files are written atomically. Serving copies missing from a run are built
    once into ``web_dir`` (default ``disk_dir/web``, or next to the COG without either).
    """

    def __init__(self, cache_size: int = 4096, disk_dir: Path | None = None,
                 web_dir: Path | None = None) -> None:
        self.cache_size = cache_size
        self.disk_dir = Path(disk_dir) if disk_dir else None
        if web_dir is None and self.disk_dir is not None:
            web_dir = self.disk_dir / "web"
        self.copies = WebCopies(web_dir)
        self._lru = TileLRU(cache_size)

    def _uncached(self, path: str, versie: int, datum: str, soort: str, z: int, x: int, y: int,
                  size: int) -> bytes:
        key = (versie, datum)
        if self.disk_dir is None:
            return render_tile(self._web(path, key), soort, z, x, y, size, key)
        digest = hashlib.sha256(f"{path}|{versie}|{datum}|{soort}".encode()).hexdigest()[:24]
        target = self.disk_dir / digest / str(z) / str(x) / f"{y}@{size}.png"
        try:
            return target.read_bytes()
        except FileNotFoundError:
            pass
        png = render_tile(self._web(path, key), soort, z, x, y, size, key)
        try:
            with atomic_file(target) as tmp:
                tmp.write_bytes(png)
        except (OSError, OutputError):  # a full or read-only disk only costs speed
            pass
        return png

    def _web(self, path: str, key: tuple) -> str:
        return str(self.copies.path(Path(path), key))

    def zoom_range(self, info: CogInfo, versie: int, datum: str) -> tuple[int, int]:
        """Zoom of the coarsest overview and the full resolution of the map's serving copy."""
        key = (versie, datum)
        levels = web_levels(self._web(str(info.path), key), key)
        return levels[-1].zoom, levels[0].zoom

    def cached(self, key: tuple) -> bytes | None:
        """The PNG of ``key`` (:func:`tile_key`) if rendered before, else ``None``."""
        return self._lru.get(key) if self.cache_size else None

    def tile(self, info: CogInfo, versie: int, datum: str, soort: str, z: int, x: int, y: int,
             scale: int = 1, key: tuple | None = None) -> bytes:
        """The PNG of tile z/x/y (``scale`` 2 → 512 px) of a map version, kept in the LRU
        under ``key`` (:func:`tile_key`; default: by file path, version, kind and tile)."""
        check_tile(z, x, y)
        size = 256 * scale
        if key is None:
            key = tile_key(str(info.path), versie, datum, soort, z, x, y, scale)
        if (png := self.cached(key)) is not None:
            return png
        if _outside(TMS.xy_bounds(x, y, z), info.bounds_3857):
            png = transparent_png(size)
        else:
            png = self._uncached(str(info.path), versie, datum, soort, z, x, y, size)
        if self.cache_size:
            self._lru.put(key, png)
        return png

    def cache_info(self) -> CacheInfo | None:
        """Hits/misses of the tile LRU or ``None`` without one."""
        return self._lru.info() if self.cache_size else None
