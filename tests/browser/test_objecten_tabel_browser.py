"""The served viewer's object table in Chromium: rows from the server, sort, filter,
keyboard (Tab to a row, Enter opens the same popup as the map), CSV/XLSX downloads;
objects drawn from vector tiles; screenshots at 1366x768 and 390x844."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from conftest import screenshot

pytestmark = pytest.mark.browser


def _open(page, server):
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-tile-container svg path.leaflet-interactive')"
        ".length >= 5", timeout=20_000)


def _names(page) -> list[str]:
    return page.locator(".kaart-tabel-rij td:first-child").all_inner_texts()


def test_object_table_sort_filter_keyboard_and_downloads(new_page, server):
    page = new_page(accept_downloads=True, user="vaals")
    page.set_viewport_size({"width": 1366, "height": 768})
    _open(page, server)
    page.click("#kaart-objecttabel-knop")
    page.wait_for_selector(".kaart-tabel-rij")
    assert page.locator(".kaart-tabel-status").inner_text() == "1–5 van 5 objecten"
    assert _names(page)[0] == "Bedrijvenpark Oost"  # best score first
    screenshot(page, "objecttabel_1366x768")
    page.get_by_role("button", name="Naam").click()
    page.wait_for_function("() => document.querySelector('th[aria-sort] button')"
                           ".textContent.startsWith('Naam')")
    page.wait_for_timeout(300)
    assert _names(page) == ["Bedrijvenpark Oost", "Industrieterrein <West>",  # as text
                            "Vakantiepark De Heuvel", "GM0981-BG1", "GM0981-BG2"]  # no name last
    page.select_option("select[name=thema]", "vakantieparken")
    page.wait_for_function("() => document.querySelector('.kaart-tabel-status').textContent"
                           " === '1–1 van 1 objecten'")
    assert _names(page) == ["Vakantiepark De Heuvel"]
    page.select_option("select[name=thema]", "")
    page.select_option("select[name=klasse]", "5")
    page.wait_for_function("() => document.querySelector('.kaart-tabel-status').textContent"
                           " === '1–1 van 1 objecten'")
    row = page.locator(".kaart-tabel-rij").first
    row.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Bedrijvenpark Oost" in popup.inner_text() and "Opbouw van de score" in \
        popup.inner_text()
    with page.expect_download() as info:
        page.click("#kaart-tabel-csv")
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8-sig")
                                           .read()), delimiter=";"))
    assert [r["id"] for r in rows] == ["GM0981-BT1"] and rows[0]["klasse"] == "5"
    with page.expect_download() as info:
        page.click("#kaart-tabel-xlsx")
    assert info.value.suggested_filename == "objecten_GM0981.xlsx"
    sheet = openpyxl.load_workbook(open(info.value.path(), "rb")).active
    assert [c.value for c in sheet[2]][:2] == ["GM0981-BT1", "Bedrijvenpark Oost"]
    assert page.errors == []


def test_object_table_small_screen(new_page, server):
    page = new_page(user="vaals")
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, server)
    page.click("#kaart-objecttabel-knop")
    page.wait_for_selector(".kaart-tabel-rij")
    screenshot(page, "objecttabel_390x844")
    assert page.locator(".kaart-tabel-rij").count() == 5
