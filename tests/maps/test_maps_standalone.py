import json
import re

import pytest
from typer.testing import CliRunner

from geo.errors import OutputError
from kaart.cli import app
from maps.assets import asset_file, inline_css, total_vendor_size
from maps.outputs import ALL_KINDS
from maps.standalone import MAX_STANDALONE_BYTES, write_standalone_html


def test_vendored_assets_are_small_and_safe():
    assert total_vendor_size() < 1_500_000
    assert asset_file("leaflet.js").name == "leaflet.js"
    assert asset_file("images/layers.png").stat().st_size > 0
    for bad in ("../outputs.py", "/etc/passwd", "vendor/../../builder.py", "geen.js"):
        with pytest.raises(Exception, match="Onbekend kaartbestand"):
            asset_file(bad)


def test_inlined_css_has_no_relative_image_urls():
    css = inline_css("leaflet.draw.css")
    assert "url('images/" not in css and "url(images/" not in css
    assert "data:image/svg+xml;base64," in css and "data:image/png;base64," in css


def test_standalone_html_is_self_contained(built_werkmap, tmp_path):
    target = tmp_path / "vaals.html"
    result = write_standalone_html(built_werkmap.werkmap, "Vaals", target)
    html = target.read_text(encoding="utf-8")
    assert result.size == len(html.encode("utf-8")) <= MAX_STANDALONE_BYTES
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="', html)
    assert "kaart-asset:" not in html
    assert '<html lang="nl">' in html
    assert "Leaflet 1.9.4" in html  # inlined library
    assert html.count("data:image/png;base64,") >= 2
    assert result.kaarten == ["GM0981-gelegenheid-totaal", "GM0981-gelegenheid-bedrijventerreinen"]
    assert result.objecten == 5 and result.synthetisch and not result.vertrouwelijk
    assert "Risicokaart" not in html


def test_standalone_with_confidential_maps(built_werkmap, tmp_path):
    result = write_standalone_html(built_werkmap.werkmap, "GM0981", tmp_path / "v.html",
                                   allowed_kinds=ALL_KINDS)
    assert "GM0981-risico-totaal" in result.kaarten and result.vertrouwelijk


def test_too_large_file_is_refused_and_not_written(built_werkmap, tmp_path):
    target = tmp_path / "groot.html"
    with pytest.raises(OutputError, match="meer dan"):
        write_standalone_html(built_werkmap.werkmap, "Vaals", target, max_bytes=1000)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_html_json(built_werkmap, tmp_path):
    target = tmp_path / "vaals.html"
    result = CliRunner().invoke(app, ["html", "--gemeente", "Vaals", "--uit", str(target),
                                      "--werkmap", str(built_werkmap.root), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] and payload["commando"] == "html"
    assert payload["geschreven"][0]["pad"] == str(target.resolve())
    assert payload["gebied_id"] == "GM0981" and payload["objecten"] == 5
    assert payload["synthetisch"] is True and payload["vertrouwelijk"] is False
    assert target.exists()


def test_cli_html_summary_in_dutch(built_werkmap, tmp_path):
    result = CliRunner().invoke(app, ["html", "--gemeente", "gm1729", "--uit",
                                      str(tmp_path / "g.html"), "--werkmap",
                                      str(built_werkmap.root)])
    assert result.exit_code == 0, result.output
    assert "Losse kaart van Gulpen-Wittem geschreven" in result.stdout
    assert "synthetische demodata" in result.stdout


@pytest.mark.parametrize("args,code,message", [
    (["--gemeente", "Vals"], 2, "Bedoelde je: Vaals"),
    (["--gemeente", "Maastricht"], 4, "Geen kaarten voor gebied"),
    (["--gemeente", "Vaals", "--gebied", "x"], 2, "precies één"),
])
def test_cli_html_errors(built_werkmap, tmp_path, args, code, message):
    result = CliRunner().invoke(app, ["html", *args, "--uit", str(tmp_path / "x.html"),
                                      "--werkmap", str(built_werkmap.root), "--json"])
    assert result.exit_code == code
    payload = json.loads(result.stdout)
    assert not payload["ok"] and message in payload["fout"]["melding"]
