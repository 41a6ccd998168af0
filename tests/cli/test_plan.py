"""End to end: kaart plan → fill in the draaiboek → kaart uitkomsten importeer → next plan."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from geo.export.tabular import read_safe_csv
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run
from kaart.cli import app

REGIO = "Maastricht-Heuvelland"


@pytest.fixture
def wm(tmp_path, monkeypatch):
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAART_GEEN_VOORTGANG", "1")
    werkmap = Werkmap.open(tmp_path / "wm")
    area = select_area(regio=REGIO)
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 300, seed=5))
    return werkmap


def _run(*args):
    result = CliRunner().invoke(app, [*args, "--json"])
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return result.exit_code, payload


def _plan(wm, datum, seed=3, aantal=8):
    code, payload = _run("plan", "--regio", REGIO, "--aantal", str(aantal), "--datum", datum,
                         "--seed", str(seed), "--min-afstand", "300", "--werkmap", str(wm.root))
    assert code == 0, payload
    return payload


def test_plan_import_and_next_plan_end_to_end(wm, tmp_path):
    first = _plan(wm, "2026-11-23")
    assert first["aantal"] == 8 and first["synthetisch"] is True
    assert first["exploratie"] == 2  # 20% of 8, rounded
    directory = wm.plannen / first["plan_id"]
    assert {p.name for p in directory.iterdir()} == {"plan.csv", "plan.xlsx", "plan.geojson",
                                                     "plan.html"}
    assert {w["soort"] for w in first["geschreven"]} == {"csv", "xlsx", "geojson", "html"}
    again = _plan(wm, "2026-11-23")
    assert again["plan_id"] == first["plan_id"] + "-2"
    assert again["keuzes"] == first["keuzes"]  # deterministic for a seed

    # the team fills in the draaiboek: something found at the three best-ranked picks
    table = pd.read_csv(directory / "plan.csv", sep=";", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    best = table["verwachte trefkans"].str.replace(",", ".").astype(float).rank(ascending=False,
                                                         method="first") <= 3
    table["datum controle"] = "2026-11-24"
    table["uitgevoerd"] = "ja"
    table["bevindingen"] = ["hennep" if b else "geen" for b in best]
    table["vervolg"] = ["bestuurlijke_maatregel" if b else "geen" for b in best]
    found = {f"{t}:{o}" for t, o, b in zip(table["thema"], table["object"], best, strict=True)
             if b}
    filled = tmp_path / "ingevuld.xlsx"
    table.to_excel(filled, index=False)
    code, payload = _run("uitkomsten", "importeer", str(filled), "--werkmap", str(wm.root))
    assert code == 0, payload
    assert payload["aantal"] == 8 and payload["met_bevinding"] == 3
    assert payload["gekoppeld_aan_plan"] == 8

    # importing the same file again stores nothing (one transaction)
    code, payload = _run("uitkomsten", "importeer", str(filled), "--werkmap", str(wm.root))
    assert code == 2 and "al geregistreerd" in payload["fout"]["melding"]
    bad = tmp_path / "fout.csv"
    bad.write_text("datum;thema;object;uitgevoerd;bevindingen;vervolg\n"
                   f"2026-11-30;{table['thema'][0]};{table['object'][0]};ja;geen;geen\n"
                   f"2026-11-30;{table['thema'][1]};{table['object'][1]};ja;wapens;geen\n",
                   encoding="utf-8")
    code, payload = _run("uitkomsten", "importeer", str(bad), "--werkmap", str(wm.root))
    assert code == 2
    assert "rij 3, kolom 'bevindingen', waarde 'wapens'" in payload["fout"]["melding"]

    code, report = _run("uitkomsten", "rapport", "--regio", REGIO, "--werkmap", str(wm.root))
    assert code == 0
    rows = {(r["thema"], r["soort_keuze"]): r for r in report["rijen"]}
    assert sum(r["uitgevoerd"] for r in rows.values()) == 8  # the failed imports added none
    assert sum(r["treffers"] for r in rows.values()) == 3

    labels = tmp_path / "labels.csv"
    code, payload = _run("uitkomsten", "labels", str(labels), "--regio", REGIO,
                         "--werkmap", str(wm.root))
    assert code == 0
    training = read_safe_csv(labels)
    assert len(training) == 8 and training["label"].sum() == 3
    kans = {k["object"]: k["selectiekans"] for k in first["keuzes"]}
    expected = [1 / kans[f"{t}:{o}"] for t, o in zip(training["thema"], training["object_id"],
                                                       strict=True)]
    assert training["sample_weight"].tolist() == pytest.approx(expected)

    # the next plan: recently controlled objects are excluded, so the picks change
    second = _plan(wm, "2026-12-07")
    before = {k["object"] for k in first["keuzes"]}
    after = {k["object"] for k in second["keuzes"]}
    assert not before & after

    # after the exclusion window the relearned yields shift the picks: the objects where
    # something was found come back with a higher expected yield, the others score lower
    later = _plan(wm, "2027-07-05")
    expected_before = {k["object"]: k["verwachte_trefkans"] for k in first["keuzes"]}
    expected_later = {k["object"]: k["verwachte_trefkans"] for k in later["keuzes"]}
    assert found <= set(expected_later)
    for key in found:
        assert expected_later[key] > expected_before[key]
    for key in (before - found) & set(expected_later):
        assert expected_later[key] < expected_before[key]


def test_plan_errors_are_dutch(wm):
    code, payload = _run("plan", "--regio", "Atlantis", "--werkmap", str(wm.root))
    assert code == 2 and "bestaat niet" in payload["fout"]["melding"]
    code, payload = _run("plan", "--regio", REGIO, "--start", "abc", "--werkmap", str(wm.root))
    assert code == 2 and "lengtegraad,breedtegraad" in payload["fout"]["melding"]
    code, payload = _run("plan", "--gemeente", "Heerlen", "--werkmap", str(wm.root))
    assert code == 4 and "Geen gelegenheidskaart" in payload["fout"]["melding"]


def test_help_is_dutch():
    result = CliRunner().invoke(app, ["plan", "--help"])
    assert result.exit_code == 0 and "controleplan" in result.stdout
    result = CliRunner().invoke(app, ["uitkomsten", "importeer", "--help"])
    assert "alles of niets" in result.stdout


def test_plan_action_day_three_teams(wm):
    code, payload = _run("plan", "--regio", REGIO, "--aantal", "12", "--datum", "2026-12-07",
                         "--teams", "3", "--start", "08:00", "--eind", "17:00",
                         "--min-afstand", "300", "--werkmap", str(wm.root))
    assert code == 0, payload
    stops = payload["keuzes"]
    assert {s["team"] for s in stops} <= {1, 2, 3} and {s["dag"] for s in stops} == {1}
    assert all("2026-12-07T08:00" <= s["aankomst"] <= s["vertrek"] <= "2026-12-07T17:00"
               for s in stops)
    assert all(s["navigatie"].startswith("geo:") for s in stops)
    assert len({s["object"] for s in stops}) == len(stops)
