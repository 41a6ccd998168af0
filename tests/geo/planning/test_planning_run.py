"""A planning run on a werkmap: candidates from objecten.gpkg, plan files, route map."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from shapely.geometry import Point, box

from geo.errors import InvalidRequestError, KaartNotFoundError, SchemaError
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.candidates import load_scored_objects, prepare_candidates
from geo.planning.config import PlanningConfig
from geo.planning.outcomes import read_outcomes
from geo.planning.run import build_plan, plan_directory, start_lonlat, write_plan_files
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

DATUM = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def vaals():
    return select_area(gemeente="Vaals")


@pytest.fixture
def planned(tmp_path, vaals):
    werkmap = Werkmap.open(tmp_path / "wm")
    write_synthetic_run(werkmap, vaals.id, synthetic_objects(vaals.gemeenten, 120, seed=4))
    config = PlanningConfig(aantal=6, minimale_afstand_m=200)
    return werkmap, build_plan(werkmap, vaals, config, datum=DATUM, seed=1)


def test_prepare_candidates_points_lonlat_missing_share_and_score_scale():
    objects = gpd.GeoDataFrame({
        "id": [1, 2], "gemeentecode": "GM0981", "thema": "vakantieparken",
        "score": [50.0, 100.0], "klasse": [3, 5],
        "uitleg": [json.dumps([{"indicator": "a", "ruw": None}, {"indicator": "b", "ruw": 2}]),
                   None]},
        geometry=[box(196_000, 308_000, 196_100, 308_100), Point(197_000, 309_000)],
        crs="EPSG:28992")
    frame = prepare_candidates(objects, PlanningConfig(kans_min=0.1, kans_max=0.3))
    assert frame["sleutel"].tolist() == ["vakantieparken:1", "vakantieparken:2"]
    assert_allclose(frame["score01"], [0.5, 1.0])  # 0-100 scores are rescaled
    assert_allclose(frame["prior"], [0.2, 0.3])
    assert_allclose(frame["witte_vlek"], [0.5, 0.0])
    assert frame["volledigheid"].isna().all()  # no volledigheid column: unknown, not 0 or 1
    assert_allclose(frame[["x", "y"]].iloc[1], [197_000, 309_000])
    assert 5.9 < frame["lon"].iloc[1] < 6.1 and 50.7 < frame["lat"].iloc[1] < 50.8


def test_missing_columns_and_missing_runs_are_dutch_errors(tmp_path, vaals):
    path = tmp_path / "objecten.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[Point(196_000, 308_000)],
                     crs="EPSG:28992").to_file(path, layer="havens")
    with pytest.raises(SchemaError, match="laag 'havens'.*gemeentecode, score, klasse"):
        load_scored_objects([path])
    with pytest.raises(KaartNotFoundError, match="Geen gelegenheidskaart.*Vaals"):
        build_plan(Werkmap.open(tmp_path / "leeg"), vaals, PlanningConfig(), datum=DATUM)


def test_plan_files_are_complete_and_readable(planned, tmp_path):
    werkmap, run = planned
    assert run.synthetisch
    with plan_directory(werkmap, run.plan_id) as tmp:
        files = write_plan_files(run, tmp)
    directory = werkmap.plannen / run.plan_id
    assert sorted(p.name for p in directory.iterdir()) == ["plan.csv", "plan.geojson",
                                                            "plan.xlsx"]
    assert files["csv"].name == "plan.csv"
    table = pd.read_csv(directory / "plan.csv", sep=";", decimal=",", encoding="utf-8-sig")
    for header in ("volgorde", "object", "naam", "thema", "gemeente", "rd_x", "rd_y", "lat",
                   "lon", "score", "klasse", "reden", "soort keuze", "selectiekans",
                   "geplande aankomst", "duur (min)", "synthetisch", "uitgevoerd",
                   "volledigheid"):
        assert header in table.columns
    assert_allclose(table["volledigheid"], run.result.picks["volledigheid"].round(4))
    assert table["volgorde"].tolist() == list(range(1, 7))
    assert_allclose(table["score"], run.result.picks["score"].round(4))
    xlsx = pd.read_excel(directory / "plan.xlsx", sheet_name=None)
    assert list(xlsx) == ["plan", "toelichting", "parameters"]
    assert len(xlsx["plan"]) == 6
    geojson = json.loads((directory / "plan.geojson").read_text(encoding="utf-8"))
    assert geojson["plan"]["plan_id"] == run.plan_id and geojson["plan"]["synthetisch"]
    first = geojson["features"][0]
    assert_allclose(first["geometry"]["coordinates"],
                    run.result.picks[["lon", "lat"]].iloc[0], atol=1e-6)
    # the filled-in draaiboek is importable as outcomes
    table = pd.read_csv(directory / "plan.csv", sep=";", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    table.loc[0, ["datum controle", "uitgevoerd", "bevindingen", "vervolg"]] = [
        "2026-11-23", "ja", "hennep", "bestuurlijke_maatregel"]
    table.to_csv(tmp_path / "ingevuld.csv", sep=";", index=False)
    outcomes = read_outcomes(tmp_path / "ingevuld.csv")
    assert outcomes["object_id"].tolist() == [str(table.loc[0, "object"])]
    assert outcomes["plan_id"].tolist() == [run.plan_id]


def test_route_map_is_offline_html(planned, tmp_path):
    from maps.plan import build_plan_map, stop_popup_html, stop_style, write_plan_map

    werkmap, run = planned
    picks = run.result.picks
    path = write_plan_map(picks, tmp_path / "plan.html", start_lonlat=start_lonlat(run),
                          titel="Controleplan Vaals", synthetisch=True)
    html = path.read_text(encoding="utf-8")
    assert "Synthetische demodata" in html and "Controleplan Vaals" in html
    assert "https://cdn" not in html and "unpkg.com" not in html
    m = build_plan_map(picks, standalone=True)
    rendered = m.get_root().render()
    assert rendered.count('"volgorde":') == len(picks)
    assert "$(" not in rendered  # no jQuery: the vendored assets do not ship it
    assert stop_style({"soort_keuze": "exploratie"})["color"] == "#2166ac"
    popup = stop_popup_html({**picks.iloc[0].to_dict(), "naam": "<script>x</script>"})
    assert "<script>x" not in popup and "&lt;script&gt;" in popup


def test_start_options(planned, vaals):
    werkmap, run = planned
    config = PlanningConfig(aantal=4)
    key = run.result.picks["sleutel"].iloc[2]
    by_object = build_plan(werkmap, vaals, config, datum=DATUM, start_object=key)
    location = run.result.picks.set_index("sleutel").loc[key, ["x", "y"]].to_numpy(float)
    assert_allclose(by_object.result.start, location)
    assert by_object.result.picks["reistijd"].iloc[0] >= 0
    with pytest.raises(InvalidRequestError, match="ligt niet in Nederland"):
        build_plan(werkmap, vaals, config, datum=DATUM, start=(-70.0, 40.0))
    with pytest.raises(InvalidRequestError, match="Startobject 'X' bestaat niet"):
        build_plan(werkmap, vaals, config, datum=DATUM, start_object="X")
    lonlat = build_plan(werkmap, vaals, config, datum=DATUM, start=(6.0, 50.77))
    assert_allclose(start_lonlat(lonlat), (6.0, 50.77), atol=1e-6)


def test_a_gemeente_plans_from_the_regional_run_that_covers_it(tmp_path, vaals):
    from geo.catalog import Catalog, KaartEntry
    from geo.planning.candidates import find_object_tables

    werkmap = Werkmap.open(tmp_path / "wm")
    regio = select_area(regio="Maastricht-Heuvelland")
    path = write_synthetic_run(werkmap, "regio-maastricht-heuvelland",
                               synthetic_objects(regio.gemeenten, 60, seed=1))
    Catalog(werkmap).register([KaartEntry(
        kaart_id="regio-maastricht-heuvelland-gelegenheid-totaal",
        gebied_id="regio-maastricht-heuvelland", gebied_naam="Maastricht-Heuvelland",
        gebied_soort="regio", gemeenten=regio.codes, soort="gelegenheid", thema="totaal",
        versie=1, datum="2026-11-20T10:00:00+00:00", run_dir=werkmap.relative(path.parent),
        objecten="objecten.gpkg", synthetisch=True)])
    assert find_object_tables(werkmap, vaals) == [(werkmap.relative(path.parent), path)]
    run = build_plan(werkmap, vaals, PlanningConfig(aantal=3), datum=DATUM)
    assert set(run.result.picks["gemeentecode"]) == {"GM0981"}
