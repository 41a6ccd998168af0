"""Issue 14 item 4: the viewer's panels and controls do not collide.

The map page (served by the app, as the analyst who sees every map) and a standalone HTML
open at 1366×768, 1920×1080, 768×1024, 390×844 and at 200% zoom (1366×768 with twice the
pixel ratio: a CSS viewport of 683×384). At each size the test collects the bounding box of
every visible Leaflet control and panel and fails on any overlap or on a control outside
the map; it then shows an analysis result (table + "Download CSV"), checks again, clicks a
search suggestion with the mouse and checks that the popup's title and close button are
inside the viewport and not covered. Screenshots: artifacts/screenshots/layout_*.png.
"""

from __future__ import annotations

import pytest
from conftest import screenshot

from maps.standalone import write_standalone_html

pytestmark = pytest.mark.browser

SIZES = {"1366x768": (1366, 768, 1), "1920x1080": (1920, 1080, 1), "768x1024": (768, 1024, 1),
         "390x844": (390, 844, 1), "zoom200": (683, 384, 2)}

_BOXES = """() => {
    const map = document.querySelector('.folium-map');
    const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
        return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
    const boxes = [];
    for (const el of map.querySelectorAll('.leaflet-control')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        const own = /(kaart-(?!paneel )[a-z-]+|leaflet-control-(?!search )[a-z-]+)/;
        const name = (el.className.match(own) || [el.className])[0];
        boxes.push({name, x: r.left, y: r.top, r: r.right, b: r.bottom});
    }
    const m = map.getBoundingClientRect();
    return {boxes, map: {x: m.left, y: m.top, r: m.right, b: m.bottom},
            view: {r: window.innerWidth, b: window.innerHeight}};
}"""

_ON_TOP = """(sel) => {
    const el = document.querySelector(sel); const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return (!!hit && (hit === el || el.contains(hit))) ||
        [r.left, r.top, r.right, r.bottom, hit ? hit.outerHTML.slice(0, 80) : null].join(" "); }"""


def _overlaps(found: dict) -> list[str]:
    boxes, problems = found["boxes"], []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x"] < b["r"] - 0.5 and b["x"] < a["r"] - 0.5 and a["y"] < b["b"] - 0.5 \
                    and b["y"] < a["b"] - 0.5:
                problems.append(f"{a['name']} overlapt {b['name']}")
        m = found["map"]
        if a["x"] < m["x"] - 0.5 or a["y"] < m["y"] - 0.5 or a["r"] > m["r"] + 0.5 \
                or a["b"] > m["b"] + 0.5:
            problems.append(f"{a['name']} steekt buiten de kaart")
    return problems


def _show_analysis(page) -> None:
    page.evaluate("""() => { const m = window[document.querySelector('.folium-map').id];
        m.fire('draw:created', {layer: L.rectangle(m.getBounds()), layerType: 'rectangle'}); }""")
    page.wait_for_selector("#kaart-analyse-csv", state="visible")


def _search_and_check_popup(page) -> None:
    served = page.locator("#kaart-zoek-invoer").count() > 0  # server-side search
    if served:
        box = page.locator("#kaart-zoek-invoer")
        if not box.is_visible():
            page.locator(".kaart-zoek .kaart-paneel-knop").click()
        tip = page.locator(".kaart-zoek-treffer").first
    else:
        box = page.locator(".leaflet-control-search input.search-input")
        if not box.is_visible():
            page.locator(".leaflet-control-search .search-button").click()
        tip = page.locator(".leaflet-control-search .search-tip").first
    box.click()
    box.press_sequentially("Bedrijvenpark")
    tip.wait_for(state="visible")
    tip.click()  # the mouse: playwright fails if another element would receive the click
    page.wait_for_selector(".leaflet-popup-content h4", state="visible")
    page.wait_for_timeout(600)  # the zoom and the popup's autopan animations
    view = page.viewport_size
    for selector in (".leaflet-popup-content h4", ".leaflet-popup-close-button"):
        r = page.locator(selector).bounding_box()
        assert r["x"] >= 0 and r["y"] >= 0, selector
        assert r["x"] + r["width"] <= view["width"] and r["y"] + r["height"] <= view["height"], \
            (selector, r, view)
        assert page.evaluate(_ON_TOP, selector) is True, f"{selector} is bedekt"
    assert "Bedrijvenpark Oost" in page.locator(".leaflet-popup-content h4").inner_text()
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_selector(".leaflet-popup", state="detached")


def _check_page(page, name: str) -> None:
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.locator(".folium-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, f"layout_{name}")
    found = page.evaluate(_BOXES)
    assert len(found["boxes"]) >= 8, found
    assert _overlaps(found) == []
    _show_analysis(page)
    page.wait_for_timeout(300)
    screenshot(page, f"layout_{name}_analyse")
    assert _overlaps(page.evaluate(_BOXES)) == []
    assert page.evaluate(_ON_TOP, "#kaart-analyse-csv") is True, "Download CSV is bedekt"
    _search_and_check_popup(page)
    assert _overlaps(page.evaluate(_BOXES)) == []


@pytest.mark.parametrize("size", list(SIZES))
def test_viewer_layout_without_collisions(browser, server, sessions, size):
    width, height, scale = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=scale, locale="nl-NL",
                                  storage_state=sessions("analist"))
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            (server, "data:", "blob:")) else route.abort())
        page.goto(f"{server}/gebied/GM0981")
        _check_page(page, size)
        assert errors == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def standalone_file(browser_werkmap, tmp_path_factory):
    target = tmp_path_factory.mktemp("los") / "vaals.html"
    write_standalone_html(browser_werkmap.werkmap, "Vaals", target)
    return target


@pytest.mark.parametrize("size", ["1366x768", "390x844", "zoom200"])
def test_standalone_layout_without_collisions(browser, standalone_file, size):
    width, height, scale = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=scale, offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(standalone_file.as_uri())
        _check_page(page, f"los_{size}")
        assert errors == []
    finally:
        context.close()
