"""One CSV format for every CSV kaart writes (issue 14 item 11, Why item 10): separator ``;``,
decimal comma, UTF-8 with BOM, ``\\r\\n``, formula cells neutralised (geo/export/tabular.py).

The test enumerates the writers: (1) statically, no product module writes a CSV other than
through ``geo.export.tabular`` (no ``to_csv``, ``csv.writer``) and every file name the
product writes as CSV is known here; (2) it runs the writers of plan.csv, the objecten
download, veranderingen.csv and a learned run's tables (gewichten/evaluatie/objecttrefkansen
share the one call ``write_safe_csv(table, tmp)`` of geo/export/geleerd.py, checked in
tests/geo/export/test_risico_geleerd.py) and reads every file back as Dutch Excel would and
with ``read_safe_csv`` (what kaart's own readers, e.g. ``kaart plan``, use).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.export.tabular import (
    CSV_BOM,
    FORMULA_TRIGGERS,
    csv_bytes,
    read_safe_csv,
    write_safe_csv,
)
from geo.runs import EVALUATIE_FILE, GEWICHTEN_FILE, OBJECT_RATES_FILE

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("geo", "services", "api", "maps", "kaart")
HOSTILE = '=HYPERLINK("http://x";"klik")'
KNOWN_CSV_FILES = {GEWICHTEN_FILE, OBJECT_RATES_FILE, EVALUATIE_FILE, "veranderingen.csv",
                   "plan.csv"}
"""Every CSV file a run, plan or comparison writes (hand-written list)."""
OWN_TO_CSV = "object_table.to_csv"
"""api.object_table.to_csv: the objecten download, itself a csv_bytes call (tested below)."""
_POINT_NUMBER = re.compile(r"^-?\d+\.\d+(e-?\d+)?$")
_COMMA_NUMBER = re.compile(r"^-?\d+,\d+(e-?\d+)?$")


def check_dutch_csv(data: bytes, *, decimals: bool = True) -> list[list[str]]:
    """Rows of ``data`` after checking the one format; fails on a point decimal number or
    a live formula cell."""
    assert data.startswith(CSV_BOM.encode("utf-8")), data[:20]
    text = data[3:].decode("utf-8")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) >= 2 and len(rows[0]) >= 2, rows[:2]
    assert {len(r) for r in rows} == {len(rows[0])}
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if _POINT_NUMBER.match(c)], "decimale punt in een getal"
    if decimals:
        assert any(_COMMA_NUMBER.match(c) for c in cells), "geen decimale komma"
    live = [c for c in cells if c.startswith(FORMULA_TRIGGERS) and not _is_number(c)]
    assert live == [], live
    return rows


def _is_number(cell: str) -> bool:
    return bool(re.match(r"^-?\d+(,\d+)?(e-?\d+)?$", cell))


def test_the_rule_itself(tmp_path):
    frame = pd.DataFrame({"naam": [HOSTILE, "Café ëi"], "score": [0.9599, -0.5],
                          "aantal": [3, -2], "ja": [True, False], "leeg": [np.nan, 1.5]})
    write_safe_csv(frame, tmp_path / "t.csv")
    rows = check_dutch_csv((tmp_path / "t.csv").read_bytes())
    assert rows[1] == ["'" + HOSTILE, "0,9599", "3", "True", ""]
    assert rows[2] == ["Café ëi", "-0,5", "-2", "False", "1,5"]
    assert (tmp_path / "t.csv").read_bytes() == csv_bytes(frame)
    buffer = io.BytesIO()
    write_safe_csv(frame, buffer)
    assert buffer.getvalue() == csv_bytes(frame)
    back = read_safe_csv(tmp_path / "t.csv")
    assert back["naam"].tolist() == [HOSTILE, "Café ëi"]  # the prefix undone
    np.testing.assert_allclose(back["score"], [0.9599, -0.5])


def test_reading_a_csv_of_an_older_run(tmp_path):
    """objecttrefkansen.csv of a run written before the one format (',' and '.') is still
    read by kaart plan (geo.planning.feedback.read_object_rates)."""
    old = tmp_path / "objecttrefkansen.csv"
    old.write_text("thema,object_id,trefkans_geleerd\r\nbuitengebied,'-12,0.25\r\n",
                   encoding="utf-8")
    frame = read_safe_csv(old, dtype={"object_id": str})
    assert frame["object_id"].tolist() == ["-12"]
    np.testing.assert_allclose(frame["trefkans_geleerd"], [0.25])


def _calls(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                names.append(f"{owner}.{func.attr}")
    return names


def test_no_csv_is_written_outside_the_rule():
    offenders = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "geo" / "export" / "tabular.py":
                continue
            calls = _calls(ast.parse(path.read_text("utf-8")))
            bad = [c for c in calls if c.endswith(".to_csv") and c != OWN_TO_CSV or c in (
                "csv.writer", "csv.DictWriter")]
            if bad:
                offenders.append((str(path.relative_to(ROOT)), bad))
    assert offenders == []


def test_every_product_csv_name_is_known():
    named = set()
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            named |= set(re.findall(r'"([a-z_]+\.csv)"', path.read_text("utf-8")))
    readers_only = {"limburg_ibh_regios.csv", "cbs_kerncijfers_gemeenten_2015.csv"}
    downloads = {"gebied_analyse.csv"}  # the browser's CSV: maps/assets/kaart.js, below
    assert named - readers_only - downloads <= KNOWN_CSV_FILES, named
    checksums = json.loads((ROOT / "tests" / "output_checksums.json").read_text("utf-8"))
    demo = {Path(name).name for name in checksums["checksums"] if name.endswith(".csv")}
    assert demo <= KNOWN_CSV_FILES and demo


def test_browser_analysis_csv_uses_the_same_format():
    script = (ROOT / "maps" / "assets" / "kaart.js").read_text("utf-8")
    body = script[script.index("function toCsv("):]
    body = body[:body.index("\n  }\n")]
    assert 'join(";")' in body and '"\\ufeff"' in body and '"\\r\\n"' in body
    cell = script[script.index("function csvValue("):script.index("function objectsInside(")]
    assert 'replace(".", ",")' in cell


def test_plan_csv(tmp_path):
    from geo.export.plan import write_plan_csv

    table = pd.DataFrame({"object_id": ["BT0128", "-12"], "naam": ["Roholt 1", HOSTILE],
                          "score": [0.9599, 0.5], "klasse": [5, 4],
                          "aankomst": pd.to_datetime(["2026-12-07 08:30", "2026-12-07 09:00"])})
    path = write_plan_csv(table, tmp_path / "plan.csv")
    rows = check_dutch_csv(path.read_bytes())
    assert rows[1][:3] == ["BT0128", "Roholt 1", "0,9599"]
    back = read_safe_csv(path, dtype={"object_id": str})
    assert back["object_id"].tolist() == ["BT0128", "-12"]  # ids survive the round trip


def test_objecten_download():
    from api.object_table import to_csv

    table = pd.DataFrame({"id": ["A", "B"], "naam": [HOSTILE, "x"], "score": [0.25, 1.0]})
    rows = check_dutch_csv(to_csv(table))
    assert rows[1] == ["A", "'" + HOSTILE, "0,25"]


@pytest.fixture(scope="module")
def comparison_csv(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "services"))
    from report_data import build_v1, make_v2

    from services.versions import compare_versions, write_comparison

    werkmap = build_v1(tmp_path_factory.mktemp("csv") / "wm")
    make_v2(werkmap)
    target = tmp_path_factory.mktemp("uit")
    write_comparison(compare_versions(werkmap, "GM0981"), target)
    return target / "veranderingen.csv"


def test_veranderingen_csv(comparison_csv):
    check_dutch_csv(comparison_csv.read_bytes())
    table = read_safe_csv(comparison_csv)
    assert {"omhoog", "omlaag", "nieuw", "verdwenen"} <= set(table["verandering"])
