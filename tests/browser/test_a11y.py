"""Issue 14 item 7: axe-core (vendored in tests/browser/vendor/axe-core, no network) runs in
Debian Chromium on every page: login, start page, map viewer (served and standalone, also
with panels folded on a phone), kaartverantwoording, planning, the API documentation page,
the beheer page and the error page. WCAG 2.1 A/AA rules; no serious or critical violation
may remain."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import block_network, login

from maps.standalone import write_standalone_html

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
}"""


def _serious(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(_RUN, TAGS)
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    return serious


@pytest.fixture
def axe_page(browser, server, sessions):
    """A page that may run axe's inline script (bypass_csp: only the test injects it)."""
    contexts = []

    def make(user: str | None = None, width: int = 1366, height: int = 768):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      bypass_csp=True, locale="nl-NL",
                                      storage_state=sessions(user) if user else None)
        contexts.append(context)
        page = context.new_page()
        block_network(page, (server, "data:", "blob:"))
        return page

    yield make
    for context in contexts:
        context.close()


def test_vendored_axe_has_its_licence():
    head = AXE.read_text(encoding="utf-8")[:200]
    assert "axe v4." in head and "Mozilla Public" in head
    assert (AXE.parent / "LICENSE").exists()


def test_login_page(axe_page, server):
    page = axe_page()
    page.goto(f"{server}/inloggen")
    assert _serious(page) == []
    page.fill("#gebruikersnaam", "vaals")
    page.fill("#wachtwoord", "fout-wachtwoord")
    page.click("button[type=submit]")
    page.wait_for_selector(".melding.fout")
    assert _serious(page) == []


@pytest.mark.parametrize("user", ["vaals", "analist"])
def test_start_page(axe_page, server, user):
    page = axe_page(user)
    page.goto(f"{server}/")
    assert _serious(page) == []


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_map_viewer(axe_page, server, size):
    page = axe_page("analist", *size)
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.wait_for_timeout(500)
    assert _serious(page) == []
    page.evaluate("""() => { const m = window[document.querySelector('.folium-map').id];
        m.fire('draw:created', {layer: L.rectangle(m.getBounds()), layerType: 'rectangle'}); }""")
    page.wait_for_selector("#kaart-analyse-csv", state="attached")
    assert _serious(page) == []


def test_map_popup_and_object_table(axe_page, server):
    page = axe_page("analist")
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    button = page.locator("#kaart-objecttabel-knop")
    if button.count():
        button.click()
        page.wait_for_selector(".kaart-tabel-rij")
        assert _serious(page) == []
        page.locator(".kaart-tabel-rij").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup-content")
        assert _serious(page) == []


def test_verantwoording(axe_page, server):
    page = axe_page("analist")
    page.goto(f"{server}/verantwoording/GM0981-gelegenheid-totaal")
    page.wait_for_selector("h1")
    assert _serious(page) == []


def test_planning_pages(axe_page, server):
    page = axe_page("analist")
    response = page.goto(f"{server}/planning")
    if response.status == 404:
        pytest.skip("geen planningspagina in deze versie")
    assert response.status == 200
    assert _serious(page) == []


def test_beheer_page(axe_page, server):
    """The beheer page, also with a Dutch error next to a field."""
    page = axe_page("beheerder")
    response = page.goto(f"{server}/beheer")
    assert response.status == 200
    assert _serious(page) == []
    page.fill("#gebruikersnaam", "x")
    page.fill("#wachtwoord", "kort")
    page.click("#nieuwe-gebruiker button[type=submit]")
    page.wait_for_selector("#fout-gebruikersnaam")
    assert _serious(page) == []


def _api_docs(axe_page, server):
    """The /docs page once Swagger UI has drawn the operations (axe before that saw an
    almost empty page, so the outcome depended on timing)."""
    page = axe_page("analist")
    response = page.goto(f"{server}/docs")
    assert response.status == 200
    page.wait_for_selector(".opblock", timeout=20000)
    return page


def test_api_documentation_page_renders_locally(axe_page, server):
    page = _api_docs(axe_page, server)
    assert page.locator(".opblock").count() > 5


def test_api_documentation_page(axe_page, server):
    """Swagger UI with deepLinking off (no link inside the operation buttons), our contrast
    CSS, no syntax colours and named form controls (api/routes/docs.py): 0 serious/critical,
    also with every operation opened."""
    page = _api_docs(axe_page, server)
    assert _serious(page) == []
    operations = page.locator(".opblock-summary-control")
    for i in range(operations.count()):
        operations.nth(i).click()
    page.wait_for_function("n => document.querySelectorAll('.opblock-body').length >= n",
                           arg=operations.count())
    assert _serious(page) == []


def test_error_page(axe_page, server):
    page = axe_page("vaals")
    response = page.goto(f"{server}/gebied/GM9999")
    assert response.status in (403, 404)
    assert _serious(page) == []


def test_standalone_map(browser, browser_werkmap, tmp_path):
    target = tmp_path / "vaals.html"
    write_standalone_html(browser_werkmap.werkmap, "Vaals", target)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True,
                                  bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(target.as_uri())
        page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
        assert _serious(page) == []
    finally:
        context.close()


def test_login_then_keyboard_only(axe_page, server):
    """Skip link and focus: the first Tab on the map page reaches the skip link, which
    moves focus to the map."""
    page = axe_page()
    login(page, server, "vaals")
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Naar de kaart"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.closest('#kaartvlak') !== null")


def test_standalone_objects_by_keyboard(browser, browser_werkmap, tmp_path):
    """Without the server's object table the objects of a standalone map are in the Tab
    order with their name and class; Enter opens the popup, focus goes to its close button
    and comes back to the object when the popup closes."""
    target = tmp_path / "vaals.html"
    write_standalone_html(browser_werkmap.werkmap, "Vaals", target)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True)
    try:
        page = context.new_page()
        page.goto(target.as_uri())
        page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
        objects = page.locator("path.leaflet-interactive[role=button]")
        assert objects.count() == 5  # 2 bedrijventerreinen, 2 buitengebied, 1 vakantiepark
        labels = [objects.nth(i).get_attribute("aria-label") for i in range(5)]
        assert "Bedrijvenpark Oost, Bedrijventerreinen, klasse zeer hoog" in labels
        target_object = page.locator('path[aria-label^="Bedrijvenpark Oost"]')
        target_object.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup-content h4")
        assert "Bedrijvenpark Oost" in page.locator(".leaflet-popup-content h4").inner_text()
        assert page.evaluate("() => document.activeElement.className").startswith(
            "leaflet-popup-close-button")
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup", state="detached")
        assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") \
            .startswith("Bedrijvenpark Oost")
    finally:
        context.close()
