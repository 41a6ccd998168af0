"""``kaart rapport``: a real A4 PDF from the tiny synthetic Vaals run (two versions, known
change), checked through poppler: ``pdftotext`` for the text, ``pdfinfo`` for the pages,
``pdftoppm`` for the PNG."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_data import HOSTILE, _tiny, build_v1, make_v2  # noqa: E402

from geo.layers.gemeenten import select_area  # noqa: E402
from geo.legend import CLASS_NAMES, SYNTHETIC_LABEL  # noqa: E402
from geo.paths import Werkmap  # noqa: E402
from kaart.cli import app  # noqa: E402
from services.report import DISCLAIMER, collect_report, render_html  # noqa: E402
from services.runs import build_gelegenheid  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils ontbreekt")


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    werkmap = build_v1(tmp_path_factory.mktemp("rapport") / "wm")
    return werkmap, make_v2(werkmap)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def _report(werkmap, target: Path, *extra: str) -> dict:
    result = CliRunner().invoke(app, ["rapport", "--gemeente", "Vaals", "--uit", str(target),
                                      "--werkmap", str(werkmap.root), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_pdf_text_pages_and_png(known, tmp_path):
    werkmap, roles = known
    payload = _report(werkmap, tmp_path)
    files = {f["soort"]: Path(f["pad"]) for f in payload["geschreven"]}
    assert files["pdf"].name == "rapport-GM0981-v2.pdf" and payload["versie"] == 2
    text = _text(files["pdf"])
    assert "Informatiebeeld ondermijning — Vaals" in text
    assert "Versie v2" in text
    assert SYNTHETIC_LABEL in text
    assert " ".join(DISCLAIMER.split()) in text
    for name in CLASS_NAMES.values():  # legend classes
        assert name in text
    for title in ("Gelegenheidskaart (alle thema's)", "Bedrijventerreinen", "Havens"):
        assert title in text
    assert "Airstrip GM0981" in text  # top object with its reasons and completeness
    assert "Jachthaven of airstrip" in text and "100%" in text
    assert "Klasseverdeling per thema" in text
    assert "Bronnen en licenties" in text and "synthetische demodata" in text
    assert "Hoe is de kaart gemaakt?" in text
    # what changed since v1: exactly the known change
    assert "Vergeleken met versie v1: 1 omhoog, 1 omlaag, 1 nieuw, 1 verdwenen" in text
    assert roles["GONE"][1] in text and "NIEUW-1" in text
    assert "Risicokaart" not in text
    assert 3 <= _pages(files["pdf"]) <= 6
    with Image.open(files["png"]) as png:  # first page, A4 portrait
        assert abs(png.height / png.width - 297 / 210) < 0.01


def test_data_strings_are_escaped(known):
    werkmap, _ = known
    html = render_html(collect_report(werkmap, "GM0981"))
    assert HOSTILE not in html and "<b>Nieuw</b>" not in html
    assert str(escape(HOSTILE)) == "=1+1 &lt;b&gt;Nieuw&lt;/b&gt; &amp;"
    assert str(escape(HOSTILE)) in html


def test_risico_only_when_asked(known, tmp_path):
    werkmap, _ = known
    # a risico run for the area (class band as every map COG: band 2 = class 1..5)
    run = werkmap.run_parent("GM0981", "risico") / "v0001"
    run.mkdir(parents=True)
    shutil.copy(werkmap.run_parent("GM0981", "gelegenheid") / "v0001" / "gelegenheidskaart.tif",
                run / "risicokaart.tif")
    try:
        without = _text(Path(_report(werkmap, tmp_path / "a")["geschreven"][0]["pad"]))
        payload = _report(werkmap, tmp_path / "b", "--risico")
        with_risico = _text(Path(payload["geschreven"][0]["pad"]))
    finally:
        shutil.rmtree(run.parent)
    assert "Risicokaart" not in without and "vertrouwelijk" not in without
    assert "Risicokaart (vertrouwelijk)" in with_risico
    assert "Risicokaart" in payload["kaarten"]


def test_no_run_is_dutch_not_found(tmp_path):
    result = CliRunner().invoke(app, ["rapport", "--gemeente", "Vaals", "--werkmap",
                                      str(tmp_path), "--json"])
    assert result.exit_code == 4
    assert "Geen gelegenheidskaart voor gebied GM0981" in result.stdout


def test_pdf_fetches_no_files_or_urls(known, tmp_path):
    """Only the embedded data: images load: a file:// reference (were one ever to reach the
    HTML) is refused, so the PDF cannot carry a file of the server."""
    import base64

    from services.report import Report, render_pdf

    werkmap, _ = known
    report = collect_report(werkmap, "GM0981")
    first = report.context["kaarten"][0]
    png = base64.b64decode(first["afbeelding"].split(",", 1)[1])
    secret = tmp_path / "geheim.png"
    secret.write_bytes(png)

    def with_image(source: str) -> int:
        context = dict(report.context, kaarten=[dict(first, afbeelding=source)])
        return len(render_pdf(Report(report.gebied_id, report.versie, context)))

    embedded, from_file = with_image(first["afbeelding"]), with_image(secret.as_uri())
    assert len(png) > 20_000
    assert embedded - from_file > len(png) // 2  # the file's image is not in the PDF


def test_region_report_maastricht_heuvelland(tmp_path):
    """``kaart rapport --regio Maastricht-Heuvelland`` (issue 15, done-when): title, the six
    gemeenten, legend classes, top objects from several gemeenten, sources, synthetic label."""
    root = tmp_path / "wm"
    _tiny().make_tiny_werkmap(root)
    werkmap = Werkmap.open(root)
    build_gelegenheid(werkmap, select_area(regio="Maastricht-Heuvelland"), cellsize=100.0)
    result = CliRunner().invoke(app, ["rapport", "--regio", "Maastricht-Heuvelland", "--uit",
                                      str(tmp_path / "uit"), "--werkmap", str(root), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    pdf = next(Path(f["pad"]) for f in payload["geschreven"] if f["soort"] == "pdf")
    assert pdf.name == "rapport-regio-maastricht-heuvelland-v1.pdf"
    text = _text(pdf)
    assert "Informatiebeeld ondermijning — Maastricht" in text
    for gemeente in ("Maastricht", "Meerssen", "Vaals", "Gulpen-Wittem", "Eijsden-Margraten"):
        assert gemeente in text
    for name in CLASS_NAMES.values():
        assert name in text
    assert "Objecten met de hoogste score" in text and "Airstrip GM0981" in text
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout
    top = layout[layout.index("Objecten met de hoogste score"):][:1500]
    assert re.search(r"\b0,\d\d\b", top) and not re.search(r"\b0\.\d\d\b", top)  # 0,89
    assert "Bronnen en licenties" in text and SYNTHETIC_LABEL in text
    assert " ".join(DISCLAIMER.split()) in text
    assert "Risicokaart" not in text
