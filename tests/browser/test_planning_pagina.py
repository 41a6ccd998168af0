"""The planner page end to end in Chromium: make a plan for Vaals (2 teams) -> see it on the
map -> download a team briefing (one-page PDF) -> enter outcomes -> they are stored.
Screenshots at 1366x768 and 390x844 in artifacts/screenshots/planning_*.png.
The test werkmap's objects are SYNTHETIC (tests/maps/kaart_testdata.py)."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import screenshot

from maps.assets import BASE_MAP_HOSTS

pytestmark = pytest.mark.browser
SIZES = ((1366, 768), (390, 844))


def _outside(page) -> list[str]:
    """Blocked requests other than the base map's tile servers (allowed by the CSP)."""
    return [u for u in page.blocked if not any(host in u for host in BASE_MAP_HOSTS)]


def test_plan_briefing_outcomes_end_to_end(new_page, server, tmp_path):
    page = new_page(accept_downloads=True, user="analist")
    page.goto(f"{server}/planning")
    assert page.title().startswith("Planning")
    page.select_option("#gebied", "gemeente:GM0981")
    page.fill("#aantal", "4")
    page.fill("#teams", "2")
    page.fill("#datum", "2026-12-07")
    page.fill("#starttijd", "08:00")
    page.fill("#eindtijd", "17:00")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"planning_nieuw_{width}x{height}")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("text=Maak plan")
    page.wait_for_url(re.compile(r".*/planning/plan/[A-Za-z0-9-]+$"), timeout=120_000)
    assert page.locator("h1").inner_text().startswith("Plan Vaals 07-12-2026")
    stops = page.locator("#uitkomsten tbody tr").count()
    assert stops >= 1
    page.wait_for_selector(".leaflet-container")
    assert page.locator(".kaart-stop").count() == stops  # one numbered marker per stop
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"planning_plan_{width}x{height}")
    page.set_viewport_size({"width": 1366, "height": 768})

    with page.expect_download() as info:
        page.click("text=Briefing team 1 (PDF)")
    pdf = tmp_path / "briefing.pdf"
    info.value.save_as(pdf)
    assert info.value.suggested_filename.endswith("briefing-team-1.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Briefing team 1 — controleplan Vaals" in text and "Checklist" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"Pages:\s+1\n", pages)

    # a wrong date stores nothing (all or nothing) and says so in Dutch
    page.select_option("#uitgevoerd-1", "ja")
    page.select_option("#bevindingen-1", "hennep")
    page.select_option("#vervolg-1", "waarschuwing")
    page.fill("#datum-1", "")
    page.click("text=Uitkomsten opslaan")
    page.wait_for_selector("#fout")
    assert "Niets opgeslagen" in page.locator("#fout").inner_text()
    assert "geregistreerd" not in page.locator("#uitkomsten").inner_text()
    page.fill("#datum-1", "2026-12-07")  # the chosen values were kept
    assert page.locator("#bevindingen-1").input_value() == "hennep"
    page.click("text=Uitkomsten opslaan")
    page.wait_for_url(re.compile(r".*\?opgeslagen=1$"))
    assert "1 uitkomst(en) opgeslagen." in page.locator("#melding").inner_text()
    assert "geregistreerd: ja" in page.locator("#uitkomsten tbody tr").first.inner_text()
    assert page.errors == [] and _outside(page) == []
