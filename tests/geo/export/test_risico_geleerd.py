"""Learned gelegenheidskaart and temporal evaluation on real files (synthetic known signal)."""

import importlib.util
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from PIL import Image

from geo.catalog import Catalog
from geo.export.geleerd import (
    build_evaluatie,
    build_geleerd,
    evaluation_summary,
    read_features,
)
from geo.export.tabular import read_safe_csv
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap


def load_helpers():
    path = Path(__file__).with_name("_risico_helpers.py")
    spec = importlib.util.spec_from_file_location("_risico_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def signal_werkmap(werkmap):
    helpers = load_helpers()
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    incidents = helpers.incidents_from_intensity(grid, mask, east)
    write_layers(wm.lagen, {"incidenten": incidents}, synthetic=True,
                 description="Synthetische testdata met bekend signaal")
    return wm, area, incidents


def test_learned_map_recovers_signal_and_is_written(signal_werkmap):
    wm, area, incidents = signal_werkmap
    run = build_geleerd(wm, area, n_bootstrap=10, block_m=2000, random_state=0)
    learner = run.model
    assert (run.run_dir / "gewichten.csv").read_bytes().startswith(b"\xef\xbb\xbfindicator;")
    weights = read_safe_csv(run.run_dir / "gewichten.csv").set_index("indicator")
    assert weights.loc["bedrijventerreinen:oost", "ondergrens"] > 1
    oost = weights.loc["bedrijventerreinen:oost"]
    assert oost["beta"] > 1.5  # true β 3 over the whole range
    assert oost["stap"].startswith("interkwartielafstand")  # the step is the IQR, stated
    assert oost["relatief_risico"] == pytest.approx(np.exp(oost["beta"] * oost["delta"]))
    assert abs(np.log(weights.loc["bedrijventerreinen:ruis", "relatief_risico"])) < 0.5
    with rasterio.open(run.run_dir / "gelegenheidskaart.tif") as src:
        assert src.tags()["KAART_SOORT"] == "gelegenheid_geleerd"
        score, klasse = src.read(1), src.read(2)
    inside = np.isfinite(score)
    assert np.nanmax(score) == pytest.approx(1.0)
    assert set(np.unique(klasse[inside])) == {1, 2, 3, 4, 5}
    doc = json.loads((run.run_dir / "kaartverantwoording.json").read_text(encoding="utf-8"))
    assert doc["soort"] == "gelegenheid_geleerd"
    last = incidents["datum"].max().date()
    assert doc["training"]["tot"] == (last + pd.Timedelta(days=1)).isoformat()
    assert doc["training"]["cellen"] == int(inside.sum())
    assert doc["model"]["cv_score_d2"] == pytest.approx(learner.cv_score_)
    assert "INC0" not in json.dumps(doc)
    assert doc["training"]["incidenten"] == "niet gepubliceerd (vertrouwelijk)"
    assert str(learner.n_incidents_) not in json.dumps(doc)
    entry = Catalog(wm).get(f"{area.id}-gelegenheid_geleerd-totaal")
    assert entry.versie == 1 and entry.vertrouwelijk  # trained on police incidents (issue 11)


def test_training_period_is_respected(signal_werkmap):
    wm, area, incidents = signal_werkmap
    learner = build_geleerd(wm, area, tot=date(2024, 1, 1), jaren=1, n_bootstrap=0).model
    in_2023 = (incidents["datum"].dt.year == 2023).sum()
    assert learner.n_incidents_ <= in_2023
    assert learner.n_incidents_ >= 0.9 * in_2023  # a few fall just outside the area


def test_evaluation_table_plot_and_ranking(signal_werkmap):
    wm, area, _ = signal_werkmap
    run = build_evaluatie(wm, area, split=date(2025, 1, 1))
    run_dir, table, info = run.run_dir, run.tables["evaluatie"], run.summary["evaluatie"]
    assert run.kaart_ids == [] and run.vertrouwelijk
    assert info["splitsing"] == "2025-01-01" and info["test_tot"] == "2026-01-01"
    assert set(table["kaart"]) == {"deskundig", "geleerd", "risicokaart", "eerdere_incidenten",
                                   "gecombineerd", "uniform"}
    assert len(table) == 6 * 5
    uniform = table[table["kaart"] == "uniform"]
    np.testing.assert_allclose(uniform["pai"], 1.0)
    np.testing.assert_allclose(table["pai"], table["trefkans"] / table["dekking"])
    pai5 = evaluation_summary(table, 0.05)
    assert pai5["geleerd"] > pai5["uniform"] and pai5["geleerd"] > pai5["eerdere_incidenten"]
    row = (run_dir / "evaluatie.csv").read_bytes().split(b"\r\n")[1]
    assert b";" in row and b"," in row and b"." not in row  # Dutch: 0,25 not 0.25
    csv = read_safe_csv(run_dir / "evaluatie.csv")
    np.testing.assert_allclose(csv["pai"], table["pai"])
    with Image.open(run_dir / "trefkans.png") as image:
        assert image.format == "PNG" and image.size == (700, 450)
    doc = json.loads((run_dir / "kaartverantwoording.json").read_text(encoding="utf-8"))
    assert len(doc["evaluatie"]["tabel"]) == 30
    assert doc["evaluatie"]["tabel"][0]["pai"] == pytest.approx(table["pai"].iloc[0])


def test_evaluation_writes_and_registers_the_learned_map_it_scored(signal_werkmap):
    """Issue 13 item 6: evalueer writes the learned map it scored, as leer --tot would."""
    wm, area, _ = signal_werkmap
    run = build_evaluatie(wm, area, split=date(2025, 1, 1))
    learned = run.summary["evaluatie"]["geleerde_kaart"]
    assert learned["kaart_id"] == f"{area.id}-gelegenheid_geleerd-totaal"
    assert run.model.kaart_ids == [learned["kaart_id"]] and run.model.vertrouwelijk
    entry = Catalog(wm).get(learned["kaart_id"])
    assert entry.versie == learned["versie"] == 1
    doc = json.loads((run.model.run_dir / "kaartverantwoording.json").read_text("utf-8"))
    assert doc["training"]["tot"] == "2025-01-01"
    leer = build_geleerd(wm, area, tot=date(2025, 1, 1), n_bootstrap=0, random_state=0)
    assert leer.versie == 2
    with rasterio.open(run.model.run_dir / "gelegenheidskaart.tif") as a, \
            rasterio.open(leer.run_dir / "gelegenheidskaart.tif") as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))  # the very map that was scored


def test_features_direction_and_domain(werkmap):
    helpers = load_helpers()
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    run_dir = wm.run_parent(area.id, "gelegenheid") / "v0001"
    before = read_features(run_dir)
    assert before.names == ["bedrijventerreinen:oost", "bedrijventerreinen:ruis"]
    np.testing.assert_allclose(before.stack[0][mask], east[mask], rtol=1e-6)
    doc = {"themas": {"bedrijventerreinen": {"indicatoren": [
        {"naam": "oost", "richting": "negatief"}, {"naam": "ruis", "richting": "positief"}]}}}
    (run_dir / "kaartverantwoording.json").write_text(json.dumps(doc), encoding="utf-8")
    after = read_features(run_dir)
    np.testing.assert_allclose(after.stack[0][mask], 1 - east[mask], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(after.stack[1], before.stack[1])
    assert (after.stack[0][~mask] == 0).all()
