"""A GDAL source for a COG straight from the engine's work arrays, without copies.

For a large area (the country: 10,600 × 12,600 cells at 25 m) the engine keeps its arrays
on disk as tiled ``.npy`` files (:mod:`geo.scoring.tiled`). Stacking the bands of a map
into one array and copying that into a GDAL in-memory dataset would hold the whole area in
memory two or three times (an explanation COG of 16 bands: 8.6 GB per copy). Instead
:func:`memmap_vrt` describes the bands as they lie in their files: a small raw VRT per
band (``VRTRawRasterBand``: file, byte offset, pixel and line offsets of its tiles stacked
as one image ``tile`` wide) and one VRT that stacks the bands as float32 with the map's
metadata, with one source per stored window. GDAL's COG
driver then reads the pixels block by block; memory stays bounded by its block cache, and
GDAL fills what no tile covers with the array's fill value (the band's nodata, or 0 for a
band without nodata) without reading anything.
"""

from __future__ import annotations

import math
import mmap
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import rasterio

from geo.export.webcog import vrt_metadata
from geo.scoring.grid import Grid
from geo.scoring.tiled import Coverage, TiledArray

_GDAL_TYPES = {np.dtype("float32"): "Float32", np.dtype("uint8"): "Byte",
               np.dtype("bool"): "Byte"}


def file_span(array: Any) -> tuple[str, int] | None:
    """``(file, byte offset)`` of the tiles of a :class:`TiledArray` band on disk, else None."""
    if not isinstance(array, TiledArray) or array.ndim != 2:
        return None
    tiles = array.tiles
    if not isinstance(tiles, np.memmap) or not tiles.flags.c_contiguous:
        return None
    if getattr(tiles, "_mmap", None) is None or tiles.filename is None:
        return None
    if tiles.dtype not in _GDAL_TYPES or tiles.dtype.byteorder == ">":
        return None
    start = tiles.offset - tiles.offset % mmap.ALLOCATIONGRANULARITY
    mapped = np.frombuffer(tiles._mmap, np.uint8).ctypes.data
    return str(tiles.filename), start + tiles.ctypes.data - mapped


def _raw_band_vrt(path: Path, source: tuple[str, int], dtype: np.dtype, width: int,
                  height: int) -> None:
    filename, offset = source
    size = dtype.itemsize
    path.write_text(
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">'
        f'<VRTRasterBand dataType="{_GDAL_TYPES[dtype]}" band="1" subClass="VRTRawRasterBand">'
        f'<SourceFilename relativeToVRT="0">{escape(filename)}</SourceFilename>'
        f"<ImageOffset>{offset}</ImageOffset><PixelOffset>{size}</PixelOffset>"
        f"<LineOffset>{size * width}</LineOffset><ByteOrder>LSB</ByteOrder>"
        "</VRTRasterBand></VRTDataset>", encoding="utf-8")


def memmap_vrt(bands: Sequence[Any], grid: Grid, folder: str | os.PathLike[str], *,
               descriptions: Sequence[str], tags: Mapping[str, str] | None,
               band_tags: Sequence[Mapping[str, str]] | None,
               nodata: float | None) -> Path | None:
    """A float32 VRT in ``folder`` over ``bands`` when every band is a :class:`TiledArray`
    band on disk (:func:`file_span`); ``None`` otherwise (the caller then copies into
    memory)."""
    spans = [file_span(band) for band in bands]
    if not bands or any(span is None for span in spans):
        return None
    folder = Path(folder)
    crs = escape(grid.crs.to_wkt() if hasattr(grid.crs, "to_wkt") else str(grid.crs))
    t = grid.transform
    parts = [f'<VRTDataset rasterXSize="{grid.width}" rasterYSize="{grid.height}">',
             f"<SRS>{crs}</SRS>",
             f"<GeoTransform>{t.c!r}, {t.a!r}, {t.b!r}, {t.f!r}, {t.d!r}, {t.e!r}"
             "</GeoTransform>",
             vrt_metadata({"AREA_OR_POINT": "Area", **dict(tags or {})})]
    extra = list(band_tags or [])
    for index, (band, span) in enumerate(zip(bands, spans, strict=True), start=1):
        raw = folder / f"band{index}.vrt"
        coverage = band.coverage
        _raw_band_vrt(raw, span, band.dtype, coverage.tile, coverage.tile * band.tiles.shape[1])
        sources = _sources(raw, coverage, nodata)
        if sources is None:
            return None
        fill, body = sources
        items = extra[index - 1] if index <= len(extra) else {}
        parts.append(
            f'<VRTRasterBand dataType="Float32" band="{index}">{fill}'
            f"<Description>{escape(descriptions[index - 1])}</Description>"
            f"{vrt_metadata({k: str(v) for k, v in items.items()})}{body}</VRTRasterBand>")
    parts.append("</VRTDataset>")
    target = folder / "bron.vrt"
    target.write_text("".join(parts), encoding="utf-8")
    return target


def _sources(raw: Path, coverage: Coverage,
             nodata: float | None) -> tuple[str, str] | None:
    """The band's ``<NoDataValue>`` and its sources: one per stored window (its tile in the
    raw VRT, placed at the window). GDAL fills what no source covers with the band's
    nodata (0 without one), which must be the array's fill; None when it cannot be (the
    caller then copies the array)."""
    name = f'<SourceFilename relativeToVRT="0">{escape(str(raw))}</SourceFilename>'
    fill = "" if nodata is None else f"<NoDataValue>{nodata!r}</NoDataValue>"
    if coverage.fill == 0:
        fill = ""  # no nodata on this band: GDAL fills the rest with 0
    elif nodata is None or not (math.isnan(coverage.fill) and math.isnan(nodata)
                                or coverage.fill == nodata):
        return None
    body = []
    for (r0, r1, c0, c1), k in zip(coverage.windows, coverage.tiles, strict=True):
        size = f'xSize="{c1 - c0}" ySize="{r1 - r0}"'
        body.append(f"<SimpleSource>{name}<SourceBand>1</SourceBand>"
                    f'<SrcRect xOff="0" yOff="{k * coverage.tile}" {size}/>'
                    f'<DstRect xOff="{c0}" yOff="{r0}" {size}/></SimpleSource>')
    return fill, "".join(body)


WRITE_CACHE_BYTES = 256 * 2**20
"""GDAL's block cache while a run writes its files (GDAL's default is 5% of the machine's
memory: 1.2 GB here). Writing the country's COGs from the engine's tiled arrays with the
default cache took 3.7 GB of anonymous memory against 3.1 GB for half the country; with
256 MB 1.7 GB, in the same time (BENCHMARKS.md, "Landelijke run")."""


@contextmanager
def write_cache() -> Iterator[None]:
    """GDAL's block cache at :data:`WRITE_CACHE_BYTES` inside the block (process-wide, so
    for the writer threads too), unless the environment sets ``GDAL_CACHEMAX``."""
    if os.environ.get("GDAL_CACHEMAX"):
        yield
        return
    with rasterio.Env(GDAL_CACHEMAX=WRITE_CACHE_BYTES):
        yield
