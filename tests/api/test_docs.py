"""/docs (Swagger UI from our own origin) loads our accessibility fixes next to Swagger's
files: deepLinking and syntax colours off, kaart-docs.css/js served from api/static/docs,
nothing else from that route (axe in Chromium: tests/browser/test_a11y.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def test_docs_page_loads_the_accessibility_fixes(client):
    page = client.get("/docs")
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    assert '"deepLinking": false' in page.text and '"syntaxHighlight": false' in page.text
    assert 'href="/docs/bestanden/kaart-docs.css"' in page.text
    assert '<script src="/docs/bestanden/kaart-docs.js"></script>' in page.text
    css = client.get("/docs/bestanden/kaart-docs.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".opblock-summary-method" in css.text
    script = client.get("/docs/bestanden/kaart-docs.js")
    assert script.status_code == 200 and "aria-label" in script.text
    assert client.get("/docs/bestanden/swagger-ui.css").status_code == 200
    for other in ("site.css", "..%2Fsite.css", "kaart-docs.py"):
        assert client.get(f"/docs/bestanden/{other}").status_code == 404
