"""Issue 11 item 6: formula (CSV) injection in every export.

Object names such as ``=HYPERLINK(...)`` came out unchanged in plan.csv and as live formula
cells in plan.xlsx; a leading tab stripped on import turned tab + ``=1+1`` into a formula.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from geo.export.tabular import (
    FORMULA_TRIGGERS,
    is_formula_like,
    neutralise_cell,
    neutralise_frame,
    restore_cell,
)
from geo.layers._normalise import to_text
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run
from kaart.cli import app

PAYLOADS = ['=HYPERLINK("http://x","klik")', "=cmd|' /C calc'!A0", "+SUM(1,2)",
            "@SUM(1,2)", "\t=1+1", "\r=1+1", "-2+3"]
REGIO = "Maastricht-Heuvelland"


def test_neutralise_cell_prefixes_every_trigger_and_keeps_numbers():
    for payload in PAYLOADS:
        assert neutralise_cell(payload) == "'" + payload
        assert restore_cell(neutralise_cell(payload)) == payload
    assert neutralise_cell("Park de Berg") == "Park de Berg"
    assert neutralise_cell(-3.5) == -3.5 and neutralise_cell(None) is None
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_csv_cell_with_carriage_return_cannot_start_a_row(tmp_path):
    from geo.export.tabular import write_safe_csv

    write_safe_csv(pd.DataFrame({"naam": ["\r=1+1", "a\nb"], "n": [1, -2]}),
                   tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [["naam", "n"], ["'\r=1+1", "1"], ["a\nb", "-2"]]


def test_neutralise_frame_leaves_numeric_columns_alone():
    frame = pd.DataFrame({"naam": ["=1+1", "gewoon"], "score": [-0.5, 2.0]})
    safe = neutralise_frame(frame)
    assert safe["naam"].tolist() == ["'=1+1", "gewoon"]
    assert safe["score"].tolist() == [-0.5, 2.0]
    assert frame["naam"][0] == "=1+1"  # input not changed in place


def test_leading_tab_is_not_stripped_into_a_formula_on_import():
    text, _ = to_text(pd.Series(["\t=1+1", "  Park  ", "\r\n@SUM(1,2)"], dtype=object))
    assert not text[0].startswith("=") and not text[2].startswith("@")
    assert is_formula_like(text[0]) and is_formula_like(text[2])  # export will neutralise
    assert text[1] == "Park"


@pytest.fixture
def plan_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("KAART_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAART_GEEN_VOORTGANG", "1")
    werkmap = Werkmap.open(tmp_path / "wm")
    area = select_area(regio=REGIO)
    objects = synthetic_objects(area.gemeenten, 60, seed=5)
    objects["naam"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(objects))]
    write_synthetic_run(werkmap, area.id, objects)
    result = CliRunner().invoke(app, ["plan", "--regio", REGIO, "--aantal", "12", "--datum",
                                      "2026-11-23", "--seed", "3", "--min-afstand", "300",
                                      "--werkmap", str(werkmap.root), "--json"])
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return werkmap.plannen / payload["plan_id"]


def _formula_cells(rows: list[list[str]]) -> list[str]:
    found = []
    for row in rows:
        for cell in row:
            if is_formula_like(cell):
                try:
                    float(cell.replace(",", "."))
                except ValueError:
                    found.append(cell)
    return found


def test_plan_csv_has_no_formula_cells(plan_dir):
    with open(plan_dir / "plan.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    names = [row[rows[0].index("naam")] for row in rows[1:]]
    assert any(n.startswith("'") for n in names), names  # the payloads really are in the plan
    assert _formula_cells(rows) == []
    assert {restore_cell(n) for n in names} <= set(PAYLOADS)


def test_plan_xlsx_never_holds_a_formula(plan_dir):
    workbook = load_workbook(plan_dir / "plan.xlsx")
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if is_formula_like(cell.value):
                    seen += 1
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert seen > 0  # payload names are there, as text
    names = pd.read_excel(plan_dir / "plan.xlsx", sheet_name="plan")["naam"]
    # value itself unchanged in XLSX (XML reads a bare CR back as LF)
    assert set(names) <= {p.replace("\r", "\n") for p in PAYLOADS}


def test_gebied_analyseren_csv_rule_comes_from_python():
    from maps.builder import gebied_csv_config

    config = gebied_csv_config("GM0981")
    assert config["formulaTriggers"] == list(FORMULA_TRIGGERS)
    script = (pytest.importorskip("maps.assets").ASSET_DIR / "kaart.js").read_text()
    assert "formulaTriggers" in script
