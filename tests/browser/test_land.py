"""The country and a veiligheidsregio in Chromium (issue 16 item 5): start page, viewer,
objects from vector tiles; screenshots at 1366x768 and 390x844.

What "country" means here: the map ``land-nederland`` of the real pipeline, built over all
342 gemeenten of the CBS boundaries (``select_area(land=True)``, 500 m cells) from the
national synthetic demo generated for two provinces only (Zeeland and Utrecht; generating
all twelve takes ~40 s more and changes nothing the viewer does), so the raster covers the
whole country and objects exist in those two provinces. Next to it the veiligheidsregio
Zeeland at 250 m. A national analyst (every gemeente) sees both.

The country map opens fitted to the Netherlands at z6-z8 with raster tiles from the serving
copy's pyramid and no object tiles (the map has more objects than one tile holds:
``maps.objecten.OBJECT_MIN_ZOOM``) and says "Zoom in om objecten te zien"; zoomed in on
Utrecht the objects arrive as ``.mvt`` and are drawn. No console errors, no outside
requests, no overlapping controls, axe 0 serious/critical.
"""

from __future__ import annotations

import pytest
from conftest import block_network, login, screenshot, serve_werkmap
from test_a11y import _serious
from test_layout import _BOXES, _overlaps

from maps.objecten import OBJECT_MIN_ZOOM

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAND = "land-nederland"
REGIO = "vr-zeeland"
MAP_JS = "window[document.querySelector('.folium-map').id]"
NL = (3.36, 50.75, 7.23, 53.55)  # west, south, east, north of the Netherlands (land)


@pytest.fixture(scope="module")
def land_server(tmp_path_factory):
    from geo.layers.gemeenten import reference_gemeenten, select_area
    from geo.paths import Werkmap
    from services.demo import write_land_layers
    from services.runs import build_gelegenheid

    werkmap = Werkmap.open(tmp_path_factory.mktemp("land") / "werkmap")
    write_land_layers(werkmap, seed=1, provincies=["Zeeland", "Utrecht"])
    build_gelegenheid(werkmap, select_area(land=True), cellsize=500)
    build_gelegenheid(werkmap, select_area(veiligheidsregio="Zeeland"), cellsize=250)
    codes = reference_gemeenten()["gemeentecode"].tolist()
    with serve_werkmap(werkmap.root, {"landelijk": ("analist", "Landelijk team", codes)},
                       tmp_path_factory, "land") as base:
        yield base


@pytest.fixture
def land_page(browser, land_server):
    contexts = []

    def make(width: int = 1366, height: int = 768, axe: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="nl-NL", bypass_csp=axe)
        contexts.append(context)
        page = context.new_page()
        page.blocked = block_network(page, (land_server, "data:", "blob:"))
        page.errors, page.mvt = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: page.mvt.append((r.url, r.status))
                if ".mvt" in r.url else None)
        login(page, land_server, "landelijk")
        return page

    yield make
    for context in contexts:
        context.close()


def _raster_loaded(page, kaart_id: str) -> None:
    page.wait_for_function(
        f"""() => {{ const imgs = [...document.querySelectorAll('img.leaflet-tile')]
                   .filter(i => i.src.includes('/tiles/{kaart_id}/'));
                   return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth); }}""",
        timeout=60_000)


def _objects_drawn(page, minimum: int = 20) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('.leaflet-tile-container path.leaflet-interactive')"
        f".length >= {minimum}", timeout=60_000)


def _view(page) -> dict:
    return page.evaluate("""() => { const m = MAP; const b = m.getBounds();
        return {zoom: m.getZoom(), west: b.getWest(), south: b.getSouth(),
                east: b.getEast(), north: b.getNorth()}; }""".replace("MAP", MAP_JS))


