"""kaart risico --buurtaantallen: police open data per buurt (CBS/politie table layout,
synthetic numbers) → a risicokaart with rounded counts and no points."""

import json

import geopandas as gpd
import rasterio
import shapely
from typer.testing import CliRunner

from kaart.cli import app

HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
ROWS = [("0.0.0   ", "GM0981    ", "2024MM01", "40"),
        ("0.0.0   ", "BU09810001", "2024MM01", "17"),
        ("0.0.0   ", "BU09810001", "2024MM02", "6"),
        ("0.0.0   ", "BU09810002", "2024MM02", "2")]
X0, Y0 = 196_000.0, 309_000.0  # Vaals


def _inputs(tmp_path):
    table = tmp_path / "misdrijven.csv"
    table.write_text(HEADER + "\n".join(";".join(f'"{v}"' for v in (str(i), *row))
                                        for i, row in enumerate(ROWS)) + "\n", encoding="utf-8")
    buurten = tmp_path / "buurten.gpkg"
    gpd.GeoDataFrame({"buurtcode": ["BU09810001", "BU09810002"]},
                     geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000),
                               shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                     crs="EPSG:28992").to_file(buurten, layer="buurten")
    return table, buurten


def test_risico_from_buurt_counts(werkmap, tmp_path):
    table, buurten = _inputs(tmp_path)
    result = CliRunner().invoke(app, [
        "risico", "--gemeente", "Vaals", "--celgrootte", "100", "--buurtaantallen", str(table),
        "--buurten", str(buurten), "--json"])
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    run = payload["runs"][0]
    assert run["incidenten"] == {"BU09810001": 25, "totaal": 25}  # 23 and 2 < k: not shown
    assert run["peildatum"] == "2024-02-29" and payload["vertrouwelijk"] is True
    written = [f["pad"] for f in payload["geschreven"]]
    doc_path = next(p for p in written if p.endswith("kaartverantwoording.json"))
    doc = json.loads(open(doc_path, encoding="utf-8").read())
    assert "politie open data" in doc["risico"]["invoer"]
    assert doc["risico"]["buurten_onder_k"] == 1
    assert {i["laag"] for i in doc["invoer"]} == {"buurtincidenten", "buurten"}
    cog = next(p for p in written if p.endswith("risicokaart.tif"))
    with rasterio.open(cog) as src:
        assert src.read(2).max() == 5
    assert not any(p.endswith(".gpkg") for p in written)  # no incident points anywhere


def test_buurt_counts_need_buurt_polygons(werkmap, tmp_path):
    table, _ = _inputs(tmp_path)
    result = CliRunner().invoke(app, ["risico", "--gemeente", "Vaals", "--buurtaantallen",
                                      str(table), "--json"])
    assert result.exit_code != 0
    assert "--buurten" in json.loads(result.stdout)["fout"]["melding"]
