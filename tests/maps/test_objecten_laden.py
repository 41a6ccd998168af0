"""The served viewer loads objects from the server (vector tiles + table endpoint): the page
embeds none of them, so its size does not grow with the number of objects; the standalone
file still embeds them (it is offline)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo.catalog import Catalog
from maps.builder import build_gemeente_map
from maps.objecten import ObjectApi
from maps.outputs import load_outputs

API = ObjectApi(kaart_id="GM0981-gelegenheid-totaal",
                tiles="/tiles/GM0981-gelegenheid-totaal/objecten/{z}/{x}/{y}.mvt",
                table="/api/v1/objecten/GM0981-gelegenheid-totaal/tabel",
                download="/api/v1/objecten/GM0981-gelegenheid-totaal/download",
                popup="/api/v1/objecten/GM0981-gelegenheid-totaal/popup")


def _many(outputs, factor: int):
    """The same outputs with every object repeated ``factor`` times (new ids and names)."""
    objects = {}
    for thema, frame in outputs.objects.items():
        copies = []
        for i in range(factor):
            copy = frame.copy()
            copy["id"] = copy["id"].astype(str) + f"-{i}"
            copy["naam"] = copy["naam"].fillna("Object").astype(str) + f" kopie {i}"
            copies.append(copy)
        objects[thema] = type(frame)(pd.concat(copies, ignore_index=True), crs=frame.crs)
    return dataclasses.replace(outputs, objects=objects)


def _html(outputs, **options) -> str:
    return build_gemeente_map(outputs, tiles_url="/tiles/{kaart_id}/{z}/{x}/{y}.png",
                              **options).get_root().render()


@pytest.fixture(scope="module")
def vaals(built_werkmap):
    return load_outputs(built_werkmap.werkmap, "GM0981")


def test_served_page_size_does_not_grow_with_objects(vaals):
    few = _html(vaals, object_api=API)
    many = _many(vaals, 400)  # 2,000 objects instead of 5
    assert sum(len(f) for f in many.objects.values()) == 400 * 5
    big = _html(many, object_api=API)
    assert len(big.encode()) == len(few.encode())
    assert "Bedrijvenpark Oost" not in few and "kopie 17" not in big
    assert "KaartObjecten.init" in few and "objecten/{z}/{x}/{y}.mvt?thema=" in few
    assert "leaflet.vectorgrid.bundled.min.js" in few
    # the embedded variant (no object API) grows with every object
    embedded_few, embedded_many = _html(vaals), _html(_many(vaals, 20))
    assert "Bedrijvenpark Oost" in embedded_few
    assert len(embedded_many) > len(embedded_few) + 19 * 4 * 500


def test_standalone_ignores_the_object_api(vaals):
    html = build_gemeente_map(vaals, standalone=True, object_api=API).get_root().render()
    assert "KaartObjecten.init" not in html and "Bedrijvenpark Oost" in html


def test_boundaries_of_the_country_make_a_small_page_a_gemeente_looks_the_same():
    import json

    import shapely

    from geo.layers.gemeenten import reference_gemeenten
    from maps.builder import screen_boundaries

    land = reference_gemeenten().to_crs("EPSG:4326")
    full = len(json.dumps(land.__geo_interface__))
    simple = screen_boundaries(land.geometry, tuple(land.total_bounds))
    assert len(json.dumps(land.set_geometry(simple).__geo_interface__)) < full / 3
    assert simple.is_valid.all() and not simple.is_empty.any() and len(simple) == 342
    vaals = land.loc[land["gemeentecode"] == "GM0981"]
    shown = screen_boundaries(vaals.geometry, tuple(vaals.total_bounds))
    # within ~2 m (2e-5°) of the real line: the same on screen at any zoom a gemeente uses
    assert shapely.hausdorff_distance(shown.iloc[0], vaals.geometry.iloc[0]) < 4e-5


def test_served_page_reads_ids_and_classes_only(built_werkmap):
    """The served viewer's objects come as vector tiles: the page reads no geometry (5-6 s
    for the country's 54,000 objects, 0.8 s without), only what counts and legend need."""
    from maps.available import available_outputs
    from maps.outputs import load_objects

    werkmap = built_werkmap.werkmap
    entries = [e for e in Catalog(werkmap).entries() if e.gebied_id == "GM0981"]
    served = available_outputs(werkmap, entries).outputs.objects
    full = load_objects(next(e for e in entries if e.objecten).path(
        werkmap, "objecten.gpkg"))
    assert set(served) == set(full)
    for thema, frame in served.items():
        assert "geometry" not in frame.columns and set(frame.columns) <= {"id", "thema", "klasse"}
        assert frame["id"].tolist() == full[thema]["id"].tolist()
        assert frame["klasse"].tolist() == full[thema]["klasse"].tolist()
