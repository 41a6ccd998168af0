"""CLI: kaart risico, gecombineerd, leer, evalueer, verantwoording (real files, --json)."""

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from kaart.cli import app

COMMANDS = ("risico", "gecombineerd", "leer", "evalueer", "verantwoording")


def load_helpers():
    path = Path(__file__).parents[1] / "geo" / "export" / "_risico_helpers.py"
    spec = importlib.util.spec_from_file_location("_risico_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args):
    result = CliRunner().invoke(app, list(args))
    return result, (json.loads(result.stdout) if "--json" in args and result.stdout else None)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_is_dutch(name):
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "--json" in result.stdout and "Voorbeeld: kaart" in result.stdout


def test_unknown_gemeente_is_a_dutch_error(werkmap):
    result, payload = run("risico", "--gemeente", "Vaalss", "--json")
    assert result.exit_code == 2
    assert payload["ok"] is False and "Vaals" in payload["fout"]["melding"]


def test_missing_runs_and_layers(werkmap):
    result, payload = run("gecombineerd", "--gemeente", "Vaals", "--json")
    assert result.exit_code == 4 and "kaart gelegenheid" in payload["fout"]["melding"]
    result, payload = run("risico", "--gemeente", "Vaals", "--json")
    assert result.exit_code == 2 and "kaart demo" in payload["fout"]["melding"]


def test_full_chain_with_json(werkmap, tmp_path):
    helpers = load_helpers()
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    write_layers(wm.lagen, {"incidenten": helpers.incidents_from_intensity(grid, mask, east)},
                 synthetic=True, description="Synthetische testdata")

    result, payload = run("risico", "--gemeente", "Venlo", "--celgrootte", "200", "--json")
    assert result.exit_code == 0, result.stdout
    assert payload["ok"] and payload["vertrouwelijk"] is True
    assert payload["kaart_ids"] == ["GM0983-risico-totaal"]
    assert [Path(w["pad"]).name for w in payload["geschreven"]] == [
        "risicokaart.tif", "risicokaart.web.tif", "risicokaart.klasse.tif",
        "risicokaart.klasse.tif.aux.xml", "risicokaart.qml", "risicokaart.klasse.qml",
        "kaartverantwoording.json"]

    result, payload = run("gecombineerd", "--gemeente", "Venlo", "--json")
    assert result.exit_code == 0, result.stdout
    assert sum(payload["cellen_per_klasse"].values()) == int(mask.sum())
    assert payload["objecten"] == 2

    result, payload = run("leer", "--gemeente", "Venlo", "--bootstrap", "5", "--json")
    assert result.exit_code == 0, result.stdout
    rr = {row["indicator"]: row for row in payload["relatief_risico"]}
    oost = rr["bedrijventerreinen:oost"]  # true β 3 over the range; the step is the IQR
    assert oost["beta"] > 1.5 and oost["stap"].startswith("interkwartielafstand")
    assert payload["kaart_ids"] == ["GM0983-gelegenheid_geleerd-totaal"]

    result, payload = run("evalueer", "--gemeente", "Venlo", "--tot", "2025-01-01",
                          "--json")
    assert result.exit_code == 0, result.stdout
    assert payload["pai_5"]["uniform"] == pytest.approx(1.0)
    assert payload["pai_5"]["geleerd"] > 1.5
    # the evaluation and the learned map it scored (issue 13 item 6), both listed
    assert sorted(Path(w["pad"]).name for w in payload["geschreven"]) == sorted([
        "evaluatie.csv", "trefkans.png", "kaartverantwoording.json", "gelegenheidskaart.tif",
        "gelegenheidskaart.web.tif", "gewichten.csv", "kaartverantwoording.json",
        # for QGIS (geo.export.cog.write_qgis_copies)
        "gelegenheidskaart.klasse.tif", "gelegenheidskaart.klasse.tif.aux.xml",
        "gelegenheidskaart.qml", "gelegenheidskaart.klasse.qml"])
    learned = payload["evaluatie"]["geleerde_kaart"]
    assert learned["kaart_id"] == "GM0983-gelegenheid_geleerd-totaal" and learned["versie"] == 2
    result, _ = run("evalueer", "--gemeente", "Venlo", "--tot", "2025-01-01")
    assert "De getoetste geleerde kaart is opgeslagen als versie 3" in " ".join(
        result.stdout.split())

    out = tmp_path / "pub"
    result, payload = run("verantwoording", "--gemeente", "Venlo", "--algoritmeregister",
                          "--uit", str(out), "--json")
    assert result.exit_code == 0, result.stdout
    assert payload["in_te_vullen"] >= 8
    assert (out / "algoritmeregister_GM0983.md").exists()

    result, _ = run("evalueer", "--gemeente", "Venlo", "--splitsing", "2025-01-01")  # old name
    assert result.exit_code == 0
    assert "PAI bij 5% van de oppervlakte" in result.stdout
    assert "uniform (toeval): 1,00" in result.stdout  # Dutch decimal comma
