"""A werkmap without `havens` and `wegen`: gelegenheid, leer and evalueer run, with notices.

Issue 13 item 6 (a missing layer switches its indicators off, a missing domain layer skips
its theme; not a failure) and item 3 (the learned map `evalueer` writes carries block-
bootstrap intervals like `leer`'s). Tiny SYNTHETIC werkmap (Vaals, 100 m cells) with
synthetic incidents over four years.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from geo.export.risico import area_grid
from geo.layers import write_layers
from geo.layers.gemeenten import select_area
from kaart.cli import app

HERE = Path(__file__).resolve().parents[1] / "geo" / "export"
MISSING = ("havens", "wegen")


def _load(name):
    spec = importlib.util.spec_from_file_location(f"{name}_ontbrekend", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def werkmap(tmp_path_factory):
    root = tmp_path_factory.mktemp("ontbrekend")
    layers = {k: v for k, v in _load("tiny_werkmap").make_layers().items() if k not in MISSING}
    grid, mask = area_grid(select_area(gemeente="Vaals"), 100.0)
    xs, _ = grid.cell_centers()
    east = (xs - xs.min()) / (xs.max() - xs.min())
    layers["incidenten"] = _load("_risico_helpers").incidents_from_intensity(
        grid, mask, east, per_year=120)
    write_layers(root / "invoer" / "lagen.gpkg", layers, synthetic=True,
                 description="Synthetische testset zonder havens en wegen")
    return root


def run(werkmap, *args, as_json=False):
    """The command's screen text on one line (wide console), or its --json payload."""
    result = CliRunner().invoke(
        app, [*args, "--gemeente", "Vaals", "--werkmap", str(werkmap)]
        + (["--json"] if as_json else []), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if as_json else " ".join(result.output.split())


def _doc(path):
    return json.loads((Path(path) / "kaartverantwoording.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gelegenheid(werkmap):
    text = run(werkmap, "gelegenheid", "--celgrootte", "100")
    payload = run(werkmap, "gelegenheid", "--celgrootte", "100", as_json=True)
    return text, payload


def test_gelegenheid_runs_without_the_layers_and_says_what_is_off(gelegenheid):
    text, payload = gelegenheid
    assert "Let op: Thema havens is overgeslagen: de domeinlaag 'havens' ontbreekt" in text
    assert "Indicator 'Nabijheid snelwegafrit' (thema bedrijventerreinen) staat uit: de laag " \
           "'wegen' ontbreekt" in text
    assert "zonder deze indicator berekend (onbekend, niet 0)" in text
    assert not any(k.endswith("-havens") for k in payload["kaart_ids"])
    assert "GM0981-gelegenheid-bedrijventerreinen" in payload["kaart_ids"]
    notes = payload["runs"][0]["meldingen"]
    assert any("snelweg" in n for n in notes) and any("havens" in n for n in notes)
    doc = _doc(payload["runs"][0]["map"])
    assert "havens" not in doc["themas"]
    assert [s["thema"] for s in doc["themas"]["totaal"]["overgeslagen_themas"]] == ["havens"]
    off = {d["naam"] for t in doc["themas"].values() for d in t.get("uitgeschakeld", [])}
    assert off == {"nabijheid_snelwegafrit", "nabijheid_snelweg", "nabijheid_truckparking"}
    names = {i["naam"] for i in doc["themas"]["bedrijventerreinen"]["indicatoren"]}
    assert "nabijheid_snelwegafrit" not in names and "leegstand" in names
    assert any("overgeslagen" in n for n in doc["volledigheid"]["samenvatting"])


def test_leer_runs_and_carries_the_notices(werkmap, gelegenheid):
    text = run(werkmap, "leer", "--bootstrap", "5")
    assert "Melding: Thema havens is overgeslagen" in text
    assert "Melding: Indicator 'Nabijheid snelweg(afrit)' (thema buitengebied) staat uit" in text
    payload = run(werkmap, "leer", "--bootstrap", "5", as_json=True)
    notes = payload["training"]["ruimtelijke_invloed"]["meldingen"]
    assert any("'wegen' ontbreekt" in n for n in notes)
    assert not any(r["indicator"].startswith("havens:") for r in payload["relatief_risico"])


def test_evalueer_runs_and_its_learned_map_has_bootstrap_intervals(werkmap, gelegenheid):
    payload = run(werkmap, "evalueer", "--tot", "2025-01-01", "--bootstrap", "5", as_json=True)
    info = payload["evaluatie"]
    assert any("domeinlaag 'havens' ontbreekt" in n for n in info["meldingen"])
    assert {row["kaart"] for row in payload["tabel"]} >= {"geleerd", "deskundig"}
    learned = _doc(Path(werkmap) / info["geleerde_kaart"]["map"])
    model = learned["model"]
    assert model["bootstrap"] == 5
    rows = [r for r in model["coefficienten"] if r["delta"] > 0]
    assert rows and all(np.isfinite(r["ondergrens"]) and np.isfinite(r["bovengrens"])
                        for r in rows)
    assert all(r["ondergrens"] <= r["relatief_risico"] <= r["bovengrens"] for r in rows)
    assert any("snelweg" in n for n in learned["training"]["ruimtelijke_invloed"]["meldingen"])
