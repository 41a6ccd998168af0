"""Action day: stops over teams × days with OR-Tools, within the time window; XLSX/CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.actiedag import minutes, plan_actiedag, solve_routes, travel_minutes
from geo.planning.config import PlanningConfig
from geo.planning.run import build_plan, write_plan_files
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

DATUM = dt.date(2026, 12, 7)  # a Monday


def test_solver_keeps_every_route_within_the_horizon_and_drops_what_does_not_fit():
    rng = np.random.default_rng(1)
    xy = np.vstack([[0.0, 0.0], rng.uniform(-15_000, 15_000, (12, 2))])
    matrix = travel_minutes(xy, 500.0)
    durations = [60] * 11 + [600]  # the last stop is longer than the whole day
    routes = solve_routes(matrix, durations, [0.1] * 12, vehicles=3, horizon=540, seconds=2)
    assert 11 in routes.dropped
    visited = [s for route in routes.stops for s in route]
    assert len(visited) == len(set(visited))
    assert sorted(visited + routes.dropped) == list(range(12))
    for order, arrivals in zip(routes.stops, routes.arrivals, strict=True):
        previous = 0
        for stop, arrival in zip(order, arrivals, strict=True):
            assert arrival >= matrix[previous, stop + 1]
            assert arrival + durations[stop] <= 540
            previous = stop + 1


@pytest.fixture(scope="module")
def actiedag(tmp_path_factory):
    area = select_area(regio="Maastricht-Heuvelland")
    werkmap = Werkmap.open(tmp_path_factory.mktemp("actiedag") / "wm")
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 300, seed=5))
    config = PlanningConfig(aantal=20, minimale_afstand_m=300, teams=3, dagen=1,
                            starttijd="08:00", eindtijd="17:00")
    return werkmap, build_plan(werkmap, area, config, datum=DATUM, seed=2)


def test_three_teams_one_day_stay_within_0800_1700(actiedag):
    _, run = actiedag
    picks = run.result.picks
    assert set(picks["team"]) <= {1, 2, 3} and len(set(picks["team"])) == 3
    assert set(picks["dag"]) == {1}
    assert picks["sleutel"].is_unique
    day = pd.Timestamp(DATUM)
    for _, route in picks.groupby("team"):
        route = route.sort_values("aankomst")
        assert route["aankomst"].min() >= day + pd.Timedelta(hours=8)
        assert route["vertrek"].max() <= day + pd.Timedelta(hours=17)
        # arrival + visit = departure, and the next arrival comes after it
        assert ((route["vertrek"] - route["aankomst"]).dt.total_seconds() / 60
                == np.ceil(route["duur"])).all()
        assert (route["aankomst"].iloc[1:].to_numpy()
                >= route["vertrek"].iloc[:-1].to_numpy()).all()
    assert picks["navigatie"].str.fullmatch(r"geo:\d+\.\d{6},\d+\.\d{6}").all()
    assert picks["adres"].str.startswith("coördinaten ").all()  # synthetic: no addresses


def test_dropped_stops_are_reported_in_dutch(actiedag):
    _, run = actiedag
    picks = run.result.picks.copy()
    picks.loc[0, "duur"] = 600.0  # longer than the 540-minute day: fits no team
    long_stop = picks.loc[0, "sleutel"]
    result = plan_actiedag(replace(run.result, picks=picks, tekorten=[]), run.config,
                           datum=DATUM, seconds=2)
    assert long_stop not in set(result.picks["sleutel"])
    assert len(result.picks) == len(picks) - 1
    assert len(result.tekorten) == 1
    assert "past niet in de tijdvensters van 3 team(s) × 1 dag(en) 08:00–17:00" \
        in result.tekorten[0]


def test_xlsx_has_real_times_ja_nee_filter_frozen_header_and_print_setup(actiedag, tmp_path):
    from openpyxl import load_workbook

    _, run = actiedag
    files = write_plan_files(run, tmp_path)
    sheet = load_workbook(files["xlsx"])["plan"]
    header = [c.value for c in sheet[1]]
    for name in ("team", "dag", "geplande aankomst", "gepland vertrek", "adres", "navigatie"):
        assert name in header
    arrival = sheet.cell(row=2, column=header.index("geplande aankomst") + 1)
    assert isinstance(arrival.value, dt.datetime) and arrival.value.hour >= 8
    validations = sheet.data_validations.dataValidation
    assert any(v.formula1 == '"ja,nee"' for v in validations)
    assert sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    csv = pd.read_csv(files["csv"], sep=";", dtype=str, encoding="utf-8-sig")
    assert csv["geplande aankomst"].str.fullmatch(r"2026-12-07 \d{2}:\d{2}").all()
    assert csv["navigatie"].str.startswith("geo:").all()


def test_minutes():
    assert minutes("08:00") == 480 and minutes("17:30") == 1050


@pytest.mark.browser
def test_route_map_one_colour_per_team_day_metric_scale_and_boundaries(actiedag, tmp_path,
                                                                       browser):
    from maps.outputs import load_boundaries
    from maps.plan import ROUTE_COLORS, write_plan_map

    werkmap, run = actiedag
    path = write_plan_map(run.result.picks, tmp_path / "plan.html", titel="Actiedag",
                          boundaries=load_boundaries(werkmap, run.area.codes))
    html = path.read_text(encoding="utf-8")
    for team in (1, 2, 3):
        assert f"Team {team}, dag 1" in html
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else 0)
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-control-scale-line", timeout=15000)
    scale = page.locator(".leaflet-control-scale-line").all_inner_texts()
    assert len(scale) == 1 and scale[0].endswith(("km", " m")) and "mi" not in scale[0]
    strokes = {page.evaluate("e => e.getAttribute('stroke')", p)
               for p in page.locator("path.leaflet-interactive").element_handles()}
    assert set(ROUTE_COLORS[:3]) <= strokes  # the three team routes
    assert page.locator("path:not(.leaflet-interactive)").count() >= len(run.area.codes)
    assert not errors
    page.close()