def test_start_page_offers_the_country_first_then_the_region(land_page, land_server):
    page = land_page(axe=True)
    areas = page.locator("section.gebied-groep").first.locator("div.gebied h3").all_inner_texts()
    assert areas[0].startswith("Nederland") and "land · land-nederland" in areas[0]
    assert areas[1].startswith("Zeeland") and REGIO in areas[1]
    page.fill("#gebied-filter", "nederland")
    page.wait_for_function("() => document.getElementById('gebied-filter-aantal')"
                           ".textContent === '1 gebied'", timeout=5_000)
    screenshot(page, "startpagina_land_1366x768")
    assert _serious(page) == []
    assert page.errors == [] and page.blocked == []


def test_country_map_overview_then_objects_from_vector_tiles(land_page, land_server):
    page = land_page()
    page.goto(f"{land_server}/gebied/{LAND}")
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    _raster_loaded(page, f"{LAND}-gelegenheid-totaal")
    view = _view(page)
    assert 6 <= view["zoom"] <= 8 < OBJECT_MIN_ZOOM, view
    assert view["west"] <= NL[0] + 0.3 and view["east"] >= NL[2] - 0.3, view  # whole country
    assert view["south"] <= NL[1] + 0.2 and view["north"] >= NL[3] - 0.2, view
    container = page.locator(".folium-map")
    assert container.get_attribute("data-objecten-zichtbaar") == "nee"
    assert page.locator(".kaart-zoom-hint").text_content() == "Zoom in om objecten te zien."
    assert "zoom in om objecten te zien" in page.locator(
        ".leaflet-control-layers-overlays").text_content()
    assert page.mvt == []  # no object tiles for the whole country at once
    assert _overlaps(page.evaluate(_BOXES)) == []
    assert page.locator(".kaart-plaatsnaam").first.is_hidden()  # no pile of place names
    page.wait_for_timeout(300)
    screenshot(page, "kaart_land_1366x768")

    page.evaluate(f"() => {MAP_JS}.setView([52.09, 5.12], 10, {{animate: false}})")  # Utrecht
    _objects_drawn(page)
    assert container.get_attribute("data-objecten-zichtbaar") == "ja"
    assert page.locator(".kaart-zoom-hint").is_hidden()
    ok = [u for u, status in page.mvt if f"/tiles/{LAND}-gelegenheid-totaal/objecten/10/" in u
          and status == 200]
    assert ok, page.mvt
    _raster_loaded(page, f"{LAND}-gelegenheid-totaal")
    page.wait_for_timeout(500)
    screenshot(page, "kaart_land_utrecht_1366x768")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)  # Leaflet takes the new size first (invalidateSize)
    page.evaluate(f"() => {MAP_JS}.fitBounds([[{NL[1]}, {NL[0]}], [{NL[3]}, {NL[2]}]])")
    _raster_loaded(page, f"{LAND}-gelegenheid-totaal")
    page.wait_for_timeout(500)
    assert _overlaps(page.evaluate(_BOXES)) == []
    screenshot(page, "kaart_land_390x844")
    assert page.errors == [] and page.blocked == []


def test_veiligheidsregio_map_with_objects_from_vector_tiles(land_page, land_server):
    page = land_page()
    page.goto(f"{land_server}/gebied/{REGIO}")
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    if _view(page)["zoom"] < OBJECT_MIN_ZOOM:
        assert page.locator(".kaart-zoom-hint").is_visible()
        page.evaluate(f"() => {MAP_JS}.setZoom({OBJECT_MIN_ZOOM}, {{animate: false}})")
    _objects_drawn(page)
    assert any(f"/tiles/{REGIO}-gelegenheid-totaal/objecten/" in u and status == 200
               for u, status in page.mvt), page.mvt
    _raster_loaded(page, f"{REGIO}-gelegenheid-totaal")
    page.wait_for_timeout(500)
    assert _overlaps(page.evaluate(_BOXES)) == []
    screenshot(page, "kaart_vr_zeeland_1366x768")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    assert _overlaps(page.evaluate(_BOXES)) == []
    screenshot(page, "kaart_vr_zeeland_390x844")
    assert page.errors == [] and page.blocked == []


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_country_viewer_has_no_serious_axe_violations(land_page, land_server, size):
    page = land_page(*size, axe=True)
    page.goto(f"{land_server}/gebied/{LAND}")
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    assert _serious(page) == []
