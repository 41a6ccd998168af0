"""Cloud-Optimized GeoTIFFs of the maps and their explanation rasters.

Every map COG has band 1 ``score`` and band 2 ``klasse`` on the run's :class:`Grid`
(EPSG:28992), internal 512×512 tiles, overviews, DEFLATE compression (with the
floating-point predictor), band descriptions and the tags listed in
``docs/ARCHITECTURE.md``. Written with GDAL's COG driver (through rasterio) from an
in-memory dataset, atomically (:func:`geo.atomic.atomic_file`); tests check every file
with ``rio_cogeo.cogeo.cog_validate``. The COG driver needs about half the CPU time of
``rio_cogeo.cog_translate`` for the same bytes (it compresses the full-resolution data
once instead of twice).

Notes
-----
A GeoTIFF stores one data type for all its bands, so the ``klasse`` band is stored as
float32 holding the integers 0..5 (0 outside the area). Readers cast it to ``uint8``;
the band tag ``KLASSE_NODATA=0`` says so. The dataset nodata is NaN.

For QGIS and other GIS, :func:`write_qgis_copies` writes beside every map COG a class COG
``<kaart>.klasse.tif`` (:func:`geo.runs.klasse_file`): band 2 as uint8 with nodata 0, a
GDAL colour table and category names / a raster attribute table (in the PAM sidecar
``.klasse.tif.aux.xml``, as GDAL keeps them for GeoTIFF) from :mod:`geo.legend`, the map's
tags plus date and version; and a QGIS style (``.qml``, :mod:`geo.export.qgis_style`) for
both files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from rasterio.io import MemoryFile
from rasterio.shutil import copy as copy_dataset

from geo.atomic import atomic_file, write_text_atomic
from geo.errors import OutputError
from geo.export.cog_source import memmap_vrt
from geo.export.qgis_style import class_rgb, graduated_qml, paletted_qml
from geo.export.webcog import class_band_vrt
from geo.legend import class_labels
from geo.runs import WrittenFile, klasse_file, style_file
from geo.scoring.grid import Grid
from geo.scoring.normalise import NormalisedView
from geo.scoring.tiled import TiledArray
from geo.threads import in_threads

BLOCKSIZE = 512


def write_cog(
    target: str | os.PathLike[str],
    data: np.ndarray,
    grid: Grid,
    *,
    descriptions: Sequence[str],
    tags: Mapping[str, str] | None = None,
    band_tags: Sequence[Mapping[str, str]] | None = None,
    nodata: float | None = float("nan"),
    resampling: str = "nearest",
    blocksize: int = BLOCKSIZE,
    level: int = 6,
    overviews: bool = True,
) -> Path:
    """Write ``data`` (bands, rows, cols) as a Cloud-Optimized GeoTIFF on ``grid``.

    Parameters
    ----------
    target : path
        The ``.tif`` to write; replaced atomically.
    data : ndarray or sequence of ndarray
        Shape ``(bands, rows, cols)`` or ``(rows, cols)``, or a list of 2-D bands; written
        as float32. Bands that are all memory-mapped engine arrays are read from their
        files through a VRT (:mod:`geo.export.cog_source`), without a copy in memory.
    grid : Grid
        Transform, shape and CRS of the raster.
    descriptions : sequence of str
        One description per band (``score``, ``klasse``, ``ruw:afstand_snelweg``).
    tags, band_tags : mappings, optional
        Dataset tags and per-band tags (string values).
    nodata : float or None
        Dataset nodata value (NaN by default).
    resampling : str
        Overview resampling (``nearest`` keeps class values intact).
    blocksize : int
        Internal tile size (512); overviews are added until the raster fits in one tile.
    level : int
        DEFLATE level (1 fastest .. 9 smallest).
    overviews : bool
        Internal overviews (``OVERVIEWS=AUTO``); without them a large raster is still a
        valid COG, read at full resolution only.

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> write_cog(tmp / "a.tif", np.ones((2, 3, 4)), grid,
    ...           descriptions=["score", "klasse"])  # doctest: +SKIP
    """
    bands = _bands(data)
    count = len(bands)
    for band in bands:
        if band.shape != tuple(grid.shape):
            raise OutputError(
                f"Raster voor {Path(target).name} heeft vorm {band.shape}, "
                f"het grid {tuple(grid.shape)}.", bestand=str(target),
            )
    if len(descriptions) != count:
        raise OutputError(
            f"{Path(target).name}: {len(descriptions)} bandbeschrijvingen voor {count} banden.",
            bestand=str(target),
        )
    options = {"driver": "COG", "COMPRESS": "DEFLATE", "LEVEL": str(level), "PREDICTOR": "YES",
               "BLOCKSIZE": str(blocksize), "OVERVIEW_RESAMPLING": resampling.upper(),
               "OVERVIEWS": "AUTO" if overviews else "NONE", "BIGTIFF": "IF_SAFER",
               "NUM_THREADS": "ALL_CPUS"}  # compresses blocks in parallel; same bytes
    with atomic_file(target) as tmp:
        with TemporaryDirectory(dir=Path(tmp).parent, prefix=".vrt-") as folder:
            source = memmap_vrt(bands, grid, folder, descriptions=descriptions, tags=tags,
                                band_tags=band_tags, nodata=nodata)
            if source is not None:  # memory-mapped engine arrays: no copy in memory
                with rasterio.open(source) as src:
                    copy_dataset(src, str(tmp), **options)
                return Path(target)
        _copy_from_memory(tmp, np.stack([np.asarray(b, dtype="float32") for b in bands]), grid,
                          descriptions=descriptions, tags=tags, band_tags=band_tags,
                          nodata=nodata, options=options)
    return Path(target)


def _bands(data: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
    """The 2-D bands of ``data`` (an array of 2 or 3 dimensions, or a list of bands),
    as views: memory-mapped and tiled bands stay on disk."""
    if isinstance(data, (np.ndarray, TiledArray)):
        return [data] if data.ndim == 2 else [data[i] for i in range(data.shape[0])]
    return [band if isinstance(band, (np.ndarray, TiledArray)) else np.asarray(band)
            for band in data]


def _copy_from_memory(tmp: Path, array: np.ndarray, grid: Grid, *,
                      descriptions: Sequence[str], tags: Mapping[str, str] | None,
                      band_tags: Sequence[Mapping[str, str]] | None, nodata: float | None,
                      options: Mapping[str, str]) -> None:
    profile = {
        "driver": "GTiff", "dtype": "float32", "count": array.shape[0],
        "height": grid.height, "width": grid.width,
        "crs": grid.crs, "transform": grid.transform, "nodata": nodata,
    }
    with MemoryFile() as memfile:
        with memfile.open(**profile) as mem:
            mem.write(array)
            for index, text in enumerate(descriptions, start=1):
                mem.set_band_description(index, text)
            for index, values in enumerate(band_tags or (), start=1):
                mem.update_tags(index, **{k: str(v) for k, v in values.items()})
            if tags:
                mem.update_tags(**{k: str(v) for k, v in tags.items()})
        with memfile.open() as src:
            copy_dataset(src, str(tmp), **options)


def map_tags(
    *, soort: str, thema: str, gebied_id: str, synthetisch: bool, breaks: Sequence[float],
    vertrouwelijk: bool = False, extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The dataset tags every map COG carries (``VERTROUWELIJK = ja`` on confidential maps)."""
    tags = {
        "KAART_SOORT": soort,
        "KAART_THEMA": thema,
        "GEBIED_ID": gebied_id,
        "SYNTHETISCH": "ja" if synthetisch else "nee",
        "KLASSEGRENZEN": json.dumps([float(b) for b in breaks]),
    }
    if vertrouwelijk:
        tags["VERTROUWELIJK"] = "ja"
    tags.update(extra or {})
    return tags


