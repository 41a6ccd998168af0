"""The synthetic Limburg demo: counts, plausibility, determinism, schemas, metadata."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from numpy.testing import assert_allclose

from geo.layers import is_synthetic, read_layers, validate_layer
from geo.layers.demo import (
    DEMO_LAYERS,
    TRUE_COEFFICIENTS,
    exit_points,
    generate_demo,
    write_demo,
)
from geo.layers.demo._common import DemoArea, lonlat_to_rd
from geo.layers.demo.grenzen import DRIELANDENPUNT
from geo.paths import BOUNDARIES_GPKG, Werkmap

HEUVELLAND = ("Gulpen-Wittem", "Vaals", "Valkenburg aan de Geul", "Eijsden-Margraten")


@pytest.fixture(scope="module")
def layers():
    return generate_demo(seed=1)


@pytest.fixture(scope="module")
def limburg():
    return DemoArea.limburg()


COUNT_RANGES = {
    "gemeenten": (31, 31), "landsgrens": (2, 2), "kernen": (150, 350), "wegen": (40, 400),
    "bedrijventerreinen": (200, 300), "buitengebied": (3500, 4500), "havens": (30, 50),
    "vakantieparken": (200, 300), "incidenten": (1600, 2600),
}


@pytest.mark.parametrize("kind", DEMO_LAYERS)
def test_counts_in_expected_range(layers, kind):
    low, high = COUNT_RANGES[kind]
    assert low <= len(layers[kind]) <= high


@pytest.mark.parametrize("kind", DEMO_LAYERS)
def test_every_layer_passes_its_schema(layers, kind):
    checked = validate_layer(kind, layers[kind], source="demo")
    assert len(checked) == len(layers[kind])
    assert checked.crs.to_epsg() == 28992


@pytest.mark.parametrize("kind", ["kernen", "bedrijventerreinen", "buitengebied", "havens",
                                  "vakantieparken", "incidenten", "wegen"])
def test_everything_inside_limburg(layers, limburg, kind):
    outline = limburg.geometry.buffer(1.0)
    inside = shapely.covered_by(layers[kind].geometry.values, outline)
    assert inside.all(), layers[kind].loc[~inside].head()


def test_buitengebied_and_parks_lie_outside_kernen(layers):
    kernen = shapely.union_all(layers["kernen"].geometry.values)
    terreinen = shapely.union_all(layers["bedrijventerreinen"].geometry.values)
    parken = shapely.union_all(layers["vakantieparken"].geometry.values)
    objects = layers["buitengebied"].geometry.values
    assert not shapely.intersects(objects, kernen).any()
    assert not shapely.intersects(objects, terreinen).any()
    assert not shapely.intersects(objects, parken).any()
    assert not shapely.intersects(layers["vakantieparken"].geometry.values, kernen).any()
    assert not shapely.intersects(layers["vakantieparken"].geometry.values, terreinen).any()


def test_theme_polygons_do_not_overlap(layers):
    for kind in ("bedrijventerreinen", "vakantieparken"):
        geoms = layers[kind].geometry.values
        left, right = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
        assert len(left) == 0, kind


def test_ids_unique_and_prefixed(layers):
    for kind, prefix in [("bedrijventerreinen", "BT"), ("buitengebied", "BG"),
                         ("havens", "HV"), ("vakantieparken", "VP"), ("incidenten", "INC")]:
        ids = layers[kind]["id"]
        assert ids.is_unique and ids.str.startswith(prefix).all()


def test_same_seed_identical_and_other_seed_different(layers):
    again = generate_demo(seed=1)
    for kind in DEMO_LAYERS:
        assert_geodataframe_equal(layers[kind], again[kind], check_like=False)
    other = generate_demo(seed=2)
    assert not layers["incidenten"].geometry.equals(other["incidenten"].geometry)
    assert not layers["bedrijventerreinen"].geometry.equals(other["bedrijventerreinen"].geometry)
    assert_geodataframe_equal(layers["gemeenten"], other["gemeenten"])  # real, not random


def _digest(layers) -> str:
    digest = hashlib.sha256()
    for kind in DEMO_LAYERS:
        frame = layers[kind]
        digest.update(frame.drop(columns="geometry").to_csv(index=False).encode())
        digest.update(b"".join(frame.geometry.to_wkb()))
    return digest.hexdigest()


@pytest.mark.slow
def test_identical_across_processes_and_hash_seeds(layers):
    """No set/dict-order or hash randomness: other processes give the same layers."""
    code = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); "
            "from test_demo_layers import _digest; from geo.layers.demo import generate_demo; "
            "print(_digest(generate_demo(1)))")
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)],
                             capture_output=True, text=True, env=env, check=True)
        assert run.stdout.strip() == _digest(layers)


def test_landsgrens_is_limburg_outline_minus_dutch_neighbours(layers, limburg):
    grens = layers["landsgrens"].set_index("naam").geometry
    provinces = pyogrio.read_dataframe(BOUNDARIES_GPKG, layer="provincies")
    dutch = provinces.loc[provinces["provincie"].isin(["Noord Brabant", "Gelderland"])]
    dutch = shapely.union_all(dutch.geometry.values)
    outline = limburg.geometry.boundary
    for line in grens:
        vertices = shapely.points(shapely.get_coordinates(line))
        assert_allclose(shapely.distance(vertices, outline), 0.0, atol=1e-6)
        assert shapely.distance(vertices, dutch).min() >= 299.0
    tripoint = shapely.Point(lonlat_to_rd([DRIELANDENPUNT])[0])
    assert grens["België"].distance(tripoint) < 2_000
    assert grens["Duitsland"].distance(tripoint) < 2_000
    maastricht = limburg.gemeente("GM0935").geometry
    assert grens["België"].distance(maastricht) < 100 < grens["Duitsland"].distance(maastricht)
    assert 100_000 < grens["België"].length < 250_000
    assert 150_000 < grens["Duitsland"].length < 300_000


def test_roads_have_motorways_exits_and_main_roads(layers):
    wegen = layers["wegen"]
    assert set(wegen["soort"]) == {"snelweg", "afrit", "hoofdweg"}
    assert {"A2", "A73", "A76", "A79"} <= set(wegen.loc[wegen["soort"] == "snelweg", "naam"])
    afritten = wegen.loc[wegen["soort"] == "afrit"]
    assert 15 <= len(afritten) <= 80
    assert (afritten.length <= 350.0 + 1e-6).all()
    motorways = shapely.union_all(wegen.loc[wegen["soort"] == "snelweg"].geometry.values)
    starts = shapely.points(exit_points(wegen))
    assert_allclose(shapely.distance(starts, motorways), 0.0, atol=1e-6)


def test_main_kern_at_gemeente_centre(layers, limburg):
    kernen = layers["kernen"]
    main = kernen.loc[kernen["hoofdkern"]].set_index("gemeentecode")
    assert len(main) == 31
    for row in limburg.gemeenten.itertuples():
        kern = main.loc[row.gemeentecode]
        own = kernen.loc[kernen["gemeentecode"] == row.gemeentecode]
        assert kern["inwoners"] == own["inwoners"].max()
        assert kern.geometry.centroid.distance(row.geometry.centroid) < 2_500
    assert set(main["naam"]) >= {"Maastricht", "Venlo", "Heerlen", "Panningen", "Sittard"}


def test_bedrijventerreinen_plausible(layers):
    bt = layers["bedrijventerreinen"]
    assert 0.0 <= bt["leegstand_pct"].min() and bt["leegstand_pct"].max() <= 40.0
    assert (bt["leegstand_pct"] <= 15).mean() > 0.75
    assert (bt["leegstand_pct"] > 25).sum() >= 5  # a tail
    assert 0.2 < bt["keurmerk_kvo"].mean() < 0.4
    near = shapely.STRtree(shapely.points(exit_points(layers["wegen"])))
    _, dist = near.query_nearest(bt.geometry.values, return_distance=True, all_matches=False)
    assert (dist < 2_000).mean() > 0.35
    big = bt.loc[bt.geometry.area > 100e4]  # Venlo Trade Port-like parks > 100 ha
    assert 3 <= len(big) <= 12


def test_buitengebied_attributes(layers):
    bg = layers["buitengebied"]
    assert set(bg["soort"]) == {"agrarisch_bedrijf", "schuur", "loods", "stal", "woning",
                                "overig"}
    assert 0.06 < bg["leegstaand"].mean() < 0.11
    assert 0.07 < bg["stoppend_bedrijf"].mean() < 0.13


def test_vakantieparken_concentrated_in_heuvelland_and_north(layers, limburg):
    vp = layers["vakantieparken"]
    codes = {limburg.code_of(n) for n in HEUVELLAND}
    heuvelland = vp["gemeentecode"].isin(codes).mean()
    north = vp["gemeentecode"].isin(
        limburg.gemeenten.loc[limburg.gemeenten["regio"] == "Noord-Limburg", "gemeentecode"]
    ).mean()
    assert heuvelland > 0.25 and north > 0.25
    assert set(vp["vitaliteit"]) == {"vitaal", "kwetsbaar", "niet_vitaal"}


def test_havens_mix(layers):
    soorten = layers["havens"]["soort"].value_counts()
    assert soorten["binnenhaven"] >= 10 and soorten["jachthaven"] >= 10
    assert soorten["luchthaven"] == 1 and soorten["airstrip"] >= 3


def test_incidents_mix_dates_and_confidentiality(layers):
    inc = layers["incidenten"]
    assert inc["datum"].min().year == 2023 and inc["datum"].max().year == 2025
    per_year = inc["datum"].dt.year.value_counts()
    assert per_year.min() > 0.8 * per_year.max()
    assert set(inc["soort"]) == {"drugslab", "dumping", "hennepkwekerij", "melding",
                                 "bevinding_controle", "overig"}
    assert set(inc["bron"]) == {"politie", "gemeente", "meld_misdaad_anoniem", "riec", "overig"}
    assert inc.loc[inc["bron"] == "politie", "vertrouwelijk"].all()
    assert inc.loc[inc["bron"] == "gemeente", "vertrouwelijk"].mean() < 0.2


def test_invalid_seed_is_refused():
    from geo.errors import InvalidRequestError

    with pytest.raises(InvalidRequestError, match="Seed"):
        generate_demo(seed=-1)


def test_write_demo_metadata_says_synthetic(tmp_path, layers):
    path = write_demo(Werkmap.open(tmp_path / "wm"), seed=1)
    assert path == tmp_path / "wm" / "invoer" / "lagen.gpkg"
    assert is_synthetic(path)
    info = pyogrio.read_info(path, layer="incidenten")
    assert "SYNTHETISCHE DEMODATA" in info["dataset_metadata"]["beschrijving"]
    assert info["layer_metadata"]["synthetisch"] == "ja"
    assert info["layer_metadata"]["bron"] == "kaart demo (seed 1)"
    real = pyogrio.read_info(path, layer="gemeenten")["layer_metadata"]
    assert real["synthetisch"] == "nee" and "CBS" in real["bron"]
    model = json.loads(info["layer_metadata"]["demo_model"])
    assert model["coefficienten"] == TRUE_COEFFICIENTS
    assert model["seed"] == 1
    back = read_layers(path)
    assert set(back) == set(DEMO_LAYERS)
    for kind in DEMO_LAYERS:  # what generate_demo returns is exactly what is on disk
        assert_geodataframe_equal(back[kind], layers[kind].reset_index(drop=True))
    assert layers["incidenten"].attrs["demo_model"] == model
