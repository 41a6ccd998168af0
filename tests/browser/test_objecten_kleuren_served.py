"""Served viewer: objects from vector tiles take the colours of the map that is shown
(issue 14 item 3), in headless Chromium against the real app.

The real demo pipeline for Vaals (synthetic layers; gelegenheid, risico and gecombineerd at
100 m). On the gelegenheid, risico and gecombineerde kaart the rendered fill pixel of every
object that no other object covers equals the legend swatch of that object's class on the
shown map (``klasse``, ``risico_klasse``, ``gecombineerde_klasse`` of the gecombineerd run's
``objecten.gpkg``). Before this change the tiles carried only ``klasse`` and objects stayed
in gelegenheid colours on the risico and gecombineerde kaart: this test fails on that code.
A gemeente user (no confidential maps) never gets the gecombineerd objects' tile URL.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from conftest import block_network, login, screenshot, serve_werkmap
from PIL import Image

from geo.runs import THEMES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOLERANCE = 3  # per channel: compositing rounds to whole numbers
MAP_JS = "window[document.querySelector('.folium-map').id]"
KINDS = (("gelegenheid", None, "klasse"),
         ("risico", "Risicokaart", "risico_klasse"),
         ("gecombineerd", "Gecombineerde kaart", "gecombineerde_klasse"))


@pytest.fixture(scope="module")
def vaals_server(tmp_path_factory):
    """Vaals from the real demo pipeline: gelegenheid, risico and gecombineerd at 100 m."""
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap
    from services.demo import write_demo_layers
    from services.runs import build_gecombineerd, build_gelegenheid, build_risico

    werkmap = Werkmap.open(tmp_path_factory.mktemp("kleuren") / "werkmap")
    write_demo_layers(werkmap, seed=1)
    area = select_area(gemeente="Vaals")
    for build in (build_gelegenheid, build_risico):
        build(werkmap, area, cellsize=100)
    build_gecombineerd(werkmap, area)
    users = {"analist": ("analist", "RIEC Limburg", ["GM0981"]),
             "vaals": ("gemeente", "Gemeente Vaals", ["GM0981"])}
    with serve_werkmap(werkmap.root, users, tmp_path_factory, "kleuren") as base:
        yield base, werkmap


def _objects(werkmap) -> gpd.GeoDataFrame:
    """Every object of the gecombineerd run (WGS84) with its three classes."""
    path = next((werkmap.root / "kaarten" / "GM0981" / "gecombineerd").glob("v*/objecten.gpkg"))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    frames = [gpd.read_file(path, layer=t) for t in THEMES if t in layers]
    frame = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=frames[0].crs).to_crs("EPSG:4326")


def _open(browser, server, user: str, width: int = 1366, height: int = 768):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    page.blocked = block_network(page, (server, "data:", "blob:"))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    login(page, server, user)
    return context, page


def _wait_drawn(page, kind: str) -> None:
    page.wait_for_function(
        f"""() => {{ const c = document.querySelector('.folium-map');
             const o = window.KaartObjecten && window.KaartObjecten.current;
             return c.getAttribute('data-objecten-soort') === '{kind}' && o &&
               Object.values(o.layers).every(l => !l.isLoading()) &&
               document.querySelectorAll('.leaflet-tile-container path.leaflet-interactive')
                 .length >= 10; }}""", timeout=30_000)
    page.wait_for_timeout(400)


def _swatch_colours(page, kind: str) -> dict[str, tuple[int, int, int]]:
    """Legend swatch colour per class code of a map kind (computed style, folded or not)."""
    colours = page.evaluate("""([kind]) => {
        const out = {};
        document.querySelectorAll(`.kaart-legenda-blok[data-soort="${kind}"] [data-klasse]`)
          .forEach(item => {
            const sw = item.classList.contains('kaart-bivariaat-cel') ? item
                       : item.querySelector('.kaart-swatch');
            out[item.getAttribute('data-klasse')] = getComputedStyle(sw).backgroundColor;
          });
        return out; }""", [kind])
    return {code: tuple(int(v) for v in rgb[rgb.index("(") + 1:-1].split(",")[:3])
            for code, rgb in colours.items()}


def _page_points(page, frame: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    points = [(g.representative_point().y, g.representative_point().x) for g in frame.geometry]
    return page.evaluate("""([points]) => { const map = MAP;
        const r = map.getContainer().getBoundingClientRect();
        return points.map(([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);
          return [r.left + p.x, r.top + p.y]; }); }""".replace("MAP", MAP_JS), [points])


def _free(frame: gpd.GeoDataFrame, points, index: int) -> bool:
    """No other object within 16 px of this object's point or covering it."""
    x, y = points[index]
    here = frame.geometry.iloc[index].representative_point()
    for j, (u, v) in enumerate(points):
        if j != index and (abs(u - x) < 16 and abs(v - y) < 16
                           or frame.geometry.iloc[j].buffer(0.0005).contains(here)):
            return False
    return True


