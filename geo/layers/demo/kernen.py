"""Synthetic kernen (built-up places) around the real Limburg gemeente centres.

Per gemeente the largest kern (real name, e.g. Maastricht, Panningen) lies at the
gemeente's centroid and holds most inhabitants in urban gemeenten; smaller villages
(invented names) lie around it. Areas follow inhabitants: about 3,500 inhabitants/km² in the
main kern and 2,500/km² in villages.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers.demo._common import DemoArea, blob, invented_name, kern_name, to_frame

MAIN_DENSITY = 3500.0  # inhabitants / km²
VILLAGE_DENSITY = 2500.0
KM2_PER_VILLAGE = 10.0
MAX_VILLAGES = 14


def generate_kernen(area: DemoArea, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Kernen polygons with ``naam``, ``gemeentecode``, ``inwoners`` and ``hoofdkern``.

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten with inhabitants.
    rng : numpy.random.Generator
        Source of all randomness.
    """
    records: list[dict] = []
    shapes: list = []
    used = {kern_name(c, n) for c, n in zip(area.gemeenten["gemeentecode"],
                                             area.gemeenten["gemeentenaam"], strict=True)}
    for row in area.gemeenten.itertuples():
        geom = row.geometry
        density = row.inwoners / row.km2
        main_share = float(np.clip(0.3 + density / 3000.0, 0.35, 0.92))
        centre = geom.centroid if geom.contains(geom.centroid) else geom.representative_point()
        main_pop = row.inwoners * main_share
        main_r = np.sqrt(main_pop / MAIN_DENSITY / np.pi) * 1000.0
        placed = [(centre.x, centre.y, main_r)]
        records.append({"naam": kern_name(row.gemeentecode, row.gemeentenaam),
                        "gemeentecode": row.gemeentecode, "inwoners": int(round(main_pop)),
                        "hoofdkern": True})
        shapes.append(blob(centre.x, centre.y, main_r, rng, irregularity=0.2))
        n_villages = int(np.clip(round(row.km2 / KM2_PER_VILLAGE), 1, MAX_VILLAGES))
        shares = rng.dirichlet(np.full(n_villages, 1.5)) * row.inwoners * (1 - main_share)
        inner = geom.buffer(-250.0)
        for pop in np.sort(shares)[::-1]:
            radius = max(np.sqrt(pop / VILLAGE_DENSITY / np.pi) * 1000.0, 180.0)
            spot = _free_spot(inner, placed, radius, rng)
            if spot is None:
                continue
            placed.append((spot[0], spot[1], radius))
            records.append({"naam": invented_name(rng, used), "gemeentecode": row.gemeentecode,
                            "inwoners": int(round(pop)), "hoofdkern": False})
            shapes.append(blob(spot[0], spot[1], radius, rng, irregularity=0.3))
    frame = to_frame(records, shapes)
    clipped = shapely.intersection(frame.geometry.values,
                                   area.gemeenten.set_index("gemeentecode").geometry
                                   .loc[frame["gemeentecode"]].values)
    frame = frame.set_geometry(shapely.make_valid(clipped))
    return frame.loc[~frame.geometry.is_empty].reset_index(drop=True)


def _free_spot(geom, placed, radius, rng, tries: int = 60):
    minx, miny, maxx, maxy = geom.bounds
    centres = np.array([(x, y) for x, y, _ in placed])
    radii = np.array([r for _, _, r in placed])
    for _ in range(tries):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(geom, x, y):
            continue
        gaps = np.hypot(centres[:, 0] - x, centres[:, 1] - y) - radii - radius
        if gaps.min() > 600.0:
            return x, y
    return None
