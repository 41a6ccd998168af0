"""``kaart demo --land``: national synthetic layers with the Limburg demo's generator,
inside the real CBS boundaries, labelled synthetic; tested on a subset of provinces (the
whole country is the same code over 12 provinces and takes minutes)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from geo.errors import InvalidRequestError
from geo.layers import is_synthetic, read_layers
from geo.layers.demo.land import LAND_LAYERS, generate_land, provinces, synthetic_motorways
from geo.layers.gemeenten import reference_gemeenten
from kaart.cli import app

runner = CliRunner()


def test_all_twelve_provinces_hold_the_342_gemeenten():
    names = provinces()
    assert len(names) == 12
    reference = reference_gemeenten()
    assert reference["provincie"].isin(names).sum() == 342
    assert provinces(["zeeland", "Noord Brabant"]) == ["Noord Brabant", "Zeeland"]
    with pytest.raises(InvalidRequestError, match="Onbekende provincie 'Atlantis'"):
        provinces(["Atlantis"])


def test_demo_land_subset_writes_plausible_synthetic_layers(tmp_path):
    werkmap = tmp_path / "w"
    run = runner.invoke(app, ["demo", "--land", "--provincie", "Zeeland", "--provincie",
                              "Flevoland", "--seed", "3", "--json", "--werkmap", str(werkmap)])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert result["ok"] and result["synthetisch"] and result["provincies"] == ["Flevoland",
                                                                               "Zeeland"]
    path = result["geschreven"][0]["pad"]
    assert is_synthetic(path)
    layers = read_layers(path, LAND_LAYERS)
    reference = reference_gemeenten()
    wanted = reference.loc[reference["provincie"].isin(["Zeeland", "Flevoland"])]
    assert sorted(layers["gemeenten"]["gemeentecode"]) == sorted(wanted["gemeentecode"])  # 19
    outline = shapely.union_all(wanted.geometry.values).buffer(1.0)
    for kind in ("kernen", "bedrijventerreinen", "vakantieparken", "buitengebied", "havens",
                 "incidenten"):
        frame = layers[kind]
        assert len(frame) > 0, kind
        assert shapely.covers(outline, frame.geometry.values).all(), kind  # inside the real land
        if "id" in frame:
            assert frame["id"].is_unique, kind
    # every gemeente has its own kernen and objects (both provinces generated)
    codes = set(layers["bedrijventerreinen"]["gemeentecode"])
    assert {c[:2] for c in codes} == {"GM"} and len(codes) >= 15
    assert (layers["wegen"]["soort"] == "snelweg").sum() >= 2  # synthetic motorways
    assert (layers["wegen"]["soort"] == "afrit").sum() >= 5  # with exits
    assert set(layers["landsgrens"]["naam"]) == {"België", "Duitsland"}  # approximate
    per_year = layers["incidenten"]["datum"].astype(str).str[:4].value_counts()
    assert set(per_year.index) == {"2023", "2024", "2025"}


def test_same_seed_same_layers_other_seed_differs():
    a, _ = generate_land(5, ["Flevoland"])
    b, _ = generate_land(5, ["Flevoland"])
    c, _ = generate_land(6, ["Flevoland"])
    for kind in ("bedrijventerreinen", "incidenten"):
        assert a[kind].geometry.equals(b[kind].geometry)
    assert not np.array_equal(shapely.get_coordinates(a["bedrijventerreinen"].geometry.values)
                              [:5], shapely.get_coordinates(
                                  c["bedrijventerreinen"].geometry.values)[:5])


def test_synthetic_motorways_join_every_large_kern():
    import geopandas as gpd
    from shapely.geometry import Point

    kernen = gpd.GeoDataFrame({"naam": list("ABCD"), "inwoners": [90_000, 60_000, 30_000, 500],
                               "hoofdkern": [True] * 4},
                              geometry=[Point(150_000 + 10_000 * i, 450_000).buffer(500)
                                        for i in range(4)], crs="EPSG:28992")
    routes = synthetic_motorways(kernen)
    assert len(routes) == 2  # a spanning tree over the three kernen with >= 25,000 inhabitants


def test_land_options_are_refused_in_dutch(tmp_path):
    run = runner.invoke(app, ["demo", "--provincie", "Zeeland", "--werkmap", str(tmp_path)])
    assert run.exit_code == 2 and "--provincie hoort bij --land" in run.output
    run = runner.invoke(app, ["demo", "--land", "--alles", "--werkmap", str(tmp_path)])
    assert run.exit_code == 2 and "--land gaat niet samen met --alles" in run.output
    run = runner.invoke(app, ["demo", "--land", "--provincie", "Atlantis", "--werkmap",
                              str(tmp_path)])
    assert run.exit_code == 2 and "Onbekende provincie" in run.output
    help_text = runner.invoke(app, ["demo", "--help"]).output
    assert "--land" in help_text and "342 gemeenten" in " ".join(help_text.split())
