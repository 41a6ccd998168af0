"""Enrichment between layers (data/verrijking.yaml): bedrijventerreinen counted from BAG
verblijfsobjecten in the PDOK BAG GeoPackage layout (synthetic objects, real layout)."""

import json

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from geo.errors import SchemaError
from geo.layers import _store, read_layers, write_layers
from geo.layers.verrijking import enrich, load_enrichment_config, read_points
from geo.paths import Werkmap
from kaart.cli import app

X0, Y0 = 200_000.0, 360_000.0  # Venlo


def _bag(tmp_path):
    """Terrain A (0-500 m) has 2 industrie, 1 kantoor, 1 woon; terrain B (600-1100 m) has
    one point that is none of these; terrain C lies far outside the BAG extract."""
    rows = [((50, 50), "industriefunctie"), ((100, 80), "industriefunctie"),
            ((200, 200), "kantoorfunctie,industriefunctie"), ((300, 300), "woonfunctie"),
            ((700, 100), "sportfunctie"), ((1000, 400), "woonfunctie"),
            ((-100, -100), "woonfunctie"), ((1200, -100), "winkelfunctie"),
            ((1200, 600), "woonfunctie"), ((-100, 600), "woonfunctie")]  # extract corners
    vbo = gpd.GeoDataFrame({
        "identificatie": [f"09830100000000{i:02d}" for i in range(len(rows))],
        "pand_identificatie": ["0983100000000001"] * len(rows),
        "gebruiksdoel": [use for _, use in rows],
        "status": ["Verblijfsobject in gebruik"] * len(rows),
        "oppervlakte": [100] * len(rows), "bouwjaar": [1990] * len(rows)},
        geometry=[shapely.Point(X0 + x, Y0 + y) for (x, y), _ in rows], crs=28992)
    path = tmp_path / "bag-light.gpkg"
    vbo.to_file(path, layer="verblijfsobject")
    return path


def _terrains():
    return gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "naam": ["Trade Port", "Klein", "Ver weg"],
         "aantal_vestigingen": [None, 7, None], "woonfunctie_pct": [None, None, None]},
        geometry=[shapely.box(X0, Y0, X0 + 500, Y0 + 500),
                  shapely.box(X0 + 600, Y0, X0 + 900, Y0 + 300),
                  shapely.box(X0 + 9000, Y0, X0 + 9500, Y0 + 500)], crs=28992)


def test_counts_shares_and_unknown_outside_coverage(tmp_path):
    config = load_enrichment_config()
    rules = config.rules_for("bedrijventerreinen", "bag-verblijfsobject")
    out, report = enrich(_terrains(), read_points(_bag(tmp_path), "verblijfsobject"), rules,
                         met="bag-verblijfsobject", source="bag-light.gpkg")
    assert out["aantal_vestigingen"].tolist()[:2] == [3, 0]  # B: counted, really 0
    assert out["aantal_vestigingen"].isna().tolist() == [False, False, True]  # C: unknown
    assert out["woonfunctie_pct"].iloc[0] == pytest.approx(25.0)
    assert out["woonfunctie_pct"].iloc[1] == pytest.approx(0.0)
    assert out["woonfunctie_pct"].isna().iloc[2]  # not 0
    assert report.gedekt == 2 and report.kolommen["aantal_vestigingen"]["bekend"] == 2
    assert "BAG verblijfsobjecten" in report.text()


def test_missing_filter_column_names_file_and_column(tmp_path):
    points = read_points(_bag(tmp_path), "verblijfsobject").drop(columns=["gebruiksdoel"])
    rules = load_enrichment_config().rules_for("bedrijventerreinen", "bag-verblijfsobject")
    with pytest.raises(SchemaError, match="'bag-light.gpkg': kolom 'gebruiksdoel' ontbreekt"):
        enrich(_terrains(), points, rules, met="bag-verblijfsobject", source="bag-light.gpkg")


def test_cli_enriches_layer_and_names_source_in_provenance(werkmap, tmp_path):
    from geo.export.volledigheid import layer_provenance

    wm = Werkmap.open(werkmap)
    write_layers(wm.lagen, {"bedrijventerreinen": _terrains()}, synthetic=True,
                 description="Synthetische testdata")
    before = wm.lagen.read_bytes()
    args = ["verrijk", "bedrijventerreinen", "--met", "bag-verblijfsobject",
            str(_bag(tmp_path)), "--laag", "verblijfsobject", "--json"]
    proef = CliRunner().invoke(app, [*args, "--proef"])
    assert proef.exit_code == 0, proef.stdout
    assert json.loads(proef.stdout)["verrijking"]["gedekt"] == 2
    assert wm.lagen.read_bytes() == before  # --proef writes nothing
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["geschreven"][0]["pad"].endswith("lagen.gpkg")
    layer = read_layers(wm.lagen)["bedrijventerreinen"]
    assert layer["aantal_vestigingen"].tolist()[:2] == [3, 0]
    assert layer["aantal_vestigingen"].isna().iloc[2]
    rows = layer_provenance({"bedrijventerreinen": layer}, _store.layer_metadata(wm.lagen))
    assert "aantal_vestigingen uit BAG verblijfsobjecten" in rows[0]["verrijking"]


def test_cli_unknown_source_is_a_dutch_error(werkmap, tmp_path):
    result = CliRunner().invoke(app, ["verrijk", "bedrijventerreinen", "--met", "kadaster",
                                      str(_bag(tmp_path)), "--json"])
    assert result.exit_code != 0
    assert "bag-verblijfsobject" in json.loads(result.stdout)["fout"]["melding"]


def test_kvk_csv_with_coordinates_counts_vestigingen(tmp_path):
    """A KvK extract as CSV (synthetic rows) with RD coordinates; every row counts."""
    rows = [(50, 50), (450, 400), (-200, -200), (1300, -200), (1300, 700), (-200, 700)]
    path = tmp_path / "kvk_vestigingen.csv"
    path.write_text("kvknummer;vestigingsnummer;naam;rd_x;rd_y\n" + "".join(
        f"1234567{i};00000000{i};Bedrijf {i};{X0 + x:.0f};{Y0 + y:.0f}\n"
        for i, (x, y) in enumerate(rows)), encoding="utf-8")
    rules = load_enrichment_config().rules_for("bedrijventerreinen", "kvk-vestigingen")
    out, report = enrich(_terrains(), read_points(path), rules, met="kvk-vestigingen",
                         source=path.name)
    assert out["aantal_vestigingen"].tolist()[:2] == [2, 0]
    assert out["aantal_vestigingen"].isna().iloc[2]  # outside the extract: unknown
    assert "KvK-vestigingen" in report.text()
