"""Orientation without a third party (issue 14 item 6), in headless Chromium.

A standalone file shows the offline background from the werkmap's own layers (kernen with
their names, wegen, water) and requests nothing outside the file; a tile background (PDOK
BRT) is used only when asked, and then only its host is contacted and allowed by the CSP.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from kaart_testdata import ORIGINS, build_test_werkmap
from PIL import Image
from shapely.geometry import LineString, box

from maps.standalone import write_standalone_html
from maps.tile_background import PDOK_BRT

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
MAP_JS = "window[document.querySelector('.folium-map').id]"
HOSTILE_KERN = "Kern <b>Oost</b><img src=x onerror=alert(1)>"
WATER = (198, 223, 245)  # maps.achtergrond water fill #c6dff5


def _werkmap_with_layers(tmp_path):
    built = build_test_werkmap(tmp_path / "werkmap")
    x0, y1 = ORIGINS["GM0981"]  # the test rasters cover x0 .. x0 + 8 km, y1 - 8 km .. y1
    lagen = built.werkmap.lagen
    lagen.parent.mkdir(parents=True, exist_ok=True)
    layers = {
        "kernen": gpd.GeoDataFrame({"naam": [HOSTILE_KERN], "gemeentecode": ["GM0981"]},
                                   geometry=[box(x0 - 1500, y1 - 3000, x0 - 500, y1 - 2000)]),
        "water": gpd.GeoDataFrame({"naam": ["Meer"]},
                                  geometry=[box(x0 - 1500, y1 + 300, x0 - 300, y1 + 1300)]),
        "wegen": gpd.GeoDataFrame({"soort": ["snelweg"], "naam": ["A76"]},
                                  geometry=[LineString([(x0 - 1000, y1 - 2500),
                                                        (x0 - 1000, y1 - 8000)])]),
    }
    for name, frame in layers.items():
        frame.set_crs("EPSG:28992").to_file(lagen, layer=name, driver="GPKG")
    return built


def _open(browser, target, requested):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()

    def handle(route):
        url = route.request.url
        if not url.startswith(("file:", "data:", "blob:")):
            requested.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)
    page.goto(target.as_uri())
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.wait_for_timeout(500)
    return context, page


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return np.asarray(Image.open(path).convert("RGB"))


def _water_point(page):
    return page.evaluate("""() => { const map = MAP; let found = null;
        map.eachLayer(l => { if (l.feature && l.feature.properties.naam === 'Meer') found = l; });
        const p = map.latLngToContainerPoint(found.getBounds().getCenter());
        const r = map.getContainer().getBoundingClientRect();
        return [Math.round(r.left + p.x), Math.round(r.top + p.y)]; }""".replace("MAP", MAP_JS))


def test_standalone_shows_own_background_and_contacts_nothing(browser, tmp_path):
    built = _werkmap_with_layers(tmp_path)
    target = tmp_path / "vaals.html"
    write_standalone_html(built.werkmap, "GM0981", target)
    html = target.read_text(encoding="utf-8")
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert not re.search(r"https?://", policy) and "openstreetmap" not in html.lower()
    requested: list[str] = []
    context, page = _open(browser, target, requested)
    try:
        labels = page.locator(".kaart-plaatsnaam")
        assert labels.count() == 1 and labels.inner_text() == HOSTILE_KERN  # text, not HTML
        assert page.locator(".kaart-plaatsnaam img, .kaart-plaatsnaam b").count() == 0
        checked = page.locator(".leaflet-control-layers-base input:checked + span")
        assert checked.inner_text().strip() == "Eigen achtergrond (offline)"
        x, y = _water_point(page)
        image = _shot(page, "achtergrond_losse_html_1366x768")
        assert tuple(int(v) for v in image[y, x]) == WATER  # the background is drawn
        assert page.evaluate("() => document.querySelectorAll("
                             "'.leaflet-kaartAchtergrond-pane path[stroke=\"#9a9a9a\"]')"
                             ".length") == 1  # the snelweg
        page.locator(".leaflet-control-layers-base label").filter(
            has_text="Geen achtergrond").locator("input").check()
        page.wait_for_timeout(300)
        assert tuple(int(v) for v in _shot(page, "achtergrond_geen_1366x768")[y, x]) == (
            255, 255, 255)
        assert requested == []  # not one request outside the file
    finally:
        context.close()


def test_tile_background_only_when_asked_and_only_its_host(browser, tmp_path):
    built = _werkmap_with_layers(tmp_path)
    target = tmp_path / "vaals_pdok.html"
    write_standalone_html(built.werkmap, "GM0981", target, background=PDOK_BRT)
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"',
                       target.read_text(encoding="utf-8")).group(1)
    assert re.findall(r"https?://[^ ;]+", policy) == ["https://service.pdok.nl"]
    requested: list[str] = []
    context, page = _open(browser, target, requested)
    try:
        bases = page.locator(".leaflet-control-layers-base label").all_inner_texts()
        assert [b.strip() for b in bases] == ["BRT-Achtergrondkaart (PDOK)",
                                              "Eigen achtergrond (offline)", "Geen achtergrond"]
        assert '"attribution": "Kadaster / PDOK, CC BY 4.0"' in page.content()
        page.wait_for_selector(".kaart-melding", timeout=10_000)  # tiles fail: fallback
        checked = page.locator(".leaflet-control-layers-base input:checked + span")
        assert checked.inner_text().strip() == "Eigen achtergrond (offline)"
        assert requested and all(u.startswith("https://service.pdok.nl/brt/achtergrondkaart/")
                                 for u in requested)
    finally:
        context.close()