def write_map_cog(
    target: str | os.PathLike[str],
    score: np.ndarray,
    klasse: np.ndarray,
    grid: Grid,
    *,
    soort: str,
    thema: str,
    gebied_id: str,
    synthetisch: bool,
    breaks: Sequence[float],
    vertrouwelijk: bool = False,
    blocksize: int = BLOCKSIZE,
) -> Path:
    """Write a map COG: band 1 ``score`` (NaN outside), band 2 ``klasse`` (0 outside).

    Examples
    --------
    >>> write_map_cog(run / "gelegenheidskaart.tif", score, klasse, grid, soort="gelegenheid",
    ...               thema="totaal", gebied_id="GM0981", synthetisch=True,
    ...               breaks=[0.2, 0.4, 0.6, 0.8])  # doctest: +SKIP
    """
    if not _zero_outside(score, klasse):
        score = np.asarray(score, dtype="float32")
        klasse = np.where(np.isfinite(score), np.asarray(klasse, dtype="float32"), 0.0)
    return write_cog(
        target, [score, klasse], grid,
        descriptions=["score", "klasse"],
        tags=map_tags(soort=soort, thema=thema, gebied_id=gebied_id, synthetisch=synthetisch,
                      breaks=breaks, vertrouwelijk=vertrouwelijk),
        band_tags=[{"NAAM": "score", "BEREIK": "0-1"},
                   {"NAAM": "klasse", "KLASSEN": "1-5", "KLASSE_NODATA": "0"}],
        resampling="nearest", blocksize=blocksize,
    )


