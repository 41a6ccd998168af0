"""Read map tiles from the Web Mercator serving copy of a map (:mod:`geo.export.webcog`).

The copy is aligned to the WebMercatorQuad matrix, so a tile at a zoom that has a level
(full resolution or an overview) is one 256 px block: no reprojection, no PROJ set-up, only
arithmetic on the tile index. Every tile is read from the coarsest level that is at least as
fine as the tile, so a read is at most 2 × 2 tile sizes of pixels (a window of the coarsest
overview below its zoom: the floor — zoomed out, nothing is read at full resolution), and
:data:`MAX_READ_PIXELS` is a hard limit on top.

A map without a copy (a run written before the copies existed) gets one built once, in a
background thread, into ``web_dir``; requests wait for it at most ``wait_s`` seconds and
are answered 503 (``TileUnavailableError``) until it is there.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from geo.errors import KaartError, OutputError
from geo.export.webcog import WORLD, web_cog_path, write_web_cog

MAX_READ_PIXELS = 1024 * 1024
"""Hard limit on the pixels one tile may read (4 × a 512 px tile); more is refused."""
OPEN_PER_THREAD = 16
_local = threading.local()


class TileUnavailableError(KaartError):
    """A tile cannot be served now (being prepared, too costly, or past its time limit)."""

    code = "tegel_niet_beschikbaar"
    exit_code = 6


@dataclass(frozen=True)
class Level:
    """One resolution level of a serving copy (0 = full resolution, k = overview k)."""

    index: int
    zoom: int
    width: int
    height: int
    x0: float
    y0: float
    res: float


@lru_cache(maxsize=256)
def web_levels(path: str, key: tuple = ()) -> tuple[Level, ...]:
    """The levels of the serving copy at ``path``, finest first (read once per version)."""
    levels = []
    with rasterio.open(path) as src:
        count = len(src.overviews(1))
    for index in range(count + 1):
        options = {"overview_level": index - 1} if index else {}
        with rasterio.open(path, **options) as src:
            res = src.transform.a
            zoom = int(round(np.log2(WORLD / (256 * res))))
            levels.append(Level(index, zoom, src.width, src.height, src.transform.c,
                                src.transform.f, res))
    return tuple(levels)


def _dataset(path: str, key: tuple, index: int):
    """An open dataset of level ``index`` owned by this thread (datasets are not thread-safe)."""
    handles: OrderedDict | None = getattr(_local, "handles", None)
    if handles is None:
        handles = _local.handles = OrderedDict()
    handle = handles.get((path, key, index))
    if handle is None:
        options = {"overview_level": index - 1} if index else {}
        handle = handles[(path, key, index)] = rasterio.open(path, **options)
        if len(handles) > OPEN_PER_THREAD:
            handles.popitem(last=False)[1].close()
    else:
        handles.move_to_end((path, key, index))
    return handle


def pick_level(levels: tuple[Level, ...], tile_res: float) -> Level:
    """The coarsest level at least as fine as ``tile_res`` (the coarsest level if none is)."""
    fitting = [level for level in levels if level.res <= tile_res * (1 + 1e-9)]
    return fitting[-1] if fitting else levels[0]


def _samples(start: float, step: float, size: int, origin: float, res: float,
             sign: int) -> np.ndarray:
    centres = start + sign * (np.arange(size) + 0.5) * step
    return np.floor(sign * (centres - origin) / res).astype("int64")


def read_web_tile(path: str, z: int, x: int, y: int, size: int = 256,
                  key: tuple = ()) -> np.ndarray | None:
    """Class codes (uint8, 0 = none) of tile z/x/y with ``size`` pixels, nearest sampling.

    ``None`` when the tile does not touch the map. Each output pixel takes the cell of the
    chosen level under its centre. Raises :class:`TileUnavailableError` when the read would
    exceed :data:`MAX_READ_PIXELS`.
    """
    levels = web_levels(path, key)
    extent = WORLD / 2**z
    tile_res = extent / size
    level = pick_level(levels, tile_res)
    cols = _samples(-WORLD / 2 + x * extent, tile_res, size, level.x0, level.res, 1)
    rows = _samples(WORLD / 2 - y * extent, tile_res, size, level.y0, level.res, -1)
    col_ok = (cols >= 0) & (cols < level.width)
    row_ok = (rows >= 0) & (rows < level.height)
    if not col_ok.any() or not row_ok.any():
        return None
    c0, c1 = int(cols[col_ok].min()), int(cols[col_ok].max())
    r0, r1 = int(rows[row_ok].min()), int(rows[row_ok].max())
    if (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_READ_PIXELS:
        raise TileUnavailableError(
            f"Tegel {z}/{x}/{y} zou te veel cellen lezen; kies een ander zoomniveau.",
            zoom=z)
    block = _dataset(path, key, level.index).read(
        1, window=Window(c0, r0, c1 - c0 + 1, r1 - r0 + 1))
    out = np.zeros((size, size), dtype="uint8")
    out[np.ix_(row_ok, col_ok)] = block[np.ix_(rows[row_ok] - r0, cols[col_ok] - c0)]
    return out


class WebCopies:
    """Where the serving copy of a map COG is; builds missing copies once, in the background.

    Parameters
    ----------
    web_dir : Path or None
        Folder for copies built here (named by a digest of COG path and version); ``None``
        writes them next to the COG.
    wait_s : float
        How long a request waits for a copy being built before a 503.
    """

    def __init__(self, web_dir: Path | None = None, wait_s: float = 5.0) -> None:
        self.web_dir = Path(web_dir) if web_dir else None
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._building: dict[Path, Future] = {}
        self._found: dict[tuple[Path, tuple], Path] = {}  # (cog, version) → copy, never stale
        self._one_at_a_time = threading.Semaphore(1)

    def _build(self, cog: Path, target: Path, future: Future) -> None:
        with self._one_at_a_time:
            try:
                future.set_result(write_web_cog(cog, target))
            except BaseException as error:  # handed to the waiting requests
                future.set_exception(error)

    def _start(self, cog: Path, target: Path) -> Future:
        # a daemon thread: a build in progress never holds up the server's shutdown
        future: Future = Future()
        threading.Thread(target=self._build, args=(cog, target, future), daemon=True,
                         name=f"webcog-{target.name}").start()
        return future

    def _lazy_target(self, cog: Path, key: tuple) -> Path:
        if self.web_dir is None:
            return web_cog_path(cog)
        digest = hashlib.sha256(f"{cog}|{key}".encode()).hexdigest()[:24]
        return self.web_dir / f"{digest}.web.tif"

    def path(self, cog: Path, key: tuple = ()) -> Path:
        """The serving copy of ``cog`` (written at build time, or built here once)."""
        if (found := self._found.get((cog, key))) is not None:
            return found
        for candidate in (web_cog_path(cog), self._lazy_target(cog, key)):
            if candidate.is_file():
                self._found[(cog, key)] = candidate
                return candidate
        target = self._lazy_target(cog, key)
        with self._lock:
            future = self._building.get(target)
            if future is None or (future.done() and future.exception() is not None):
                future = self._building[target] = self._start(cog, target)
        try:
            future.result(timeout=self.wait_s)
        except FutureTimeout:
            raise TileUnavailableError(
                "De kaart wordt voorbereid voor tegels; probeer het over enkele seconden "
                "opnieuw.", wacht_s=int(self.wait_s)) from None
        except (OSError, OutputError, rasterio.errors.RasterioError) as error:
            raise TileUnavailableError(
                "De tegelkopie van deze kaart kan niet worden gemaakt; meld dit bij de "
                "beheerder.", wacht_s=60) from error
        return target
