"""Issue 13 item 7, end to end: plan → outcomes import → leer --uitkomsten → plan.

SYNTHETIC: scored objects from :func:`geo.planning.synthetic.synthetic_objects` and the
known-signal gelegenheid rasters and incidents of ``tests/geo/export/_risico_helpers.py``.
The team finds something exactly at the controlled objects the map ranked *low* (the map is
wrong for this theme); after ``kaart leer --uitkomsten`` the next plan picks objects with a
higher learned hit rate than the same plan without it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from geo.export.tabular import read_safe_csv
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run
from geo.runs import OBJECT_RATES_FILE
from kaart.cli import app

GEMEENTE = "Venlo"
THEMA = "bedrijventerreinen"


def _helpers():
    path = Path(__file__).parents[1] / "geo" / "export" / "_risico_helpers.py"
    spec = importlib.util.spec_from_file_location("_risico_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def wm(tmp_path, monkeypatch):
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAART_GEEN_VOORTGANG", "1")
    helpers = _helpers()
    werkmap = Werkmap.open(tmp_path / "wm")
    area = select_area(gemeente=GEMEENTE)
    gpkg = write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 400, seed=5))
    rasters = Werkmap.open(tmp_path / "rasters")
    grid, mask, east = helpers.make_gelegenheid_run(rasters, area, 200.0)
    source = rasters.run_parent(area.id, "gelegenheid") / "v0001"
    for name in ("gelegenheidskaart.tif", f"uitleg_{THEMA}.tif"):
        shutil.copy(source / name, gpkg.parent / name)
    write_layers(werkmap.lagen, {"incidenten": helpers.incidents_from_intensity(grid, mask, east)},
                 synthetic=True, description="Synthetische testdata")
    return werkmap


def _run(*args):
    result = CliRunner().invoke(app, [*args, "--json"])
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return result.exit_code, payload


def _plan(wm, datum):
    code, payload = _run("plan", "--gemeente", GEMEENTE, "--thema", THEMA, "--aantal", "24",
                         "--datum", datum, "--seed", "3", "--min-afstand", "100",
                         "--werkmap", str(wm.root))
    assert code == 0, payload
    return payload


def test_outcomes_learned_by_leer_correct_the_next_plan(wm, tmp_path):
    first = _plan(wm, "2026-11-23")
    table = pd.read_csv(wm.plannen / first["plan_id"] / "plan.csv", sep=";", dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    expected = table["verwachte trefkans"].str.replace(",", ".").astype(float)
    low = expected.rank(method="first") <= len(table) / 2  # found where the map says little
    table["datum controle"] = "2026-11-24"
    table["uitgevoerd"] = "ja"
    table["bevindingen"] = ["hennep" if b else "geen" for b in low]
    table["vervolg"] = ["bestuurlijke_maatregel" if b else "geen" for b in low]
    filled = tmp_path / "ingevuld.xlsx"
    table.to_excel(filled, index=False)
    code, payload = _run("uitkomsten", "importeer", str(filled), "--werkmap", str(wm.root))
    assert code == 0, payload

    before = _plan(wm, "2027-07-05")  # after the exclusion window, without learned rates
    code, payload = _run("leer", "--gemeente", GEMEENTE, "--bootstrap", "0", "--uitkomsten",
                         "--werkmap", str(wm.root))
    assert code == 0, payload
    rates_file = [Path(w["pad"]) for w in payload["geschreven"]
                  if Path(w["pad"]).name == OBJECT_RATES_FILE]
    assert len(rates_file) == 1
    rates = read_safe_csv(rates_file[0], dtype={"object_id": str})
    assert set(rates["thema"]) == {THEMA}
    assert rates["controles"].iloc[0] == len(table)  # only controlled objects were labelled
    assert len(rates) > len(table)  # never-controlled objects get a prediction, no label
    after = _plan(wm, "2027-07-05")

    learned = dict(zip(THEMA + ":" + rates["object_id"], rates["trefkans_geleerd"],
                       strict=True))
    mean_before = np.mean([learned[k["object"]] for k in before["keuzes"]])
    mean_after = np.mean([learned[k["object"]] for k in after["keuzes"]])
    assert mean_after > mean_before + 0.02  # the plan now goes where controls found things
    assert {k["object"] for k in after["keuzes"]} != {k["object"] for k in before["keuzes"]}
