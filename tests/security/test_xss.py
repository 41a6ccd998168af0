"""Issue 11 item 7: stored XSS and missing browser security headers.

A vakantiepark named ``<img src=x onerror=alert(1)>`` ran script in the object search (the
plug-in built its list with innerHTML), in the viewer and in the standalone HTML; no
Content-Security-Policy, X-Content-Type-Options, frame-ancestors or Referrer-Policy; /docs
loaded Swagger UI from a CDN.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sec_web_data import (
    PASSWORD,
    PAYLOADS,
    ROOT,
    USERS,
    build_hostile_werkmap,
    login,
    make_app,
)

CHROMIUM = os.environ.get("KAART_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
OUTSIDE = re.compile(r"https?://(?!service\.pdok\.nl[ ;])")  # the default background only


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_hostile_werkmap(tmp_path_factory.mktemp("xss") / "werkmap")


@pytest.fixture
def client(hostile, tmp_path):
    return TestClient(make_app(hostile.root, tmp_path / "kaart.db"), follow_redirects=False)


def _policy(response) -> dict[str, str]:
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_every_response_has_the_security_headers(client):
    login(client, "analist")
    for path in ("/inloggen", "/", "/gebied/GM0981", "/verantwoording/GM0981-gelegenheid-totaal",
                 "/api/v1/kaarten", "/static/site.css", "/bestaat-niet"):
        response = client.get(path)
        assert response.headers.get("x-content-type-options") == "nosniff", path
        assert response.headers.get("x-frame-options") == "DENY", path
        assert response.headers.get("referrer-policy") in ("same-origin", "no-referrer"), path
        policy = _policy(response)
        assert policy.get("frame-ancestors") == "frame-ancestors 'none'" or \
            policy.get("default-src") == "default-src 'none'", path


class _AttributeNames(HTMLParser):
    """Every attribute name of every tag, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [(tag, name) for name, _ in attrs if name.lower().startswith("on")]


def _event_handler_attributes(html: str) -> list[tuple[str, str]]:
    """(tag, attribute) of inline event handlers (onclick=, onerror=, ...) in ``html``.

    Parsed, not pattern-matched: an escaped payload inside an attribute value
    (``data-zoek="&lt;img src=x onerror=…"``) is text, not a handler.
    """
    parser = _AttributeNames()
    parser.feed(html)
    parser.close()
    return parser.handlers


def test_html_csp_allows_scripts_only_by_nonce_and_from_self(client):
    responses = {"/inloggen": client.get("/inloggen")}
    login(client, "analist")
    nonces = set()
    for path in ("/inloggen", "/", "/gebied/GM0981", "/verantwoording/GM0981-gelegenheid-totaal"):
        response = responses.get(path) or client.get(path)
        assert response.status_code == 200, path
        policy = _policy(response)
        script = policy["script-src"]
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, script
        assert not OUTSIDE.search(response.headers["content-security-policy"]), path
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        nonce = re.search(r"'nonce-([^']+)'", script).group(1)
        nonces.add(nonce)
        tags = re.findall(r"<script[^>]*>", response.text)
        assert all(f'nonce="{nonce}"' in tag for tag in tags), (path, tags)
        assert not _event_handler_attributes(response.text), path
    assert len(nonces) == 4  # a fresh nonce per response


def test_user_text_is_escaped_in_served_pages(client):
    login(client, "analist")
    for path in ("/", "/gebied/GM0981", "/verantwoording/GM0981-gelegenheid-totaal"):
        html = client.get(path).text
        for payload in PAYLOADS:
            assert "<" not in payload or payload not in html, (path, payload)
        assert "<img src=x" not in html and "<svg onload" not in html, path
        assert not re.search(r'(?:href|src)\s*=\s*["\']?javascript:', html), path


