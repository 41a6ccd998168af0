"""Stops get an address where the data has one, else coordinates with the nearest named road
(from the werkmap's wegen layer; unknown stays 'onbekend'); the XLSX explanation is readable.

The objects are SYNTHETIC (geo.planning.synthetic); the road is a synthetic test line.
"""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from geo import RD_CRS
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.config import PlanningConfig
from geo.planning.locations import address_text, nearest_roads, road_text
from geo.planning.run import build_plan, plan_directory, write_plan_files
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

DATUM = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    area = select_area(gemeente="Vaals")
    werkmap = Werkmap.open(tmp_path_factory.mktemp("adres") / "wm")
    objects = synthetic_objects(area.gemeenten, 60, seed=4, missing_share=0.4)
    objects["straat"] = None
    objects["huisnummer"] = None
    objects["postcode"] = None
    objects["woonplaats"] = None
    objects.loc[::2, ["straat", "huisnummer", "postcode", "woonplaats"]] = [
        "Kerkstraat", "12", "6291 AB", "Vaals"]
    write_synthetic_run(werkmap, area.id, objects)
    # one named road through the middle of the gemeente, one road without a name
    x0, y0, x1, y1 = area.gemeenten.to_crs(RD_CRS).total_bounds
    mid = (y0 + y1) / 2
    roads = gpd.GeoDataFrame(
        {"soort": ["hoofdweg", "hoofdweg"], "naam": ["Testweg (synthetisch)", None]},
        geometry=[LineString([(x0, mid), (x1, mid)]), LineString([(x0, y0), (x1, y1)])],
        crs=RD_CRS)
    werkmap.invoer.mkdir(parents=True, exist_ok=True)
    roads.to_file(werkmap.lagen, layer="wegen", engine="pyogrio")
    config = PlanningConfig(aantal=10, minimale_afstand_m=100, teams=2, dagen=1,
                            starttijd="08:00", eindtijd="17:00", exploratie_aandeel=0.0)
    return werkmap, build_plan(werkmap, area, config, datum=DATUM, seed=1), mid


def test_stops_have_their_address_or_coordinates_with_the_nearest_road(planned):
    _, run, mid = planned
    picks = run.result.picks
    with_address = picks["straat"] == "Kerkstraat"
    assert with_address.any() and (~with_address).any()
    assert (picks.loc[with_address, "adres"] == "Kerkstraat 12, 6291 AB Vaals").all()
    for row in picks[~with_address].itertuples():
        distance = abs(row.y - mid)
        assert row.adres.startswith(f"coördinaten {row.lat:.5f}, {row.lon:.5f}; "
                                    "dichtstbijzijnde weg: ")
        if distance <= 2000:
            assert row.adres.endswith(f"Testweg (synthetisch) (ca. {int(round(distance, -1))} m)")
        else:  # the unnamed road never gives a name; too far is unknown
            assert row.adres.endswith("dichtstbijzijnde weg: onbekend")


def test_without_a_wegen_layer_the_road_is_unknown():
    assert nearest_roads(np.array([[190000.0, 310000.0]]), None) == [None]
    assert road_text(None) == "onbekend"
    assert address_text({"straat": None, "postcode": float("nan")}) == ""


def test_xlsx_explanation_sheet_is_readable(planned):
    werkmap, run, _ = planned
    with plan_directory(werkmap, run.plan_id) as tmp:
        write_plan_files(run, tmp)
    xlsx = pd.read_excel(werkmap.plannen / run.plan_id / "plan.xlsx", sheet_name=None)
    assert list(xlsx) == ["plan", "toelichting", "parameters"]
    sheet = xlsx["toelichting"]
    assert list(sheet.columns) == ["volgorde", "object", "naam", "indicator", "bron",
                                   "bronwaarde", "richting", "gewicht", "bijdrage"]
    picks = run.result.picks
    assert len(sheet) == 4 * len(picks)  # four indicators per synthetic object
    for pick in picks.itertuples():
        rows = sheet[sheet["volgorde"] == pick.volgorde]
        items = json.loads(pick.uitleg)
        assert rows["indicator"].tolist() == [i["label"] for i in items]
        assert np.allclose(rows["bijdrage"], [round(i["aandeel"], 4) for i in items])
        unknown = [i["ruw"] is None for i in items]
        assert (rows["bronwaarde"].astype(str) == "onbekend").tolist() == unknown
    assert any(sheet["bronwaarde"] == "onbekend")
    text = [str(v) for v in sheet.to_numpy().ravel()]
    assert not any(t.startswith(("[", "{")) for t in text)  # no raw JSON any more
    parameters = dict(zip(xlsx["parameters"]["onderdeel"], xlsx["parameters"]["waarde"],
                          strict=True))
    assert parameters["plan_id"] == run.plan_id
    assert parameters["parameters.teams"] == 2
    assert parameters["parameters.duur_thema.havens"] == 60
