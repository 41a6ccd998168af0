"""services/: one workflow for the CLI and the API (plan, outcomes, demo steps).

Real SQLite database in the werkmap, real SYNTHETIC scored objects, real plan files.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from geo.errors import InvalidRequestError, SchemaError
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run
from kaart.cli import app
from services import outcomes, plans
from services.demo import DEMO_REGIO, _steps
from services.store import werkmap_database

REGIO = "Maastricht-Heuvelland"
DATUM = dt.date(2026, 11, 23)


@pytest.fixture
def wm(tmp_path, monkeypatch) -> Werkmap:
    """A werkmap with SYNTHETIC scored objects for the region and its own SQLite database."""
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    werkmap = Werkmap.open(tmp_path / "wm")
    area = select_area(regio=REGIO)
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 200, seed=4))
    return werkmap


def _create(werkmap: Werkmap, **extra):
    steps: list[tuple[int, int, str]] = []
    with werkmap_database(werkmap) as sessions, sessions() as session:
        created = plans.create_plan(
            session, werkmap, select_area(regio=REGIO), datum=DATUM, seed=2,
            overrides={"aantal": 6, "exploratie_aandeel": None},
            progress=lambda *step: steps.append(step), **extra)
    return created, steps


def test_create_plan_writes_stores_and_reports_progress(wm):
    created, steps = _create(wm)
    assert [(done, total) for done, total, _ in steps] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert all(text.startswith("Plan voor Maastricht-Heuvelland") for *_, text in steps)
    assert created.directory == wm.plannen / created.run.plan_id
    assert sorted(created.files) == ["csv", "geojson", "html", "xlsx"]
    assert all(path.is_file() and path.parent == created.directory
               for path in created.files.values())
    assert [item["soort"] for item in created.geschreven] == ["csv", "xlsx", "geojson", "html"]
    assert all(item["aantal"] == 6 for item in created.geschreven)
    with werkmap_database(wm) as sessions, sessions() as session:
        stored = session.get(plans.Plan, created.run.plan_id)
        assert stored is not None and stored.aantal == 6
        assert len(stored.keuzes) == 6


def test_cli_plan_and_service_plan_are_the_same_workflow(wm):
    """``kaart plan`` with the same inputs gives the same picks as the service (and a new id)."""
    created, _ = _create(wm)
    result = CliRunner().invoke(app, [
        "plan", "--regio", REGIO, "--aantal", "6", "--datum", DATUM.isoformat(), "--seed", "2",
        "--werkmap", str(wm.root), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["plan_id"] == created.run.plan_id + "-2"
    assert [k["object"] for k in payload["keuzes"]] == list(created.run.result.picks["sleutel"])
    assert [w["soort"] for w in payload["geschreven"]] == ["csv", "xlsx", "geojson", "html"]


def test_bad_override_is_a_dutch_error_before_anything_is_written(wm):
    with pytest.raises(InvalidRequestError, match="aantal"):
        plans.create_plan(None, wm, select_area(regio=REGIO), datum=DATUM, overrides={"aantal": 0})
    assert not wm.plannen.exists() or not any(wm.plannen.iterdir())


def test_outcomes_from_file_and_rows_are_stored_once_and_reported(wm, tmp_path):
    created, _ = _create(wm)
    picks = created.run.result.picks
    first, second = picks.iloc[0], picks.iloc[1]
    rows = [{"datum": "2026-11-24", "thema": first["thema"], "object": first["object_id"],
             "uitgevoerd": "ja", "bevindingen": "hennep", "vervolg": "geen",
             "plan": created.run.plan_id}]
    csv = tmp_path / "uitkomsten.csv"
    pd.DataFrame([{**rows[0], "object": second["object_id"], "thema": second["thema"],
                   "bevindingen": "geen"}]).to_csv(csv, index=False)
    with werkmap_database(wm) as sessions, sessions() as session:
        from_rows = outcomes.import_outcome_rows(
            session, rows, ["datum", "thema", "object", "uitgevoerd", "bevindingen", "vervolg",
                            "plan"], bron="api")
        from_file = outcomes.import_outcome_file(session, csv, bron="cli")
        with pytest.raises(SchemaError, match="rij 2, kolom 'vervolg'"):  # nothing stored
            outcomes.import_outcome_rows(session, rows + [{**rows[0], "vervolg": "boete"}],
                                         list(rows[0]), bron="api")
        report = outcomes.outcome_report(session, select_area(regio=REGIO).codes,
                                         periode="maand")
    assert from_rows == outcomes.ImportedOutcomes(1, 1, 1, 1)
    assert from_file == outcomes.ImportedOutcomes(1, 1, 0, 1)
    assert int(report["uitgevoerd"].sum()) == 2 and int(report["treffers"].sum()) == 1
    assert all(isinstance(r["trefkans"], float) for r in outcomes.report_rows(report))


def test_upload_refuses_other_formats_and_large_files(wm):
    with werkmap_database(wm) as sessions, sessions() as session:
        with pytest.raises(InvalidRequestError, match=r"\.csv- of \.xlsx") as error:
            outcomes.import_outcome_upload(session, "../../etc/passwd", b"x", bron="api")
        assert error.value.details["bestand"] == "../../etc/passwd"
        with pytest.raises(InvalidRequestError, match="groter dan 5 MB"):
            outcomes.import_outcome_upload(session, "u.csv", b"x" * (outcomes.MAX_UPLOAD + 1),
                                           bron="api")
        with pytest.raises(InvalidRequestError, match="Periode 'week'"):
            outcomes.outcome_report(session, None, periode="week")


def test_demo_steps_are_the_commands_in_order(tmp_path):
    steps = _steps(Werkmap.open(tmp_path / "wm"))
    names = [step.stap for step in steps]
    region = select_area(regio=DEMO_REGIO)
    assert names == ["gelegenheid", "risico", *["gecombineerd"] * len(region.codes), "html",
                     "plan"]
    assert steps[0].beschrijving == "Gelegenheidskaarten (31 gemeenten, 25 m)"
    assert steps[-1].beschrijving == f"ACT!-plan {DEMO_REGIO}"
    assert [step.units for step in steps] == [31, 31, *[1] * len(region.codes), 1, 1]
