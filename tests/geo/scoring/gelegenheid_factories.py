"""Synthetic layers for the gelegenheid engine tests (random but seeded, EPSG:28992).

Synthetic test data: no real objects.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely import LineString, box

CRS = "EPSG:28992"


def _boxes(rng, n, size, extent):
    xs, ys = rng.uniform(0, extent - size, n), rng.uniform(0, extent - size, n)
    return [box(x, y, x + size, y + size) for x, y in zip(xs, ys, strict=True)]


def synthetic_layers(extent: float = 10_000, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    """Every layer the default indicator set uses, inside ``(0, 0, extent, extent)``."""
    rng = np.random.default_rng(seed)
    n_bt, n_vp, n_bg, n_h = 12, 6, 150, 4
    bedrijventerreinen = gpd.GeoDataFrame({
        "id": [f"bt{i}" for i in range(n_bt)], "leegstand_pct": rng.uniform(0, 100, n_bt),
        "verzamelgebouwen": rng.integers(0, 8, n_bt), "woonfunctie_pct": rng.uniform(0, 60, n_bt),
        "keurmerk_kvo": rng.random(n_bt) < 0.5, "cameratoezicht": rng.random(n_bt) < 0.5,
        "bouwjaar_mediaan": rng.integers(1955, 2015, n_bt),
    }, geometry=_boxes(rng, n_bt, extent / 15, extent), crs=CRS)
    vakantieparken = gpd.GeoDataFrame({
        "id": [f"vp{i}" for i in range(n_vp)],
        "permanente_bewoning_pct": rng.uniform(0, 100, n_vp),
        "arbeidsmigranten_pct": rng.uniform(0, 100, n_vp),
        "versnipperd_eigendom": rng.random(n_vp) < 0.5, "toegangscontrole": rng.random(n_vp) < 0.5,
        "vitaliteit": rng.choice(["vitaal", "kwetsbaar", "niet_vitaal"], n_vp),
    }, geometry=_boxes(rng, n_vp, extent / 20, extent), crs=CRS)
    kernen = gpd.GeoDataFrame({"naam": ["a", "b", "c"]},
                              geometry=_boxes(rng, 3, extent / 8, extent), crs=CRS)
    buitengebied = gpd.GeoDataFrame({
        "id": [f"bg{i}" for i in range(n_bg)],
        "soort": rng.choice(["agrarisch_bedrijf", "woning", "schuur", "stal"], n_bg),
        "leegstaand": rng.random(n_bg) < 0.3, "stoppend_bedrijf": rng.random(n_bg) < 0.2,
    }, geometry=gpd.points_from_xy(rng.uniform(0, extent, n_bg), rng.uniform(0, extent, n_bg)),
        crs=CRS)
    havens = gpd.GeoDataFrame({
        "id": [f"h{i}" for i in range(n_h)], "naam": [f"haven {i}" for i in range(n_h)],
        "soort": ["jachthaven", "airstrip", "binnenhaven", "zeehaven"],
        "ligplaatsen": rng.integers(5, 400, n_h),
        "nachtregister": [False, True, False, True], "toezicht_24_7": [False, False, True, True],
    }, geometry=gpd.points_from_xy(rng.uniform(0, extent, n_h), rng.uniform(0, extent, n_h)),
        crs=CRS)
    e = extent
    wegen = gpd.GeoDataFrame({"soort": ["snelweg", "afrit", "afrit", "hoofdweg"]}, geometry=[
        LineString([(0, 0.3 * e), (e, 0.4 * e)]), LineString([(0.5 * e, 0.35 * e),
                                                              (0.52 * e, 0.3 * e)]),
        LineString([(0.2 * e, 0.32 * e), (0.21 * e, 0.36 * e)]),
        LineString([(0.7 * e, 0), (0.7 * e, e)])], crs=CRS)
    landsgrens = gpd.GeoDataFrame({"naam": ["grens"]},
                                  geometry=[LineString([(e, 0), (0.9 * e, e)])], crs=CRS)
    return {"bedrijventerreinen": bedrijventerreinen, "vakantieparken": vakantieparken,
            "kernen": kernen, "buitengebied": buitengebied, "havens": havens, "wegen": wegen,
            "landsgrens": landsgrens}


HAND = """\
versie: 1
totaal: {combinatie: gewogen_som, gewichten: {parken: 3, rest: 1}}
themas:
  parken:
    label: Parken
    domein: {modus: binnen, laag: parken}
    indicatoren:
      - {naam: bewoning, label: Bewoning, toelichting: t, soort: attribuut, laag: parken,
         kolom: perm, gewicht: 2, normalisatie: {methode: vast, min: 0, max: 100}}
      - {naam: geen_toegang, label: Geen toegang, toelichting: t, soort: attribuut,
         laag: parken, kolom: toegang, richting: negatief, gewicht: 1,
         normalisatie: {methode: vast, min: 0, max: 1}}
      - {naam: afrit, label: Afrit, toelichting: t, soort: nabijheid, laag: wegen,
         filter: {soort: afrit}, afstand: 50, verval: lineair, gewicht: 1, normalisatie: geen}
  rest:
    label: Rest
    domein: {modus: buiten, laag: parken}
    combinatie: relatief_risico
    intercept: -1
    indicatoren:
      - {naam: afgelegen, label: Afgelegen, toelichting: t, soort: afstand, laag: parken,
         max_afstand: 30, gewicht: 2, normalisatie: minmax}
"""


def hand_layers() -> dict[str, gpd.GeoDataFrame]:
    """Two parks (A bottom-left, B top-right of a 100 m square) and an exit at x = 95."""
    parken = gpd.GeoDataFrame(
        {"perm": [40.0, 80.0], "toegang": [True, False]},
        geometry=[box(0, 0, 50, 50), box(50, 50, 100, 100)], crs="EPSG:28992")
    wegen = gpd.GeoDataFrame({"soort": ["afrit", "snelweg"]}, geometry=[
        LineString([(95, 0), (95, 100)]), LineString([(5, 0), (5, 100)])], crs="EPSG:28992")
    return {"parken": parken, "wegen": wegen}
