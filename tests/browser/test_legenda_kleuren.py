"""Legend = what you see (issue 14 item 3), in headless Chromium on a standalone file.

For every class the rendered pixel of the raster (drawn at :data:`geo.legend.MAP_OPACITY`)
and of an object of that class equal the legend swatch (sampled from the same
screenshot); objects follow the map that is shown (risico, gecombineerd); the 3×3 legend
has words on both axes. The old code drew class 5 as (206, 64, 92) over white while the
swatch was (189, 0, 38), and objects at 85 % opacity: this test fails on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from kaart_testdata import build_test_werkmap
from PIL import Image
from pyproj import Transformer

from geo.export.cog import write_cog
from geo.legend import GEEN_KENMERKEN, class_codes
from geo.scoring.grid import Grid
from maps.builder import build_gemeente_map
from maps.outputs import ALL_KINDS, load_outputs
from maps.standalone import render_standalone_html

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
MAP_JS = "window[document.querySelector('.folium-map').id]"
TOLERANCE = 3  # per channel: PNG palette and compositing round to whole numbers


@pytest.fixture
def browser_werkmap_fresh(tmp_path):
    return build_test_werkmap(tmp_path / "werkmap")


def _with_geen_kenmerken(cog) -> None:
    """The test COG has classes 1..5 by column; give its first columns class 6 (score 0)."""
    with rasterio.open(cog) as src:
        data, tags = src.read(), src.tags()
        grid = Grid(src.transform, src.shape, str(src.crs))
    zero = (data[1] == 1) & (np.arange(data.shape[2])[None, :] < 6)
    data[0][zero], data[1][zero] = 0.0, GEEN_KENMERKEN
    cog.unlink()
    write_cog(cog, data, grid, descriptions=["score", "klasse"], tags=tags)


def _standalone(built, tmp_path):
    wm = built.werkmap
    _with_geen_kenmerken(wm.run_parent("GM0981", "gelegenheid") / "v0001" / "gelegenheidskaart.tif")
    outputs = load_outputs(wm, "GM0981", allowed_kinds=ALL_KINDS)
    for frame in outputs.objects.values():  # as add_risk_classes joins them from gecombineerd
        frame["risico_klasse"] = [5 - i % 5 for i in range(len(frame))]
        frame["gecombineerde_klasse"] = [9 - i % 9 for i in range(len(frame))]
    target = tmp_path / "kleuren.html"
    target.write_text(render_standalone_html(build_gemeente_map(
        outputs, standalone=True, allowed_kinds=ALL_KINDS)), encoding="utf-8")
    return target, outputs


def _open(browser, target):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "data:", "blob:")) else route.abort())
    page.goto(target.as_uri())
    page.wait_for_selector(".folium-map[data-kaart-klaar=ja]")
    page.evaluate("() => document.querySelectorAll('.leaflet-control-layers-base input')"
                  ".forEach(i => { if (i.nextSibling.textContent.trim() === 'Geen achtergrond')"
                  " i.click(); })")
    return context, page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _pixel(image, x, y):
    return tuple(int(v) for v in image[int(round(y)), int(round(x)), :3])


def _close(a, b) -> bool:
    return all(abs(p - q) <= TOLERANCE for p, q in zip(a, b, strict=True))


def _swatches(page, soort):
    """Screen centre of each legend swatch of a map kind: {code: (x, y)}."""
    return page.evaluate("""([soort]) => {
        const out = {};
        document.querySelectorAll(`.kaart-legenda-blok[data-soort="${soort}"] [data-klasse]`)
          .forEach(item => {
            const sw = item.classList.contains('kaart-bivariaat-cel') ? item
                       : item.querySelector('.kaart-swatch');
            const r = sw.getBoundingClientRect();
            out[item.getAttribute('data-klasse')] = [r.left + r.width / 2, r.top + r.height / 2];
          });
        return out; }""", [soort])


def _latlng_to_page(page, lat, lon):
    return page.evaluate("""([lat, lon]) => { const map = MAP;
        const p = map.latLngToContainerPoint([lat, lon]);
        const r = map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""".replace("MAP", MAP_JS), [lat, lon])


def _cell_points(cog):
    """{code: [(lat, lon), ...]}: cell centres down the middle column of each class."""
    to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    with rasterio.open(cog) as src:
        klasse = src.read(2)
        points = {}
        for code in np.unique(klasse[klasse > 0]).astype(int):
            col = int(np.median(np.unique(np.nonzero(klasse == code)[1])))
            rows = np.nonzero(klasse[:, col] == code)[0]
            xs, ys = src.xy(rows, np.full(rows.shape, col))
            lons, lats = to_wgs.transform(xs, ys)
            points[int(code)] = list(zip(lats, lons, strict=True))
    return points


def _visible_raster_point(page, candidates):
    """Page point of the first candidate that no panel or control covers."""
    for lat, lon in candidates:
        x, y = _latlng_to_page(page, lat, lon)
        if page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y);"
                         " return !!e && !e.closest('.leaflet-control'); }",
                         [x, y]):
            return x, y
    raise AssertionError("geen zichtbaar vakje van deze klasse")


def test_raster_and_object_pixels_equal_the_legend_swatches(browser, browser_werkmap_fresh,
                                                            tmp_path):
    target, outputs = _standalone(browser_werkmap_fresh, tmp_path)
    cog = next(r.path for r in outputs.rasters if r.kaart_id == "GM0981-gelegenheid-totaal")
    context, page = _open(browser, target)
    try:
        page.evaluate("() => { const map = MAP; const gone = [];"  # raster alone first
                      " map.eachLayer(l => { if (l instanceof L.Path || l.feature)"
                      " gone.push(l); }); gone.forEach(l => map.removeLayer(l)); }"
                      .replace("MAP", MAP_JS))
        page.wait_for_timeout(300)
        image = np.asarray(Image.open(screenshot(page, "legenda_kleuren_raster_1366x768"))
                           .convert("RGB"))
        swatches = _swatches(page, "gelegenheid")
        seen = set()
        for code, candidates in _cell_points(cog).items():
            drawn = _pixel(image, *_visible_raster_point(page, candidates))
            legend = _pixel(image, *swatches[str(code)])
            assert _close(drawn, legend), (code, drawn, legend)
            seen.add(code)
        assert seen == set(class_codes("gelegenheid"))  # geen kenmerken included
    finally:
        context.close()

    for soort, layer_name, column in (
            ("gelegenheid", None, "klasse"),
            ("risico", "Risicokaart", "risico_klasse"),
            ("gecombineerd", "Gecombineerde kaart", "gecombineerde_klasse")):
        context, page = _open(browser, target)
        try:
            if layer_name:
                page.locator(".leaflet-control-layers-overlays label").filter(
                    has_text=layer_name).locator("input").check()
                page.wait_for_function(
                    f"document.querySelector('.folium-map').getAttribute("
                    f"'data-kaart-objectkleur') === '{soort}'")
            page.wait_for_timeout(300)
            image = np.asarray(Image.open(screenshot(
                page, f"legenda_kleuren_objecten_{soort}_1366x768")).convert("RGB"))
            swatches = _swatches(page, soort)
            checked = 0
            for frame in outputs.objects.values():
                for _, row in frame.iterrows():
                    point = row.geometry.representative_point()
                    x, y = _latlng_to_page(page, point.y, point.x)
                    if page.evaluate("([x, y]) => !!document.elementFromPoint(x, y)"
                                     ".closest('.leaflet-control')", [x, y]):
                        continue  # under a panel
                    drawn = _pixel(image, x, y)
                    legend = _pixel(image, *swatches[str(int(row[column]))])
                    assert _close(drawn, legend), (soort, row["id"], drawn, legend)
                    checked += 1
            assert checked >= 5
        finally:
            context.close()


def test_bivariate_legend_has_words_on_both_axes(browser, browser_werkmap_fresh, tmp_path):
    target, _ = _standalone(browser_werkmap_fresh, tmp_path)
    context, page = _open(browser, target)
    try:
        page.locator(".leaflet-control-layers-overlays label").filter(
            has_text="Gecombineerde kaart").locator("input").check()
        block = page.locator('.kaart-legenda-blok[data-soort="gecombineerd"]')
        block.wait_for(state="visible")
        text = block.inner_text()
        for word in ("risico", "gelegenheid", "laag", "midden", "hoog"):
            assert word in text, word
        rows = block.locator("tbody th").all_inner_texts()
        columns = block.locator("tfoot th[scope=col]").all_inner_texts()
        assert rows == ["hoog", "midden", "laag"] and columns == ["laag", "midden", "hoog"]
        assert block.locator("td[data-klasse='9']").get_attribute("title") == (
            "gelegenheid hoog, risico hoog")
        screenshot(page, "legenda_bivariaat_1366x768")
    finally:
        context.close()
