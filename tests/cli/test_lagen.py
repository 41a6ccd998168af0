"""``kaart importeer``, ``kaart lagen``, ``kaart gemeenten``: exit codes, Dutch messages, JSON."""

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

from kaart.cli import app

pytestmark = pytest.mark.filterwarnings(  # test fixtures written as shapefile / without CRS
    "ignore:Normalized/laundered field name", "ignore:'crs' was not provided",
    "ignore:Column names longer than 10 characters")

X0, Y0 = 185_000.0, 330_000.0  # Sittard-Geleen


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # no line wrapping inside messages


def terreinen(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "id": [f"bt-{i}" for i in range(n)], "naam": [f"Terrein {i}" for i in range(n)],
        "aantal_vestigingen": [10] * n, "leegstand_pct": [5.0] * n, "verzamelgebouwen": [1] * n,
        "woonfunctie_pct": [0.0] * n, "keurmerk_kvo": ["ja"] * n, "cameratoezicht": ["nee"] * n,
        "bouwjaar_mediaan": [1990] * n,
    }, geometry=[shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + 50, Y0 + 50) for i in range(n)],
        crs="EPSG:28992")


def kernen() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"naam": ["Geleen"]},
                            geometry=[shapely.box(X0, Y0, X0 + 900, Y0 + 900)], crs="EPSG:28992")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def run_json(*args: str) -> tuple[int, dict]:
    result = run(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def save(frame, path, **kwargs):
    frame.to_file(path, engine="pyogrio", **kwargs)
    return str(path)


def test_importeer_writes_layer(tmp_path, werkmap):
    source = save(terreinen(), tmp_path / "bt.gpkg")
    result = run("importeer", "bedrijventerreinen", source)
    assert result.exit_code == 0, result.output
    assert "Laag bedrijventerreinen geïmporteerd uit bt.gpkg: 3 objecten." in result.stdout
    lagen = werkmap / "invoer" / "lagen.gpkg"
    assert [row[0] for row in pyogrio.list_layers(lagen)] == ["bedrijventerreinen"]
    frame = gpd.read_file(lagen, layer="bedrijventerreinen")
    assert frame["keurmerk_kvo"].tolist() == [True] * 3


def test_importeer_json_and_keeps_other_layers(tmp_path, werkmap):
    assert run("importeer", "kernen", save(kernen(), tmp_path / "k.geojson")).exit_code == 0
    shp = save(terreinen(), tmp_path / "b.shp")
    code, payload = run_json("importeer", "bedrijventerreinen", shp)
    assert code == 0
    assert payload["ok"] is True and payload["soort"] == "bedrijventerreinen"
    assert payload["aantal"] == 3 and payload["hersteld"] == 0
    assert payload["lagen"] == ["bedrijventerreinen", "kernen"]
    assert payload["geschreven"][0]["pad"] == str(werkmap / "invoer" / "lagen.gpkg")
    code, payload = run_json("importeer", "bedrijventerreinen", save(terreinen(5),
                                                                     tmp_path / "b5.gpkg"))
    assert code == 0
    code, listing = run_json("lagen")
    assert {row["soort"]: row["aantal"] for row in listing["lagen"]} == {
        "bedrijventerreinen": 5, "kernen": 1}
    assert listing["synthetisch"] is False


def test_failed_import_changes_nothing(tmp_path, werkmap):
    assert run("importeer", "kernen", save(kernen(), tmp_path / "k.gpkg")).exit_code == 0
    lagen = werkmap / "invoer" / "lagen.gpkg"
    before = lagen.read_bytes()
    bad = terreinen()
    bad.loc[1, "leegstand_pct"] = 140.0
    result = run("importeer", "bedrijventerreinen", save(bad, tmp_path / "bad.gpkg"))
    assert result.exit_code == 2
    assert lagen.read_bytes() == before
    assert sorted(p.name for p in lagen.parent.iterdir()) == ["lagen.gpkg"]


def _bad(tmp_path, case):
    """(arguments, expected error code, expected text) for every bad-input case."""
    frame = terreinen()
    if case == "ontbrekend_bestand":
        return [str(tmp_path / "weg.gpkg")], "bestand_onleesbaar", "bestaat niet"
    if case == "kapot_bestand":
        path = tmp_path / "kapot.gpkg"
        path.write_bytes(b"\x00garbage" * 100)
        return [str(path)], "bestand_onleesbaar", "onleesbaar"
    if case == "onbekende_laag":
        return [save(frame, tmp_path / "t.gpkg", layer="bt"), "--laag", "terreinen"], \
            "laag_onbekend", "Laag 'terreinen' bestaat niet in 't.gpkg'"
    if case == "ontbrekende_kolom":
        return [save(frame.drop(columns="id"), tmp_path / "t.gpkg")], \
            "schema_fout", "verplichte kolom 'id' ontbreekt"
    if case == "verkeerd_type":
        frame["bouwjaar_mediaan"] = ["1990", "ooit", "2001"]
        return [save(frame, tmp_path / "t.gpkg")], "schema_fout", \
            ("kolom 'bouwjaar_mediaan' moet geheel getal zijn; niet te lezen: "
             "rij 2 (id 'bt-1'): 'ooit'")
    if case == "buiten_bereik":
        frame.loc[2, "leegstand_pct"] = 140.0
        return [save(frame, tmp_path / "t.gpkg")], "schema_fout", \
            "'leegstand_pct' heeft waarden buiten het bereik 0–100: rij 3 (id 'bt-2'): 140.0"
    if case == "verkeerde_geometrie":
        frame = frame.set_geometry(frame.geometry.centroid)
        return [save(frame, tmp_path / "t.gpkg")], "geometrie_fout", "verkeerd geometrietype"
    if case == "geen_crs":
        return [save(frame.set_crs(None, allow_override=True), tmp_path / "t.shp")], \
            "crs_fout", "geen coördinatenstelsel"
    if case == "lege_laag":
        return [save(frame.iloc[:0], tmp_path / "t.gpkg")], "geometrie_fout", "de laag is leeg"
    if case == "buiten_nederland":
        frame = frame.set_geometry(frame.geometry.translate(300_000, 0))  # Germany
        return [save(frame, tmp_path / "t.gpkg")], "geometrie_fout", "buiten Nederland"
    if case == "dubbele_ids":
        frame["id"] = ["a", "b", "a"]
        return [save(frame, tmp_path / "t.gpkg")], "schema_fout", "'id' moet uniek zijn"
    raise ValueError(case)


CASES = ["ontbrekend_bestand", "kapot_bestand", "onbekende_laag", "ontbrekende_kolom",
         "verkeerd_type", "buiten_bereik", "verkeerde_geometrie", "geen_crs", "lege_laag",
         "buiten_nederland", "dubbele_ids"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_plain(tmp_path, werkmap, case):
    args, _, text = _bad(tmp_path, case)
    result = run("importeer", "bedrijventerreinen", *args)
    assert result.exit_code == 2
    assert "Fout:" in result.stderr and text in result.stderr
    assert "Traceback" not in result.output
    assert not (werkmap / "invoer" / "lagen.gpkg").exists()


@pytest.mark.parametrize("case", CASES)
def test_bad_input_json(tmp_path, werkmap, case):
    args, code, text = _bad(tmp_path, case)
    exit_code, payload = run_json("importeer", "bedrijventerreinen", *args)
    assert exit_code == 2
    assert payload["ok"] is False and payload["commando"] == "importeer"
    assert payload["fout"]["code"] == code
    assert text in payload["fout"]["melding"]


def test_schema_error_json_names_column_rows_values(tmp_path, werkmap):
    args, _, _ = _bad(tmp_path, "buiten_bereik")
    _, payload = run_json("importeer", "bedrijventerreinen", *args)
    fout = payload["fout"]
    assert (fout["bestand"], fout["laag"], fout["kolom"]) == ("t.gpkg", "t", "leegstand_pct")
    assert fout["rijen"] == [{"rij": 3, "id": "bt-2"}] and fout["waarden"] == [140.0]


def test_unknown_kind(tmp_path, werkmap):
    path = save(terreinen(), tmp_path / "t.gpkg")
    exit_code, payload = run_json("importeer", "vakantiepark", path)
    assert exit_code == 2
    assert payload["fout"]["code"] == "laag_onbekend"
    assert "Bedoelde je 'vakantieparken'" in payload["fout"]["melding"]


def test_neem_crs(tmp_path, werkmap):
    path = save(terreinen().set_crs(None, allow_override=True), tmp_path / "t.shp")
    exit_code, payload = run_json("importeer", "bedrijventerreinen", path, "--neem-crs",
                                  "EPSG:28992")
    assert exit_code == 0 and payload["aantal"] == 3


def test_invalid_geometry_reported(tmp_path, werkmap):
    frame = terreinen()
    frame.loc[0, "geometry"] = shapely.Polygon([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 50, Y0),
                                                (X0, Y0 + 50)])
    path = save(frame, tmp_path / "t.gpkg")
    result = run("importeer", "bedrijventerreinen", path)
    assert result.exit_code == 0
    assert "1 ongeldige geometrie(ën) hersteld" in result.stdout
    _, payload = run_json("importeer", "bedrijventerreinen", path)
    assert payload["hersteld"] == 1


def test_lagen_empty_werkmap(werkmap):
    result = run("lagen")
    assert result.exit_code == 0 and "Nog geen invoerlagen" in result.stdout
    _, payload = run_json("lagen")
    assert payload["lagen"] == [] and "incidenten" in payload["ontbrekend"]


def test_lagen_shows_synthetic(werkmap):
    from geo.layers import validate_layer, write_layers

    write_layers(werkmap / "invoer" / "lagen.gpkg",
                 {"kernen": validate_layer("kernen", kernen())}, synthetic=True,
                 description="Synthetische demodata")
    result = run("lagen")
    assert "synthetische demodata" in result.stdout
    _, payload = run_json("lagen")
    assert payload["synthetisch"] is True and payload["lagen"][0]["synthetisch"] is True


def test_import_into_synthetic_werkmap_stays_synthetic(tmp_path, werkmap):
    from geo.layers import is_synthetic, validate_layer, write_layers

    lagen = werkmap / "invoer" / "lagen.gpkg"
    write_layers(lagen, {"kernen": validate_layer("kernen", kernen())}, synthetic=True,
                 description="demo")
    _, payload = run_json("importeer", "bedrijventerreinen", save(terreinen(), tmp_path / "t.gpkg"))
    assert payload["synthetisch"] is True and is_synthetic(lagen)
    _, listing = run_json("lagen")
    flags = {row["soort"]: row["synthetisch"] for row in listing["lagen"]}
    assert flags == {"kernen": True, "bedrijventerreinen": False}


@pytest.mark.parametrize("args, count, first", [
    ([], 342, "GM0014"),
    (["--regio", "parkstad"], 7, "GM0882"),
    (["--provincie", "Limburg"], 31, "GM0882"),
    (["--veiligheidsregio", "Limburg-Noord"], 15, "GM0889"),
    (["--gemeente", "beek", "--gemeente", "GM0981"], 2, "GM0888"),
])
def test_gemeenten_listing(werkmap, args, count, first):
    exit_code, payload = run_json("gemeenten", *args)
    assert exit_code == 0
    assert payload["aantal"] == count and payload["gemeenten"][0]["code"] == first


def test_gemeenten_plain_table(werkmap):
    result = run("gemeenten", "--regio", "Parkstad")
    assert result.exit_code == 0
    assert "Heerlen" in result.stdout
    assert "Parkstad (regio-parkstad): 7 gemeente(n)." in result.stdout


def test_gemeenten_marks_werkmap_coverage(werkmap):
    from geo.layers import validate_layer, write_layers
    from geo.layers.gemeenten import select_area

    own = validate_layer("gemeenten", select_area(regio="Parkstad").gemeenten)
    write_layers(werkmap / "invoer" / "lagen.gpkg", {"gemeenten": own}, synthetic=False,
                 description="eigen grenzen")
    exit_code, payload = run_json("gemeenten", "--provincie", "Limburg")
    assert exit_code == 0 and payload["aantal"] == 31
    assert sum(row["in_werkmap"] for row in payload["gemeenten"]) == 7
    result = run("gemeenten", "--provincie", "Limburg")
    assert "31 gemeente(n), waarvan 7 in de werkmap." in result.stdout
    _, payload = run_json("gemeenten", "--provincie", "Groningen")
    assert payload["aantal"] > 0 and not any(r["in_werkmap"] for r in payload["gemeenten"])


def test_unknown_gemeente_suggests(werkmap):
    result = run("gemeenten", "--gemeente", "Maastrcht")
    assert result.exit_code == 2
    assert "Gemeente 'Maastrcht' bestaat niet. Bedoelde je: Maastricht" in result.stderr
    exit_code, payload = run_json("gemeenten", "--regio", "Parkstat")
    assert exit_code == 2 and payload["fout"]["code"] == "gebied_onbekend"
    assert payload["fout"]["suggesties"] == ["Parkstad"]


def test_help_is_dutch():
    for command in ("importeer", "lagen", "gemeenten"):
        result = run(command, "--help")
        assert result.exit_code == 0
    assert "Controleer een laag" in run("importeer", "--help").stdout
    assert "--neem-crs" in run("importeer", "--help").stdout


def test_lagen_schema(werkmap):
    result = run("lagen", "--schema", "vakantieparken")
    assert result.exit_code == 0 and "niet_vitaal" in result.stdout
    exit_code, payload = run_json("lagen", "--schema", "alle")
    assert exit_code == 0 and len(payload["schemas"]) == 10
    havens = next(s for s in payload["schemas"] if s["soort"] == "havens")
    assert havens["geometrie"] == ["Point", "Polygon", "MultiPolygon"]
    assert [c["naam"] for c in havens["kolommen"]][:3] == ["id", "naam", "soort"]
    exit_code, payload = run_json("lagen", "--schema", "haven")
    assert exit_code == 2 and "Bedoelde je 'havens'" in payload["fout"]["melding"]


def test_importeer_alle_from_one_geopackage(tmp_path, werkmap):
    source = tmp_path / "gemeente.gpkg"
    save(terreinen(), source, layer="bedrijventerreinen")
    save(kernen(), source, layer="kernen")
    save(kernen(), source, layer="notities")  # not a layer kind: ignored
    exit_code, payload = run_json("importeer", "alle", str(source))
    assert exit_code == 0
    assert payload["per_soort"] == {"kernen": 1, "bedrijventerreinen": 3}
    assert payload["aantal"] == 4
    assert [r[0] for r in pyogrio.list_layers(werkmap / "invoer" / "lagen.gpkg")] == [
        "kernen", "bedrijventerreinen"]


def test_importeer_alle_is_all_or_nothing(tmp_path, werkmap):
    source = tmp_path / "gemeente.gpkg"
    save(kernen(), source, layer="kernen")
    bad = terreinen()
    bad["woonfunctie_pct"] = [10.0, 200.0, 5.0]
    save(bad, source, layer="bedrijventerreinen")
    exit_code, payload = run_json("importeer", "alle", str(source))
    assert exit_code == 2 and "woonfunctie_pct" in payload["fout"]["melding"]
    assert not (werkmap / "invoer" / "lagen.gpkg").exists()


def test_importeer_alle_without_known_layers(tmp_path, werkmap):
    source = save(kernen(), tmp_path / "x.gpkg", layer="notities")
    exit_code, payload = run_json("importeer", "alle", source)
    assert exit_code == 2 and payload["fout"]["code"] == "laag_onbekend"
    assert "gevonden: notities" in payload["fout"]["melding"]


def test_importeer_incidenten_csv_drops_extra_columns(tmp_path, werkmap):
    path = tmp_path / "incidenten.csv"
    path.write_text("id;datum;soort;bron;vertrouwelijk;rd_x;rd_y;kenteken\n"
                    f"i1;05-01-2024;drugslab;politie;ja;{X0};{Y0};AB-123-C\n", encoding="utf-8")
    exit_code, payload = run_json("importeer", "incidenten", str(path))
    assert exit_code == 0 and payload["aantal"] == 1
    assert any("kenteken" in m and "AB-123-C" not in m for m in payload["meldingen"])
    frame = gpd.read_file(werkmap / "invoer" / "lagen.gpkg", layer="incidenten")
    assert "kenteken" not in frame.columns


def test_lagen_says_which_indicators_a_missing_layer_switches_off(werkmap):
    """Issue 13 item 6: per missing layer the indicators it disables (or that need it)."""
    from geo.layers import validate_layer, write_layers

    write_layers(werkmap / "invoer" / "lagen.gpkg",
                 {"kernen": validate_layer("kernen", kernen())}, synthetic=True,
                 description="Synthetische demodata")
    result = run("lagen")
    text = " ".join(result.stdout.split())
    assert "Zonder 'landsgrens' staan deze indicatoren uit (met melding): " in text
    assert "buitengebied:nabijheid_landsgrens" in text and "havens:nabijheid_grens" in text
    assert "Zonder 'verzorgingsplaatsen' staan deze indicatoren uit" in text
    _, payload = run_json("lagen")
    grens = payload["indicatoren_zonder_laag"]["landsgrens"]
    assert {(i["thema"], i["indicator"]) for i in grens} == {
        ("buitengebied", "nabijheid_landsgrens"), ("havens", "nabijheid_grens")}
    assert all(i["gevolg"] == "indicator uit" for i in grens)
    assert "kernen" not in payload["indicatoren_zonder_laag"]
    # every indicator is switched off without its layer (issue 13 item 6), not only the
    # optioneel ones; a missing domain layer skips its theme
    assert "Zonder 'wegen' staan deze indicatoren uit (met melding): " in text
    assert "bedrijventerreinen:nabijheid_snelwegafrit" in text
    assert "Zonder 'havens' wordt dit thema overgeslagen (met melding): havens." in text
    assert "stopt" not in text
    havens = payload["indicatoren_zonder_laag"]["havens"]
    assert {i["gevolg"] for i in havens} == {"thema overgeslagen"}
