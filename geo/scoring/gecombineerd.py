"""The gecombineerde kaart: gelegenheid (opportunity) × risico (signals) in 3 × 3 classes.

Each map's five classes are folded into three levels — classes 1-2 *laag*, 3 *midden*,
4-5 *hoog* — and the bivariate class is ``(gelegenheid - 1) · 3 + risico`` (1..9, see
:func:`geo.legend.bivariate_class`; 0 outside the area). The combined score (band 1) is
the geometric mean of both maps' percentile ranks inside the area, so it is high only
where both are high.

Objects (from the gelegenheid run's ``objecten.gpkg``) get the highest risk class over
their cells and the number of incidents within ``buurt_m``, rounded like every published
count (:mod:`geo.scoring.suppression`), so small numbers of (police) incidents never show.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio import features
from rasterio.windows import Window
from scipy.stats import rankdata

from geo.legend import BIVARIATE_LEVELS, GEEN_KENMERKEN
from geo.scoring.grid import Grid
from geo.scoring.suppression import round_count, rounding_base

_LEVEL = np.zeros(GEEN_KENMERKEN + 1, dtype="uint8")
_LEVEL[[1, 2, 3, 4, 5, GEEN_KENMERKEN]] = [1, 1, 2, 3, 3, 1]


def class_to_level(klasse: np.ndarray) -> np.ndarray:
    """Five classes to three levels (geen kenmerken and 1-2 → 1, 3 → 2, 4-5 → 3; 0 stays 0)."""
    klasse = np.asarray(klasse)
    return _LEVEL[np.clip(klasse.astype(int), 0, GEEN_KENMERKEN)]


def percentile_rank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rank of every cell inside ``mask`` as a fraction in (0, 1] (ties averaged); NaN outside."""
    out = np.full(values.shape, np.nan)
    inside = mask & np.isfinite(values)
    if inside.any():
        out[inside] = rankdata(values[inside], method="average") / inside.sum()
    return out


def combine_maps(
    gelegenheid_score: np.ndarray,
    gelegenheid_klasse: np.ndarray,
    risico_density: np.ndarray,
    risico_klasse: np.ndarray,
    mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Combined score (0..1, NaN outside) and bivariate class (1..9, 0 outside).

    Examples
    --------
    >>> score, klasse = combine_maps(np.array([[0.1, 0.9]]), np.array([[1, 5]]),
    ...                              np.array([[5.0, 0.0]]), np.array([[3, 1]]),
    ...                              np.array([[True, True]]))
    >>> klasse.tolist()  # (laag, midden) → 2 ; (hoog, laag) → 7
    [[2, 7]]
    """
    mask = np.asarray(mask, bool) & (np.asarray(gelegenheid_klasse) > 0) & (
        np.asarray(risico_klasse) > 0)
    g = class_to_level(gelegenheid_klasse)
    r = class_to_level(risico_klasse)
    klasse = np.where(mask, (g.astype(int) - 1) * 3 + r, 0).astype("uint8")
    score = np.sqrt(percentile_rank(np.asarray(gelegenheid_score, float), mask)
                    * percentile_rank(np.asarray(risico_density, float), mask))
    return np.where(mask, score, np.nan).astype("float32"), klasse


def zonal_max(objects: gpd.GeoDataFrame, grid: Grid, raster: np.ndarray) -> np.ndarray:
    """Maximum of ``raster`` over each object's cells (all touched), NaN if none.

    Each object is rasterised only within its own bounding window, so the cost grows with
    the objects' size, not with the grid's.
    """
    result = np.full(len(objects), np.nan)
    cs = grid.cellsize
    for i, geom in enumerate(objects.geometry):
        if geom is None or geom.is_empty:
            continue
        xmin, ymin, xmax, ymax = geom.bounds
        c0 = max(int(np.floor((xmin - grid.transform.c) / cs)), 0)
        c1 = min(int(np.floor((xmax - grid.transform.c) / cs)) + 1, grid.width)
        r0 = max(int(np.floor((grid.transform.f - ymax) / cs)), 0)
        r1 = min(int(np.floor((grid.transform.f - ymin) / cs)) + 1, grid.height)
        if c1 <= c0 or r1 <= r0:
            continue
        sub = grid.window_grid(Window(c0, r0, c1 - c0, r1 - r0))
        cells = features.geometry_mask([geom], sub.shape, sub.transform, invert=True,
                                       all_touched=True)
        values = raster[r0:r1, c0:c1][cells]
        values = values[np.isfinite(values)]
        if values.size:
            result[i] = values.max()
    return result


def count_incidents_near(
    objects: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, radius: float
) -> np.ndarray:
    """Number of incidents within ``radius`` m of each object (by position in ``objects``)."""
    if len(objects) == 0:
        return np.zeros(0, dtype=int)
    zones = gpd.GeoDataFrame({"_pos": np.arange(len(objects))},
                             geometry=objects.geometry.buffer(radius).to_numpy(),
                             crs=objects.crs)
    points = gpd.GeoDataFrame(geometry=incidents.geometry.to_numpy(), crs=incidents.crs)
    hits = gpd.sjoin(points, zones, predicate="within", how="inner")
    return np.bincount(hits["_pos"].to_numpy(dtype=int), minlength=len(objects))


def attach_risk(
    objects: gpd.GeoDataFrame,
    grid: Grid,
    risico_klasse: np.ndarray,
    gelegenheid_klasse_col: str,
    incidents: gpd.GeoDataFrame,
    *,
    k: int,
    radius: float,
) -> gpd.GeoDataFrame:
    """A copy of ``objects`` with risk level, bivariate class and a k-anonymous count.

    Added columns: ``risico_klasse`` (1..5), ``risico_niveau`` (laag/midden/hoog),
    ``gecombineerde_klasse`` (1..9), ``gecombineerd_label`` and ``incidenten_nabij``
    (incidents within ``radius`` m, rounded to a multiple of
    :func:`~geo.scoring.suppression.rounding_base` ``(k)``: 0 means fewer than half of it).
    """
    out = objects.copy()
    rk = zonal_max(objects, grid, np.where(risico_klasse > 0, risico_klasse, np.nan))
    rk = np.nan_to_num(rk, nan=1.0).astype(int)
    r_level = class_to_level(rk)
    g_level = class_to_level(out[gelegenheid_klasse_col].fillna(0).to_numpy(dtype=int))
    out["risico_klasse"] = rk
    out["risico_niveau"] = [BIVARIATE_LEVELS[int(v)] for v in r_level]
    bivariate = np.where(g_level > 0, (g_level.astype(int) - 1) * 3 + r_level, 0)
    out["gecombineerde_klasse"] = bivariate.astype(int)
    out["gecombineerd_label"] = [
        f"gelegenheid {BIVARIATE_LEVELS[int(g)]}, risico {BIVARIATE_LEVELS[int(r)]}"
        if g else "" for g, r in zip(g_level, r_level, strict=True)
    ]
    counts = count_incidents_near(objects, incidents, radius)
    base = rounding_base(k)
    out["incidenten_nabij"] = pd.array([round_count(int(c), base) for c in counts],
                                       dtype="Int64")
    return out
