"""One test per bad-input case: specific Dutch errors naming file, layer, column, rows, values."""

import warnings
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely
from layer_factories import X0, Y0, valid_frame, write

from geo.errors import (
    AreaNotFoundError,
    CrsError,
    GeometryError,
    GeometryRepairedWarning,
    InputFileError,
    SchemaError,
    UnknownLayerError,
)
from geo.layers import load_bedrijventerreinen, load_layer, validate_layer
from geo.layers.gemeenten import select_area

pytestmark = pytest.mark.filterwarnings(  # test fixtures written as shapefile / without CRS
    "ignore:Normalized/laundered field name", "ignore:'crs' was not provided",
    "ignore:Column names longer than 10 characters")


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="bestaat niet") as info:
        load_bedrijventerreinen(tmp_path / "weg.gpkg")
    assert info.value.details["bestand"].endswith("weg.gpkg")
    assert info.value.exit_code == 2


def test_corrupt_file(tmp_path):
    path = tmp_path / "kapot.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 500)
    with pytest.raises(InputFileError, match="kapot.gpkg.*onleesbaar"):
        load_bedrijventerreinen(path)


def test_corrupt_zip(tmp_path):
    path = tmp_path / "terreinen.zip"
    path.write_bytes(b"geen zip")
    with pytest.raises(InputFileError, match="geen geldig zip"):
        load_bedrijventerreinen(path)


def test_unknown_layer_name_in_file(bedrijventerreinen_gpkg):
    with pytest.raises(UnknownLayerError, match="'bedrijventerrein' bestaat niet") as info:
        load_bedrijventerreinen(bedrijventerreinen_gpkg, layer="bedrijventerrein")
    assert "Bedoelde je 'bedrijventerreinen'" in info.value.message
    assert info.value.details["beschikbaar"] == ["bedrijventerreinen"]


def test_unknown_layer_kind(bedrijventerreinen_gpkg):
    with pytest.raises(UnknownLayerError, match="Onbekende laagsoort 'bedrijfsterreinen'") as info:
        load_layer("bedrijfsterreinen", bedrijventerreinen_gpkg)
    assert "bedrijventerreinen" in info.value.message


def test_several_layers_without_choice(tmp_path):
    path = write(valid_frame("bedrijventerreinen"), tmp_path / "twee.gpkg", layer="a")
    write(valid_frame("bedrijventerreinen"), path, layer="b")
    with pytest.raises(UnknownLayerError, match="meerdere lagen \\(a, b\\).*--laag"):
        load_bedrijventerreinen(path)
    assert len(load_bedrijventerreinen(path, layer="b")) == 3


def test_missing_required_column(tmp_path):
    frame = valid_frame("bedrijventerreinen").rename(columns={"id": "idd"})
    path = write(frame, tmp_path / "t.gpkg")
    with pytest.raises(SchemaError, match="'id'") as info:
        load_bedrijventerreinen(path)
    error = info.value
    assert "ontbreekt" in error.message and "Bedoelde je 'idd'" in error.message
    assert error.details["kolom"] == "id"
    assert error.details["bestand"] == "t.gpkg"
    assert error.details["laag"] == "t"


def test_wrong_type(tmp_path):
    frame = valid_frame("bedrijventerreinen").astype({"aantal_vestigingen": object})
    frame.loc[1, "aantal_vestigingen"] = "veel"
    path = write(frame, tmp_path / "t.gpkg")
    with pytest.raises(SchemaError, match="aantal_vestigingen") as info:
        load_bedrijventerreinen(path)
    assert "geheel getal" in info.value.message
    assert info.value.details["rijen"] == [{"rij": 2, "id": "obj-1"}]
    assert info.value.details["waarden"] == ["veel"]


def test_unparseable_bool(tmp_path):
    frame = valid_frame("bedrijventerreinen").astype({"cameratoezicht": object})
    frame.loc[2, "cameratoezicht"] = "misschien"
    with pytest.raises(SchemaError, match="cameratoezicht.*ja/nee.*'misschien'"):
        validate_layer("bedrijventerreinen", frame, source="t.geojson")


def test_unparseable_date(tmp_path):
    frame = valid_frame("incidenten")
    frame.loc[0, "datum"] = "31-02-2024"
    with pytest.raises(SchemaError, match="datum.*datum zijn.*'31-02-2024'"):
        validate_layer("incidenten", frame)


