"""Tiles: colours from geo.legend on the class band, transparency, @2x, caching, bounds."""

from __future__ import annotations

import pytest
from api_testdata import CELL, ORIGIN, auth, cell_center, read_png
from numpy.testing import assert_allclose
from pyproj import Transformer

from api.tiles import TMS
from geo.legend import class_colors

KAART = "GM0981-gelegenheid-totaal"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture
def database_url(sqlite_url):
    """These tests do not depend on the database kind: SQLite only."""
    return sqlite_url


def rgb(hexcolor: str) -> tuple[int, int, int]:
    value = hexcolor.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def tile_of(x: float, y: float, z: int):
    lon, lat = TO_WGS.transform(x, y)
    return TMS.tile(lon, lat, z), lon, lat


def pixel_of(tile, lon: float, lat: float, size: int = 256) -> tuple[int, int]:
    bounds = TMS.xy_bounds(tile)
    mx, my = TMS.xy(lon, lat)
    col = int((mx - bounds.left) / (bounds.right - bounds.left) * size)
    row = int((bounds.top - my) / (bounds.top - bounds.bottom) * size)
    return row, col


@pytest.mark.parametrize("scale, size", [(1, 256), (2, 512)])
def test_tile_pixels_match_legend_colours(client, tokens, scale, size):
    z = 17
    # cell (row 40, col 5) has class 1, (40, 60) class 5, (5, 5) is nodata
    checks = [((40, 5), 1), ((40, 30), 3), ((40, 60), 5), ((5, 5), 0)]
    colors = class_colors("gelegenheid")
    for (row, col), klasse in checks:
        tile, lon, lat = tile_of(*cell_center(row, col), z)
        suffix = "@2x" if scale == 2 else ""
        response = client.get(f"/tiles/{KAART}/{z}/{tile.x}/{tile.y}{suffix}.png",
                              headers=auth(tokens["gemeente_vaals"]))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        pixels = read_png(response.content)
        assert pixels.shape == (4, size, size)
        r, c = pixel_of(tile, lon, lat, size)
        if klasse == 0:
            assert pixels[3, r, c] == 0
        else:
            assert tuple(pixels[:3, r, c]) == rgb(colors[klasse])
            assert pixels[3, r, c] == 255


def test_risico_and_gecombineerd_use_their_colormaps(client, tokens):
    z = 17
    tile, lon, lat = tile_of(*cell_center(40, 60), z)  # class 5 (gecombineerd: 9)
    for kaart, soort, klasse in [("GM0981-risico-totaal", "risico", 5),
                                 ("regio-maastricht-heuvelland-gecombineerd-totaal",
                                  "gecombineerd", 9)]:
        response = client.get(f"/tiles/{kaart}/{z}/{tile.x}/{tile.y}.png",
                              headers=auth(tokens["analist_mh"]))
        assert response.status_code == 200
        r, c = pixel_of(tile, lon, lat)
        assert tuple(read_png(response.content)[:3, r, c]) == rgb(class_colors(soort)[klasse])


