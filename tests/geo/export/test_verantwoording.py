"""kaartverantwoording: every required field, SHA-256 of the inputs, synthetic note, round trip."""

import hashlib
import json
from datetime import UTC, datetime

import geopandas as gpd
import pytest
from affine import Affine
from pydantic import ValidationError
from shapely.geometry import box

import geo
from geo.errors import InputFileError
from geo.export.verantwoording import (
    InvoerBestand,
    build_verantwoording,
    describe_inputs,
    file_sha256,
    read_verantwoording,
    write_verantwoording,
)
from geo.layers.gemeenten import Area
from geo.scoring.grid import Grid

THEMAS = {
    "havens": {"thema": "havens", "indicatoren": [
        {"naam": "ligplaatsen", "label": "Aantal ligplaatsen", "toelichting": "Veel bewegingen.",
         "soort": "attribuut", "gewicht": 1.0, "richting": "positief",
         "normalisatie": {"methode": "percentiel"}, "parameters": {"kolom": "ligplaatsen"}}],
        "klassegrenzen": [0.1, 0.2, 0.3, 0.4],
        "normalisatie_statistieken": [{"min": float("nan")}]},
    "totaal": {"thema": "totaal", "indicatoren": [], "klassegrenzen": [0.1, 0.25, 0.5, 0.75]},
}


@pytest.fixture
def area():
    gemeenten = gpd.GeoDataFrame({"gemeentecode": ["GM0002", "GM0001"],
                                  "gemeentenaam": ["Twee", "Een"]},
                                 geometry=[box(100, 0, 200, 100), box(0, 0, 100, 100)],
                                 crs="EPSG:28992")
    return Area("selectie-GM0001-GM0002", "Een, Twee", "selectie", gemeenten)


def test_every_required_field(tmp_path, area):
    source = tmp_path / "lagen.gpkg"
    source.write_bytes(b"niet echt een geopackage")
    config = tmp_path / "indicatoren.yaml"
    config.write_text("versie: 1\n", encoding="utf-8")
    grid = Grid(Affine(25, 0, 0, 0, -25, 100), (4, 8))
    inputs = describe_inputs(source, {"havens": 3, "wegen": 7})
    doc = build_verantwoording(
        area=area, grid=grid, cells_in_area=32, inputs=inputs, themas=THEMAS, synthetisch=True,
        config_path=config, outputs=[{"bestand": "gelegenheidskaart.tif", "soort": "cog"}],
        timestamp=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    path = write_verantwoording(tmp_path / "kaartverantwoording.json", doc)
    data = json.loads(path.read_text(encoding="utf-8"))
    sha = hashlib.sha256(b"niet echt een geopackage").hexdigest()
    assert data["invoer"] == [
        {"pad": str(source.resolve()), "laag": "havens", "aantal": 3, "sha256": sha,
         "datum": inputs[0].datum},
        {"pad": str(source.resolve()), "laag": "wegen", "aantal": 7, "sha256": sha,
         "datum": inputs[0].datum}]
    assert datetime.fromisoformat(inputs[0].datum).year >= 2024
    assert data["gebied"] == {"id": "selectie-GM0001-GM0002", "naam": "Een, Twee",
                              "soort": "selectie",
                              "gemeenten": [{"gemeentecode": "GM0001", "gemeentenaam": "Een"},
                                            {"gemeentecode": "GM0002", "gemeentenaam": "Twee"}]}
    assert data["grid"] == {"celgrootte": 25.0, "transform": [25.0, 0.0, 0.0, 0.0, -25.0, 100.0],
                            "vorm": [4, 8], "crs": "EPSG:28992",
                            "grenzen": [0.0, 0.0, 200.0, 100.0], "cellen_in_gebied": 32}
    assert data["themas"]["havens"]["indicatoren"][0]["toelichting"] == "Veel bewegingen."
    assert data["themas"]["havens"]["normalisatie_statistieken"] == [{"min": None}]  # NaN
    assert data["klassegrenzen"] == {"havens": [0.1, 0.2, 0.3, 0.4],
                                     "totaal": [0.1, 0.25, 0.5, 0.75]}
    assert data["software"] == {"naam": "kaart", "versie": geo.__version__}
    assert data["tijdstip"] == "2026-01-02T03:04:05+00:00"
    assert data["synthetisch"] is True
    assert data["opmerking"].startswith("Synthetische demodata")
    assert data["indicatorconfiguratie"]["sha256"] == file_sha256(config)
    assert read_verantwoording(path).gebied.id == "selectie-GM0001-GM0002"


def test_real_data_has_no_synthetic_note(tmp_path, area):
    source = tmp_path / "lagen.gpkg"
    source.write_bytes(b"x")
    doc = build_verantwoording(area=area, grid=Grid(Affine(25, 0, 0, 0, -25, 100), (1, 1)),
                               cells_in_area=1, inputs=describe_inputs(source, {"havens": 1}),
                               themas=THEMAS, synthetisch=False)
    assert doc.synthetisch is False and doc.opmerking is None


def test_bad_inputs(tmp_path):
    with pytest.raises(InputFileError, match="niet te lezen"):
        file_sha256(tmp_path / "weg.gpkg")
    with pytest.raises(ValidationError):
        InvoerBestand(pad="a", laag="b", aantal=1, sha256="kort", datum="2026-01-01")
