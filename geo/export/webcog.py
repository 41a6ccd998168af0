"""Web Mercator serving copies of map COGs: the class band, aligned to WebMercatorQuad.

A map COG lives on the run's RD New grid (EPSG:28992). Serving a map tile from it means
reprojecting per tile, and at low zooms reading most of the raster (issue 11: one z6 tile
took 4.1 s and 1.9 GB; z0 did not answer). The serving copy ``<naam>.web.tif`` next to it
holds only band 2 (``klasse``, uint8, 0 = nodata) reprojected once with nearest resampling
onto the WebMercatorQuad tile matrix (GDAL's COG driver, ``TILING_SCHEME=GoogleMapsCompatible``):
internal 256 px blocks coincide with map tiles, and overviews (nearest) follow the matrix
down to the zoom where the whole map fits in one tile. A tile at a zoom that has a level is
then one block read without reprojection (:mod:`api.tiles`).

Notes
-----
``ZOOM_LEVEL_STRATEGY=UPPER`` picks the first zoom whose pixels are at most as large as the
RD cells (at 51° N a 25 m cell gives z12, 24 m on the ground; 10 m gives z14, 6 m), so every
RD cell covers at least one web pixel and classes of single cells survive. Measured on the
Limburg provincie map (25 m, 2,210 km²): the copy takes about a second and 1-3 % of the RD
COG's bytes (one uint8 band instead of two float32 bands).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import rasterio
from rasterio.shutil import copy as copy_dataset

from geo.atomic import atomic_file
from geo.errors import OutputError
from geo.runs import WrittenFile, web_file
from geo.threads import in_threads

CLASS_BAND = 2
WEB_BLOCKSIZE = 256
WORLD = 2 * 20037508.342789244
"""Width of the WebMercatorQuad square in EPSG:3857 metres."""
MAX_ALIGNED_LEVELS = 12


def web_cog_path(cog: str | os.PathLike[str]) -> Path:
    """The serving copy of ``cog``: ``gelegenheidskaart.tif`` → ``gelegenheidskaart.web.tif``.

    Examples
    --------
    >>> web_cog_path("run/v0001/risicokaart.tif").name
    'risicokaart.web.tif'
    """
    path = Path(cog)
    return path.with_name(web_file(path.name))


def aligned_levels(cog: Path) -> int:
    """How many levels (full resolution and overviews) must sit on the tile matrix.

    GDAL's COG driver aligns only the full resolution to the matrix unless told
    ``ALIGNED_LEVELS``; then it pads the raster so that the blocks of that many levels are map
    tiles. Enough levels to reach the zoom where the whole map fits in one tile, no more (each
    level more doubles the padding).
    """
    from rasterio.warp import calculate_default_transform

    with rasterio.open(cog) as src:
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:3857", src.width, src.height, *src.bounds)
    zoom = math.ceil(math.log2(WORLD / (WEB_BLOCKSIZE * transform.a)) - 1e-9)  # UPPER
    scale = transform.a / (WORLD / 2**zoom / WEB_BLOCKSIZE)
    pixels = max(width, height) * scale
    levels = 1 + max(0, math.ceil(math.log2(max(pixels, 1) / WEB_BLOCKSIZE)))
    return min(levels, MAX_ALIGNED_LEVELS)


def class_band_vrt(cog: Path, *, colors: Mapping[int, tuple[int, int, int, int]] | None = None,
                   tags: Mapping[str, str] | None = None,
                   band_tags: Mapping[str, str] | None = None) -> str:
    """A VRT of band ``CLASS_BAND`` of ``cog`` as Byte (the float class codes 0..9, NaN → 0,
    nodata 0), optionally with a colour table and dataset and band tags (the class COG).
    GDAL reads it block by block: no copy of the band in memory."""
    with rasterio.open(cog) as src:
        if src.count < CLASS_BAND:
            raise OutputError(f"{cog.name} heeft geen klasseband (band {CLASS_BAND}).",
                              bestand=str(cog))
        gt = src.transform.to_gdal()
        srs = escape(src.crs.to_wkt())
        width, height = src.width, src.height
    source = escape(str(cog))
    table = ""
    if colors:
        entries = "".join('<Entry c1="{}" c2="{}" c3="{}" c4="{}"/>'.format(
            *colors.get(code, (0, 0, 0, 0))) for code in range(max(colors) + 1))
        table = f"<ColorInterp>Palette</ColorInterp><ColorTable>{entries}</ColorTable>"
    return (
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">'
        f"<SRS>{srs}</SRS><GeoTransform>{', '.join(repr(v) for v in gt)}</GeoTransform>"
        f"{vrt_metadata(tags)}"
        '<VRTRasterBand dataType="Byte" band="1"><NoDataValue>0</NoDataValue>'
        f"{table}<Description>klasse</Description>{vrt_metadata(band_tags)}"
        f'<ComplexSource><SourceFilename relativeToVRT="0">{source}</SourceFilename>'
        f"<SourceBand>{CLASS_BAND}</SourceBand><NODATA>nan</NODATA></ComplexSource>"
        "</VRTRasterBand></VRTDataset>"
    )


def vrt_metadata(items: Mapping[str, str] | None) -> str:
    """A VRT ``<Metadata>`` element of ``items`` (keys and values escaped), or ``""``."""
    rows = "".join(f"<MDI key={quoteattr(str(k))}>{escape(str(v))}</MDI>"
                   for k, v in (items or {}).items())
    return f"<Metadata>{rows}</Metadata>" if rows else ""


def write_web_cog(cog: str | os.PathLike[str],
                  target: str | os.PathLike[str] | None = None) -> Path:
    """Write the Web Mercator serving copy of the class band of map COG ``cog``.

    Parameters
    ----------
    cog : path
        A map COG (band 2 = class codes 1..9, 0 or NaN outside the area), EPSG:28992.
    target : path, optional
        Where to write; :func:`web_cog_path` of ``cog`` by default. Replaced atomically.

    Returns
    -------
    Path
        The written copy: one uint8 band ``klasse`` (nodata 0), EPSG:3857, 256 px blocks
        and overviews on the WebMercatorQuad matrix, nearest resampling, DEFLATE.

    Examples
    --------
    >>> write_web_cog(run / "gelegenheidskaart.tif")  # doctest: +SKIP
    PosixPath('.../gelegenheidskaart.web.tif')
    """
    cog = Path(cog)
    target = Path(target) if target is not None else web_cog_path(cog)
    vrt = class_band_vrt(cog)
    with rasterio.Env(GDAL_NUM_THREADS="1"), atomic_file(target) as tmp, \
            rasterio.open(vrt) as src:
        copy_dataset(src, str(tmp), driver="COG", TILING_SCHEME="GoogleMapsCompatible",
                     ZOOM_LEVEL_STRATEGY="UPPER", BLOCKSIZE=str(WEB_BLOCKSIZE),
                     ALIGNED_LEVELS=str(aligned_levels(cog)), SPARSE_OK="YES",
                     RESAMPLING="NEAREST", OVERVIEW_RESAMPLING="NEAREST",
                     COMPRESS="DEFLATE", LEVEL="6", ADD_ALPHA="NO", BIGTIFF="IF_SAFER")
    return target


def write_web_copies(folder: str | os.PathLike[str], files: Sequence[WrittenFile], *,
                     threads: int = 1) -> list[WrittenFile]:
    """Write the serving copy of every map COG (``soort == "cog"`` with a catalog id) among
    a run's ``files``, inside the run's ``folder``, on ``threads`` threads; returns the
    copies as ``web-cog`` files, in the order of ``files``.

    The run writer calls this once per run, before the run folder is published, so a new
    map version is served from its copy from the first tile on.
    """
    maps = [f for f in files if f.soort == "cog" and f.kaart_id]
    written = in_threads(lambda f: write_web_cog(Path(folder) / Path(f.pad).name), maps,
                         threads)
    return [WrittenFile(Path(path.name), "web-cog", f.aantal)
            for f, path in zip(maps, written, strict=True)]
