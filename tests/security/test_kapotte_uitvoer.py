"""Issue 11 item 8 (HTTP side) and item 9 (no server paths for gemeente users).

A truncated COG gave 500 on /tiles and /punt, invalid kaartverantwoording JSON and a
garbage objects file gave 500, the /verantwoording page showed the absolute server path,
one bad file made the whole /gebied page 404, and kaartverantwoordingen showed absolute
input paths to gemeente users.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sec_web_data import build_hostile_werkmap, login, make_app

TRACEBACK = re.compile(r"Traceback|File \"|\.py\b|line \d+", re.IGNORECASE)
DUTCH = re.compile(r"\b(kaart|bestand|beschadigd|ontbreekt|niet|opnieuw|beheerder)\b",
                   re.IGNORECASE)


def _run_dir(wm, gebied="GM0981", soort="gelegenheid"):
    return wm.run_parent(gebied, soort) / "v0001"


@pytest.fixture
def broken(tmp_path):
    """A fresh werkmap per test (the tests break files in it)."""
    return build_hostile_werkmap(tmp_path / "werkmap")


@pytest.fixture
def client(broken, tmp_path):
    client = TestClient(make_app(broken.root, tmp_path / "kaart.db"), follow_redirects=False,
                        raise_server_exceptions=False)
    login(client, "analist")
    return client


def _no_leak(response, root) -> str:
    text = response.text
    assert str(root) not in text and "/tmp/" not in text and "/srv/" not in text, text[:500]
    assert not TRACEBACK.search(text), text[:500]
    return text


def _assert_dutch_error(response, root, statuses=(404, 409, 503)) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    text = _no_leak(response, root)
    assert DUTCH.search(text), text[:300]


def _truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def test_truncated_cog_on_tiles_and_punt(broken, client):
    _truncate(_run_dir(broken.werkmap) / "gelegenheidskaart.tif")
    for url in ("/tiles/GM0981-gelegenheid-totaal/12/2128/1378.png",
                "/tiles/GM0981-gelegenheid-totaal/13/4257/2757.png",
                "/api/v1/punt/GM0981-gelegenheid-totaal?lon=6.01&lat=50.77",
                "/tiles/GM0981-gelegenheid-totaal/tilejson.json"):
        response = client.get(url)
        if response.status_code == 200:  # a tile outside the damaged part may still render
            continue
        _assert_dutch_error(response, broken.root)


def test_missing_cog_is_404_not_500(broken, client):
    (_run_dir(broken.werkmap) / "gelegenheidskaart.tif").unlink()
    for url in ("/tiles/GM0981-gelegenheid-totaal/12/2128/1378.png",
                "/api/v1/punt/GM0981-gelegenheid-totaal?lon=6.01&lat=50.77",
                "/api/v1/download/GM0981-gelegenheid-totaal/cog"):
        _assert_dutch_error(client.get(url), broken.root)


def test_invalid_verantwoording_json(broken, client):
    (_run_dir(broken.werkmap) / "kaartverantwoording.json").write_text("{niet: geldig",
                                                                        encoding="utf-8")
    _assert_dutch_error(client.get("/api/v1/kaartverantwoording/GM0981-gelegenheid-totaal"),
                        broken.root)
    page = client.get("/verantwoording/GM0981-gelegenheid-totaal")
    _assert_dutch_error(page, broken.root)
    assert "text/html" in page.headers["content-type"]
    # the map page still works: the verantwoording only feeds the info panel
    assert client.get("/gebied/GM0981").status_code == 200


def test_garbage_objects_file(broken, client):
    (_run_dir(broken.werkmap) / "objecten.gpkg").write_bytes(b"dit is geen geopackage" * 50)
    _assert_dutch_error(client.get("/api/v1/objecten/GM0981-gelegenheid-totaal"), broken.root)
    page = client.get("/gebied/GM0981")
    assert page.status_code == 200, page.text[:300]  # the maps still show, without objects
    text = _no_leak(page, broken.root)
    assert "objecten" in text.lower() and "beschadigd" in text.lower()


def test_one_bad_map_does_not_hide_the_others(broken, client):
    (_run_dir(broken.werkmap) / "thema_bedrijventerreinen.tif").unlink()
    page = client.get("/gebied/GM0981")
    assert page.status_code == 200, page.text[:300]
    text = _no_leak(page, broken.root)
    assert "/tiles/GM0981-gelegenheid-totaal/" in text  # the good map is there
    assert "Bedrijventerreinen" in text and "niet beschikbaar" in text  # the bad one named
    whole = client.get("/gebied/GM0981?kaart=GM0981-gelegenheid-bedrijventerreinen")
    assert whole.status_code == 200


def test_all_maps_of_an_area_broken_gives_a_dutch_page(broken, client):
    shutil.rmtree(broken.werkmap.run_parent("GM1729", "gelegenheid"))
    page = client.get("/gebied/GM1729")
    _assert_dutch_error(page, broken.root)
    assert "text/html" in page.headers["content-type"]


def test_no_absolute_server_paths_in_verantwoording_as_served(broken, client):
    for url in ("/api/v1/kaartverantwoording/GM0981-gelegenheid-totaal",
                "/api/v1/download/GM0981-gelegenheid-totaal/verantwoording",
                "/verantwoording/GM0981-gelegenheid-totaal",
                "/api/v1/kaartverantwoording/GM0981-risico-totaal"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _no_leak(response, broken.root)
        assert "lagen.gpkg" in text or url.endswith("risico-totaal"), url  # the name stays
    body = client.get("/api/v1/kaartverantwoording/GM0981-gelegenheid-totaal").json()
    assert {i["pad"] for i in body["invoer"]} == {"invoer/lagen.gpkg", "lagen.gpkg"} or \
        {i["pad"] for i in body["invoer"]} == {"lagen.gpkg"}


def test_public_paths_rule():
    from maps.verantwoording import public_paths

    doc = {"invoer": [{"pad": "/srv/werkmap/invoer/lagen.gpkg"}, {"pad": "C:\\data\\x.csv"}],
           "nested": {"list": ["/etc/passwd", "gewone tekst", "a/b"]}, "n": 3}
    clean = public_paths(doc, root="/srv/werkmap")
    assert clean == {"invoer": [{"pad": "invoer/lagen.gpkg"}, {"pad": "x.csv"}],
                     "nested": {"list": ["passwd", "gewone tekst", "a/b"]}, "n": 3}
    assert doc["invoer"][0]["pad"].startswith("/srv")  # not changed in place
