"""Issue 11 item 9: CSV files as Dutch Excel saves them are accepted.

Failure reproduced: a CSV saved by Excel as "CSV (gescheiden door lijstscheidingsteken)"
(cp1252, semicolons, decimal commas) or as "Unicode-tekst" (UTF-16 with BOM, tabs) was
refused with a raw codec message ("'utf-8' codec can't decode byte 0x80 ...").
Detection: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8, then cp1252;
anything else is a Dutch error naming the file and where the text is unreadable.
All data is synthetic.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from geo.errors import InputFileError
from geo.layers._io import read_source
from kaart.cli import app

ROWS = [
    ["id", "naam", "datum", "soort", "bron", "vertrouwelijk", "lon", "lat"],
    ["M1", "Café ‘De Gouden Leeuw’ €5", "2024-01-05", "melding", "gemeente", "nee",
     "5,9712", "50,7741"],
    ["M2", "Bühne – Schaesberg", "2024-02-11", "dumping", "gemeente", "nee", "5,9903",
     "50,7723"],
]


def _text(sep: str) -> str:
    return "\r\n".join(sep.join(row) for row in ROWS) + "\r\n"


@pytest.mark.parametrize(("name", "encoding", "sep", "bom"), [
    ("excel_csv_cp1252.csv", "cp1252", ";", b""),
    ("excel_unicode_tekst.txt", "utf-16-le", "\t", b"\xff\xfe"),
    ("utf16_be.txt", "utf-16-be", "\t", b"\xfe\xff"),
    ("excel_csv_utf8.csv", "utf-8", ";", b"\xef\xbb\xbf"),
    ("zonder_bom.csv", "utf-8", ",", b""),
])
def test_dutch_excel_encodings_are_read(tmp_path, name, encoding, sep, bom):
    path = tmp_path / name
    text = _text(sep) if sep != "," else _text(",").replace("5,97", "5.97").replace(
        "50,77", "50.77").replace("5,99", "5.99")
    path.write_bytes(bom + text.encode(encoding))
    frame, layer = read_source(path, None, "incidenten")
    assert layer is None
    assert frame["naam"].tolist() == [ROWS[1][1], ROWS[2][1]]
    assert frame["id"].tolist() == ["M1", "M2"]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.x.round(4).tolist() == [5.9712, 5.9903]


def test_unreadable_text_is_a_dutch_error(tmp_path):
    path = tmp_path / "kapot.csv"
    # 0x81 and 0x8d are undefined in cp1252 and invalid as UTF-8
    path.write_bytes(_text(";").encode("utf-8")[:40] + b"\x81\x8d\x90" + b";x\r\n")
    with pytest.raises(InputFileError) as caught:
        read_source(path, None, "incidenten")
    message = caught.value.message
    assert "kapot.csv" in message and "codering" in message
    assert "UTF-8" in message and "Windows-1252" in message
    assert "codec" not in message and "0x" not in message
    assert caught.value.details["regel"] == 1


def test_cli_imports_a_cp1252_file(tmp_path):
    path = tmp_path / "meldingen.csv"
    path.write_bytes(_text(";").encode("cp1252"))
    werkmap = tmp_path / "wm"
    result = CliRunner().invoke(app, ["importeer", "incidenten", str(path), "--werkmap",
                                      str(werkmap), "--json"])
    payload = json.loads(result.stdout)
    assert "codec" not in result.stdout
    assert payload["ok"] is True, payload


@pytest.mark.parametrize(("encoding", "sep", "bom"), [
    ("cp1252", ";", b""), ("utf-16-le", "\t", b"\xff\xfe")])
def test_outcomes_saved_by_dutch_excel_are_read(tmp_path, encoding, sep, bom):
    from geo.planning.outcomes import read_outcomes

    rows = [["datum", "thema", "object", "uitgevoerd", "bevindingen", "vervolg"],
            ["23-11-2026", "buitengebied", "BG1", "ja", "hennep", "geen"]]
    path = tmp_path / "uitkomsten.csv"
    path.write_bytes(bom + ("\r\n".join(sep.join(r) for r in rows) + "\r\n").encode(encoding))
    table = read_outcomes(path)
    assert table["object_id"].tolist() == ["BG1"] and table["uitgevoerd"].tolist() == [True]
