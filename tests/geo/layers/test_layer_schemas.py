"""Per-kind schemas: normalised types, optional defaults, extra columns, allowed geometry."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from layer_factories import X0, Y0, valid_frame

from geo.errors import GeometryError, SchemaError
from geo.layers import LAYER_KINDS, SPECS, THEMES, read_layers, validate_layer, write_layers


def test_layer_kinds():
    assert LAYER_KINDS == ("gemeenten", "kernen", "bedrijventerreinen", "buitengebied", "havens",
                           "vakantieparken", "wegen", "verzorgingsplaatsen", "landsgrens",
                           "incidenten")
    assert set(THEMES) <= set(LAYER_KINDS)


@pytest.mark.parametrize("kind", [k for k in LAYER_KINDS if k != "incidenten"])
def test_declared_columns_first_and_extra_kept(kind):
    frame = valid_frame(kind)
    frame["eigen_kolom"] = ["a", "b", "c"]
    result = validate_layer(kind, frame)
    declared = [c.name for c in SPECS[kind].columns]
    assert list(result.columns) == declared + ["eigen_kolom", "geometry"]
    assert result["eigen_kolom"].tolist() == ["a", "b", "c"]


def test_input_frame_not_changed():
    frame = valid_frame("incidenten")
    before = frame.copy()
    validate_layer("incidenten", frame)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("raw, expected", [
    (["ja", "Nee", "1"], [True, False, True]),
    ([1, 0, 1], [True, False, True]),
    (["true", "FALSE", " j "], [True, False, True]),
    (["waar", "onwaar", "0"], [True, False, False]),
])
def test_bools_normalised(raw, expected):
    frame = valid_frame("havens")
    frame["nachtregister"] = raw
    result = validate_layer("havens", frame)
    assert result["nachtregister"].dtype == bool
    assert result["nachtregister"].tolist() == expected


def test_dates_normalised():
    frame = valid_frame("incidenten")
    frame["datum"] = ["2024-03-01", "17-05-2024", "01/02/2023"]
    result = validate_layer("incidenten", frame)
    assert result["datum"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-05-17"),
                                        pd.Timestamp("2023-02-01")]


def test_numbers_with_decimal_comma_and_integer_text():
    frame = valid_frame("bedrijventerreinen")
    frame["leegstand_pct"] = ["12,5", "0", "99.5"]
    frame["aantal_vestigingen"] = ["10", "3.0", 7.0]
    result = validate_layer("bedrijventerreinen", frame)
    assert result["leegstand_pct"].tolist() == [12.5, 0.0, 99.5]
    assert result["aantal_vestigingen"].tolist() == [10, 3, 7]
    assert result["aantal_vestigingen"].dtype == "int64"


def test_fraction_in_integer_column_refused():
    frame = valid_frame("bedrijventerreinen")
    frame["verzamelgebouwen"] = [1, 2.5, 3]
    with pytest.raises(SchemaError, match="verzamelgebouwen.*geheel getal.*2.5"):
        validate_layer("bedrijventerreinen", frame)


def test_categories_and_codes_normalised():
    frame = valid_frame("vakantieparken")
    frame["vitaliteit"] = ["Niet vitaal", "KWETSBAAR", "niet-vitaal"]
    assert validate_layer("vakantieparken", frame)["vitaliteit"].tolist() == [
        "niet_vitaal", "kwetsbaar", "niet_vitaal"]
    gemeenten = valid_frame("gemeenten")
    gemeenten["gemeentecode"] = [981, "0888", "gm0917"]
    assert validate_layer("gemeenten", gemeenten)["gemeentecode"].tolist() == [
        "GM0981", "GM0888", "GM0917"]


def test_numeric_ids_become_text():
    frame = valid_frame("havens")
    frame["id"] = [1.0, 2.0, 30.0]
    assert validate_layer("havens", frame)["id"].tolist() == ["1", "2", "30"]


@pytest.mark.parametrize("kind, column, default", [
    ("kernen", "naam", ""), ("wegen", "naam", ""), ("landsgrens", "naam", ""),
])
def test_optional_text_defaults(kind, column, default):
    frame = valid_frame(kind).drop(columns=[column], errors="ignore")
    result = validate_layer(kind, frame)
    assert result[column].tolist() == [default] * 3


def test_optional_regio_absent_stays_empty():
    result = validate_layer("gemeenten", valid_frame("gemeenten"))
    assert result["regio"].isna().all()


def test_point_or_polygon_kinds_accept_both():
    frame = valid_frame("buitengebied")
    frame.loc[1, "geometry"] = shapely.box(X0, Y0, X0 + 30, Y0 + 20)
    result = validate_layer("buitengebied", frame)
    assert result.geom_type.tolist() == ["Point", "Polygon", "Point"]


def test_multi_geometries_accepted():
    frame = valid_frame("wegen")
    frame.loc[0, "geometry"] = shapely.MultiLineString([[(X0, Y0), (X0 + 5, Y0)],
                                                        [(X0, Y0 + 9), (X0 + 5, Y0 + 9)]])
    assert validate_layer("wegen", frame).geom_type.iloc[0] == "MultiLineString"


def test_missing_geometry_named():
    frame = valid_frame("incidenten")
    frame.loc[2, "geometry"] = None
    with pytest.raises(GeometryError, match="zonder geometrie: rij 3 \\(id 'obj-2'\\)"):
        validate_layer("incidenten", frame)


def test_first_five_rows_shown_and_total_counted():
    frame = valid_frame("havens", n=8)
    frame["soort"] = "veerpont"
    with pytest.raises(SchemaError) as info:
        validate_layer("havens", frame)
    assert len(info.value.details["rijen"]) == 5
    assert "(en nog 3)" in info.value.message
    assert info.value.details["problemen"][0]["aantal"] == 8


def test_several_problems_all_in_details():
    frame = valid_frame("bedrijventerreinen")
    frame.loc[0, "leegstand_pct"] = -1
    frame.loc[1, "woonfunctie_pct"] = 101
    with pytest.raises(SchemaError, match="Nog 1 ander probleem") as info:
        validate_layer("bedrijventerreinen", frame)
    columns = {p["kolom"] for p in info.value.details["problemen"]}
    assert columns == {"leegstand_pct", "woonfunctie_pct"}


def test_empty_cells_reported_once_as_empty():
    frame = valid_frame("incidenten")
    frame["soort"] = ["drugslab", None, "dumping"]
    frame["bron"] = ["gemeente", "riec", None]
    with pytest.raises(SchemaError, match="'soort' mag niet leeg zijn; lege "
                       "waarden: rij 2 \\(id 'obj-1'\\)\\. Nog 1 ander probleem") as info:
        validate_layer("incidenten", frame)
    assert [(p["kolom"], p["rijen"][0]["rij"]) for p in info.value.details["problemen"]] == [
        ("soort", 2), ("bron", 3)]


def test_unknown_attributes_stay_unknown_never_zero(tmp_path):
    """Unknown is not zero: an empty cell or a missing column is NULL, also after storage."""
    frame = valid_frame("bedrijventerreinen").drop(columns=["woonfunctie_pct"])
    frame["aantal_vestigingen"] = [10, None, 3]
    frame["keurmerk_kvo"] = ["ja", "", None]
    layer = validate_layer("bedrijventerreinen", frame)
    assert layer["aantal_vestigingen"].isna().tolist() == [False, True, False]
    assert layer["keurmerk_kvo"].isna().tolist() == [False, True, True]
    assert layer["woonfunctie_pct"].isna().all()
    assert bool(layer["keurmerk_kvo"].iloc[0]) is True
    path = tmp_path / "lagen.gpkg"
    write_layers(path, {"bedrijventerreinen": layer}, synthetic=False, description="test")
    back = read_layers(path)["bedrijventerreinen"]
    assert back["keurmerk_kvo"].isna().tolist() == [False, True, True]
    assert back["keurmerk_kvo"].dtype == "boolean"
    assert back["woonfunctie_pct"].isna().all() and back["aantal_vestigingen"].isna().sum() == 1


def test_markdown_table_lists_columns():
    table = SPECS["vakantieparken"].markdown()
    assert "| vitaliteit | tekst | nee | vitaal, kwetsbaar, niet_vitaal | (onbekend) |" in table
    assert "| permanente_bewoning_pct | getal | nee | 0–100 | (onbekend) |" in table
    assert "| id | tekst | ja | uniek |  |" in table
    assert "| ligplaatsen | geheel getal | nee | ≥ 0 | (onbekend) |" in SPECS["havens"].markdown()
    assert "| naam | tekst | nee |  | (leeg) |" in SPECS["kernen"].markdown()


def test_4000_features_with_errors_at_the_end():
    """Vectorised checks find the one bad row among thousands (benchmark: benchmarks/)."""
    frame = valid_frame("bedrijventerreinen", n=4000)
    frame["geometry"] = gpd.GeoSeries(shapely.points(X0 + (frame.index % 200) * 60,
                                                     Y0 + (frame.index // 200) * 60),
                                      crs=28992).buffer(20, quad_segs=2).values
    assert len(validate_layer("bedrijventerreinen", frame)) == 4000
    frame.loc[3999, "woonfunctie_pct"] = 250
    with pytest.raises(SchemaError, match="rij 4000 \\(id 'obj-3999'\\): 250"):
        validate_layer("bedrijventerreinen", frame)


def test_future_incident_date_refused():
    frame = valid_frame("incidenten")
    frame.loc[1, "datum"] = "2100-01-01"
    with pytest.raises(SchemaError, match="'datum' moet tussen 1900 en vandaag liggen.*rij 2"):
        validate_layer("incidenten", frame)
    frame.loc[1, "datum"] = "2999-01-01"  # beyond what pandas can hold: unreadable
    with pytest.raises(SchemaError, match="'datum' moet datum zijn; niet te lezen.*2999"):
        validate_layer("incidenten", frame)


def test_heights_dropped():
    frame = valid_frame("havens")
    frame["geometry"] = shapely.force_3d(frame.geometry.values, 12.0)
    result = validate_layer("havens", frame)
    assert not result.has_z.any()
    assert result.geometry.iloc[0].coords[0] == (X0, Y0)


def test_buitengebied_area_is_gemeente_minus_kernen():
    from geo.layers.kernen import buitengebied_area

    gemeente = gpd.GeoDataFrame({"gemeentecode": ["GM9000"]},
                                geometry=[shapely.box(X0, Y0, X0 + 10_000, Y0 + 10_000)],
                                crs=28992)
    kernen = validate_layer("kernen", gpd.GeoDataFrame(
        {"naam": ["a", "b"]}, geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 3000),
                                        shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
        crs=28992))
    result = buitengebied_area(gemeente, kernen)
    assert result["oppervlakte_km2"].tolist() == pytest.approx([94.0])
    assert result["gemeentecode"].tolist() == ["GM9000"]
    assert not result.geometry.iloc[0].contains(shapely.Point(X0 + 500, Y0 + 500))


def test_incident_extra_columns_dropped_with_warning():
    from geo.layers import ColumnsDroppedWarning

    frame = valid_frame("incidenten")
    frame["kenteken"] = ["AB-123-C", "XY-99-Z", "12-ABC-3"]
    frame["melder"] = ["J. Jansen", "P. de Vries", "anoniem"]
    with pytest.warns(ColumnsDroppedWarning,
                      match="2 extra kolom\\(men\\) weggelaten.*kenteken, melder") as record:
        result = validate_layer("incidenten", frame)
    assert list(result.columns) == ["id", "datum", "soort", "bron", "vertrouwelijk", "geometry"]
    assert "Jansen" not in str(record[0].message)  # names of columns only, never values
