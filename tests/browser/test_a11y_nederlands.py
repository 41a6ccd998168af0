"""Issue 14 item 5: the rendered pages are Dutch. Every page (login, start page, map viewer
with its panels folded on a phone, kaartverantwoording, planning, beheer, the error page) is
opened in Chromium; visible text and title/aria-label/placeholder/alt attributes may not contain
English words (the same word list and collector as test_nederlands.py). The API
documentation (Swagger UI, a developer tool) is left out."""

from __future__ import annotations

import pytest
from conftest import block_network
from test_nederlands import _COLLECT, _english

pytestmark = pytest.mark.browser

PAGES = ["/inloggen", "/", "/gebied/GM0981", "/verantwoording/GM0981-gelegenheid-totaal",
         "/planning", "/beheer", "/gebied/GM9999"]


@pytest.mark.parametrize("user", [None, "vaals", "analist", "beheerder"])
@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_pages_have_no_english(browser, server, sessions, user, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="nl-NL",
                                  storage_state=sessions(user) if user else None)
    try:
        page = context.new_page()
        block_network(page, (server, "data:", "blob:"))
        seen: dict[str, list[str]] = {}
        for path in PAGES if user else ["/inloggen"]:
            page.goto(f"{server}{path}")
            if page.locator(".folium-map").count():
                page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
                page.wait_for_timeout(300)
            texts = page.evaluate(_COLLECT)
            assert len(texts) > 5, (path, texts)
            if path == "/gebied/GM0981":
                assert "Legenda" in texts and "Kaartlagen" in texts
            seen[path] = _english(texts)
        assert {path: words for path, words in seen.items() if words} == {}
    finally:
        context.close()
