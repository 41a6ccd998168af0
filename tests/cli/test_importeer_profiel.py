"""``kaart importeer ... --profiel/--kolom/--vast/--proef`` and ``kaart profielen``."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.layers import read_layers
from geo.layers._store import layer_metadata
from kaart.cli import app

# the real source files: $KAART_ECHT_DATA, else ../shared/data/echt beside the checkout
ECHT = Path(os.environ.get("KAART_ECHT_DATA",
                           Path(__file__).resolve().parents[2].parent / "shared/data/echt"))
IBIS = ECHT / "ibis_rijssen_holten" / "IBIS_BEDRIJVENTERREINEN_rijssen_holten_2017.geojson"
CAMPINGS = ECHT / "osm_campsites_nl" / "osm_campsites_caravansites_limburg.geojson"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")


def run(*args: str):
    return CliRunner().invoke(app, [*args, "--json"])


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"echte brondata ontbreekt: {path}")
    return path


def test_profielen_lists_the_shipped_profiles():
    result = run("profielen")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    names = {row["profiel"]: row for row in data["profielen"]}
    assert {"ibis", "osm-camping", "osm-verzorgingsplaats", "cbs-gemeenten"} <= set(names)
    assert names["osm-camping"]["soort"] == "vakantieparken"


def test_proef_writes_nothing(tmp_path):
    result = run("importeer", "vakantieparken", str(needs(CAMPINGS)), "--profiel", "osm-camping",
                 "--proef", "--werkmap", str(tmp_path / "wm"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["proef"] is True and data["aantal"] == 250 and data["geschreven"] == []
    known = {row["kolom"]: row["bekend"] for row in data["kolommen"]}
    assert known["id"] == 250 and known["vitaliteit"] == 0 and known["aantal_eenheden"] == 10
    assert len(data["rijen"]) == 5
    assert not (tmp_path / "wm").exists()


def test_import_with_profile_records_provenance(tmp_path):
    wm = tmp_path / "wm"
    result = run("importeer", "vakantieparken", str(needs(CAMPINGS)), "--profiel", "osm-camping",
                 "--werkmap", str(wm))
    assert result.exit_code == 0, result.output
    layer = read_layers(wm / "invoer" / "lagen.gpkg")["vakantieparken"]
    assert len(layer) == 250 and layer["vitaliteit"].isna().all()
    meta = layer_metadata(wm / "invoer" / "lagen.gpkg")["vakantieparken"]
    assert meta["profiel"] == "osm-camping" and meta["licentie"] == "ODbL 1.0"
    assert meta["attributie"] == "© OpenStreetMap-bijdragers, ODbL"
    assert meta["punten_straal_m"] == "100"


def test_mapping_error_writes_nothing(tmp_path):
    wm = tmp_path / "wm"
    ok = run("importeer", "vakantieparken", str(needs(CAMPINGS)), "--profiel", "osm-camping",
             "--werkmap", str(wm))
    assert ok.exit_code == 0
    gpkg = wm / "invoer" / "lagen.gpkg"
    before = gpkg.read_bytes()
    result = CliRunner().invoke(app, ["importeer", "bedrijventerreinen", str(needs(IBIS)),
                                      "--profiel", "ibis", "--kolom", "naam=BEDRIJFNAAM",
                                      "--werkmap", str(wm)])
    assert result.exit_code != 0
    assert "bronkolom 'BEDRIJFNAAM' ontbreekt" in result.output
    assert "ibis.yaml + --kolom naam=BEDRIJFNAAM" in result.output
    assert "Bedoelde je 'BEDRIJVENT'" in result.output
    assert gpkg.read_bytes() == before


def test_malformed_kolom_option(tmp_path):
    result = CliRunner().invoke(app, ["importeer", "bedrijventerreinen", str(needs(IBIS)),
                                      "--kolom", "RINNUMMER", "--werkmap", str(tmp_path)])
    assert result.exit_code != 0 and "verwacht doel=bron" in result.output


def test_gelegenheid_on_imported_osm_campings_says_it_rests_on_unknowns(tmp_path):
    """Done-when of issue 12: a real layer imports with one command and a map builds on it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "tiny_werkmap_cli", Path(__file__).parents[1] / "geo" / "export" / "tiny_werkmap.py")
    tiny = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tiny)
    wm = tiny.make_tiny_werkmap(tmp_path / "wm")
    imported = run("importeer", "vakantieparken", str(needs(CAMPINGS)), "--profiel",
                   "osm-camping", "--werkmap", str(wm))
    assert imported.exit_code == 0, imported.output
    result = CliRunner().invoke(app, ["gelegenheid", "--gemeente", "Vaals", "--celgrootte",
                                      "100", "--werkmap", str(wm)])
    assert result.exit_code == 0, result.output
    assert "De kaart vakantieparken rust grotendeels op onbekende waarden" in result.output