def test_tile_outside_data_is_transparent_without_reading(client, tokens, app, monkeypatch):
    import api.tiles

    def boom(*args, **kwargs):
        raise AssertionError("COG gelezen voor een tegel buiten de kaart")

    monkeypatch.setattr(api.tiles, "render_tile", boom)
    tile, _, _ = tile_of(150000, 450000, 14)  # Utrecht, far away
    response = client.get(f"/tiles/{KAART}/14/{tile.x}/{tile.y}.png",
                          headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 200
    assert read_png(response.content)[3].max() == 0


def test_lru_cache_and_conditional_requests(client, tokens, app):
    tile, _, _ = tile_of(*cell_center(40, 40), 16)
    url = f"/tiles/{KAART}/16/{tile.x}/{tile.y}.png"
    headers = auth(tokens["gemeente_vaals"])
    before = app.state.tiles.cache_info()
    first = client.get(url, headers=headers)
    second = client.get(url, headers=headers)
    after = app.state.tiles.cache_info()
    assert first.content == second.content
    assert after.misses - before.misses == 1 and after.hits - before.hits == 1
    assert first.headers["etag"] and "private" in first.headers["cache-control"]
    assert first.headers["last-modified"] == "Fri, 20 Nov 2026 10:00:00 GMT"
    etag = first.headers["etag"]
    cached = client.get(url, headers={**headers, "If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    since = client.get(url, headers={**headers, "If-Modified-Since": first.headers[
        "last-modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("path", ["/tiles/{k}/25/0/0.png", "/tiles/{k}/3/8/0.png",
                                  "/tiles/{k}/3/0/9.png", "/tiles/{k}/-1/0/0.png",
                                  "/tiles/{k}/a/0/0.png", "/tiles/{k}/3/0/0@3x.png"])
def test_invalid_tile_indices_are_4xx_json(client, tokens, path):
    response = client.get(path.format(k=KAART), headers=auth(tokens["gemeente_vaals"]))
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


def test_tilejson(client, tokens):
    response = client.get(f"/tiles/{KAART}/tilejson.json", headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 200
    body = response.json()
    assert body["tiles"][0].endswith(f"/tiles/{KAART}/{{z}}/{{x}}/{{y}}.png")
    west, south = TO_WGS.transform(ORIGIN[0], ORIGIN[1] - 64 * CELL)
    east, north = TO_WGS.transform(ORIGIN[0] + 64 * CELL, ORIGIN[1])
    assert_allclose(body["bounds"], [west, south, east, north], atol=2e-4)
    assert 0 <= body["minzoom"] <= body["maxzoom"] <= 24
    assert body["maxzoom"] - body["minzoom"] >= 6  # zoomed-out and zoomed-in views too


@pytest.mark.parametrize("which", ["minzoom", "maxzoom"])
def test_tiles_render_at_the_advertised_zoom_range(client, tokens, which):
    headers = auth(tokens["gemeente_vaals"])
    body = client.get(f"/tiles/{KAART}/tilejson.json", headers=headers).json()
    lon, lat = TO_WGS.transform(ORIGIN[0] + 32 * CELL, ORIGIN[1] - 32 * CELL)
    tile = TMS.tile(lon, lat, body[which])
    response = client.get(f"/tiles/{KAART}/{tile.z}/{tile.x}/{tile.y}.png", headers=headers)
    assert response.status_code == 200
    assert read_png(response.content)[3].max() == 255  # opaque data pixels, not a blank tile


@pytest.mark.parametrize("kaart_id", ["../../etc/passwd", "..%2F..%2Fkaart.db",
                                      "https:%2F%2Fexample.com%2Fx.tif", "GM0981-gelegenheid"])
def test_no_client_paths(client, tokens, kaart_id):
    response = client.get(f"/tiles/{kaart_id}/17/0/0.png", headers=auth(tokens["analist_mh"]))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_disk_cache_is_shared_between_renderers(outputs, tmp_path, monkeypatch):
    import api.tiles
    from api.catalog import ServiceCatalog
    from api.tiles import TileRenderer

    catalog = ServiceCatalog(outputs)
    entry = catalog.get(KAART)
    info = catalog.cog_info(entry)
    tile, _, _ = tile_of(*cell_center(40, 40), 16)
    args = (info, entry.versie, entry.datum, entry.soort, 16, tile.x, tile.y)
    first = TileRenderer(cache_size=0, disk_dir=tmp_path / "tegels").tile(*args)
    assert len(list((tmp_path / "tegels").rglob("*.png"))) == 1

    def boom(*a, **k):
        raise AssertionError("opnieuw gerenderd ondanks schijfcache")

    monkeypatch.setattr(api.tiles, "render_tile", boom)
    other_worker = TileRenderer(cache_size=16, disk_dir=tmp_path / "tegels")
    assert other_worker.tile(*args) == first
    with pytest.raises(AssertionError, match="schijfcache"):
        TileRenderer(cache_size=0).tile(*args)  # without the cache it would render


def test_tile_lru_is_bounded_by_count_and_bytes():
    from api.tiles import TileLRU

    lru = TileLRU(maxsize=3, max_bytes=10)
    for i in range(4):
        lru.put((i,), b"ab")
    assert lru.get((0,)) is None and lru.get((3,)) == b"ab"  # oldest out by count
    lru.put((9,), b"x" * 9)  # 9 + 2 + 2 > 10: the least recently used go
    info = lru.info()
    assert info.nbytes <= 10 and lru.get((9,)) == b"x" * 9
    assert lru.get((3,)) is None  # 2 + 9 > 10: the least recently used went
    lru.put((10,), b"y" * 11)  # larger than the whole cache: not kept
    assert lru.get((10,)) is None and lru.info().nbytes <= 10