def test_value_out_of_range(tmp_path):
    frame = valid_frame("bedrijventerreinen")
    frame.loc[1, "leegstand_pct"] = 140.0
    path = write(frame, tmp_path / "t.gpkg")
    with pytest.raises(SchemaError, match="leegstand_pct") as info:
        load_bedrijventerreinen(path)
    assert "buiten het bereik 0–100" in info.value.message
    assert "rij 2 (id 'obj-1'): 140.0" in info.value.message
    assert info.value.details["waarden"] == [140.0]


def test_value_not_allowed():
    frame = valid_frame("vakantieparken")
    frame.loc[2, "vitaliteit"] = "Bijna vitaal"
    with pytest.raises(SchemaError, match="vitaliteit") as info:
        validate_layer("vakantieparken", frame)
    assert "toegestaan: vitaal, kwetsbaar, niet_vitaal" in info.value.message
    assert info.value.details["waarden"] == ["bijna_vitaal"]


def test_empty_required_value():
    frame = valid_frame("havens")
    frame.loc[0, "id"] = "  "
    with pytest.raises(SchemaError, match="'id' mag niet leeg") as info:
        validate_layer("havens", frame)
    assert info.value.details["rijen"] == [{"rij": 1}]


def test_wrong_geometry_type():
    frame = valid_frame("vakantieparken")
    frame = frame.set_geometry(frame.geometry.centroid)
    with pytest.raises(GeometryError, match="verkeerd geometrietype.*Polygon of MultiPolygon"):
        validate_layer("vakantieparken", frame)


def test_missing_crs_refused(tmp_path):
    path = write(valid_frame("bedrijventerreinen").set_crs(None, allow_override=True),
                 tmp_path / "t.shp")
    with pytest.raises(CrsError, match="geen coördinatenstelsel.*--neem-crs"):
        load_bedrijventerreinen(path)
    frame = load_bedrijventerreinen(path, assume_crs="EPSG:28992")
    assert frame.crs.to_epsg() == 28992


def test_geojson_with_rd_coordinates_but_no_crs_member(tmp_path):
    """GDAL reads a GeoJSON without 'crs' as WGS84; RD metres then do not fit."""
    path = write(valid_frame("bedrijventerreinen").set_crs(None, allow_override=True),
                 tmp_path / "t.geojson")
    with pytest.raises(CrsError, match="passen niet bij WGS 84.*--neem-crs"):
        load_bedrijventerreinen(path)
    frame = load_bedrijventerreinen(path, assume_crs="EPSG:28992")
    assert frame.geometry.iloc[0].bounds == pytest.approx((X0, Y0, X0 + 40, Y0 + 40))


def test_unknown_assumed_crs(tmp_path):
    path = write(valid_frame("kernen").set_crs(None, allow_override=True), tmp_path / "k.gpkg")
    with pytest.raises(CrsError, match="Onbekend coördinatenstelsel 'EPSG:999999'"):
        load_layer("kernen", path, assume_crs="EPSG:999999")


def test_empty_layer(tmp_path):
    path = write(valid_frame("bedrijventerreinen").iloc[:0], tmp_path / "leeg.gpkg")
    with pytest.raises(GeometryError, match="leeg.gpkg.*leeg \\(0 objecten\\)"):
        load_bedrijventerreinen(path)


def test_features_outside_netherlands():
    frame = valid_frame("havens")
    frame = frame.set_geometry(frame.geometry.translate(0, -200_000))  # Belgian Ardennes
    with pytest.raises(GeometryError, match="alle 3 objecten liggen buiten Nederland"):
        validate_layer("havens", frame)


def test_wgs84_read_as_rd_is_outside_netherlands(tmp_path):
    """Degrees taken for metres land near (6, 51) in RD: outside, with a CRS hint."""
    frame = valid_frame("havens").to_crs("EPSG:4326").set_crs(None, allow_override=True)
    path = write(frame, tmp_path / "h.gpkg")
    with pytest.raises(GeometryError, match="coördinatenstelsel"):
        load_layer("havens", path, assume_crs="EPSG:28992")
    assert len(load_layer("havens", path, assume_crs="EPSG:4326")) == 3


def test_one_feature_outside_netherlands_named():
    frame = valid_frame("havens")
    frame.loc[1, "geometry"] = shapely.Point(X0, Y0 - 200_000)
    with pytest.raises(GeometryError, match="buiten Nederland: rij 2 \\(id 'obj-1'\\)"):
        validate_layer("havens", frame)


