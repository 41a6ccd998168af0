"""Algoritmeregister entry from real kaartverantwoordingen: fields, placeholders, privacy."""

import importlib.util
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import KaartNotFoundError
from geo.export.algoritmeregister import PLACEHOLDER, build_entry, write_algoritmeregister
from geo.export.geleerd import build_evaluatie, build_geleerd
from geo.export.risico import build_risico
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap

REQUIRED = ("naam", "korte_omschrijving", "organisatie", "status", "doel_en_impact",
            "afwegingen", "menselijke_tussenkomst", "risicobeheer", "wettelijke_basis",
            "impacttoets", "technische_werking")


def load_helpers():
    path = Path(__file__).with_name("_risico_helpers.py")
    spec = importlib.util.spec_from_file_location("_risico_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_runs_gives_dutch_error(werkmap):
    with pytest.raises(KaartNotFoundError, match="kaart gelegenheid"):
        build_entry(Werkmap.open(werkmap), select_area(gemeente="Vaals"))


def test_entry_from_all_runs(werkmap, tmp_path):
    helpers = load_helpers()
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    incidents = helpers.incidents_from_intensity(grid, mask, east)
    write_layers(wm.lagen, {"incidenten": incidents}, synthetic=True, description="test")
    # the fabricated gelegenheid run has no indicator descriptions in a verantwoording: add one
    doc = {"soort": "gelegenheid", "synthetisch": True, "invoer": [
        {"laag": "bedrijventerreinen", "datum": "2025-01-02T00:00:00"}],
        "themas": {"bedrijventerreinen": {"label": "Bedrijventerreinen", "indicatoren": [
            {"naam": "oost", "label": "Ligging oost", "toelichting": "Test.", "gewicht": 2.0,
             "richting": "positief"}]}}}
    run_dir = wm.run_parent(area.id, "gelegenheid") / "v0001"
    (run_dir / "kaartverantwoording.json").write_text(json.dumps(doc), encoding="utf-8")
    build_risico(wm, area, cellsize=200.0)
    build_geleerd(wm, area, n_bootstrap=5)
    table = build_evaluatie(wm, area, split=date(2025, 1, 1)).tables["evaluatie"]

    out = tmp_path / "publicatie"
    json_path, md_path, entry = write_algoritmeregister(wm, area, out, organisatie="Gemeente Venlo")
    assert json_path == out / f"algoritmeregister_{area.id}.json"
    stored = json.loads(json_path.read_text(encoding="utf-8"))
    assert stored == entry
    for key in REQUIRED:
        assert stored[key], key
    assert stored["organisatie"] == "Gemeente Venlo"
    marker = PLACEHOLDER.split(":")[0]
    assert stored["status"].startswith(marker) and stored["wettelijke_basis"].startswith(marker)
    assert stored["impacttoets"]["dpia"].startswith(marker)
    assert stored["synthetisch"] is True
    tech = stored["technische_werking"]
    assert tech["indicatoren"][0]["indicator"] == "Ligging oost"
    names = [c["indicator"] for c in tech["geleerde_gewichten"]["relatief_risico"]]
    assert names == ["bedrijventerreinen:oost", "bedrijventerreinen:ruis"]
    results = pd.DataFrame(tech["evaluatie"]["resultaten"])
    assert len(results) == len(table)
    assert results["pai"].tolist() == [round(v, 2) for v in table["pai"]]
    text = json_path.read_text(encoding="utf-8")
    assert "INC0" not in text and "politie" not in text.replace("Politie", "")
    assert "incidenten (vertrouwelijk" in text

    md = md_path.read_text(encoding="utf-8")
    for heading in ("## Korte omschrijving", "## Doel en impact", "## Afwegingen",
                    "## Menselijke tussenkomst", "## Risicobeheer", "## Wettelijke basis",
                    "## Impacttoetsen", "## Technische werking", "### Evaluatie",
                    "### Geleerde gewichten"):
        assert heading in md
    assert md.count(marker) >= 8
    assert "synthetische demodata" in md
