"""Region-sized work arrays stored as tiles: one tile per window that holds area cells.

For a large area (:mod:`geo.scoring.passes` with a work directory) the engine keeps its
arrays (raw indicators, statuses, domains, scores, completeness, classes) on disk. Stored
row by row as a plain ``(bands, rows, cols)`` memmap, a window is 512 short pieces of
rows, each 2 KB of a 50 KB row of the country: pages (and on a recent kernel larger
folios) are shared with neighbouring windows, so leaving out the windows without area
cells saved little (the country: 18-19 GB on disk instead of the 12 GB its area needs)
and the arrays no longer fitted in the page cache beside the output.

A :class:`TiledArray` stores band ``b`` of window ``k`` as one contiguous ``tile × tile``
block of a ``.npy`` file of shape ``(bands, tiles, tile, tile)``; only windows with area
cells have a tile. A window is one contiguous write, and disk and page cache hold the area
only. Beside the file, a small JSON file ``<name>.npy.dekking.json`` (:class:`Coverage`)
gives the logical shape, the tile size, the value of every cell outside a tile (NaN for
values, 0 for classes and statuses) and per window its tile. Reading returns that fill
outside the tiles, so a :class:`TiledArray` reads exactly like the array of a run in
memory; :func:`geo.export.cog_source.memmap_vrt` lets GDAL read the tiles in place.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

COVERAGE_SUFFIX = ".dekking.json"


@dataclass(frozen=True)
class Coverage:
    """Where the tiles of a :class:`TiledArray` lie in its logical ``shape`` (rows, cols).

    ``windows[i] = (row_start, row_stop, col_start, col_stop)`` is stored in tile
    ``tiles[i]``; every other cell holds ``fill``.
    """

    shape: tuple[int, int]
    tile: int
    windows: tuple[tuple[int, int, int, int], ...]
    tiles: tuple[int, ...]
    fill: float

    def tile_ids(self) -> np.ndarray:
        """Tile number per tile position (``-1`` where no tile is stored)."""
        rows, cols = self.shape
        ids = np.full((-(-rows // self.tile), -(-cols // self.tile)), -1, np.int64)
        for (r0, _, c0, _), k in zip(self.windows, self.tiles, strict=True):
            ids[r0 // self.tile, c0 // self.tile] = k
        return ids


def coverage_path(array_file: str | os.PathLike[str]) -> Path:
    """The coverage file beside ``array_file``."""
    return Path(f"{os.fspath(array_file)}{COVERAGE_SUFFIX}")


def write_coverage(array_file: str | os.PathLike[str], coverage: Coverage) -> Path:
    """Write the coverage file of ``array_file``."""
    doc = {"vorm": list(coverage.shape), "tegel": coverage.tile,
           "vulwaarde": None if math.isnan(coverage.fill) else coverage.fill,
           "vensters": [[*w, k] for w, k in zip(coverage.windows, coverage.tiles,
                                                strict=True)]}
    path = coverage_path(array_file)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def read_coverage(array_file: str | os.PathLike[str]) -> Coverage:
    """The coverage of ``array_file``."""
    doc = json.loads(coverage_path(array_file).read_text(encoding="utf-8"))
    fill = doc["vulwaarde"]
    windows = [tuple(int(v) for v in w) for w in doc["vensters"]]
    return Coverage(shape=(int(doc["vorm"][0]), int(doc["vorm"][1])), tile=int(doc["tegel"]),
                    windows=tuple(w[:4] for w in windows), tiles=tuple(w[4] for w in windows),
                    fill=math.nan if fill is None else float(fill))


class TiledArray:
    """A ``(bands, rows, cols)`` array (or one band of it, ``(rows, cols)``) stored as tiles.

    Indexing with slices (step 1) reads like a numpy array: a window that lies in one tile
    is a view of it, anything else a new array with ``fill`` outside the tiles; a band also
    takes a boolean mask of its shape (its cells in row-major order). Assigning
    writes into the tiles; a cell outside them cannot be written. ``array[b]`` and
    ``array[b0:b1]`` are tiled views of bands.

    Parameters
    ----------
    tiles : ndarray, shape (bands, n, tile, tile)
        The tiles (a memmap of the ``.npy`` file, or an array in memory).
    coverage : Coverage
        Where they lie.
    path : path, optional
        The ``.npy`` file of ``tiles`` (for workers and GDAL).
    band : bool
        A single band: shape ``(rows, cols)`` (``tiles`` then has one band).
    """

    def __init__(self, tiles: np.ndarray, coverage: Coverage, path: Path | None = None,
                 band: bool = False, ids: np.ndarray | None = None) -> None:
        if band and tiles.shape[0] != 1:
            raise ValueError(f"Eén band verwacht, {tiles.shape[0]} gekregen.")
        self.tiles, self.coverage, self.path, self.band = tiles, coverage, path, band
        self.ids = coverage.tile_ids() if ids is None else ids
        self.fill = coverage.fill
        self.dtype = tiles.dtype
        self.shape = coverage.shape if band else (tiles.shape[0], *coverage.shape)
        self.ndim = len(self.shape)

    @classmethod
    def create(cls, path: str | os.PathLike[str] | None, bands: int, shape: tuple[int, int],
               dtype: Any, fill: Any, windows: Sequence[tuple[slice, slice]],
               tile: int) -> TiledArray:
        """A new array with a tile (all 0) for each of ``windows``: a ``.npy`` file at
        ``path`` (a sparse file until written: unwritten tiles take no disk), or in memory
        without ``path``."""
        spans = []
        for rows, cols in windows:
            r0, r1, c0, c1 = rows.start, rows.stop, cols.start, cols.stop
            if r0 % tile or c0 % tile or not (0 < r1 - r0 <= tile and 0 < c1 - c0 <= tile):
                raise ValueError(f"Venster {r0}:{r1}, {c0}:{c1} ligt niet op de tegels "
                                 f"van {tile} cellen.")
            spans.append((r0, r1, c0, c1))
        coverage = Coverage(shape=(int(shape[0]), int(shape[1])), tile=int(tile),
                            windows=tuple(spans), tiles=tuple(range(len(spans))),
                            fill=float(fill))
        full = (int(bands), max(len(spans), 1), int(tile), int(tile))
        if path is None:
            return cls(np.zeros(full, dtype), coverage)
        tiles = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=full)
        write_coverage(path, coverage)
        return cls(tiles, coverage, Path(path))

    @classmethod
    def open(cls, path: str | os.PathLike[str], mode: str = "r") -> TiledArray:
        """The array in ``path`` (``mode`` as for :func:`numpy.load`'s ``mmap_mode``)."""
        return cls(np.load(path, mmap_mode=mode), read_coverage(path), Path(path))

    def keep(self, windows: Sequence[tuple[slice, slice]]) -> TiledArray:
        """This array with only ``windows`` still stored (the others read as ``fill``);
        the coverage file is rewritten."""
        chosen = {(r.start, r.stop, c.start, c.stop) for r, c in windows}
        pairs = [(w, k) for w, k in zip(self.coverage.windows, self.coverage.tiles,
                                        strict=True) if w in chosen]
        coverage = replace(self.coverage, windows=tuple(w for w, _ in pairs),
                           tiles=tuple(k for _, k in pairs))
        if self.path is not None:
            write_coverage(self.path, coverage)
        return TiledArray(self.tiles, coverage, self.path, self.band)

    # -- numpy-like access -------------------------------------------------------------

    def __len__(self) -> int:
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        for index in range(self.shape[0]):
            yield self[index]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = self[...]
        return values if dtype is None else values.astype(dtype)

    def __getitem__(self, key: Any) -> Any:
        if (self.band and isinstance(key, np.ndarray) and key.dtype == bool
                and key.shape == self.shape):  # array[mask]: the cells of a mask
            return self.gather(np.flatnonzero(key))
        if not self.band:
            first = key[0] if isinstance(key, tuple) and len(key) == 1 else key
            if isinstance(first, (int, np.integer)):
                b = range(self.shape[0])[first]
                return TiledArray(self.tiles[b:b + 1], self.coverage, self.path, True, self.ids)
            if isinstance(first, slice):
                start, stop, step = first.indices(self.shape[0])
                if step == 1:
                    return TiledArray(self.tiles[start:max(start, stop)], self.coverage,
                                      self.path, False, self.ids)
        bands, single, (r0, r1), (c0, c1) = self._key(key)
        out = self._read(bands, r0, r1, c0, c1)
        return out[0] if single else out

    def __setitem__(self, key: Any, value: Any) -> None:
        bands, single, (r0, r1), (c0, c1) = self._key(key)
        if not isinstance(bands, slice):
            raise IndexError("Schrijven kan alleen in een aaneengesloten reeks banden.")
        count = len(range(self.tiles.shape[0])[bands])
        value = np.asarray(value)
        if single:
            value = value[None] if value.ndim >= 2 else value
        value = np.broadcast_to(value, (count, r1 - r0, c1 - c0))
        for k, (a0, a1, b0, b1), (t0, u0) in self._parts(r0, r1, c0, c1):
            if k < 0:
                raise IndexError(f"Cellen {a0}:{a1}, {b0}:{b1} liggen buiten de opgeslagen "
                                 "vensters en kunnen niet geschreven worden.")
            self.tiles[bands, k, a0 - t0:a1 - t0, b0 - u0:b1 - u0] = \
                value[:, a0 - r0:a1 - r0, b0 - c0:b1 - c0]

    def _key(self, key: Any) -> tuple[Any, bool, tuple[int, int], tuple[int, int]]:
        """(band index into ``tiles``, a single band?, rows, cols) of ``key``."""
        key = key if isinstance(key, tuple) else (key,)
        if key and key[0] is Ellipsis:
            key = key[1:]
        if self.band:
            bands, single, rest = slice(0, 1), True, key
        else:
            first, rest = (key[0], key[1:]) if key else (slice(None), ())
            single = isinstance(first, (int, np.integer))
            if single:
                b = range(self.shape[0])[first]
                bands = slice(b, b + 1)
            elif isinstance(first, slice):
                bands = first
            else:
                picked = np.asarray(first, dtype=np.int64).reshape(-1)
                if picked.size and (np.diff(picked) == 1).all():
                    bands = slice(int(picked[0]), int(picked[-1]) + 1)
                else:
                    bands = picked
        if len(rest) > 2:
            raise IndexError(f"Te veel indices voor een array van vorm {self.shape}.")
        spans = []
        for index, size in zip((*rest, slice(None), slice(None))[:2], self.shape[-2:],
                               strict=True):
            if not isinstance(index, slice):
                raise IndexError("Rijen en kolommen alleen als reeks (slice) te lezen.")
            start, stop, step = index.indices(size)
            if step != 1:
                raise IndexError("Rijen en kolommen alleen met stap 1.")
            spans.append((start, max(start, stop)))
        return bands, single, spans[0], spans[1]

    def _parts(self, r0: int, r1: int, c0: int, c1: int) -> Iterator[
            tuple[int, tuple[int, int, int, int], tuple[int, int]]]:
        """(tile or -1, the part of the rectangle in it, the tile's origin) per tile position."""
        t = self.coverage.tile
        if r1 <= r0 or c1 <= c0:
            return
        for tr in range(r0 // t, (r1 - 1) // t + 1):
            for tc in range(c0 // t, (c1 - 1) // t + 1):
                part = (max(r0, tr * t), min(r1, (tr + 1) * t),
                        max(c0, tc * t), min(c1, (tc + 1) * t))
                yield int(self.ids[tr, tc]), part, (tr * t, tc * t)

    def _read(self, bands: Any, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        parts = list(self._parts(r0, r1, c0, c1))
        if len(parts) == 1 and parts[0][0] >= 0 and isinstance(bands, slice):
            k, _, (t0, u0) = parts[0]  # one window: a view of its tile
            return self.tiles[bands, k, r0 - t0:r1 - t0, c0 - u0:c1 - u0]
        count = (len(range(self.tiles.shape[0])[bands]) if isinstance(bands, slice)
                 else len(bands))
        out = np.full((count, r1 - r0, c1 - c0), self.fill, self.dtype)
        for k, (a0, a1, b0, b1), (t0, u0) in parts:
            if k >= 0:
                block = (self.tiles[bands, k] if isinstance(bands, slice)
                         else self.tiles[:, k][bands])
                out[:, a0 - r0:a1 - r0, b0 - c0:b1 - c0] = \
                    block[:, a0 - t0:a1 - t0, b0 - u0:b1 - u0]
        return out

    def gather(self, cells: np.ndarray) -> np.ndarray:
        """Values at flat cell indices ``cells`` (row-major over ``(rows, cols)``): shape
        ``(bands, len(cells))``, or ``(len(cells),)`` for one band; in the memory layout of
        ``array.reshape(bands, -1)[:, cells]`` (numpy gives it column-major), so sums over
        it add up in the same order."""
        cells = np.asarray(cells, dtype=np.int64)
        count = self.tiles.shape[0]
        if count == 0:
            return np.empty((0, cells.size), self.dtype)
        t, cols = self.coverage.tile, self.shape[-1]
        rows_, cols_ = np.divmod(cells, cols)
        tile_row, local_row = np.divmod(rows_, t)
        tile_col, local_col = np.divmod(cols_, t)
        k = self.ids[tile_row, tile_col]
        flat = (np.maximum(k, 0) * t + local_row) * t + local_col
        values = self.tiles.reshape(count, -1)[:, flat]
        outside = k < 0
        if outside.any():
            values[:, outside] = self.fill
        return values[0] if self.band else values

    def any(self, axis: int | None = None) -> Any:
        """``any()`` over all cells, or with ``axis=0`` per cell over the bands (a tiled
        band in memory). Only for arrays whose fill is 0."""
        if self.fill != 0:
            raise ValueError("any() alleen voor een array met vulwaarde 0.")
        if axis is None:
            return bool(any(self.tiles[b].any() for b in range(self.tiles.shape[0])))
        if axis != 0 or self.band:
            raise ValueError("any() alleen over alle cellen of over de banden (axis=0).")
        merged = np.zeros((1, *self.tiles.shape[1:]), bool)
        for b in range(self.tiles.shape[0]):
            merged[0] |= self.tiles[b].astype(bool)
        return TiledArray(merged, self.coverage, None, True, self.ids)

    def sum(self) -> Any:
        """Sum of all cells (only for arrays whose fill is 0: tile padding holds 0)."""
        if self.fill != 0:
            raise ValueError("sum() alleen voor een array met vulwaarde 0.")
        return sum(self.tiles[b].sum() for b in range(self.tiles.shape[0]))
