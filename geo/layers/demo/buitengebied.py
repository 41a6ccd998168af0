"""Synthetic buitengebied objects: about 4,000 farms, barns, sheds and houses outside kernen.

Counts per gemeente follow the rural area (gemeente minus kernen), more in the
agricultural Noord- and Midden-Limburg. About 55 % of objects cluster in buurtschappen
(250 m spread), the rest are scattered. ``leegstaand`` is about 8 % and
``stoppend_bedrijf`` about 10 % (mostly agrarische bedrijven and stallen).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers.demo._common import DemoArea, as_points, points_in

TARGET_COUNT = 4_000
CLUSTER_SHARE = 0.55
REGION_FACTOR = {"Noord-Limburg": 1.3, "Midden-Limburg": 1.3, "Maastricht-Heuvelland": 1.0,
                 "Parkstad": 0.8, "Westelijke Mijnstreek": 0.8}
SOORTEN = ("agrarisch_bedrijf", "woning", "stal", "schuur", "loods", "overig")
SOORT_P = (0.33, 0.25, 0.12, 0.12, 0.11, 0.07)
LEEGSTAAND_P = (0.05, 0.06, 0.12, 0.12, 0.10, 0.08)
STOPPEND_P = (0.20, 0.02, 0.12, 0.06, 0.06, 0.02)
MEDIAN_M2 = (2500.0, 180.0, 1200.0, 400.0, 800.0, 300.0)
SIGMA = (0.7, 0.4, 0.6, 0.6, 0.6, 0.7)


def generate_buitengebied(area: DemoArea, avoid: gpd.GeoSeries,
                          rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Buitengebied points with the schema's columns (plus ``gemeentecode``).

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten.
    avoid : GeoSeries
        Geometries objects must lie outside (kernen, bedrijventerreinen, vakantieparken).
    rng : numpy.random.Generator
        Source of all randomness.
    """
    blocked = shapely.union_all(avoid.buffer(50).values)
    free_parts = [row.geometry.difference(blocked) for row in area.gemeenten.itertuples()]
    rural_km2 = np.array([g.area / 1e6 for g in free_parts])
    factor = np.array([REGION_FACTOR.get(r, 1.0) for r in area.gemeenten["regio"]])
    weights = rural_km2 * factor
    counts = rng.poisson(TARGET_COUNT * weights / weights.sum())
    xy_parts, codes = [], []
    for code, free, count in zip(area.gemeenten["gemeentecode"], free_parts, counts,
                                 strict=True):
        n_cluster = int(rng.binomial(count, CLUSTER_SHARE))
        xy = np.concatenate([_clustered(free, n_cluster, rng),
                             points_in(free, int(count) - n_cluster, rng)])
        xy_parts.append(xy)
        codes.extend([code] * len(xy))
    xy = np.concatenate(xy_parts)
    n = len(xy)
    kind = rng.choice(len(SOORTEN), size=n, p=SOORT_P)
    frame = gpd.GeoDataFrame(
        {
            "id": [f"BG{i + 1:05d}" for i in range(n)],
            "soort": np.asarray(SOORTEN)[kind],
            "leegstaand": rng.uniform(size=n) < np.asarray(LEEGSTAAND_P)[kind],
            "stoppend_bedrijf": rng.uniform(size=n) < np.asarray(STOPPEND_P)[kind],
            "oppervlakte_m2": np.round(rng.lognormal(np.log(np.asarray(MEDIAN_M2)[kind]),
                                                     np.asarray(SIGMA)[kind])).astype(int),
            "gemeentecode": codes,
        },
        geometry=as_points(xy), crs=area.gemeenten.crs,
    )
    return frame


def _clustered(free, n: int, rng: np.random.Generator) -> np.ndarray:
    if n <= 0:
        return np.empty((0, 2))
    n_centres = max(1, int(round(free.area / 1e6 / 4.0)))
    centres = points_in(free, n_centres, rng)
    shapely.prepare(free)
    found, have = [], 0
    for _ in range(100):
        pick = centres[rng.integers(len(centres), size=2 * (n - have) + 8)]
        xy = pick + rng.normal(0.0, 250.0, size=pick.shape)
        xy = xy[shapely.contains_xy(free, xy[:, 0], xy[:, 1])]
        found.append(xy)
        have += len(xy)
        if have >= n:
            break
    return np.concatenate(found)[:n]
