"""Synthetic havens: about 40 Maas ports, Maasplassen marinas, an airport and airstrips.

Binnenhavens lie along an approximate course of the Maas near the main kern of the
riverside gemeenten (Maastricht, Stein, Maasbracht, Roermond, Venlo, Wanssum, ...; canal
ports such as Weert near the kern), jachthavens cluster around the Maasplassen
(Roermond, Maasgouw), Maastricht Aachen Airport sits at its real location
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
MAAS: tuple[tuple[float, float], ...] = (  # (lon, lat), south → north
    (5.705, 50.760), (5.697, 50.849), (5.685, 50.875), (5.695, 50.905), (5.715, 50.930),
    (5.740, 50.950), (5.752, 50.970), (5.770, 50.995), (5.775, 51.030), (5.810, 51.080),
    (5.815, 51.130), (5.880, 51.160), (5.900, 51.150), (5.930, 51.160), (5.970, 51.190),
    (6.020, 51.230), (6.040, 51.270), (6.110, 51.310), (6.130, 51.330), (6.170, 51.370),
    (6.170, 51.420), (6.170, 51.470), (6.100, 51.520), (6.085, 51.550), (6.040, 51.600),
    (6.030, 51.640), (5.970, 51.700), (5.890, 51.740), (5.880, 51.770),
)
"""Approximate course of the Maas; ports and marinas of riverside gemeenten lie along it."""
RIVER_REACH_M = 1_500.0
AIRPORT = ("Beek (L.)", "Maastricht Aachen Airport", (5.770, 50.915))
MARINA_NAMES = ("De Maasplassen", "Hanzehaven", "Het Steel", "De Weerd", "Marina Oolderplas",
                "De Lange Vlieter", "Zuidplas", "Maasmarina", "Porta Isola", "De Pietersplas",
                "De Rietkraag", "Maasoever", "De Spaanjerd", "Eilandplas", "De Hatenboer",
                "Het Wijnhuis", "De Zwaan", "Heerenlaak", "Blauwe Kamer", "De Kribbe")
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
    kern_tree = shapely.STRtree(kernen.geometry.values)
    river = shapely.LineString(lonlat_to_rd(list(MAAS)))
    records, shapes = [], []
    code, naam, lonlat = AIRPORT
    shapes.append(shapely.Point(lonlat_to_rd([lonlat])[0]))
    records.append({"naam": naam, "soort": "luchthaven", "ligplaatsen": 0,
                    "nachtregister": True, "toezicht_24_7": True,
                    "gemeentecode": area.code_of(code)})
    marina = 0
    seen: dict[str, int] = {}
    for gemeente, soort, count in SPECS:
        code = area.code_of(gemeente)
        geom = area.gemeente(code).geometry
        own = kernen.loc[kernen["gemeentecode"] == code]
        main = own.loc[own["hoofdkern"]].iloc[0]
        for _ in range(count):
            if soort == "airstrip":
                xy = _remote(geom, kern_tree, rng)
                naam = f"Airstrip {_nearest_kern(own, xy)}"
            else:
                xy = _riverside(geom, river, main.geometry, rng)
                if xy is None:
                    xy = _near(geom, main.geometry, rng)
                if soort == "binnenhaven":
                    naam = _unique(f"Binnenhaven {_nearest_kern(own, xy)}", seen)
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


def _remote(geom, kern_tree: shapely.STRtree, rng: np.random.Generator) -> np.ndarray:
    """A random point in ``geom`` at least 1 km from every kern (or the most remote of 50)."""
    candidates = points_in(geom, 50, rng)
    _, distance = kern_tree.query_nearest(shapely.points(candidates), return_distance=True,
                                          all_matches=False)
    far = np.flatnonzero(distance >= 1000.0)
    return candidates[far[0] if len(far) else int(np.argmax(distance))]


def _nearest_kern(kernen: gpd.GeoDataFrame, xy: np.ndarray) -> str:
    distances = shapely.distance(kernen.geometry.values, shapely.Point(xy))
    return str(kernen["naam"].iloc[int(np.argmin(distances))])


def _unique(name: str, seen: dict[str, int]) -> str:
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name} {seen[name]}"


def _riverside(geom, river, kern, rng: np.random.Generator) -> np.ndarray | None:
    """A point 100-600 m from the Maas, within 2.5 km (along the river) of the kern."""
    if geom.distance(river) > RIVER_REACH_M:
        return None
    centre = kern.centroid
    at = river.project(centre)
    for _ in range(60):
        on = river.interpolate(at + rng.uniform(-2500, 2500))
        dx, dy = centre.x - on.x, centre.y - on.y
        norm = max(np.hypot(dx, dy), 1.0)
        step = rng.uniform(100, 600)
        xy = np.array([on.x + dx / norm * step, on.y + dy / norm * step])
        if shapely.contains_xy(geom, xy[0], xy[1]):
            return xy
    return None


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
