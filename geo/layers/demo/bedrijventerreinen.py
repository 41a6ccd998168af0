"""Synthetic bedrijventerreinen: about 250 in Limburg, near motorway exits and kernen.

Counts per gemeente follow inhabitants^0.8. About 55% lie within 2 km of a motorway exit,
the rest on the edge of a kern. Gemeenten over 40,000 inhabitants get one large
(120-350 ha) logistics/trade park near an exit (like Venlo Trade Port). Attributes
follow plausible distributions: ``leegstand_pct`` mostly 0-15 % with a tail to 40 %,
``keurmerk_kvo`` about 30 % true, cameratoezicht more likely with a KVO keurmerk.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers.demo._common import DemoArea, block, to_frame

TARGET_COUNT = 250
NEAR_EXIT_SHARE = 0.55
BIG_PARK_INHABITANTS = 40_000


def generate_bedrijventerreinen(area: DemoArea, kernen: gpd.GeoDataFrame, exits: np.ndarray,
                                rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Bedrijventerreinen polygons with the schema's columns (plus ``gemeentecode``).

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten.
    kernen : GeoDataFrame
        Kernen (``naam``, ``gemeentecode``, ``inwoners``, ``hoofdkern``).
    exits : numpy.ndarray
        ``(n, 2)`` motorway exit points.
    rng : numpy.random.Generator
        Source of all randomness.
    """
    weights = area.gemeenten["inwoners"].to_numpy() ** 0.8
    counts = np.maximum(rng.poisson(TARGET_COUNT * weights / weights.sum()), 1)
    records: list[dict] = []
    shapes: list = []
    for row, count in zip(area.gemeenten.itertuples(), counts, strict=True):
        geom = row.geometry
        near = exits[shapely.contains_xy(geom.buffer(1500), exits[:, 0], exits[:, 1])] \
            if len(exits) else exits
        own = kernen.loc[kernen["gemeentecode"] == row.gemeentecode]
        used_names: dict[str, int] = {}
        for k in range(int(count)):
            big = k == 0 and row.inwoners > BIG_PARK_INHABITANTS and len(near) > 0
            shape, kern = _place(geom, near, own, big, shapes, rng)
            if shape is None:
                continue
            naam = _name(kern, big, used_names, rng)
            shapes.append(shape)
            records.append({"naam": naam, "gemeentecode": row.gemeentecode,
                            **_attributes(shape.area / 1e4, rng)})
    frame = to_frame(records, shapes)
    frame.insert(0, "id", [f"BT{i + 1:04d}" for i in range(len(frame))])
    return frame


def _place(geom, near, own, big, placed, rng, tries: int = 25):
    kern_pop = own["inwoners"].to_numpy(dtype=float)
    centres = shapely.get_coordinates(shapely.centroid(own.geometry.values))
    radii = np.sqrt(shapely.area(own.geometry.values) / np.pi)
    names = own["naam"].tolist()
    others = np.asarray(placed, dtype=object)
    for _ in range(tries):
        if big or (len(near) and rng.uniform() < NEAR_EXIT_SHARE):
            anchor = near[int(rng.integers(len(near)))]
            distance = rng.uniform(300, 1000) if big else rng.uniform(250, 1800)
            kern = int(np.argmin(np.hypot(*(centres - anchor).T)))
        else:
            kern = int(rng.choice(len(own), p=kern_pop / kern_pop.sum()))
            anchor = centres[kern]
            distance = radii[kern] + rng.uniform(100, 700)
        angle = rng.uniform(0, 2 * np.pi)
        x, y = anchor + distance * np.array([np.cos(angle), np.sin(angle)])
        size = rng.uniform(120, 350) if big else float(np.clip(rng.lognormal(np.log(10), 0.8),
                                                                1.5, 80))
        shape = block(x, y, size * 1e4, rng).intersection(geom)
        if shape.is_empty or shape.area < 0.6 * size * 1e4 or shape.geom_type != "Polygon":
            continue
        if len(others) and shapely.intersects(shape, others).any():
            continue
        return shape, names[kern]
    return None, None


def _name(kern: str, big: bool, used: dict[str, int], rng: np.random.Generator) -> str:
    if big:
        return f"{kern} Trade Port" if rng.uniform() < 0.5 else f"Logistiek Park {kern}"
    used[kern] = used.get(kern, 0) + 1
    n = used[kern]
    style = rng.uniform()
    if style < 0.6:
        return f"Bedrijventerrein {kern} {n}"
    if style < 0.8:
        return f"Industriepark {kern} {n}"
    return f"Businesspark {kern} {n}"


def _attributes(size_ha: float, rng: np.random.Generator) -> dict:
    if rng.uniform() < 0.85:
        leegstand = min(rng.gamma(1.6, 4.0), 30.0)
    else:
        leegstand = rng.uniform(12.0, 40.0)
    vestigingen = max(1, int(rng.poisson(size_ha * rng.uniform(1.5, 4.0))))
    verzamel = int(rng.poisson(rng.gamma(0.6, 0.5 * np.sqrt(vestigingen) / 2.0)))
    woon = rng.uniform(0, 2) if rng.uniform() < 0.6 else rng.beta(1.2, 6.0) * 100
    kvo = bool(rng.uniform() < (0.27 + 0.2 * (size_ha > 30)))
    camera = bool(rng.uniform() < (0.25 + 0.35 * kvo))
    return {
        "aantal_vestigingen": vestigingen,
        "leegstand_pct": round(float(leegstand), 1),
        "verzamelgebouwen": verzamel,
        "woonfunctie_pct": round(float(woon), 1),
        "keurmerk_kvo": kvo,
        "cameratoezicht": camera,
        "bouwjaar_mediaan": int(np.clip(round(rng.normal(1986, 14)), 1950, 2022)),
    }
