"""``kaart demo --echt``: real OSM/CBS layers from data/echt plus labelled synthetic ones."""

import json

import pytest
from typer.testing import CliRunner

from geo.layers import read_layers
from geo.layers._store import layer_metadata
from geo.layers.demo.echt import REAL_LAYERS, real_demo_config_text, real_layers
from geo.scoring.config import parse_gelegenheid_config
from kaart.cli import app


def test_real_layers_come_from_the_shipped_files_with_their_profiles():
    layers, info = real_layers()
    assert set(layers) == set(REAL_LAYERS)
    assert len(layers["vakantieparken"]) == 250 and len(layers["verzorgingsplaatsen"]) == 74
    assert len(layers["gemeenten"]) == 31 and set(layers["gemeenten"]["provincie"]) == {"Limburg"}
    assert layers["vakantieparken"]["vitaliteit"].isna().all()  # OSM does not know: unknown
    assert info["vakantieparken"]["attributie"] == "© OpenStreetMap-bijdragers, ODbL"
    assert info["gemeenten"]["attributie"] == "CBS / Kadaster, CC BY 4.0"
    assert all(meta["synthetisch"] == "nee" for meta in info.values())


def test_real_demo_config_adds_location_indicators_to_vakantieparken():
    config = parse_gelegenheid_config(real_demo_config_text(), source="echt.yaml")
    names = [i.naam for i in config.themas["vakantieparken"].indicatoren]
    assert names[:4] == ["afgelegen_ligging", "nabijheid_snelwegafrit", "nabijheid_landsgrens",
                         "nabijheid_truckparking"]


@pytest.mark.slow
def test_demo_echt_builds_noord_limburg_and_labels_every_layer(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--echt", "--werkmap", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    lagen = payload["lagen"]
    assert lagen["vakantieparken"]["echt"] and lagen["verzorgingsplaatsen"]["echt"]
    assert not lagen["bedrijventerreinen"]["echt"] and not lagen["incidenten"]["echt"]
    meta = layer_metadata(tmp_path / "invoer" / "lagen.gpkg")
    assert meta["vakantieparken"]["licentie"] == "ODbL 1.0"
    assert meta["kernen"]["synthetisch"] == "ja"
    assert len(read_layers(tmp_path / "invoer" / "lagen.gpkg")["vakantieparken"]) == 250
    run = tmp_path / "kaarten" / "regio-noord-limburg" / "gelegenheid" / "v0001"
    document = json.loads((run / "kaartverantwoording.json").read_text())
    bronnen = {b["laag"]: b for b in document["bronnen"]}
    assert bronnen["vakantieparken"]["synthetisch"] is False
    assert bronnen["vakantieparken"]["bekend_per_kolom"]["vitaliteit"] == 0
    assert "Deels echte, deels synthetische invoer" in document["opmerking"]
    assert "© OpenStreetMap-bijdragers, ODbL" in document["opmerking"]
    html = (tmp_path / "venlo-echt.html").read_text(encoding="utf-8")
    html = html.replace("\\u00a9", "©")  # the info box sits in a JSON-escaped script
    assert "© OpenStreetMap-bijdragers, ODbL" in html and "CBS / Kadaster, CC BY 4.0" in html
    assert "synthetisch (verzonnen)" in html