def _zero_outside(score: np.ndarray, klasse: np.ndarray, rows: int = 1024) -> bool:
    """Whether ``klasse`` is already 0 wherever ``score`` is not finite (read in strips)."""
    for row in range(0, score.shape[0], rows):
        strip = np.asarray(klasse[row:row + rows])
        if (strip[~np.isfinite(np.asarray(score[row:row + rows]))] != 0).any():
            return False
    return True


def write_uitleg_cog(
    target: str | os.PathLike[str],
    raw: np.ndarray,
    norm: np.ndarray,
    names: Sequence[str],
    grid: Grid,
    *,
    thema: str,
    gebied_id: str,
    synthetisch: bool,
    weights: Sequence[float] | None = None,
    blocksize: int = BLOCKSIZE,
) -> Path:
    """Write ``uitleg_<thema>.tif``: bands 1..n ``ruw:<naam>``, bands n+1..2n ``norm:<naam>``."""
    names = list(names)
    if raw.shape[0] != len(names) or norm.shape[0] != len(names):
        raise OutputError(
            f"{Path(target).name}: {len(names)} indicatoren, maar {raw.shape[0]} ruwe en "
            f"{norm.shape[0]} genormaliseerde banden.", bestand=str(target),
        )
    descriptions = [f"ruw:{n}" for n in names] + [f"norm:{n}" for n in names]
    band_tags = [{"INDICATOR": n, "SOORT": "ruw"} for n in names]
    band_tags += [{"INDICATOR": n, "SOORT": "genormaliseerd"} for n in names]
    if weights is not None:
        for i, weight in enumerate(weights):
            band_tags[len(names) + i]["GEWICHT"] = f"{float(weight):g}"
    tags = {"KAART_SOORT": "uitleg", "KAART_THEMA": thema, "GEBIED_ID": gebied_id,
            "SYNTHETISCH": "ja" if synthetisch else "nee", "INDICATOREN": json.dumps(names)}
    with TemporaryDirectory(dir=Path(target).parent, prefix=".norm-") as folder:
        norm = _stored(norm, folder)  # a NormalisedView: written for GDAL, then deleted
        return write_cog(target, [*_bands(raw), *_bands(norm)], grid,
                         descriptions=descriptions, tags=tags, band_tags=band_tags,
                         resampling="average", blocksize=blocksize, level=1, overviews=False)
    # 2·n bands: the fastest level costs ~30% less CPU, ~4% more bytes. No overviews: the
    # explanation is read per cell at full resolution, and averaged overviews of 2·n bands
    # cost 3.4× the CPU of the full-resolution data (8 bands of 4577 × 1839: 5.3 s
    # against 1.6 s; BENCHMARKS.md, "Landelijke run")


def _stored(norm: Any, folder: str) -> Any:
    """``norm`` itself, or for a :class:`geo.scoring.normalise.NormalisedView` of tiled
    bands (:mod:`geo.scoring.tiled`) a tiled array in ``folder`` with the same windows,
    of which only those holding a value are kept (the others read as NaN)."""
    if not isinstance(norm, NormalisedView) or not isinstance(norm.raw, TiledArray):
        return norm
    coverage = norm.raw.coverage
    windows = [(slice(r0, r1), slice(c0, c1)) for r0, r1, c0, c1 in coverage.windows]
    target = TiledArray.create(Path(folder) / "norm.npy", norm.shape[0], coverage.shape,
                               np.float32, np.nan, windows, coverage.tile)
    return target.keep(norm.write_to(target, windows))


def read_cog_tags(path: str | os.PathLike[str]) -> dict[str, object]:
    """Tags, band descriptions and band tags of a COG (for tests and the verantwoording)."""
    with rasterio.open(path) as src:
        return {"tags": src.tags(), "descriptions": list(src.descriptions),
                "band_tags": [src.tags(i) for i in range(1, src.count + 1)]}


def klasse_tags(source_tags: Mapping[str, str], soort: str, *, datum: datetime,
                versie: int | None) -> dict[str, str]:
    """Tags of a class COG: the map COG's tags, the class names, date and version."""
    tags = dict(source_tags)
    tags.update({
        "KAART_DATUM": datum.isoformat(timespec="seconds"),
        "TIFFTAG_DATETIME": datum.strftime("%Y:%m:%d %H:%M:%S"),
        "KLASSEN": json.dumps({str(c): n for c, n in class_labels(soort).items()},
                              ensure_ascii=False),
    })
    if versie is not None:
        tags["KAART_VERSIE"] = str(versie)
    return tags


