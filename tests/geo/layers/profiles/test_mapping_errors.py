"""Mapping errors: a Dutch message naming profile file + line, source column and values."""

import geopandas as gpd
import pytest
import shapely

from geo.errors import ConfigError, InvalidRequestError, SchemaError
from geo.layers.profiles import derive_ids, load_profile, load_with_profile, resolve_profile

X0, Y0 = 200_000.0, 360_000.0


@pytest.fixture
def source(tmp_path):
    frame = gpd.GeoDataFrame({
        "NR": ["a1", "a2", "a3"], "NAAM": ["Park A", "Park B", None],
        "KVO": ["J", "N", "X"], "LEEG_FR": [0.1, 0.5, 45.0], "OPP_HA": ["1,5", "2", "veel"]},
        geometry=[shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + 60, Y0 + 60) for i in range(3)],
        crs=28992)
    path = tmp_path / "terreinen.gpkg"
    frame.to_file(path, driver="GPKG")
    return path


def profile_file(tmp_path, body: str):
    path = tmp_path / "mijn_profiel.yaml"
    path.write_text("profiel: mijn\nsoort: bedrijventerreinen\nkolommen:\n" + body,
                    encoding="utf-8")
    return load_profile(path)


def test_unknown_source_column_names_profile_line_and_suggests(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  naam: NAME\n")
    with pytest.raises(SchemaError) as info:
        load_with_profile("bedrijventerreinen", source, profile)
    message = info.value.message
    assert "mijn_profiel.yaml, regel 5 (kolommen.naam)" in message
    assert "bronkolom 'NAME' ontbreekt in 'terreinen.gpkg'" in message
    assert "Bedoelde je 'NAAM'?" in message and "Aanwezige kolommen: NR, NAAM" in message
    assert info.value.details["kolom"] == "NAME"


def test_bad_value_map_lists_the_offending_values(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  keurmerk_kvo: {bron: KVO, waarden: {J: ja, "
                           "N: nee}}\n")
    with pytest.raises(SchemaError, match=r"regel 5 \(kolommen\.keurmerk_kvo\.waarden\): "
                       r"bronkolom 'KVO' .* niet in 'waarden'.*rij 3: 'X'") as info:
        load_with_profile("bedrijventerreinen", source, profile)
    assert info.value.details["waarden"] == ["X"] and info.value.details["rijen"] == [3]


def test_value_map_with_anders_onbekend_stores_null(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  keurmerk_kvo: {bron: KVO, waarden: {J: ja, "
                           "N: nee}, anders: onbekend}\n")
    frame, _ = load_with_profile("bedrijventerreinen", source, profile)
    assert frame["keurmerk_kvo"].tolist()[:2] == [True, False]
    assert frame["keurmerk_kvo"].isna().tolist() == [False, False, True]


def test_unit_error_fraction_out_of_range(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  leegstand_pct: {bron: LEEG_FR, eenheid: "
                           "fractie_naar_pct}\n")
    with pytest.raises(SchemaError, match=r"regel 5 .*'LEEG_FR'.* buiten 0–1.*rij 3: 45\.0"):
        load_with_profile("bedrijventerreinen", source, profile)


def test_unit_error_not_a_number(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  opp_m2: {bron: OPP_HA, eenheid: ha_naar_m2}\n")
    with pytest.raises(SchemaError, match=r"'OPP_HA'.* getallen .*ha_naar_m2.*rij 3: 'veel'"):
        load_with_profile("bedrijventerreinen", source, profile)


def test_units_convert(tmp_path, source):
    profile = profile_file(tmp_path, "  id: NR\n  leegstand_pct: {bron: LEEG_FR, eenheid: "
                           "fractie_naar_pct}\nfilter:\n  - {kolom: NR, niet_in: [a3]}\n")
    frame, report = load_with_profile("bedrijventerreinen", source, profile)
    assert frame["leegstand_pct"].tolist() == [10.0, 50.0] and report.rijen_gefilterd == 1


@pytest.mark.parametrize(("body", "expected"), [
    ("  id: NR\n  naam: {bron: NAAM, eenheid: km}\n", r"regel 5, sleutel 'kolommen\.naam"),
    ("  id: NR\n naam: NAAM\n", r"mijn_profiel\.yaml, regel 5: verwacht geldige YAML"),
    ("  id: {bron: NR, vast: x}\n", r"regel 4, sleutel 'kolommen\.id'.*precies één van"),
    ("  id: {bron: NR, patroon: '[0-9'}\n", r"regel 4.*reguliere expressie"),
])
def test_profile_syntax_errors_name_file_and_line(tmp_path, body, expected):
    with pytest.raises(ConfigError, match=expected):
        profile_file(tmp_path, body)


def test_unknown_profile_name_suggests():
    with pytest.raises(ConfigError, match="Onbekend profiel 'ibs'. Bedoelde je 'ibis'"):
        load_profile("ibs")


def test_profile_for_another_kind_is_refused():
    with pytest.raises(InvalidRequestError, match="maakt laagsoort 'bedrijventerreinen'"):
        resolve_profile("vakantieparken", "ibis")


def test_derived_id_is_stable_and_depends_on_geometry_and_name(tmp_path, source):
    profile = resolve_profile("bedrijventerreinen", None, columns={"naam": "NAAM"})
    first, report = load_with_profile("bedrijventerreinen", source, profile)
    again, _ = load_with_profile("bedrijventerreinen", source, profile)
    assert report.afgeleide_ids == 3 and first["id"].tolist() == again["id"].tolist()
    assert first["id"].str.match(r"^opdrachtregel-[0-9a-f]{12}$").all() and first["id"].is_unique
    frame = gpd.read_file(source).to_crs(28992)
    moved = frame.copy()
    moved["geometry"] = moved.geometry.translate(0.2, 0.2)  # below the 1 m precision
    mapped = gpd.GeoDataFrame({"naam": frame["NAAM"]})
    assert derive_ids(profile, moved, mapped).tolist() == first["id"].tolist()
    renamed = gpd.GeoDataFrame({"naam": ["Ander park", "Park B", None]})
    assert derive_ids(profile, frame, renamed).tolist()[1:] == first["id"].tolist()[1:]
    assert derive_ids(profile, frame, renamed).tolist()[0] != first["id"].tolist()[0]


def test_command_line_columns_and_constants(tmp_path, source):
    profile = resolve_profile("bedrijventerreinen", None, columns={"id": "NR", "naam": "NAAM"},
                              constants={"herkomst": "riec"})
    frame, _ = load_with_profile("bedrijventerreinen", source, profile)
    assert frame["id"].tolist() == ["a1", "a2", "a3"] and set(frame["herkomst"]) == {"riec"}
    assert "KVO" in frame.columns  # without a profile every other column is kept
