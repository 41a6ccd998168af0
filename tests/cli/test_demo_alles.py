"""`kaart demo --alles`: the README's main job builds every demo output end to end."""

import json
from pathlib import Path

import pytest
import rasterio
from typer.testing import CliRunner

from geo.catalog import Catalog
from geo.paths import Werkmap
from kaart.cli import app


@pytest.mark.slow
def test_demo_alles_builds_every_output_and_one_json_object(tmp_path):
    werkmap = tmp_path / "wm"
    result = CliRunner().invoke(app, ["demo", "--alles", "--werkmap", str(werkmap), "--json"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, "stdout must hold exactly one JSON object"
    payload = json.loads(lines[0])
    assert payload["ok"] and payload["synthetisch"]
    assert [s["stap"] for s in payload["stappen"]][:2] == ["gelegenheid", "risico"]
    written = [Path(item["pad"]) for item in payload["geschreven"]]
    assert written and all(path.exists() for path in written)

    entries = Catalog(Werkmap.open(werkmap)).entries()
    gelegenheid = {e.gebied_id for e in entries if e.soort == "gelegenheid" and e.thema == "totaal"}
    risico = {e.gebied_id for e in entries if e.soort == "risico"}
    assert len(gelegenheid) == 31 and len(risico) == 31
    assert all(e.synthetisch for e in entries)
    assert all(e.vertrouwelijk for e in entries if e.soort in ("risico", "gecombineerd"))

    html = werkmap / "vaals.html"
    assert "ynthetische demodata" in html.read_text(encoding="utf-8")
    vaals = next(e for e in entries if e.kaart_id == "GM0981-gelegenheid-totaal")
    with rasterio.open(vaals.path(Werkmap.open(werkmap), vaals.cog)) as src:
        assert src.crs.to_epsg() == 28992 and src.count == 2
        classes = src.read(2)
        assert set(classes[classes > 0].ravel().tolist()) <= {1, 2, 3, 4, 5, 6}  # 6: geen kenmerken
        assert {1, 2, 3, 4, 5} <= set(classes.ravel().tolist())
    assert list((werkmap / "plannen").glob("*/*.xlsx"))
