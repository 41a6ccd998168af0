"""``kaart gelegenheid`` end to end on a tiny synthetic werkmap (100 m cells)."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaart.cli import app

_HELPER = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"


def _tiny():
    spec = importlib.util.spec_from_file_location("tiny_werkmap_cli", _HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")


@pytest.fixture(scope="module")
def lagen(tmp_path_factory):
    return _tiny().make_tiny_werkmap(tmp_path_factory.mktemp("tiny")) / "invoer" / "lagen.gpkg"


@pytest.fixture
def wm(tmp_path, lagen):
    target = tmp_path / "wm" / "invoer" / "lagen.gpkg"
    target.parent.mkdir(parents=True)
    shutil.copy(lagen, target)
    return tmp_path / "wm"


def run(*args):
    return CliRunner().invoke(app, ["gelegenheid", *args])


def test_json_lists_files_that_exist(wm):
    result = run("--gemeente", "Vaals", "--celgrootte", "100", "--werkmap", str(wm), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] and payload["commando"] == "gelegenheid"
    paths = [Path(item["pad"]) for item in payload["geschreven"]]
    # 12 analyst files + per map COG a Web Mercator serving copy (geo.export.webcog) and for
    # QGIS a class COG, its .aux.xml and two .qml styles (geo.export.cog.write_qgis_copies)
    assert len(paths) == 37 and all(p.is_file() for p in paths)
    assert sum(p.name.endswith(".web.tif") for p in paths) == 5
    assert sum(p.name.endswith(".klasse.tif") for p in paths) == 5
    assert sum(p.name.endswith(".qml") for p in paths) == 10
    assert all(p.parent == wm.resolve() / "kaarten/GM0981/gelegenheid/v0001" for p in paths)
    assert sorted(payload["kaart_ids"]) == sorted(
        f"GM0981-gelegenheid-{t}" for t in
        ["bedrijventerreinen", "buitengebied", "havens", "totaal", "vakantieparken"])
    assert payload["aantallen"] == {"gebieden": 1, "bestanden": 37, "kaarten": 5, "objecten": 7}
    assert payload["synthetisch"] is True
    (top,) = payload["top_objecten"]["havens"]
    assert top["id"] == "HV0" and top["gemeentenaam"] == "Vaals" and 1 <= top["klasse"] <= 5
    assert payload["runs"][0]["objecten"]["buitengebied"] == 3
    catalog = json.loads((wm / "kaarten" / "catalogus.json").read_text(encoding="utf-8"))
    assert len(catalog["kaarten"]) == 5


def test_dutch_summary_with_top_objects(wm):
    result = run("--gemeente", "GM0981", "--celgrootte", "100", "--werkmap", str(wm))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Gelegenheidskaarten Vaals" in out
    assert "Synthetische demodata" in out
    assert "Bedrijventerreinen — hoogste objectscores:" in out
    assert "1. Terrein GM0981-" in out and "(Vaals): score " in out
    assert "37 bestanden geschreven" in out


def test_per_gemeente(wm):
    result = run("--gemeente", "Vaals", "--gemeente", "Gulpen-Wittem", "--per-gemeente",
                 "--celgrootte", "100", "--werkmap", str(wm), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r["gebied_id"] for r in payload["runs"]] == ["GM0981", "GM1729"]
    assert payload["aantallen"]["kaarten"] == 10
    assert {row["gemeentenaam"] for row in payload["top_objecten"]["havens"]} == {
        "Vaals", "Gulpen-Wittem"}


def test_unknown_gemeente_suggests(wm):
    result = run("--gemeente", "Vals", "--werkmap", str(wm), "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["fout"]
    assert error["code"] == "gebied_onbekend"
    assert "Gemeente 'Vals' bestaat niet." in error["melding"]
    assert "Bedoelde je: Vaals" in error["melding"]
    assert not (wm / "kaarten").exists()


def test_missing_layers_file(tmp_path):
    result = run("--gemeente", "Vaals", "--werkmap", str(tmp_path / "leeg"),
                 "--lagen", str(tmp_path / "bestaat_niet.gpkg"))
    assert result.exit_code == 2
    assert "Lagenbestand" in result.stderr and "bestaat niet" in result.stderr
    assert "kaart demo" in result.stderr


def test_bad_cellsize(wm):
    result = run("--gemeente", "Vaals", "--celgrootte", "2", "--werkmap", str(wm), "--json")
    assert result.exit_code == 2
    assert "Celgrootte 2" in json.loads(result.stdout)["fout"]["melding"]


@pytest.mark.slow
def test_dask_local_gives_same_objects(wm):
    local = json.loads(run("--gemeente", "Vaals", "--celgrootte", "100", "--werkmap", str(wm),
                           "--json").stdout)
    result = run("--gemeente", "Vaals", "--celgrootte", "100", "--werkmap", str(wm),
                 "--dask", "local", "--json")
    assert result.exit_code == 0, result.output
    dask = json.loads(result.stdout)
    assert dask["runs"][0]["versie"] == 2
    assert dask["top_objecten"] == local["top_objecten"]
    assert dask["runs"][0]["klassegrenzen"] == local["runs"][0]["klassegrenzen"]


def test_a_failing_command_does_not_leave_a_new_werkmap_behind(tmp_path):
    """Issue 14 item 10: ``--werkmap /bestaat/niet`` created the folder although it failed."""
    target = tmp_path / "bestaat" / "niet"
    result = run("--werkmap", str(target), "--gemeente", "Vaals")
    assert result.exit_code != 0 and "Fout" in result.output
    assert not (tmp_path / "bestaat").exists()


def test_land_builds_one_country_map(wm):
    """``--land``: the whole country (342 gemeenten) as one area, ``land-nederland``; at
    500 m cells so it stays small (objects only in Vaals and Gulpen-Wittem)."""
    result = run("--land", "--celgrootte", "500", "--werkmap", str(wm), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["gebied"] == {"id": "land-nederland", "naam": "Nederland", "soort": "land"}
    (only,) = payload["runs"]
    assert only["gebied_id"] == "land-nederland" and only["versie"] == 1
    assert only["cellen"] > 140_000  # ~35,000 km² of land at 0.25 km² a cell
    assert "land-nederland-gelegenheid-totaal" in payload["kaart_ids"]
    catalog = json.loads((wm / "kaarten" / "catalogus.json").read_text(encoding="utf-8"))
    entry = next(e for e in catalog["kaarten"] if e["kaart_id"] ==
                 "land-nederland-gelegenheid-totaal")
    assert len(entry["gemeenten"]) == 342


def test_land_and_another_area_is_refused_in_dutch(wm):
    result = run("--land", "--provincie", "Limburg", "--werkmap", str(wm), "--json")
    assert result.exit_code == 2
    assert "Kies precies één gebied" in json.loads(result.stdout)["fout"]["melding"]
    help_text = CliRunner().invoke(app, ["gelegenheid", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--land" in help_text and "Heel Nederland" in help_text
