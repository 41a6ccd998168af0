import json
import re

import pytest
from shapely.geometry import Point, shape

from geo.errors import KaartNotFoundError
from maps.builder import build_gemeente_map, objects_geojson
from maps.outputs import ALL_KINDS, PUBLIC_KINDS, load_outputs


def _html(m):
    return m.get_root().render()


def _has(html, text):
    """Text appears literally or JSON-escaped (folium escapes non-ASCII in scripts)."""
    return text in html or json.dumps(text)[1:-1] in html


def test_public_map_has_layers_but_no_confidential_maps(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    html = _html(build_gemeente_map(outputs))
    for name in ("Gelegenheidskaart — totaal", "Gelegenheidskaart — Bedrijventerreinen",
                 "Gemeentegrenzen", "Bedrijventerreinen (objecten)", "Vakantieparken (objecten)",
                 "Buitengebied (objecten)", "Eigen achtergrond (offline)", "Geen achtergrond"):
        assert _has(html, name), name
    assert "openstreetmap" not in html.lower()  # no third party unless configured
    assert "Risicokaart" not in html and "Gecombineerde kaart" not in html
    assert "Synthetische demodata" in html
    assert "L.control.fullscreen" in html or "fullscreen" in html.lower()
    assert "Kaart.init(" in html


def test_builder_drops_kinds_not_allowed_even_if_loaded(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "GM0981", allowed_kinds=ALL_KINDS)
    assert {r.entry.soort for r in outputs.rasters} == {"gelegenheid", "risico", "gecombineerd"}
    assert not _has(_html(build_gemeente_map(outputs, allowed_kinds=PUBLIC_KINDS)),
                    "Risicokaart (vertrouwelijk)")
    assert "Risicokaart (vertrouwelijk)" not in _html(
        build_gemeente_map(outputs, allowed_kinds=PUBLIC_KINDS))
    html = _html(build_gemeente_map(outputs, allowed_kinds=ALL_KINDS))
    assert _has(html, "Risicokaart (vertrouwelijk)")
    assert _has(html, "Gecombineerde kaart (vertrouwelijk)")
    assert _has(html, "Vertrouwelijk — bevat van politie-informatie afgeleide gegevens")


def test_served_mode_uses_tiles_and_local_assets(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    html = _html(build_gemeente_map(outputs, tiles_url="/tiles/{kaart_id}/{z}/{x}/{y}.png"))
    assert "/tiles/GM0981-gelegenheid-totaal/{z}/{x}/{y}.png" in html
    assert "/tiles/GM0981-gelegenheid-bedrijventerreinen/{z}/{x}/{y}.png" in html
    assert "data:image/png" not in html
    assert '<script src="/static/maps/leaflet.js"></script>' in html
    assert '"/static/maps/kaart.css"' in html
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert scripts and all(s.startswith("/static/maps/") for s in scripts)


def test_embedded_mode_without_tiles_has_png_overlays(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    html = _html(build_gemeente_map(outputs))
    assert html.count("data:image/png;base64,") == 2  # totaal + bedrijventerreinen


def test_only_initial_kaart_is_shown(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    m = build_gemeente_map(outputs, tiles_url="/t/{kaart_id}/{z}/{x}/{y}.png",
                           show_kaart="GM0981-gelegenheid-bedrijventerreinen")
    shown = {c.tiles: c.show for c in m._children.values() if hasattr(c, "tiles")}
    assert shown["/t/GM0981-gelegenheid-bedrijventerreinen/{z}/{x}/{y}.png"] is True
    assert shown["/t/GM0981-gelegenheid-totaal/{z}/{x}/{y}.png"] is False


def test_objects_geojson_has_popup_search_label_and_inside_point(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    frame = outputs.objects["bedrijventerreinen"]
    data = objects_geojson(frame)
    assert len(data["features"]) == 2
    for feature in data["features"]:
        props = feature["properties"]
        assert shape(feature["geometry"]).contains(Point(props["_lon"], props["_lat"]))
        assert "uitleg" not in props
        assert "Opbouw van de score" in props["_popup"]
    names = {f["properties"]["_zoeknaam"] for f in data["features"]}
    assert names == {"Bedrijvenpark Oost", "Industrieterrein <West>"}
    west = next(f for f in data["features"] if f["properties"]["id"] == "GM0981-BT2")
    assert "Industrieterrein &lt;West&gt;" in west["properties"]["_popup"]


def test_duplicate_names_get_unique_search_labels(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    frame = outputs.objects["bedrijventerreinen"].copy()
    frame["naam"] = "Zelfde naam"
    labels = [f["properties"]["_zoeknaam"] for f in objects_geojson(frame)["features"]]
    assert labels[0] == "Zelfde naam" and labels[1] == f"Zelfde naam ({frame['id'].iloc[1]})"


def test_objects_without_names_are_searchable_by_id(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    labels = {f["properties"]["_zoeknaam"]
              for f in objects_geojson(outputs.objects["buitengebied"])["features"]}
    assert labels == {"GM0981-BG1", "GM0981-BG2"}


def test_unknown_area_and_no_visible_maps(built_werkmap):
    with pytest.raises(KaartNotFoundError, match="Beschikbare gebieden: Gulpen-Wittem, Vaals"):
        load_outputs(built_werkmap.werkmap, "Maastricht")
    with pytest.raises(KaartNotFoundError, match="mag bekijken"):
        load_outputs(built_werkmap.werkmap, "Vaals", allowed_kinds={"risico_onbekend"})


def test_sources_and_date_from_verantwoording(built_werkmap):
    outputs = load_outputs(built_werkmap.werkmap, "Vaals")
    assert outputs.sources() == ["bedrijventerreinen, wegen (19-11-2026)"]
    assert outputs.datum.startswith("2026-11-20")
    west, south, east, north = outputs.bounds
    assert 5.9 < west < east < 6.1 and 50.7 < south < north < 50.85


def test_gemeente_inside_a_region_run_gets_a_hint(tmp_path):
    from dataclasses import replace

    from kaart_testdata import build_test_werkmap

    from geo.catalog import Catalog

    built = build_test_werkmap(tmp_path / "wm", gebieden=("GM0981",), confidential=False)
    catalog = Catalog(built.werkmap)
    region = [replace(e, kaart_id=e.kaart_id.replace("GM0981", "regio-heuvelland"),
                      gebied_id="regio-heuvelland", gebied_naam="Heuvelland",
                      gemeenten=["GM0981", "GM1729"]) for e in catalog.entries()]
    catalog.register(region)
    with pytest.raises(KaartNotFoundError,
                       match=r"valt in: Heuvelland \(--gebied regio-heuvelland\)"):
        load_outputs(built.werkmap, "GM1729")
    outputs = load_outputs(built.werkmap, "Heuvelland")
    assert outputs.gebied_id == "regio-heuvelland"
    assert sorted(outputs.boundaries["gemeentenaam"]) == ["Gulpen-Wittem", "Vaals"]
