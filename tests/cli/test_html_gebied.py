"""``kaart html --gebied`` takes a gemeente, regio, veiligheidsregio or provincie by name,
code or id (issue 14 item 10: ``--gebied Maastricht-Heuvelland`` failed). Real runs on the
tiny synthetic werkmap (Vaals and Gulpen-Wittem objects, 100 m cells)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.errors import AreaNotFoundError
from geo.layers.gemeenten import find_area
from kaart.cli import app

_HELPER = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"


@pytest.mark.parametrize("text,area_id", [
    ("Maastricht-Heuvelland", "regio-maastricht-heuvelland"),
    ("maastricht heuvelland", "regio-maastricht-heuvelland"),
    ("regio-parkstad", "regio-parkstad"), ("Parkstad", "regio-parkstad"),
    ("Limburg", "provincie-limburg"), ("PV31", "provincie-limburg"),
    ("pv31", "provincie-limburg"), ("VR23", "vr-limburg-noord"),
    ("Limburg-Zuid", "vr-limburg-zuid"), ("vr-limburg-zuid", "vr-limburg-zuid"),
    ("Vaals", "GM0981"), ("GM0981", "GM0981"), ("981", "GM0981"),
    ("Utrecht", "GM0344"), ("provincie-utrecht", "provincie-utrecht"),
    ("Nederland", "land-nederland"), ("NL", "land-nederland"),
])
def test_find_area_reads_every_kind_of_name(text, area_id):
    assert find_area(text).id == area_id


def test_find_area_unknown_name_suggests():
    with pytest.raises(AreaNotFoundError, match="Bedoelde je: .*Maastricht-Heuvelland"):
        find_area("Maastrich-Heuvelland")


@pytest.fixture(scope="module")
def werkmap(tmp_path_factory):
    """A werkmap with gelegenheid runs for the regio Maastricht-Heuvelland and for Vaals."""
    spec = importlib.util.spec_from_file_location("tiny_werkmap_html", _HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.make_tiny_werkmap(tmp_path_factory.mktemp("html") / "wm")
    for selector in (["--regio", "Maastricht-Heuvelland"], ["--gemeente", "Vaals"]):
        result = CliRunner().invoke(app, ["gelegenheid", *selector, "--celgrootte", "100",
                                          "--werkmap", str(root), "--json"])
        assert result.exit_code == 0, result.output
    return root


def _html(werkmap: Path, target: Path, *args: str):
    result = CliRunner().invoke(app, ["html", *args, "--uit", str(target),
                                      "--werkmap", str(werkmap), "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_html_of_a_gemeente_through_gebied(werkmap, tmp_path):
    code, payload = _html(werkmap, tmp_path / "v.html", "--gebied", "vaals")
    assert code == 0 and payload["gebied_id"] == "GM0981"


@pytest.mark.parametrize("gebied", ["Maastricht-Heuvelland", "regio-maastricht-heuvelland",
                                    "maastricht heuvelland"])
def test_html_of_a_region_by_name_or_id(werkmap, tmp_path, gebied):
    code, payload = _html(werkmap, tmp_path / "mh.html", "--gebied", gebied)
    assert code == 0, payload
    assert payload["gebied_id"] == "regio-maastricht-heuvelland"
    assert payload["gebied_naam"] == "Maastricht-Heuvelland"
    assert (tmp_path / "mh.html").stat().st_size > 10_000


@pytest.mark.parametrize("gebied,code,message", [
    ("Gulpen-Wittem", 4, "Deze gemeente valt in: Maastricht-Heuvelland (--gebied "
                         "regio-maastricht-heuvelland)"),
    ("PV31", 4, "Geen kaarten voor provincie 'Limburg' als geheel: maak ze met 'kaart "
                "gelegenheid --provincie \"Limburg\"', of kies een gemeente: Vaals (--gebied "
                "GM0981)."),
    ("Parkstad", 4, "Geen kaarten voor regio 'Parkstad' als geheel: maak ze met 'kaart "
                    "gelegenheid --regio \"Parkstad\"'."),
    ("Maastrich-Heuvelland", 2, "Bedoelde je: Maastricht, Maastricht-Heuvelland?"),
    ("Nederland", 4, "Geen kaarten voor land 'Nederland' als geheel: maak ze met 'kaart "
                     "gelegenheid --land', of kies een gemeente: Vaals (--gebied GM0981)."),
])
def test_html_gebied_errors_are_dutch_and_specific(werkmap, tmp_path, gebied, code, message):
    status, payload = _html(werkmap, tmp_path / "x.html", "--gebied", gebied)
    assert status == code and not payload["ok"]
    assert message in payload["fout"]["melding"]
    assert not (tmp_path / "x.html").exists()


def test_help_names_every_kind_of_area():
    result = CliRunner().invoke(app, ["html", "--help"], env={"COLUMNS": "200"})
    assert "veiligheidsregio" in result.stdout and "provincie" in result.stdout


def test_online_background_only_when_asked(werkmap, tmp_path):
    """Issue 14 item 6: a standalone file contacts nothing unless --online-achtergrond."""
    import re

    for args, hosts in (([], []), (["--online-achtergrond"], ["https://service.pdok.nl"])):
        target = tmp_path / f"vaals{len(args)}.html"
        code, data = _html(werkmap, target, "--gemeente", "Vaals", *args)
        assert code == 0 and data["online_achtergrond"] is bool(args)
        policy = re.search(r'Content-Security-Policy" content="([^"]+)"',
                           target.read_text(encoding="utf-8")).group(1)
        assert re.findall(r"https?://[^ ;]+", policy) == hosts
        assert ("service.pdok.nl/brt" in target.read_text(encoding="utf-8")) is bool(args)
