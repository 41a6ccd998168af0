"""Synthetic vakantieparken: about 250, concentrated in the Heuvelland and Noord-Limburg.

Relative weights per gemeente put most parks in Gulpen-Wittem, Valkenburg aan de Geul,
Vaals and Eijsden-Margraten, in Noord-Limburg (Bergen, Venray, Horst, Gennep, ...) and
around the Maasplassen. Parks lie outside kernen and bedrijventerreinen. ``vitaliteit``
drives permanente bewoning and versnipperd eigendom; arbeidsmigranten are more common
in Noord-Limburg (horticulture).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers.demo._common import DemoArea, blob, to_frame

TARGET_COUNT = 250
WEIGHTS = {
    "Gulpen-Wittem": 7.0, "Valkenburg aan de Geul": 6.0, "Vaals": 4.0,
    "Eijsden-Margraten": 4.0, "Voerendaal": 1.5, "Simpelveld": 1.5, "Meerssen": 1.0,
    "Bergen (L.)": 4.5, "Venray": 3.0, "Horst aan de Maas": 3.0, "Gennep": 2.5,
    "Peel en Maas": 2.0, "Venlo": 2.0, "Mook en Middelaar": 2.0, "Beesel": 1.5,
    "Maasgouw": 3.0, "Roerdalen": 3.0, "Roermond": 2.0, "Leudal": 2.0,
}
OTHER_WEIGHT = 0.4
NORTH = "Noord-Limburg"
NAMES = ("Heidebloem", "Zonneheuvel", "Geuldal", "Maasoever", "Boschrand", "Weidegeluk",
         "Berkenhof", "Eikenhorst", "Hoogveld", "Kasteelhoeve", "Wijngaard", "Mergelland",
         "Vennenhof", "Peelrand", "Heuvelzicht", "Leeuwerik", "Dennenoord", "Beekdal",
         "Rozenhof", "Waterhoen", "Roerdal", "Plassenhof", "Heksenberg", "Krikkeboom")
PREFIXES = ("Vakantiepark", "Camping", "Bungalowpark", "Recreatiepark")
VITALITEIT = ("vitaal", "kwetsbaar", "niet_vitaal")


def generate_vakantieparken(area: DemoArea, avoid: gpd.GeoSeries,
                            rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Vakantiepark polygons with the schema's columns (plus ``gemeentecode``).

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten.
    avoid : GeoSeries
        Geometries parks must not overlap (kernen, bedrijventerreinen).
    rng : numpy.random.Generator
        Source of all randomness.
    """
    names = area.gemeenten["gemeentenaam"]
    weights = np.array([WEIGHTS.get(n, OTHER_WEIGHT) for n in names])
    counts = rng.poisson(TARGET_COUNT * weights / weights.sum())
    blocked = shapely.union_all(avoid.buffer(100).values)
    records: list[dict] = []
    shapes: list = []
    seen: dict[str, int] = {}
    for row, count in zip(area.gemeenten.itertuples(), counts, strict=True):
        free = row.geometry.buffer(-150).difference(blocked)
        shapely.prepare(free)
        for _ in range(int(count)):
            shape = _place(free, shapes, rng)
            if shape is None:
                continue
            shapes.append(shape)
            records.append({"naam": _name(rng, seen), "gemeentecode": row.gemeentecode,
                            **_attributes(shape.area / 1e4, row.regio == NORTH, rng)})
    frame = to_frame(records, shapes)
    frame.insert(0, "id", [f"VP{i + 1:04d}" for i in range(len(frame))])
    return frame


def _place(free, placed, rng, tries: int = 30):
    minx, miny, maxx, maxy = free.bounds
    others = np.asarray(placed, dtype=object)
    for _ in range(tries):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(free, x, y):
            continue
        size_ha = float(np.clip(rng.lognormal(np.log(4.0), 0.8), 0.5, 40.0))
        shape = blob(x, y, np.sqrt(size_ha * 1e4 / np.pi), rng, irregularity=0.2, vertices=12)
        shape = shape.intersection(free)
        if shape.geom_type != "Polygon" or shape.area < 0.5 * size_ha * 1e4:
            continue
        if len(others) and shapely.intersects(shape, others).any():
            continue
        return shape
    return None


def _name(rng: np.random.Generator, seen: dict[str, int]) -> str:
    base = (f"{PREFIXES[int(rng.integers(len(PREFIXES)))]} "
            f"{NAMES[int(rng.integers(len(NAMES)))]}")
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base} {seen[base]}"


def _attributes(size_ha: float, north: bool, rng: np.random.Generator) -> dict:
    level = int(rng.choice(3, p=[0.5, 0.3, 0.2]))
    permanent = rng.beta(*[(1.5, 12.0), (2.0, 9.0), (2.5, 8.0)][level]) * 100
    migrants_p = (0.4 if north else 0.12) + 0.1 * level
    migrants = rng.beta(2.0, 5.0) * 100 if rng.uniform() < migrants_p else rng.beta(0.5, 30) * 100
    return {
        "aantal_eenheden": max(10, int(rng.poisson(size_ha * rng.uniform(15, 35)))),
        "permanente_bewoning_pct": round(float(permanent), 1),
        "arbeidsmigranten_pct": round(float(migrants), 1),
        "versnipperd_eigendom": bool(rng.uniform() < (0.3, 0.55, 0.7)[level]),
        "toegangscontrole": bool(rng.uniform() < (0.45, 0.25, 0.2)[level]),
        "vitaliteit": VITALITEIT[level],
    }
