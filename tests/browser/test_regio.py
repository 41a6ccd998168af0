"""A veiligheidsregio in Chromium: the real demo pipeline (synthetic layers, gelegenheid for
Limburg-Zuid at 100 m), served by the real app; the start page filter, the region viewer
with objects from vector tiles, its object table; screenshots at 1366x768 and 390x844."""

from __future__ import annotations

import os

import pytest
from conftest import CHROMIUM, block_network, login, screenshot, serve_werkmap

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REGIO = "vr-limburg-zuid"


@pytest.fixture(scope="module")
def regio_werkmap(tmp_path_factory):
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap
    from services.demo import write_demo_layers
    from services.runs import build_gelegenheid

    werkmap = Werkmap.open(tmp_path_factory.mktemp("regio") / "werkmap")
    write_demo_layers(werkmap, seed=1)
    area = select_area(veiligheidsregio="Limburg-Zuid")
    build_gelegenheid(werkmap, area, cellsize=100)
    build_gelegenheid(werkmap, select_area(gemeente="Vaals"), cellsize=100)
    return werkmap, area.codes


@pytest.fixture(scope="module")
def regio_server(regio_werkmap, tmp_path_factory):
    werkmap, codes = regio_werkmap
    with serve_werkmap(werkmap.root, {"analist": ("analist", "RIEC Limburg", codes)},
                       tmp_path_factory, "regio") as base:
        yield base


@pytest.fixture
def regio_page(browser, regio_server):
    assert os.path.exists(CHROMIUM)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL",
                                  accept_downloads=True)
    page = context.new_page()
    page.blocked = block_network(page, (regio_server, "data:", "blob:"))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    login(page, regio_server, "analist")
    yield page
    context.close()


def test_start_page_filter_and_region_viewer_with_vector_tiles(regio_page, regio_server):
    page = regio_page
    groups = page.locator("section.gebied-groep h2").all_inner_texts()
    assert groups[0].startswith("Regio's en land") and groups[1].startswith("Limburg-Zuid")
    screenshot(page, "startpagina_regio_1366x768")
    page.fill("#gebied-filter", "vaals")
    page.wait_for_function("() => document.getElementById('gebied-filter-aantal')"
                           ".textContent === '1 gebied'", timeout=5_000)
    assert page.locator("div.gebied:not([hidden])").count() == 1
    page.fill("#gebied-filter", "limburg-zuid")
    page.locator(f"#gebied-{REGIO} a.knop").click()
    page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
    mvt = []
    page.on("response", lambda r: mvt.append(r) if ".mvt" in r.url else None)
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-tile-container svg path.leaflet-interactive')"
        ".length >= 20", timeout=30_000)
    assert any(f"/tiles/{REGIO}-gelegenheid-totaal/objecten/" in r.url and r.status == 200
               for r in mvt) or page.evaluate(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('.mvt'))")
    assert "synthetisch" in page.locator(".kaart-info-paneel").text_content().lower()  # folded
    page.wait_for_function(  # the raster from the serving copy's pyramid, too
        f"""() => {{ const imgs = [...document.querySelectorAll('img.leaflet-tile')]
                   .filter(i => i.src.includes('/tiles/{REGIO}-gelegenheid-totaal/'));
                   return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth); }}""",
        timeout=30_000)
    page.wait_for_timeout(500)
    screenshot(page, "kaart_regio_1366x768")
    page.click("#kaart-objecttabel-knop")
    page.wait_for_selector(".kaart-tabel-rij")
    status = page.locator(".kaart-tabel-status").inner_text()
    assert status.startswith("1–25 van ") and int(status.split()[2]) > 100
    gemeenten = page.locator("select[name=gemeente] option").all_inner_texts()
    assert "Vaals" in gemeenten and "Maastricht" in gemeenten and len(gemeenten) == 17
    page.select_option("select[name=gemeente]", label="Vaals")
    page.wait_for_function("() => !document.querySelector('.kaart-tabel-status')"
                           ".textContent.startsWith('1–25 van 1')", timeout=10_000)
    page.wait_for_timeout(500)
    assert set(page.locator(".kaart-tabel-rij td:nth-child(3)").all_inner_texts()) == {"Vaals"}
    screenshot(page, "kaart_regio_objecttabel_1366x768")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    screenshot(page, "kaart_regio_390x844")
    assert [u for u in page.blocked if "openstreetmap" not in u] == []
    assert page.errors == []
