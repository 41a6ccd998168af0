"""The viewer's version picker and veranderingen layer in Chromium: the versions come from
/versies, the known changes of v0001 -> v0002 (tests/maps/versie_testdata.py, SYNTHETIC)
appear as one marker each with a symbol and count, a hostile object name stays text.
Screenshots artifacts/screenshots/versies_{1366x768,390x844}.png."""

from __future__ import annotations

import shutil

import pytest
from conftest import screenshot
from versie_testdata import EXPECTED, HOSTILE, add_changed_version

pytestmark = pytest.mark.browser


@pytest.fixture
def second_version(browser_werkmap):
    """v0002 of Vaals for this test only (removed afterwards: other tests see one version)."""
    target = add_changed_version(browser_werkmap.werkmap.run_parent("GM0981", "gelegenheid"))
    yield target
    shutil.rmtree(target)


def test_version_picker_shows_the_known_changes(new_page, server, second_version):
    page = new_page(user="vaals")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector("#kaart-versies")
    button = page.locator("#kaart-versies .kaart-paneel-knop")  # the layout's fold button
    assert button.inner_text().startswith("Versies")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    assert page.locator("#versie-van").is_visible()
    page.wait_for_function("document.querySelectorAll('#versie-naar option').length === 2")
    options = page.locator("#versie-van option").all_text_contents()
    assert [o.split(" — ")[0] for o in options] == ["v1", "v2"]
    assert page.locator("#versie-van").input_value() == "1"
    assert page.locator("#versie-naar").input_value() == "2"
    page.click("#toon-veranderingen")
    page.wait_for_selector("#veranderingen-uitkomst li", state="attached")
    result = page.locator("#veranderingen-uitkomst").text_content()
    assert "v1 → v2" in result
    for label in ("Hogere klasse: 1", "Lagere klasse: 1", "Nieuw object: 1",
                  "Verdwenen object: 1"):
        assert label in result
    markers = page.locator(".kaart-verandering")
    assert markers.count() == sum(len(v) for v in EXPECTED.values())
    symbols = sorted(markers.all_inner_texts())
    assert symbols == sorted(["▲", "▼", "+", "×"])  # a cue beyond colour
    new = page.get_by_title(f"Nieuw object: {HOSTILE}", exact=True)
    new.click()
    popup = page.locator(".leaflet-popup-content")
    assert HOSTILE in popup.inner_text() and popup.locator("img").count() == 0
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"versies_{width}x{height}")
    assert dialogs == [] and page.errors == []
