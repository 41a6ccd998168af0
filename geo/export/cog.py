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
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import rasterio
from rasterio.io import MemoryFile
from rasterio.shutil import copy as copy_dataset

from geo.atomic import atomic_file
from geo.errors import OutputError
from geo.scoring.grid import Grid

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
) -> Path:
    """Write ``data`` (bands, rows, cols) as a Cloud-Optimized GeoTIFF on ``grid``.

    Parameters
    ----------
    target : path
        The ``.tif`` to write; replaced atomically.
    data : ndarray
        Shape ``(bands, rows, cols)`` or ``(rows, cols)``; written as float32.
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

    Returns
    -------
    Path
        ``target``.

    Examples
    --------
    >>> write_cog(tmp / "a.tif", np.ones((2, 3, 4)), grid,
    ...           descriptions=["score", "klasse"])  # doctest: +SKIP
    """
    array = np.asarray(data, dtype="float32")
    if array.ndim == 2:
        array = array[np.newaxis]
    count = array.shape[0]
    if array.shape[1:] != tuple(grid.shape):
        raise OutputError(
            f"Raster voor {Path(target).name} heeft vorm {array.shape[1:]}, "
            f"het grid {tuple(grid.shape)}.", bestand=str(target),
        )
    if len(descriptions) != count:
        raise OutputError(
            f"{Path(target).name}: {len(descriptions)} bandbeschrijvingen voor {count} banden.",
            bestand=str(target),
        )
    profile = {
        "driver": "GTiff", "dtype": "float32", "count": count,
        "height": grid.height, "width": grid.width,
        "crs": grid.crs, "transform": grid.transform, "nodata": nodata,
    }
    with atomic_file(target) as tmp, MemoryFile() as memfile:
        with memfile.open(**profile) as mem:
            mem.write(array)
            for index, text in enumerate(descriptions, start=1):
                mem.set_band_description(index, text)
            for index, values in enumerate(band_tags or (), start=1):
                mem.update_tags(index, **{k: str(v) for k, v in values.items()})
            if tags:
                mem.update_tags(**{k: str(v) for k, v in tags.items()})
        with memfile.open() as src:
            copy_dataset(src, str(tmp), driver="COG", COMPRESS="DEFLATE", LEVEL=str(level),
                         PREDICTOR="YES",
                         BLOCKSIZE=str(blocksize), OVERVIEW_RESAMPLING=resampling.upper(),
                         OVERVIEWS="AUTO", BIGTIFF="IF_SAFER")
    return Path(target)


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
    score = np.asarray(score, dtype="float32")
    klasse = np.where(np.isfinite(score), np.asarray(klasse, dtype="float32"), 0.0)
    return write_cog(
        target, np.stack([score, klasse]), grid,
        descriptions=["score", "klasse"],
        tags=map_tags(soort=soort, thema=thema, gebied_id=gebied_id, synthetisch=synthetisch,
                      breaks=breaks, vertrouwelijk=vertrouwelijk),
        band_tags=[{"NAAM": "score", "BEREIK": "0-1"},
                   {"NAAM": "klasse", "KLASSEN": "1-5", "KLASSE_NODATA": "0"}],
        resampling="nearest", blocksize=blocksize,
    )


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
    return write_cog(target, np.concatenate([raw, norm]), grid, descriptions=descriptions,
                     tags=tags, band_tags=band_tags, resampling="average", blocksize=blocksize,
                     level=1)  # 2·n bands: the fastest level costs ~30% less CPU, ~4% more bytes


def read_cog_tags(path: str | os.PathLike[str]) -> dict[str, object]:
    """Tags, band descriptions and band tags of a COG (for tests and the verantwoording)."""
    with rasterio.open(path) as src:
        return {"tags": src.tags(), "descriptions": list(src.descriptions),
                "band_tags": [src.tags(i) for i in range(1, src.count + 1)]}