def test_roads_outside_netherlands_dropped_with_warning():
    frame = valid_frame("wegen")
    frame.loc[2, "geometry"] = shapely.LineString([(X0, Y0 - 200_000), (X0 + 9, Y0 - 200_000)])
    with pytest.warns(UserWarning, match="1 object\\(en\\) buiten Nederland weggelaten"):
        result = validate_layer("wegen", frame)
    assert len(result) == 2


def test_invalid_geometry_repaired_with_warning():
    frame = valid_frame("vakantieparken")
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 50, Y0), (X0, Y0 + 50)])
    frame.loc[0, "geometry"] = bowtie
    with pytest.warns(GeometryRepairedWarning, match="1 ongeldige geometrie") as record:
        result = validate_layer("vakantieparken", frame)
    assert record[0].message.aantal == 1
    assert result.geometry.is_valid.all()
    assert result.geometry.iloc[0].geom_type == "MultiPolygon"
    assert result.geometry.iloc[0].area == pytest.approx(2 * 625.0)  # two 25 m triangles


def test_valid_layer_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_layer("vakantieparken", valid_frame("vakantieparken"))


def test_duplicate_ids(tmp_path):
    frame = valid_frame("bedrijventerreinen")
    frame.loc[2, "id"] = "obj-0"
    path = write(frame, tmp_path / "t.gpkg")
    with pytest.raises(SchemaError, match="'id' moet uniek zijn") as info:
        load_bedrijventerreinen(path)
    assert [r["rij"] for r in info.value.details["rijen"]] == [1, 3]
    assert info.value.details["waarden"] == ["obj-0", "obj-0"]


def test_police_incident_must_be_confidential():
    frame = valid_frame("incidenten")
    frame.loc[0, "vertrouwelijk"] = False  # row 0 is bron politie
    with pytest.raises(SchemaError, match="politie-incidenten moeten vertrouwelijk") as info:
        validate_layer("incidenten", frame)
    assert info.value.details["rijen"] == [{"rij": 1, "id": "obj-0"}]


def test_unknown_gemeente_suggests_closest():
    with pytest.raises(AreaNotFoundError, match="'Valls' bestaat niet.*Vaals") as info:
        select_area(gemeente="Valls")
    assert "Vaals" in info.value.details["suggesties"]


def test_unknown_gemeentecode():
    with pytest.raises(AreaNotFoundError, match="Gemeentecode 'GM9999' bestaat niet"):
        select_area(gemeente="GM9999")


def test_invalid_gemeentecode_in_layer():
    frame = valid_frame("gemeenten")
    frame.loc[1, "gemeentecode"] = "G0981"
    with pytest.raises(SchemaError, match="gemeentecode zijn \\(GMnnnn\\).*'G0981'"):
        validate_layer("gemeenten", frame)


def test_shapefile_zip_without_layers(tmp_path):
    path = tmp_path / "leeg.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lees_mij.txt", "geen shapefile")
    with pytest.raises(InputFileError, match="leeg.zip"):
        load_bedrijventerreinen(path)


def test_parquet_without_geometry(tmp_path):
    path = tmp_path / "t.parquet"
    gpd.pd.DataFrame({"id": [1]}).to_parquet(path)
    with pytest.raises(InputFileError, match="t.parquet"):
        load_bedrijventerreinen(path)


def test_several_missing_columns_listed():
    frame = valid_frame("incidenten").drop(columns=["soort", "bron"])
    with pytest.raises(SchemaError, match="kolommen 'soort', 'bron' ontbreken"):
        validate_layer("incidenten", frame, source="incidenten.csv")


def test_layer_without_geometry(tmp_path):
    path = tmp_path / "tabel.gpkg"
    pyogrio.write_dataframe(valid_frame("kernen").drop(columns="geometry"), path, layer="tabel")
    with pytest.raises(InputFileError, match="laag 'tabel' heeft geen geometrie"):
        load_layer("kernen", path)


def test_collapsed_polygon_refused():
    frame = valid_frame("vakantieparken")
    frame.loc[1, "geometry"] = shapely.Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])
    with pytest.raises(GeometryError, match="blijft na herstel leeg.*rij 2 \\(id 'obj-1'\\)"):
        validate_layer("vakantieparken", frame)


def test_plain_dataframe_refused():
    frame = gpd.pd.DataFrame(valid_frame("kernen").drop(columns="geometry"))
    with pytest.raises(InputFileError, match="geen GeoDataFrame met geometrie"):
        validate_layer("kernen", frame)
