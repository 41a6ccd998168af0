"""Risico and gecombineerd runs on real files: COGs, object table, verantwoording, catalog.

The privacy rules are checked on what was written: no incident points, no counts below k,
a smooth surface.
"""

import json
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from shapely.geometry import Point

from geo.catalog import Catalog
from geo.errors import InvalidRequestError, KaartNotFoundError
from geo.export.cog import write_map_cog, write_uitleg_cog
from geo.export.objects import write_objects_gpkg
from geo.export.risico import area_grid, build_gecombineerd, build_risico
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.scoring.suppression import round_count

CELL = 100.0


def make_incidents(area, n_cluster=40, seed=0):
    """A cluster of incidents around one point of the area, plus two isolated police ones."""
    rng = np.random.default_rng(seed)
    centre = area.geometry.representative_point()
    xy = rng.normal(0, 150, (n_cluster, 2)) + [centre.x, centre.y]
    minx, miny, maxx, maxy = area.geometry.bounds
    lonely = [(x, y) for x, y in [(minx + 0.2 * (maxx - minx), miny + 0.5 * (maxy - miny)),
                                  (minx + 0.85 * (maxx - minx), miny + 0.5 * (maxy - miny))]
              if area.geometry.contains(Point(x, y))]
    xy = np.vstack([xy, lonely]) if lonely else xy
    n = len(xy)
    years = np.where(np.arange(n) % 3 == 0, 2023, np.where(np.arange(n) % 3 == 1, 2024, 2025))
    return gpd.GeoDataFrame({
        "id": [f"INC{i:04d}" for i in range(n)],
        "datum": pd.to_datetime([f"{y}-06-{1 + i % 28:02d}" for i, y in enumerate(years)]),
        "soort": np.where(np.arange(n) % 2 == 0, "drugslab", "melding"),
        "bron": "politie", "vertrouwelijk": True,
    }, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:28992")


def make_gelegenheid_run(wm, area):
    """A gelegenheid run in the real output format (COGs and objecten.gpkg)."""
    grid, mask = area_grid(area, CELL)
    xs, ys = grid.cell_centers()
    a = (xs - xs.min()) / (xs.max() - xs.min())
    b = (ys - ys.min()) / (ys.max() - ys.min())
    score = np.where(mask, 0.5 * a + 0.5 * b, np.nan)
    breaks = list(np.nanpercentile(score, [20, 40, 60, 80]))
    klasse = np.where(mask, 1 + np.searchsorted(breaks, np.nan_to_num(score)), 0)
    run = wm.run_parent(area.id, "gelegenheid") / "v0001"
    run.mkdir(parents=True)
    write_map_cog(run / "gelegenheidskaart.tif", score, klasse, grid, soort="gelegenheid",
                  thema="totaal", gebied_id=area.id, synthetisch=True, breaks=breaks)
    norm = np.stack([np.where(mask, a, np.nan), np.where(mask, b, np.nan)])
    write_uitleg_cog(run / "uitleg_bedrijventerreinen.tif", norm * 10, norm, ["oost", "noord"],
                     grid, thema="bedrijventerreinen", gebied_id=area.id, synthetisch=True)
    centre = area.geometry.representative_point()
    objects = gpd.GeoDataFrame(
        {"id": ["BT1", "BT2"], "naam": ["Centrum", "Rand"], "thema": "bedrijventerreinen",
         "score": [0.9, 0.2], "klasse": [5, 1]},
        geometry=[centre.buffer(120), Point(*area.geometry.bounds[:2]).buffer(50)],
        crs="EPSG:28992")
    write_objects_gpkg(run / "objecten.gpkg", {"bedrijventerreinen": objects}, synthetisch=True)
    return grid, mask


@pytest.fixture
def setup(werkmap):
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Vaals")
    incidents = make_incidents(area)
    write_layers(wm.lagen, {"incidenten": incidents}, synthetic=True,
                 description="Synthetische testdata")
    return wm, area, incidents


def _walk_numbers(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_numbers(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_numbers(v, f"{path}[{i}]")
    else:
        yield path, value


def test_risico_run_writes_smooth_confidential_surface(setup):
    wm, area, incidents = setup
    run = build_risico(wm, area, cellsize=CELL)
    tif = run.run_dir / "risicokaart.tif"
    with rasterio.open(tif) as src:
        assert src.count == 3 and list(src.descriptions) == ["dichtheid", "klasse", "gi_z"]
        assert src.tags()["VERTROUWELIJK"] == "ja" and src.tags()["SYNTHETISCH"] == "ja"
        assert src.overviews(1) or max(src.shape) <= 512
        density, klasse, z = src.read(1), src.read(2), src.read(3)
    inside = np.isfinite(density)
    assert set(np.unique(klasse[inside])) <= {1, 2, 3, 4, 5} and (klasse[~inside] == 0).all()
    # the cluster is class 5 and a significant hotspot
    centre = area.geometry.representative_point()
    grid, _ = area_grid(area, CELL)
    r, c = grid.rowcol(np.array([centre.x]), np.array([centre.y]))
    assert klasse[r[0], c[0]] == 5 and z[r[0], c[0]] > 1.96
    # isolated police incidents (1 within 500 m < k = 3) are not on the map
    for point in incidents.geometry.iloc[40:]:
        rr, cc = grid.rowcol(np.array([point.x]), np.array([point.y]))
        assert density[rr[0], cc[0]] == 0 and klasse[rr[0], cc[0]] == 1
    # smooth: between neighbouring shown cells the density changes by a bounded fraction
    shown = np.nan_to_num(density)
    steps = np.abs(np.diff(shown, axis=1))[(shown[:, 1:] > 0) & (shown[:, :-1] > 0)]
    assert steps.max() <= 0.3 * shown.max()
    # no more than 3 cells hold the top value: no spike
    assert (shown >= 0.95 * shown.max()).sum() >= 4

    doc = json.loads((run.run_dir / "kaartverantwoording.json").read_text(encoding="utf-8"))
    assert doc["vertrouwelijk"] is True and doc["synthetisch"] is True
    assert doc["risico"]["bandbreedte_m"] == 400 and doc["risico"]["k_anonimiteit"] == 3
    assert [row["label"] for row in doc["legenda"]] == [
        "zeer laag", "laag", "gemiddeld", "hoog", "zeer hoog"]
    text = json.dumps(doc)
    assert "INC0" not in text  # no incident ids
    for point in incidents.geometry:
        assert f"{point.x:.1f}" not in text
    for key, value in _walk_numbers(doc["risico"]["incidenten"]):
        assert value % 5 == 0, key  # rounded (geo.scoring.suppression)
    entry = Catalog(wm).get(f"{area.id}-risico-totaal")
    assert entry.vertrouwelijk and entry.cog == "risicokaart.tif" and entry.versie == 1


def test_gecombineerd_run_objects_and_privacy(setup):
    wm, area, incidents = setup
    grid, mask = make_gelegenheid_run(wm, area)
    build_risico(wm, area, cellsize=CELL)
    run = build_gecombineerd(wm, area)
    with rasterio.open(run.run_dir / "gecombineerde_kaart.tif") as src:
        score, klasse = src.read(1), src.read(2)
        assert src.tags()["KAART_SOORT"] == "gecombineerd" and src.tags()["VERTROUWELIJK"] == "ja"
    assert set(np.unique(klasse[mask])) <= set(range(1, 10))
    assert (klasse[~mask] == 0).all() and np.isnan(score[~mask]).all()
    assert np.nanmin(score) > 0 and np.nanmax(score) <= 1
    gpkg = run.run_dir / "objecten.gpkg"
    # the object layers, plus QGIS's layer_styles table (its styles apply on open)
    assert [name for name, _ in pyogrio.list_layers(gpkg)] == ["bedrijventerreinen",
                                                                 "layer_styles"]
    objects = gpd.read_file(gpkg, layer="bedrijventerreinen").set_index("id")
    assert (objects.geom_type != "Point").all()
    assert objects.loc["BT1", "risico_niveau"] == "hoog"
    assert objects.loc["BT1", "gecombineerde_klasse"] == 9
    assert objects.loc["BT1", "incidenten_nabij"] >= 5
    counts = objects["incidenten_nabij"]
    assert (counts % 5 == 0).all()  # rounded: no count below k can be read
    assert objects.loc["BT2", "incidenten_nabij"] == 0
    doc = json.loads((run.run_dir / "kaartverantwoording.json").read_text(encoding="utf-8"))
    assert len(doc["legenda"]) == 9
    assert doc["legenda"][1] == {"klasse": 2, "label": "gelegenheid laag, risico midden",
                                 "kleur": "#b0d5df", "gelegenheid": "laag", "risico": "midden"}
    entry = Catalog(wm).get(f"{area.id}-gecombineerd-totaal")
    assert entry.vertrouwelijk and entry.objecten == "objecten.gpkg"


def test_gecombineerd_needs_both_runs_on_same_grid(setup):
    wm, area, _ = setup
    with pytest.raises(KaartNotFoundError, match="kaart gelegenheid"):
        build_gecombineerd(wm, area)
    make_gelegenheid_run(wm, area)
    with pytest.raises(KaartNotFoundError, match="kaart risico"):
        build_gecombineerd(wm, area)
    build_risico(wm, area, cellsize=200)
    with pytest.raises(InvalidRequestError, match="--celgrootte 100"):
        build_gecombineerd(wm, area)


def test_failed_run_keeps_previous_version(setup, tmp_path):
    wm, area, _ = setup
    build_risico(wm, area, cellsize=CELL)
    bad = tmp_path / "slecht.yaml"
    bad.write_text("bandbreedte_m: 100\n", encoding="utf-8")  # < 2 cells of 100 m
    with pytest.raises(InvalidRequestError, match="te klein"):
        build_risico(wm, area, cellsize=CELL, config_path=bad)
    versions = sorted(p.name for p in wm.run_parent(area.id, "risico").iterdir())
    assert versions == ["v0001"]


def test_peildatum_limits_time_window(setup, tmp_path):
    wm, area, incidents = setup
    config = tmp_path / "kort.yaml"
    config.write_text("tijdvenster_dagen: 366\n", encoding="utf-8")
    run = build_risico(wm, area, cellsize=CELL, config_path=config, peildatum=date(2024, 12, 31))
    # only 2024 incidents in cells of the area count
    grid, mask = area_grid(area, CELL)
    r, c = grid.rowcol(incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy())
    ok = (r >= 0) & (r < grid.height) & (c >= 0) & (c < grid.width)
    inside = np.zeros(len(r), bool)
    inside[ok] = mask[r[ok], c[ok]]
    expected = int((inside & (incidents["datum"].dt.year == 2024).to_numpy()).sum())
    assert expected >= 3
    assert run.summary["incidenten"]["totaal"] == round_count(expected, 5)
