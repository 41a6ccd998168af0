"""Issue 14 item 5: no English in the viewer or a standalone map. Opens the map page (served)
and a standalone HTML in Chromium, opens the draw, measure and popup controls, collects all
visible text plus title/aria-label/placeholder attributes and fails on English words."""

from __future__ import annotations

import re

import pytest
from conftest import login, screenshot

from maps.standalone import write_standalone_html

pytestmark = pytest.mark.browser

ENGLISH = ["Draw", "Delete", "Click", "Zoom in", "Zoom out", "Layers", "Close", "Cancel",
           "Finish", "Save", "Measure", "Edit", "Clear", "Search", "Full Screen", "Exit",
           "Release mouse", "Create a new", "Location not found", "Start creating",
           "Drag", "No layers", "Last point", "A JavaScript library", "popup", "Error"]
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")

_COLLECT = """() => {
    const out = [];
    const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
                            return s.display !== 'none' && s.visibility !== 'hidden'
                                   && r.width > 0 && r.height > 0; };
    for (const el of document.querySelectorAll('body *')) {
        for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
            if (el.getAttribute(a)) out.push(a + ': ' + el.getAttribute(a));
        }
        if (['SCRIPT', 'STYLE'].includes(el.tagName) || !visible(el)) continue;
        for (const n of el.childNodes) {
            if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim());
        }
    }
    return out;
}"""


def _open_controls(page) -> list[str]:
    """Hover and open every control; return the texts seen along the way."""
    seen = page.evaluate(_COLLECT)
    page.locator(".leaflet-control-measure").hover()
    page.wait_for_selector(".leaflet-control-measure-interaction", state="visible")
    seen += page.evaluate(_COLLECT)
    page.locator(".leaflet-control-measure .js-start").click()
    seen += page.evaluate(_COLLECT)
    page.locator(".leaflet-draw-draw-rectangle").click()
    page.wait_for_selector(".leaflet-draw-actions", state="visible")
    page.locator(".folium-map").hover(position={"x": 600, "y": 450})
    seen += page.evaluate(_COLLECT)
    return seen


def _english(texts: list[str]) -> list[str]:
    return sorted({text for text in texts if _PATTERN.search(text)})


def test_viewer_controls_and_hints_are_dutch(new_page, server):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, server, "vaals")
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    seen = _open_controls(page)
    screenshot(page, "nederlands_tekenen_meten_1366x768")
    assert _english(seen) == []
    assert "Gebied tekenen (rechthoek)" in seen and "title: Inzoomen" in seen
    assert "Klik en sleep om een rechthoek te tekenen." in seen
    page.locator(".leaflet-draw-actions a").first.click()
    page.evaluate("""() => { const m = window[document.querySelector('.folium-map').id];
                             L.popup().setLatLng(m.getCenter()).setContent('x').openOn(m); }""")
    seen += page.evaluate(_COLLECT)
    assert "aria-label: Pop-up sluiten" in seen
    assert _english(seen) == []
    assert page.errors == []


def test_standalone_controls_and_hints_are_dutch(browser, browser_werkmap, tmp_path):
    target = tmp_path / "vaals.html"
    write_standalone_html(browser_werkmap.werkmap, "Vaals", target)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(target.as_uri())
        page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
        seen = _open_controls(page)
        screenshot(page, "nederlands_losse_html_1366x768")
        assert _english(seen) == []
        assert "title: Uitzoomen" in seen
        assert errors == []
    finally:
        context.close()