def write_klasse_cog(cog: str | os.PathLike[str], target: str | os.PathLike[str] | None = None,
                     *, soort: str, datum: datetime, versie: int | None) -> Path:
    """Write the class band of map COG ``cog`` as a uint8 COG with a colour table.

    Parameters
    ----------
    cog : path
        A map COG (band 2 = class codes, 0 or NaN outside the area), EPSG:28992.
    target : path, optional
        :func:`geo.runs.klasse_file` beside ``cog`` by default; replaced atomically.
    soort : str
        Map kind or legend scheme (:func:`geo.legend.class_colors`).
    datum, versie : datetime, int or None
        Time of the run and its version number (tags ``KAART_DATUM``, ``KAART_VERSIE``).

    Returns
    -------
    Path
        The class COG; its category names and raster attribute table are in the sidecar
        ``<target>.aux.xml`` (:func:`klasse_pam`).
    """
    cog = Path(cog)
    target = Path(target) if target is not None else cog.with_name(klasse_file(cog.name))
    with rasterio.open(cog) as src:
        tags = klasse_tags(src.tags(), soort, datum=datum, versie=versie)
    colormap = {0: (0, 0, 0, 0)} | {c: (*rgb, 255) for c, rgb in class_rgb(soort).items()}
    vrt = class_band_vrt(cog, colors=colormap, tags=tags,
                         band_tags={"NAAM": "klasse", "KLASSE_NODATA": "0"})
    with atomic_file(target) as tmp, rasterio.open(vrt) as src:  # read block by block
        copy_dataset(src, str(tmp), driver="COG", COMPRESS="DEFLATE", LEVEL="6",
                     BLOCKSIZE=str(BLOCKSIZE), OVERVIEW_RESAMPLING="NEAREST",
                     OVERVIEWS="AUTO", BIGTIFF="IF_SAFER")
    write_text_atomic(target.with_name(target.name + ".aux.xml"), klasse_pam(soort))
    return target


def klasse_pam(soort: str) -> str:
    """GDAL PAM sidecar of a class COG: band category names and a thematic raster
    attribute table (value, name, red, green, blue, alpha) from :mod:`geo.legend`."""
    labels = class_labels(soort)
    rgb = class_rgb(soort)
    names = "".join(f"<Category>{escape(labels.get(code, ''))}</Category>"
                    for code in range(max(rgb) + 1))
    fields = [("waarde", 0, 5), ("klasse", 2, 2), ("rood", 0, 6), ("groen", 0, 7),
              ("blauw", 0, 8), ("alfa", 0, 9)]
    defs = "".join(f'<FieldDefn index="{i}"><Name>{n}</Name><Type>{t}</Type><Usage>{u}</Usage>'
                   "</FieldDefn>" for i, (n, t, u) in enumerate(fields))
    rows = "".join(
        f'<Row index="{i}"><F>{code}</F><F>{escape(labels.get(code, str(code)))}</F>'
        + "".join(f"<F>{c}</F>" for c in colour) + "<F>255</F></Row>"
        for i, (code, colour) in enumerate(rgb.items()))
    return ('<PAMDataset><PAMRasterBand band="1"><CategoryNames>' + names + "</CategoryNames>"
            f'<GDALRasterAttributeTable tableType="thematic">{defs}{rows}'
            "</GDALRasterAttributeTable></PAMRasterBand></PAMDataset>\n")


def write_map_styles(cog: str | os.PathLike[str], soort: str) -> list[Path]:
    """Write the QGIS styles of map COG ``cog`` and of its class COG (``.qml`` beside each):
    graduated on the score band with the map's class limits, paletted on the class COG."""
    cog = Path(cog)
    with rasterio.open(cog) as src:
        breaks = json.loads(src.tags().get("KLASSEGRENZEN", "[]"))
    score_style = cog.with_name(style_file(cog.name))
    class_style = cog.with_name(style_file(klasse_file(cog.name)))
    write_text_atomic(score_style, graduated_qml(soort, breaks))
    write_text_atomic(class_style, paletted_qml(soort))
    return [score_style, class_style]


def write_qgis_copies(folder: str | os.PathLike[str], files: Sequence[WrittenFile], *,
                      soort: str, datum: datetime, versie: int | None,
                      threads: int = 1) -> list[WrittenFile]:
    """For every map COG (``soort == "cog"`` with a catalog id) among a run's ``files`` in
    ``folder``: its class COG (:func:`write_klasse_cog`) and both QGIS styles, on
    ``threads`` threads; returns them as ``klasse-cog``, ``pam`` and ``qgis-stijl`` files
    in the order of ``files``."""
    maps = [item for item in files if item.soort == "cog" and item.kaart_id]

    def copies(item: WrittenFile) -> list[WrittenFile]:
        cog = Path(folder) / Path(item.pad).name
        target = write_klasse_cog(cog, soort=soort, datum=datum, versie=versie)
        return [WrittenFile(Path(target.name), "klasse-cog", item.aantal),
                WrittenFile(Path(target.name + ".aux.xml"), "pam"),
                *[WrittenFile(Path(p.name), "qgis-stijl") for p in write_map_styles(cog, soort)]]

    return [written for part in in_threads(copies, maps, threads) for written in part]
