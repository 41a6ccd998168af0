"""End-to-end in headless Chromium: login, map with tiles, layers, popups, gebied analyseren
(CSV download), authorisation, and the standalone HTML from file:// without network."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from conftest import login, screenshot
from PIL import Image

from maps.standalone import write_standalone_html

pytestmark = pytest.mark.browser

MAP_JS = "window[document.querySelector('.folium-map').id]"


def _warm_pixels(path, box=None) -> float:
    """Share of pixels coloured like the YlOrRd classes (red clearly above blue)."""
    image = np.asarray(Image.open(path).convert("RGB")).astype(int)
    if box:
        x0, y0, x1, y1 = box
        image = image[y0:y1, x0:x1]
    r, b = image[..., 0], image[..., 2]
    return float(((r - b > 60) & (r > 180)).mean())


def _map_box(page) -> tuple[int, int, int, int]:
    rect = page.locator(".folium-map").bounding_box()
    return (int(rect["x"]), int(rect["y"]), int(rect["x"] + rect["width"]),
            int(rect["y"] + rect["height"]))


def _object_point(page, object_id: str) -> tuple[float, float]:
    """Page coordinates of a point inside an object, as the server's object table gives it
    (the served viewer holds no objects; they come as vector tiles)."""
    point = page.evaluate(
        """async ([id]) => {
            const map = MAP;
            const config = window.KaartObjecten.current.config;
            const data = await (await fetch(config.tabelUrl + "?zoek=" + encodeURIComponent(id)))
                .json();
            const row = data.rijen.find(r => r.id === id);
            const p = map.latLngToContainerPoint([row.lat, row.lon]);
            const r = map.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""".replace("MAP", MAP_JS), [object_id])
    return point[0], point[1]


def _wait_for_objects(page) -> None:
    """Until the object vector tiles drew their features (SVG paths in the tile panes)."""
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-tile-container svg path.leaflet-interactive')"
        ".length >= 5", timeout=20_000)


def _layer_toggle(page, name: str):
    return page.locator(".leaflet-control-layers").get_by_text(name, exact=True)


def _open_vaals(page, server):
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.wait_for_function(
        """() => { const imgs = [...document.querySelectorAll('img.leaflet-tile')]
                   .filter(i => i.src.includes('/tiles/GM0981-gelegenheid-totaal/'));
                   return imgs.length > 0 && imgs.every(i => i.complete)
                          && imgs.some(i => i.naturalWidth === 256); }""",
        timeout=20_000)
    page.wait_for_timeout(300)


def test_login_map_tiles_render_and_layer_toggle(new_page, server):
    page = new_page()
    login(page, server, "vaals")
    _open_vaals(page, server)
    shot = screenshot(page, "kaart_vaals_gemeente")
    assert _warm_pixels(shot, _map_box(page)) > 0.05
    assert page.locator(".kaart-info-paneel").inner_text().count("Synthetische demodata") == 1
    assert "Datum: 20-11-2026" in page.locator(".kaart-info-paneel").inner_text()
    legend = page.locator(".kaart-legenda").inner_text()
    assert "1 – zeer laag" in legend and "5 – zeer hoog" in legend
    tiles = "img.leaflet-tile[src*='/tiles/GM0981-gelegenheid-totaal/']"
    _layer_toggle(page, "Gelegenheidskaart — totaal").click()
    page.wait_for_function(f"document.querySelectorAll(\"{tiles}\").length === 0")
    page.wait_for_timeout(300)
    assert _warm_pixels(screenshot(page, "kaart_vaals_laag_uit"), _map_box(page)) < 0.02
    _layer_toggle(page, "Gelegenheidskaart — totaal").click()
    page.wait_for_selector(tiles)
    assert not [u for u in page.blocked if "service.pdok.nl" not in u]  # default background
    assert page.errors == []


def test_click_object_shows_dutch_popup_and_search_finds_it(new_page, server):
    page = new_page(user="vaals")
    _open_vaals(page, server)
    _wait_for_objects(page)
    x, y = _object_point(page, "GM0981-BT1")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    for expected in ("Bedrijvenpark Oost", "Bedrijventerreinen", "Score", "0,91",
                     "5 – zeer hoog", "Rang in gemeente", "Opbouw van de score", "Leegstand",
                     "60%", "Afstand tot snelweg-afrit", "40%"):
        assert expected in text, expected
    page.wait_for_timeout(400)  # popup fade-in
    screenshot(page, "kaart_vaals_popup")
    page.evaluate(f"{MAP_JS}.closePopup()")
    page.locator("#kaart-zoek-invoer").press_sequentially("Vakantie")
    page.locator(".kaart-zoek-treffer", has_text="Vakantiepark De Heuvel").click()
    page.wait_for_selector(".leaflet-popup-content:has-text('Vakantiepark De Heuvel')")
    assert "3 – gemiddeld" in page.locator(".leaflet-popup-content").inner_text()


def test_draw_area_counts_and_csv_download(new_page, server):
    page = new_page(accept_downloads=True, user="vaals")
    _open_vaals(page, server)
    _wait_for_objects(page)
    bt1 = _object_point(page, "GM0981-BT1")
    bg2 = _object_point(page, "GM0981-BG2")
    page.locator(".leaflet-draw-draw-rectangle").click()
    x0, y0 = min(bt1[0], bg2[0]) - 40, min(bt1[1], bg2[1]) - 40
    x1, y1 = max(bt1[0], bg2[0]) + 40, max(bt1[1], bg2[1]) + 40
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    result = page.locator(".kaart-analyse-resultaat")
    result.locator("#kaart-analyse-csv").wait_for()
    text = result.inner_text()
    assert "2 objecten in het gebied" in text
    screenshot(page, "kaart_vaals_gebied_analyseren")
    with page.expect_download() as info:
        page.click("#kaart-analyse-csv")
    download = info.value
    assert download.suggested_filename == "gebied_analyse_GM0981.csv"
    content = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert {r["id"] for r in rows} == {"GM0981-BT1", "GM0981-BG2"}
    bt = next(r for r in rows if r["id"] == "GM0981-BT1")
    assert bt["naam"] == "Bedrijvenpark Oost" and bt["score"] == "0,91" and bt["klasse"] == "5"
    assert bt["gemeente"] == "Vaals" and bt["thema"] == "bedrijventerreinen"


def test_gemeente_user_cannot_open_other_gemeente(new_page, server):
    page = new_page(user="vaals")
    response = page.goto(f"{server}/gebied/GM1729")
    assert response.status == 404
    assert "niet voor jou zichtbaar" in page.inner_text("main")
    screenshot(page, "kaart_geen_toegang")
    tile = page.request.get(f"{server}/tiles/GM1729-gelegenheid-totaal/12/2110/1375.png")
    assert tile.status == 404
    own = page.request.get(f"{server}/tiles/GM0981-risico-totaal/12/2116/1376.png")
    assert own.status == 404
    page.goto(f"{server}/")
    assert "Gulpen-Wittem" not in page.content() and "Vaals" in page.content()


def test_analist_sees_risicokaart_and_verantwoording(new_page, server):
    page = new_page()
    login(page, server, "analist")
    screenshot(page, "start_analist")
    page.goto(f"{server}/gebied/GM0981?kaart=GM0981-risico-totaal")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.wait_for_function(
        """() => [...document.querySelectorAll('img.leaflet-tile')]
                 .some(i => i.src.includes('/tiles/GM0981-risico-totaal/') && i.complete
                            && i.naturalWidth === 256)""", timeout=20_000)
    legend = page.locator(".kaart-legenda").inner_text()
    assert "Risico (signalen)" in legend
    assert "Vertrouwelijk" in page.locator(".kaart-info-paneel").inner_text()
    screenshot(page, "kaart_vaals_risico_analist")
    page.goto(f"{server}/verantwoording/GM0981-gelegenheid-totaal")
    body = page.inner_text("main")
    assert "Bronnen" in body and "Indicatoren en gewichten" in body
    screenshot(page, "verantwoording_vaals")


def test_standalone_html_works_offline_from_file(browser, browser_werkmap, tmp_path):
    target = tmp_path / "vaals.html"
    write_standalone_html(browser_werkmap.werkmap, "Vaals", target)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        requested = []

        def handle(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:")):
                route.continue_()
            else:
                requested.append(url)
                route.abort()

        page.route("**/*", handle)
        page.goto(target.as_uri())
        page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
        page.wait_for_function(
            """() => { const imgs = [...document.querySelectorAll('img.leaflet-image-layer')];
                       return imgs.length > 0
                              && imgs.every(i => i.complete && i.naturalWidth > 0); }""")
        assert page.locator("path.leaflet-interactive").count() >= 4
        page.wait_for_timeout(300)
        shot = screenshot(page, "losse_html_offline")
        assert _warm_pixels(shot, _map_box(page)) > 0.05
        assert "Synthetische demodata" in page.locator(".kaart-info-paneel").inner_text()
        assert requested == []  # no outside host at all (issue 14 item 6)
        assert errors == []
    finally:
        context.close()
