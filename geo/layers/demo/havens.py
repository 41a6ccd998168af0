"""Synthetic havens: about 40 Maas ports, Maasplassen marinas, an airport and airstrips.

Binnenhavens lie near the main kern of the Maas/canal gemeenten (Maastricht, Stein,
Born, Maasbracht, Roermond, Venlo, Wanssum, ...), jachthavens cluster around the
Maasplassen (Roermond, Maasgouw), Maastricht Aachen Airport sits at its real location
and a few private airstrips lie in the countryside of Noord- and Midden-Limburg.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.layers.demo._common import DemoArea, lonlat_to_rd, points_in, to_frame

# (gemeente, soort, aantal)
SPECS: tuple[tuple[str, str, int], ...] = (
    ("Maastricht", "binnenhaven", 2), ("Stein (L.)", "binnenhaven", 1),
    ("Sittard-Geleen", "binnenhaven", 1), ("Maasgouw", "binnenhaven", 1),
    ("Roermond", "binnenhaven", 1), ("Venlo", "binnenhaven", 2), ("Venray", "binnenhaven", 1),
    ("Gennep", "binnenhaven", 1), ("Beesel", "binnenhaven", 1),
    ("Peel en Maas", "binnenhaven", 1), ("Weert", "binnenhaven", 1),
    ("Nederweert", "binnenhaven", 1), ("Echt-Susteren", "binnenhaven", 1),
    ("Horst aan de Maas", "binnenhaven", 1), ("Leudal", "binnenhaven", 1),
    ("Roermond", "jachthaven", 4), ("Maasgouw", "jachthaven", 5), ("Venlo", "jachthaven", 1),
    ("Maastricht", "jachthaven", 1), ("Mook en Middelaar", "jachthaven", 1),
    ("Gennep", "jachthaven", 1), ("Beesel", "jachthaven", 1), ("Roerdalen", "jachthaven", 1),
    ("Echt-Susteren", "jachthaven", 1), ("Bergen (L.)", "jachthaven", 1),
    ("Leudal", "jachthaven", 1),
    ("Horst aan de Maas", "airstrip", 1), ("Peel en Maas", "airstrip", 1),
    ("Nederweert", "airstrip", 1), ("Venray", "airstrip", 1),
)
AIRPORT = ("Beek (L.)", "Maastricht Aachen Airport", (5.770, 50.915))
MARINA_NAMES = ("De Maasplassen", "Hanzehaven", "Het Steel", "De Weerd", "Marina Oolderplas",
                "De Lange Vlieter", "Zuidplas", "Maasmarina", "Porta Isola", "De Pietersplas")
NACHTREGISTER_P = {"binnenhaven": 0.6, "jachthaven": 0.45, "airstrip": 0.25}
TOEZICHT_P = {"binnenhaven": 0.3, "jachthaven": 0.2, "airstrip": 0.05}


def generate_havens(area: DemoArea, kernen: gpd.GeoDataFrame,
                    rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Haven points with the schema's columns (plus ``gemeentecode``).

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten.
    kernen : GeoDataFrame
        Kernen (``naam``, ``gemeentecode``, ``hoofdkern``); ports lie near the main kern,
        airstrips away from all kernen.
    rng : numpy.random.Generator
        Source of all randomness.
    """
    built = shapely.union_all(kernen.buffer(1000).values)
    records, shapes = [], []
    code, naam, lonlat = AIRPORT
    shapes.append(shapely.Point(lonlat_to_rd([lonlat])[0]))
    records.append({"naam": naam, "soort": "luchthaven", "ligplaatsen": 0,
                    "nachtregister": True, "toezicht_24_7": True,
                    "gemeentecode": area.code_of(code)})
    marina = 0
    for gemeente, soort, count in SPECS:
        code = area.code_of(gemeente)
        geom = area.gemeente(code).geometry
        main = kernen.loc[(kernen["gemeentecode"] == code) & kernen["hoofdkern"]].iloc[0]
        for k in range(count):
            if soort == "airstrip":
                xy = points_in(geom, 1, rng, exclude=built)[0]
                naam = f"Airstrip {main['naam']}"
            else:
                xy = _near(geom, main.geometry, rng)
                if soort == "binnenhaven":
                    naam = f"Binnenhaven {main['naam']}" + (f" {k + 1}" if count > 1 else "")
                else:
                    naam = f"Jachthaven {MARINA_NAMES[marina % len(MARINA_NAMES)]}"
                    marina += 1
            shapes.append(shapely.Point(xy))
            records.append({
                "naam": naam, "soort": soort,
                "ligplaatsen": _berths(soort, rng),
                "nachtregister": bool(rng.uniform() < NACHTREGISTER_P[soort]),
                "toezicht_24_7": bool(rng.uniform() < TOEZICHT_P[soort]),
                "gemeentecode": code,
            })
    frame = to_frame(records, shapes)
    frame.insert(0, "id", [f"HV{i + 1:03d}" for i in range(len(frame))])
    return frame


def _near(geom, kern, rng: np.random.Generator) -> np.ndarray:
    centre = kern.centroid
    radius = np.sqrt(kern.area / np.pi)
    for _ in range(100):
        angle = rng.uniform(0, 2 * np.pi)
        distance = radius * rng.uniform(0.6, 1.0) + rng.uniform(0, 2500)
        xy = np.array([centre.x + distance * np.cos(angle), centre.y + distance * np.sin(angle)])
        if shapely.contains_xy(geom, xy[0], xy[1]):
            return xy
    return np.array([centre.x, centre.y])


def _berths(soort: str, rng: np.random.Generator) -> int:
    if soort == "binnenhaven":
        return int(rng.integers(5, 40))
    if soort == "jachthaven":
        return int(rng.integers(60, 700))
    return 0
