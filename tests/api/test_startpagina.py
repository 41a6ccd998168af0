"""The analyst start page: areas grouped (regions first, gemeenten per veiligheidsregio),
a filter box, and region pages that load their objects from the server."""

from __future__ import annotations

import re

import pytest
from api_testdata import auth


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def test_start_page_groups_regions_first_then_gemeenten_per_veiligheidsregio(client, tokens):
    html = client.get("/", headers=auth(tokens["analist_mh"])).text
    groups = re.findall(r'<section class="gebied-groep" data-groep="([^"]+)"', html)
    assert groups == ["Regio&#39;s en land", "Limburg-Zuid"]
    region = html.index('id="gebied-regio-maastricht-heuvelland"')
    vaals = html.index('id="gebied-GM0981"')
    assert html.index('data-groep="Limburg-Zuid"') < vaals and region < vaals
    assert 'id="gebied-filter"' in html and "Zoek gemeente of regio" in html
    assert re.search(r'<script nonce="[^"]+">', html)  # the filter script runs under the CSP
    assert 'data-zoek="gm0981 gm0981 limburg-zuid"' in html  # name, id, group (lower case)


def test_region_page_loads_objects_from_the_server(client, tokens):
    response = client.get("/gebied/regio-maastricht-heuvelland",
                          headers=auth(tokens["analist_mh"]))
    assert response.status_code == 200
    html = response.text
    assert "KaartObjecten.init" in html
    assert "/tiles/regio-maastricht-heuvelland-gelegenheid-totaal/objecten/{z}/{x}/{y}.mvt" \
        in html
    assert "/objecten/regio-maastricht-heuvelland-gelegenheid-totaal/tabel" in html
    assert '"Midden"' not in html  # no object embedded


def test_gemeente_user_gets_only_its_group(client, tokens):
    html = client.get("/", headers=auth(tokens["gemeente_heerlen"])).text
    groups = re.findall(r'<section class="gebied-groep" data-groep="([^"]+)"', html)
    assert groups == ["Limburg-Zuid"] and 'id="gebied-GM0917"' in html
