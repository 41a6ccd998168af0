"""Render map tiles (WebMercatorQuad PNG) from the class band of our COGs with rio-tiler.

Colours come from :func:`geo.legend.class_colors` (the legends use the same); class 0, NaN
or masked cells are transparent. Rendered tiles are kept in an in-process LRU keyed by
file, version, z/x/y and size; tiles outside the map's bounds are answered with a cached
transparent PNG without opening the COG.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import morecantile
import numpy as np
from rio_tiler.errors import TileOutsideBounds
from rio_tiler.io import Reader
from rio_tiler.models import ImageData

from api.catalog import CogInfo
from geo.atomic import atomic_file
from geo.errors import InvalidRequestError, OutputError
from geo.legend import class_colors

CLASS_BAND = 2
MAX_ZOOM = 24
TMS = morecantile.tms.get("WebMercatorQuad")
OPEN_PER_THREAD = 8
_local = threading.local()


def colormap(soort: str) -> dict[int, tuple[int, int, int, int]]:
    """A 256-entry RGBA lookup for the class band of a map kind (unlisted codes transparent)."""
    lut = {code: (0, 0, 0, 0) for code in range(256)}
    for code, hexcolor in class_colors(soort).items():
        value = hexcolor.lstrip("#")
        lut[code] = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 255)
    return lut


@lru_cache(maxsize=8)
def _colormap(soort: str) -> dict[int, tuple[int, int, int, int]]:
    return colormap(soort)


@lru_cache(maxsize=2)
def transparent_png(size: int) -> bytes:
    """A fully transparent PNG tile of ``size`` pixels."""
    image = ImageData(np.zeros((1, size, size), dtype="uint8"))
    return image.render(img_format="PNG", colormap=_colormap("gelegenheid"))


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


def _reader(path: str, key: tuple) -> Reader:
    """An open Reader for ``path`` owned by this thread (datasets are not thread-safe).

    Each thread keeps its ``OPEN_PER_THREAD`` most recently used files open, so headers
    and overview directories are parsed once, not per tile. ``key`` holds the map version:
    a new version is a new file in a new run directory.
    """
    readers: OrderedDict | None = getattr(_local, "readers", None)
    if readers is None:
        readers = _local.readers = OrderedDict()
    reader = readers.get((path, key))
    if reader is None:
        reader = Reader(path, tms=TMS)
        readers[(path, key)] = reader
        if len(readers) > OPEN_PER_THREAD:
            readers.popitem(last=False)[1].close()
    else:
        readers.move_to_end((path, key))
    return reader


def render_tile(path: str, soort: str, z: int, x: int, y: int, size: int,
                key: tuple = ()) -> bytes:
    """Read band 2 (class) of the COG at ``path`` for one tile and colour it (PNG bytes)."""
    reader = _reader(path, key)
    try:
        image = reader.tile(x, y, z, tilesize=size, indexes=CLASS_BAND,
                            resampling_method="nearest")
    except TileOutsideBounds:
        return transparent_png(size)
    band = image.array[0]
    values = np.ma.getdata(band)
    valid = ~np.ma.getmaskarray(band) & np.isfinite(values) & (values >= 1) & (values <= 255)
    codes = np.where(valid, values, 0).astype("uint8")
    return ImageData(codes[np.newaxis]).render(img_format="PNG", colormap=_colormap(soort))


class TileRenderer:
    """Tiles with an in-process LRU of rendered PNGs (``cache_size`` tiles, 0 = none) and,
    optionally, a directory shared by all worker processes (``disk_dir``).

    Disk entries are keyed by file, version and date, so a new map version never serves an
    old tile; files are written atomically.
    """

    def __init__(self, cache_size: int = 4096, disk_dir: Path | None = None) -> None:
        self.cache_size = cache_size
        self.disk_dir = Path(disk_dir) if disk_dir else None
        self._render = lru_cache(maxsize=cache_size)(self._uncached) if cache_size else \
            self._uncached

    def _uncached(self, path: str, versie: int, datum: str, soort: str, z: int, x: int, y: int,
                  size: int) -> bytes:
        if self.disk_dir is None:
            return render_tile(path, soort, z, x, y, size, (versie, datum))
        digest = hashlib.sha256(f"{path}|{versie}|{datum}|{soort}".encode()).hexdigest()[:24]
        target = self.disk_dir / digest / str(z) / str(x) / f"{y}@{size}.png"
        try:
            return target.read_bytes()
        except FileNotFoundError:
            pass
        png = render_tile(path, soort, z, x, y, size, (versie, datum))
        try:
            with atomic_file(target) as tmp:
                tmp.write_bytes(png)
        except (OSError, OutputError):  # a full or read-only disk only costs speed
            pass
        return png

    def tile(self, info: CogInfo, versie: int, datum: str, soort: str, z: int, x: int, y: int,
             scale: int = 1) -> bytes:
        """The PNG of tile z/x/y (``scale`` 2 → 512 px) of a map version."""
        check_tile(z, x, y)
        size = 256 * scale
        if _outside(TMS.xy_bounds(x, y, z), info.bounds_3857):
            return transparent_png(size)
        return self._render(str(info.path), versie, datum, soort, z, x, y, size)

    def cache_info(self):
        """Hits/misses of the tile LRU (``functools`` cache info) or ``None``."""
        return self._render.cache_info() if self.cache_size else None