def test_docs_are_served_without_a_cdn(client, hostile, tmp_path):
    response = client.get("/docs")
    assert response.status_code == 200
    assert "cdn.jsdelivr" not in response.text and "unpkg" not in response.text
    for src in re.findall(r'(?:src|href)="([^"]+)"', response.text):
        if src.startswith("/"):
            assert client.get(src).status_code == 200, src
    assert not OUTSIDE.search(response.headers["content-security-policy"])
    production = TestClient(make_app(hostile.root, tmp_path / "p.db", omgeving="productie"))
    assert production.get("/docs").status_code == 404
    assert production.get("/api/v1/openapi.json").status_code == 200


def test_standalone_html_has_a_csp_meta_with_script_hashes(hostile, tmp_path):
    from maps.standalone import write_standalone_html

    result = write_standalone_html(hostile.werkmap, "GM0981", tmp_path / "vaals.html")
    html = result.path.read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta and html.index(meta.group(0)) < html.index("<script")
    policy = meta.group(1)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "'sha256-" in policy and not OUTSIDE.search(policy)
    for payload in PAYLOADS:
        assert "<" not in payload or payload not in html, payload


# --- in a real Chromium -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(hostile, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium ontbreekt ({CHROMIUM})")
    database = tmp_path_factory.mktemp("xssdb") / "kaart.db"
    secret = secrets.token_urlsafe(48)
    app = make_app(hostile.root, database)
    app.state.engine.dispose()
    port = _free_port()
    env = {**os.environ, "KAART_OMGEVING": "test", "KAART_WERKMAP": str(hostile.root),
           "KAART_DATABASE_URL": f"sqlite:///{database}", "KAART_GEHEIME_SLEUTEL": secret,
           "PYTHONPATH": str(ROOT)}
    log = open(tmp_path_factory.mktemp("xsslog") / "uvicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"uvicorn stopte; zie {log.name}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _page(browser, allowed: tuple[str, ...], viewport=(1366, 768)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  locale="nl-NL")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
    page.on("console", lambda msg: page.problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    page.on("dialog", lambda dialog: (page.problems.append("dialog"), dialog.dismiss()))

    def route(r):
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    return page


def _assert_clean(page, where: str) -> None:
    assert page.evaluate("window.__xss") is None, where
    assert page.evaluate("window.__csp") == [], (where, page.evaluate("window.__csp"))
    assert page.locator('img[src="x"], svg[onload]').count() == 0, where
    assert page.problems == [], (where, page.problems)


def _login(page, server: str, name: str) -> None:
    page.goto(f"{server}/inloggen")
    page.fill("#gebruikersnaam", name)
    page.fill("#wachtwoord", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")


def _search_and_open(page) -> None:
    """Search "Park" and open the first hit: the served viewer searches on the server
    (#kaart-zoek-invoer), the standalone file with Leaflet.Search; a folded search panel
    (small screens) is opened first, as in tests/browser/test_layout.py."""
    if page.locator("#kaart-zoek-invoer").count() > 0:
        box, hits = page.locator("#kaart-zoek-invoer"), ".kaart-zoek-treffer"
        if not box.is_visible():
            page.locator(".kaart-zoek .kaart-paneel-knop").click()
    else:
        box, hits = page.locator(".leaflet-control-search input.search-input"), ".search-tip"
        if not box.is_visible():
            page.locator(".leaflet-control-search .search-button").click()
    box.click()
    box.press_sequentially("Park", delay=40)
    page.wait_for_selector(hits, timeout=5000)
    tips = page.locator(hits).all_inner_texts()
    assert any("<img src=x" in tip for tip in tips), tips  # shown as text, not as HTML
    page.locator(hits).first.click()
    page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert "Park" in page.locator(".leaflet-popup-content").inner_text()


@pytest.mark.browser
def test_no_script_runs_in_viewer_search_popups_and_pages(browser, server):
    assert set(USERS) >= {"analist"}
    page = _page(browser, (server,))
    _login(page, server, "analist")
    _assert_clean(page, "start")
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector("[data-kaart-klaar=ja]", timeout=15000)
    _search_and_open(page)
    page.wait_for_timeout(300)
    _assert_clean(page, "kaart + zoeken + popup")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "xss_kaart_zoeken_1366.png"))
    page.goto(f"{server}/verantwoording/GM0981-gelegenheid-totaal")
    assert PAYLOADS[0] in page.inner_text("main")  # shown literally
    _assert_clean(page, "verantwoording")
    page.screenshot(path=str(SCREENSHOTS / "xss_verantwoording_1366.png"), full_page=True)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    _assert_clean(page, "docs")


@pytest.mark.browser
def test_no_script_runs_in_the_standalone_html(browser, hostile, tmp_path):
    from maps.standalone import write_standalone_html

    path = write_standalone_html(hostile.werkmap, "GM0981", tmp_path / "vaals.html").path
    page = _page(browser, ("file:", "data:", "blob:"), viewport=(390, 844))
    page.goto(path.as_uri())
    page.wait_for_selector("[data-kaart-klaar=ja]", timeout=15000)
    _search_and_open(page)
    _assert_clean(page, "losse HTML")
    page.screenshot(path=str(SCREENSHOTS / "xss_losse_html_390.png"))


@pytest.mark.browser
def test_no_script_runs_in_the_plan_route_map(browser, tmp_path):
    from maps.plan import write_plan_map

    picks = pd.DataFrame({
        "volgorde": [1, 2], "object_id": ["VP1", PAYLOADS[1]], "naam": PAYLOADS[:2],
        "thema": ["vakantieparken", PAYLOADS[4]], "gemeentenaam": [PAYLOADS[3], "Vaals"],
        "lat": [50.77, 50.78], "lon": [5.99, 6.01], "soort_keuze": ["exploitatie", "exploratie"],
        "score": [0.9, 0.4], "klasse": [5, 2], "selectiekans": [1.0, 0.25],
        "reden": [PAYLOADS[2], PAYLOADS[0]], "aankomst": pd.to_datetime(["2026-11-23 09:00"] * 2),
        "duur": [45, 30]})
    path = write_plan_map(picks, tmp_path / "plan.html", titel="Plan " + PAYLOADS[2])
    page = _page(browser, ("file:", "data:", "blob:"))
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive", timeout=15000)
    for marker in page.locator("path.leaflet-interactive").all()[1:]:  # [0] is the route line
        marker.click(force=True)
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert "<img src=x" in " ".join(page.locator(".leaflet-popup-content").all_inner_texts())
    _assert_clean(page, "planroute")
    assert "Content-Security-Policy" in path.read_text(encoding="utf-8")


@pytest.mark.browser
def test_gebied_analyseren_csv_neutralises_formulas_in_the_browser(browser, server):
    page = _page(browser, (server,))
    _login(page, server, "analist")
    page.goto(f"{server}/gebied/GM0981")
    page.wait_for_selector("[data-kaart-klaar=ja]", timeout=15000)
    csv = page.evaluate("""Kaart._toCsv([{naam: '=HYPERLINK("http://x","klik")', score: -0.5},
                                         {naam: '\\t=1+1', score: 2}, {naam: '@SUM(1,2)'}],
                                        [["naam", "naam"], ["score", "score"]],
                                        ["=", "+", "-", "@", "\\t", "\\r"])""")
    lines = csv.lstrip("\ufeff").split("\r\n")
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""klik"")";-0,5'
    assert lines[2] == "'\t=1+1;2" and lines[3] == "'@SUM(1,2);"


def test_boundary_tooltip_and_layer_names_are_escaped(hostile):
    """folium's GeoJsonTooltip and Leaflet's layer control insert text as HTML."""
    from maps.builder import build_gemeente_map
    from maps.outputs import load_outputs

    outputs = load_outputs(hostile.werkmap, "GM0981")
    outputs.boundaries["gemeentenaam"] = "Grens " + PAYLOADS[0]
    html = build_gemeente_map(outputs, standalone=True).get_root().render()
    # escaped before it reaches the tooltip (then JSON-encoded: & -> \u0026)
    assert "Grens \\u0026lt;img src=x onerror=" in html
    assert "Grens \\u003cimg" not in html and "<img src=x" not in html