def _check_colours(page, frame, kind: str, column: str, name: str) -> int:
    image = np.asarray(Image.open(screenshot(page, name)).convert("RGB"))
    swatches = _swatch_colours(page, kind)
    points = _page_points(page, frame)
    size = page.viewport_size
    checked = 0
    for i, (x, y) in enumerate(points):
        if not (5 < x < size["width"] - 5 and 5 < y < size["height"] - 5):
            continue
        if page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y);"
                         " return !e || !!e.closest('.leaflet-control'); }", [x, y]):
            continue  # under a panel
        if not _free(frame, points, i):
            continue
        value = frame[column].iloc[i]
        code = "0" if value is None or value != value else str(int(value))
        drawn = tuple(int(v) for v in image[int(round(y)), int(round(x)), :3])
        legend = swatches[code]
        assert all(abs(p - q) <= TOLERANCE for p, q in zip(drawn, legend, strict=True)), (
            kind, frame["id"].iloc[i], code, drawn, legend)
        checked += 1
    return checked


def test_served_objects_take_the_colours_of_the_shown_map(browser, vaals_server):
    server, werkmap = vaals_server
    frame = _objects(werkmap)
    assert frame["risico_klasse"].notna().any() and (
        frame["risico_klasse"] != frame["klasse"]).any()  # the test can tell them apart
    context, page = _open(browser, server, "analist")
    try:
        page.goto(f"{server}/gebied/GM0981?kaart=GM0981-gelegenheid-totaal")
        page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
        mvt = []
        page.on("request", lambda r: mvt.append(r.url) if ".mvt" in r.url else None)
        for kind, layer_name, column in KINDS:
            if layer_name:
                page.locator(".leaflet-control-layers-overlays label").filter(
                    has_text=layer_name).locator("input").evaluate(
                        "i => i.click()")  # the layer control may be folded
            _wait_drawn(page, kind)
            checked = _check_colours(page, frame, kind, column,
                                     f"kaart_objecten_{kind}_served_1366x768")
            assert checked >= 5, (kind, checked)
            if frame[column].notna().all():  # served legend knows the risk classes too
                assert "0" not in _swatch_colours(page, kind), kind  # no 'zonder klasse'
        # risico/gecombineerd classes came from the gecombineerd run's vector tiles
        assert any("/tiles/GM0981-gecombineerd-totaal/objecten/" in u for u in mvt)
        assert page.blocked == [] and page.errors == []
    finally:
        context.close()


def test_gemeente_user_gets_no_confidential_object_tiles(browser, vaals_server):
    server, _ = vaals_server
    context, page = _open(browser, server, "vaals")
    try:
        page.goto(f"{server}/gebied/GM0981")
        page.wait_for_selector(".folium-map[data-objecten-klaar=ja]")
        html = page.content()
        assert "GM0981-gecombineerd-totaal" not in html and '"classUrl": null' in html
        _wait_drawn(page, "gelegenheid")
        assert page.errors == []
    finally:
        context.close()
