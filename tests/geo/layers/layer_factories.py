"""Tiny valid layers of every kind (a few objects near Sittard, EPSG:28992), built in memory."""

from __future__ import annotations

import geopandas as gpd
import shapely

X0, Y0 = 185_000.0, 330_000.0  # Sittard-Geleen (Limburg), RD New


def points(n: int) -> list:
    return [shapely.Point(X0 + 100 * i, Y0 + 50 * i) for i in range(n)]


def squares(n: int, size: float = 40.0) -> list:
    return [shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + size, Y0 + size) for i in range(n)]


def lines(n: int) -> list:
    return [shapely.LineString([(X0, Y0 + 100 * i), (X0 + 500, Y0 + 100 * i)]) for i in range(n)]


def _ids(n: int) -> list[str]:
    return [f"obj-{i}" for i in range(n)]


def valid_frame(kind: str, n: int = 3) -> gpd.GeoDataFrame:
    """A raw (unvalidated) frame of ``kind`` that satisfies its schema."""
    cycle = lambda values: [values[i % len(values)] for i in range(n)]  # noqa: E731
    columns: dict
    if kind == "gemeenten":
        columns = {"gemeentecode": [f"GM{9000 + i}" for i in range(n)],
                   "gemeentenaam": [f"Testgemeente {i}" for i in range(n)],
                   "provincie": ["Limburg"] * n, "veiligheidsregio": ["Limburg-Zuid"] * n}
        geometry = squares(n, 90)
    elif kind == "kernen":
        columns = {"naam": [f"Kern {i}" for i in range(n)]}
        geometry = squares(n)
    elif kind == "bedrijventerreinen":
        columns = {"id": _ids(n), "naam": [f"Terrein {i}" for i in range(n)],
                   "aantal_vestigingen": cycle([10, 0, 55]), "leegstand_pct": cycle([0, 12.5, 100]),
                   "verzamelgebouwen": cycle([1, 0, 3]), "woonfunctie_pct": cycle([5, 0, 20]),
                   "keurmerk_kvo": cycle([True, False]), "cameratoezicht": cycle([False, True]),
                   "bouwjaar_mediaan": cycle([1975, 1990, 2005])}
        geometry = squares(n)
    elif kind == "buitengebied":
        columns = {"id": _ids(n), "soort": cycle(["schuur", "stal", "agrarisch_bedrijf"]),
                   "leegstaand": cycle([True, False]), "stoppend_bedrijf": cycle([False, True]),
                   "oppervlakte_m2": cycle([250.0, 1200.0])}
        geometry = points(n)
    elif kind == "havens":
        columns = {"id": _ids(n), "naam": [f"Haven {i}" for i in range(n)],
                   "soort": cycle(["jachthaven", "binnenhaven", "airstrip"]),
                   "ligplaatsen": cycle([120, 30, 0]), "nachtregister": cycle([True, False]),
                   "toezicht_24_7": cycle([False, True])}
        geometry = points(n)
    elif kind == "vakantieparken":
        columns = {"id": _ids(n), "naam": [f"Park {i}" for i in range(n)],
                   "aantal_eenheden": cycle([80, 200]), "permanente_bewoning_pct": cycle([10, 45]),
                   "arbeidsmigranten_pct": cycle([0, 30]),
                   "versnipperd_eigendom": cycle([True, False]),
                   "toegangscontrole": cycle([False, True]),
                   "vitaliteit": cycle(["vitaal", "kwetsbaar", "niet_vitaal"])}
        geometry = squares(n)
    elif kind == "wegen":
        columns = {"soort": cycle(["snelweg", "afrit", "hoofdweg"]), "naam": cycle(["A2", "N276"])}
        geometry = lines(n)
    elif kind == "landsgrens":
        columns = {}
        geometry = lines(n)
    elif kind == "incidenten":
        columns = {"id": _ids(n), "datum": cycle(["2024-03-01", "2024-05-17"]),
                   "soort": cycle(["drugslab", "dumping", "melding"]),
                   "bron": cycle(["politie", "gemeente"]), "vertrouwelijk": cycle([True, False])}
        geometry = points(n)
    elif kind == "verzorgingsplaatsen":
        columns = {"id": _ids(n), "naam": cycle(["Venlose Heide", None]),
                   "truckparking": cycle([True, False]), "verzorgingsplaats": cycle([False, True]),
                   "weg": cycle(["A67", "A73"]), "vrachtwagenplaatsen": cycle([40, None])}
        geometry = points(n)
    else:
        raise ValueError(kind)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:28992")


def write(frame: gpd.GeoDataFrame, path, **kwargs):
    """Write ``frame`` with pyogrio (format from the suffix) and return the path."""
    if str(path).endswith((".parquet", ".geoparquet")):
        frame.to_parquet(path)
    else:
        frame.to_file(path, engine="pyogrio", **kwargs)
    return path
