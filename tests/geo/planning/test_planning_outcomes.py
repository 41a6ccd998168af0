"""Outcome import: CSV/XLSX, header variants, and Dutch errors naming row/column/value."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo.errors import InputFileError, SchemaError
from geo.planning.outcomes import read_outcomes, validate_outcomes

HEADER = "datum;thema;object;uitgevoerd;bevindingen;vervolg\n"


def _csv(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "uitkomsten.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_valid_csv_is_normalised(tmp_path):
    path = _csv(tmp_path, "2026-11-23;buitengebied;BG1;ja;Hennep, milieu;bestuurlijke_maatregel\n"
                          "24-11-2026;Havens;HV2;nee;geen;geen\n")
    table = read_outcomes(path)
    assert table["rij"].tolist() == [2, 3]
    assert table["datum"].tolist() == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert table["thema"].tolist() == ["buitengebied", "havens"]
    assert table["bevindingen"].tolist() == ["hennep;milieu", "geen"]
    assert table["uitgevoerd"].tolist() == [True, False]


@pytest.mark.parametrize(("line", "pattern"), [
    ("2026-11-31;buitengebied;BG1;ja;geen;geen", r"rij 2, kolom 'datum', waarde '2026-11-31'"),
    ("9999-01-01;buitengebied;BG1;ja;geen;geen", r"kolom 'datum'.*tussen 2000 en 2100"),
    ("2026-11-23;bossen;BG1;ja;geen;geen", r"rij 2, kolom 'thema', waarde 'bossen'"),
    ("2026-11-23;buitengebied;BG1;misschien;geen;geen", r"kolom 'uitgevoerd', waarde 'misschien'"),
    ("2026-11-23;buitengebied;BG1;ja;wapens;geen", r"onbekende bevinding 'wapens'"),
    ("2026-11-23;buitengebied;BG1;ja;geen;hennep", r"kolom 'vervolg', waarde 'hennep'"),
    ("2026-11-23;buitengebied;BG1;ja;;geen", r"kolom 'bevindingen'.*vul 'geen' in"),
    ("2026-11-23;buitengebied;BG1;ja;geen;hennep,drugslab", r"kolom 'vervolg'"),
    ("2026-11-23;buitengebied;BG1;nee;hennep;geen", r"rij 2: .*niet-uitgevoerde controle"),
    ("2026-11-23;buitengebied;BG1;ja;geen,hennep;geen", r"'geen' kan niet samen"),
])
def test_invalid_values_name_row_column_and_value(tmp_path, line, pattern):
    path = _csv(tmp_path, "2026-11-20;buitengebied;BG0;ja;geen;geen\n" + line + "\n")
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=pattern) as info:
        read_outcomes(path)
    assert "uitkomsten.csv" in info.value.message
    assert "niets opgeslagen" in info.value.message


def test_missing_columns_are_named(tmp_path):
    path = _csv(tmp_path, "2026-11-23;BG1\n", header="datum;object\n")
    with pytest.raises(SchemaError, match="thema, uitgevoerd, bevindingen, vervolg"):
        read_outcomes(path)


def test_duplicate_control_is_refused(tmp_path):
    path = _csv(tmp_path, "2026-11-23;buitengebied;BG1;ja;geen;geen\n"
                          "2026-11-23;buitengebied;BG1;ja;hennep;geen\n")
    with pytest.raises(SchemaError, match="rij 3: object 'BG1'.*dubbel"):
        read_outcomes(path)


def test_filled_in_draaiboek_xlsx_skips_rows_without_outcome(tmp_path):
    frame = pd.DataFrame({
        "volgorde": [1, 2], "plan": ["p1", "p1"], "object": ["BG1", "BG2"],
        "thema": ["buitengebied", "buitengebied"], "gemeente": ["Vaals", "Vaals"],
        "datum controle": [dt.datetime(2026, 11, 23), None], "uitgevoerd": ["ja", None],
        "bevindingen": ["drugslab", None], "vervolg": ["strafrechtelijk", None]})
    path = tmp_path / "plan.xlsx"
    frame.to_excel(path, index=False)
    table = read_outcomes(path)
    assert table["object_id"].tolist() == ["BG1"]
    assert table["plan_id"].tolist() == ["p1"]
    assert table["datum"].tolist() == [dt.date(2026, 11, 23)]


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="bestaat niet"):
        read_outcomes(tmp_path / "weg.csv")
    (tmp_path / "x.txt").write_text("a")
    with pytest.raises(InputFileError, match="onbekend formaat '.txt'"):
        read_outcomes(tmp_path / "x.txt")


def test_many_errors_are_counted():
    raw = pd.DataFrame({"datum": ["x"] * 25, "thema": "buitengebied", "object": "B",
                        "uitgevoerd": "ja", "bevindingen": "geen", "vervolg": "geen"})
    with pytest.raises(SchemaError, match=r"\(en nog 5\)"):
        validate_outcomes(raw)
