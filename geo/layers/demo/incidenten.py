"""Synthetic incidents (about 2,000 over 2023-2025) drawn from the known intensity.

Per theme object and year the number of incidents is Poisson with the mean from
:mod:`geo.layers.demo.signaal`; incidents lie uniformly inside polygon objects or within
100 m of point objects. A background of meldingen (Poisson, proportional to the
inhabitants of each kern) lies inside kernen. ``soort`` and ``bron`` depend on the theme;
``vertrouwelijk`` is true for most police, RIEC and Meld Misdaad Anoniem incidents.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import RD_CRS
from geo.layers.demo import signaal
from geo.layers.demo._common import jitter_points, points_in
from geo.runs import THEMES as _THEMES

YEARS = (2023, 2024, 2025)
THEMES = tuple(sorted(_THEMES, key=lambda thema: thema == "havens"))
"""geo.runs.THEMES with havens last: the order the demo draws in (keeps the demo data equal)."""
POINT_JITTER_M = 100.0

SOORTEN = ("drugslab", "dumping", "hennepkwekerij", "melding", "bevinding_controle", "overig")
SOORT_P = {  # per theme, in SOORTEN order
    "bedrijventerreinen": (0.15, 0.15, 0.20, 0.15, 0.25, 0.10),
    "buitengebied": (0.12, 0.25, 0.25, 0.15, 0.13, 0.10),
    "vakantieparken": (0.08, 0.05, 0.20, 0.30, 0.27, 0.10),
    "havens": (0.10, 0.05, 0.00, 0.35, 0.35, 0.15),
    "achtergrond": (0.00, 0.05, 0.10, 0.65, 0.00, 0.20),
}
BRONNEN = ("politie", "gemeente", "meld_misdaad_anoniem", "riec", "overig")
BRON_P = {  # per soort, in BRONNEN order
    "drugslab": (0.80, 0.00, 0.10, 0.10, 0.00),
    "hennepkwekerij": (0.75, 0.05, 0.12, 0.08, 0.00),
    "dumping": (0.30, 0.50, 0.00, 0.00, 0.20),
    "melding": (0.30, 0.25, 0.35, 0.00, 0.10),
    "bevinding_controle": (0.20, 0.50, 0.00, 0.30, 0.00),
    "overig": (0.30, 0.30, 0.00, 0.00, 0.40),
}
VERTROUWELIJK_P = {"politie": 1.0, "riec": 0.95, "meld_misdaad_anoniem": 0.7,
                   "gemeente": 0.05, "overig": 0.15}


def generate_incidenten(layers: dict[str, gpd.GeoDataFrame], rng: np.random.Generator
                        ) -> tuple[gpd.GeoDataFrame, dict]:
    """Incidents drawn from the intensity of every theme layer plus background meldingen.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        At least the four theme layers, ``gemeenten``, ``kernen`` (with ``inwoners``),
        ``wegen`` and ``landsgrens``.
    rng : numpy.random.Generator
        Source of all randomness.

    Returns
    -------
    incidenten : GeoDataFrame
        Points with ``id``, ``datum``, ``soort``, ``bron``, ``vertrouwelijk``.
    model : dict
        The true model: coefficients, calibrated intercepts, expected counts per year.
    """
    kernen = layers["kernen"]
    outline = shapely.union_all(layers["gemeenten"].geometry.values)
    shapely.prepare(outline)
    xy_parts, year_parts, theme_parts = [], [], []
    intercepts: dict[str, float] = {}
    for kind in THEMES:
        frame = layers[kind]
        features = signaal.compute_features(kind, frame, wegen=layers["wegen"], kernen=kernen,
                                            landsgrens=layers["landsgrens"])
        rate, intercepts[kind] = signaal.intensity(kind, features,
                                                   signaal.exposure(kind, frame))
        for year in YEARS:
            counts = rng.poisson(rate)
            xy = _locate(frame.geometry.values, counts, rng, outline)
            xy_parts.append(xy)
            year_parts.append(np.full(len(xy), year))
            theme_parts.append(np.full(len(xy), kind, dtype=object))
    population = kernen["inwoners"].to_numpy(float)
    background = signaal.EXPECTED_PER_YEAR["achtergrond"] * population / population.sum()
    for year in YEARS:
        xy = _locate(kernen.geometry.values, rng.poisson(background), rng, outline)
        xy_parts.append(xy)
        year_parts.append(np.full(len(xy), year))
        theme_parts.append(np.full(len(xy), "achtergrond", dtype=object))
    xy = np.concatenate(xy_parts)
    years = np.concatenate(year_parts)
    themes = np.concatenate(theme_parts)
    frame = _attributes(xy, years, themes, rng)
    model = {
        "jaren": list(YEARS),
        "coefficienten": signaal.TRUE_COEFFICIENTS,
        "intercepten": intercepts,
        "verwacht_per_jaar": signaal.EXPECTED_PER_YEAR,
        "kenmerken": "zie geo.layers.demo.signaal.compute_features",
    }
    return frame, model


def _locate(geometries: np.ndarray, counts: np.ndarray, rng: np.random.Generator,
            outline) -> np.ndarray:
    """Incident locations: uniform in polygons; within 100 m of points, never outside."""
    parts = []
    for index in np.flatnonzero(counts):
        geom = geometries[index]
        n = int(counts[index])
        if geom.geom_type == "Point":
            origin = np.repeat([[geom.x, geom.y]], n, axis=0)
            moved = jitter_points(origin, POINT_JITTER_M, rng)
            outside = ~shapely.contains_xy(outline, moved[:, 0], moved[:, 1])
            moved[outside] = origin[outside]
            parts.append(moved)
        else:
            parts.append(points_in(geom, n, rng))
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _attributes(xy: np.ndarray, years: np.ndarray, themes: np.ndarray,
                rng: np.random.Generator) -> gpd.GeoDataFrame:
    n = len(xy)
    soort = np.empty(n, dtype=object)
    for theme, p in SOORT_P.items():
        mask = themes == theme
        soort[mask] = np.asarray(SOORTEN, dtype=object)[
            rng.choice(len(SOORTEN), size=int(mask.sum()), p=p)]
    bron = np.empty(n, dtype=object)
    for kind, p in BRON_P.items():
        mask = soort == kind
        bron[mask] = np.asarray(BRONNEN, dtype=object)[
            rng.choice(len(BRONNEN), size=int(mask.sum()), p=p)]
    secret = rng.uniform(size=n) < np.array([VERTROUWELIJK_P[b] for b in bron])
    start = np.array([dt.date(int(y), 1, 1).toordinal() for y in years])
    length = np.array([365 + (int(y) % 4 == 0) for y in years])
    day = start + np.floor(rng.uniform(size=n) * length).astype(int)
    dates = pd.to_datetime([dt.date.fromordinal(int(d)) for d in day]).astype("datetime64[ns]")
    frame = pd.DataFrame({"datum": dates,
                          "soort": soort, "bron": bron, "vertrouwelijk": secret,
                          "x": xy[:, 0], "y": xy[:, 1]})
    frame = frame.sort_values(["datum", "x", "y"], kind="stable").reset_index(drop=True)
    frame.insert(0, "id", [f"INC{i + 1:05d}" for i in range(n)])
    geometry = gpd.points_from_xy(frame.pop("x"), frame.pop("y"), crs=RD_CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=RD_CRS)
