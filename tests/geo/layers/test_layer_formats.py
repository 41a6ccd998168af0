"""Reading every supported format, reprojection to EPSG:28992, shapefile name repair."""

import zipfile

import pytest
import shapely
from layer_factories import X0, Y0, valid_frame, write
from numpy.testing import assert_allclose

from geo.layers import LAYER_KINDS, load_bedrijventerreinen, load_havens, load_layer

pytestmark = pytest.mark.filterwarnings(  # test fixtures written as shapefile / without CRS
    "ignore:Normalized/laundered field name", "ignore:'crs' was not provided",
    "ignore:Column names longer than 10 characters")


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".parquet"])
def test_formats_give_same_frame(tmp_path, suffix):
    frame = valid_frame("bedrijventerreinen")
    path = write(frame, tmp_path / f"terreinen{suffix}")
    loaded = load_bedrijventerreinen(path) if suffix != ".geojson" else \
        load_bedrijventerreinen(path, assume_crs="EPSG:28992")
    assert loaded.crs.to_epsg() == 28992
    assert loaded["id"].tolist() == ["obj-0", "obj-1", "obj-2"]
    assert loaded["leegstand_pct"].tolist() == [0, 12.5, 100]
    assert loaded["keurmerk_kvo"].tolist() == [True, False, True]
    assert loaded["bouwjaar_mediaan"].dtype == "int64"
    assert_allclose(loaded.total_bounds, frame.total_bounds)


def test_zipped_shapefile(tmp_path):
    write(valid_frame("vakantieparken"), tmp_path / "parken.shp")
    archive = tmp_path / "parken.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("parken.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
    loaded = load_layer("vakantieparken", archive)
    # shapefile cut "permanente_bewoning_pct" to 10 characters; the loader restores it
    assert loaded["permanente_bewoning_pct"].tolist() == [10, 45, 10]
    assert loaded["versnipperd_eigendom"].tolist() == [True, False, True]


def test_reprojects_wgs84_to_rd(tmp_path):
    """Amersfoort's Onze Lieve Vrouwetoren: RD (155000, 463000) ≈ (5.387206, 52.155172)."""
    frame = valid_frame("havens", n=1).to_crs("EPSG:4326")
    frame["geometry"] = [shapely.Point(5.38720621, 52.15517440)]
    path = write(frame, tmp_path / "haven.geojson")
    loaded = load_havens(path)
    point = loaded.geometry.iloc[0]
    assert_allclose([point.x, point.y], [155_000, 463_000], atol=1.0)


def test_reprojection_roundtrip_keeps_positions(tmp_path):
    frame = valid_frame("havens")
    path = write(frame.to_crs("EPSG:3857"), tmp_path / "h.gpkg")
    loaded = load_havens(path)
    assert_allclose(shapely.get_coordinates(loaded.geometry.values),
                    shapely.get_coordinates(frame.geometry.values), atol=0.01)


def test_default_layer_named_after_kind(tmp_path):
    path = write(valid_frame("kernen"), tmp_path / "alles.gpkg", layer="kernen")
    write(valid_frame("havens"), path, layer="havens")
    assert len(load_layer("havens", path)) == 3
    assert load_layer("kernen", path)["naam"].tolist() == ["Kern 0", "Kern 1", "Kern 2"]


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_every_kind_loads_from_gpkg(tmp_path, kind):
    path = write(valid_frame(kind), tmp_path / f"{kind}.gpkg")
    loaded = load_layer(kind, path)
    assert len(loaded) == 3
    assert loaded.crs.to_epsg() == 28992
    assert loaded.geometry.name == "geometry"
    assert_allclose(loaded.total_bounds[:2], valid_frame(kind).total_bounds[:2])
    assert loaded.geometry.iloc[0].bounds[0] == pytest.approx(X0)
    assert loaded.total_bounds[1] >= Y0


def _incident_table(tmp_path, header, rows, name="incidenten.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_csv_with_lon_lat_is_wgs84(tmp_path):
    path = _incident_table(tmp_path, "id;datum;soort;bron;vertrouwelijk;lon;lat", [
        "1;01-03-2024;drugslab;politie;ja;5,38720621;52,15517440",
        "2;2024-05-17;dumping;gemeente;nee;5.38720621;52.15517440"])
    frame = load_layer("incidenten", path)
    assert_allclose(shapely.get_coordinates(frame.geometry.values),
                    [[155_000, 463_000], [155_000, 463_000]], atol=1.0)
    assert frame["vertrouwelijk"].tolist() == [True, False]


def test_csv_with_rd_columns(tmp_path):
    path = _incident_table(tmp_path, "id,datum,soort,bron,vertrouwelijk,RD_X,RD_Y",
                           [f"a,2024-01-02,melding,riec,ja,{X0},{Y0}"])
    frame = load_layer("incidenten", path)
    assert frame.geometry.iloc[0].coords[0] == (X0, Y0)


def test_csv_with_plain_xy_needs_crs(tmp_path):
    from geo.errors import CrsError

    path = _incident_table(tmp_path, "id,datum,soort,bron,vertrouwelijk,x,y",
                           [f"a,2024-01-02,melding,riec,ja,{X0},{Y0}"])
    with pytest.raises(CrsError, match="--neem-crs"):
        load_layer("incidenten", path)
    assert len(load_layer("incidenten", path, assume_crs="EPSG:28992")) == 1


def test_csv_bad_coordinate_named(tmp_path):
    from geo.errors import SchemaError

    path = _incident_table(tmp_path, "id,datum,soort,bron,vertrouwelijk,rd_x,rd_y", [
        f"a,2024-01-02,melding,riec,ja,{X0},{Y0}", "b,2024-01-02,melding,riec,ja,onbekend,1"])
    with pytest.raises(SchemaError, match="kolom 'rd_x'.*rij 2: 'onbekend'"):
        load_layer("incidenten", path)


def test_excel_with_wkt(tmp_path):
    import pandas as pd

    path = tmp_path / "parken.xlsx"
    frame = valid_frame("vakantieparken").to_wkt().rename(columns={"geometry": "wkt"})
    pd.DataFrame(frame).to_excel(path, index=False)
    loaded = load_layer("vakantieparken", path, assume_crs="EPSG:28992")
    assert loaded.geometry.iloc[0].equals(valid_frame("vakantieparken").geometry.iloc[0])
    assert loaded["toegangscontrole"].tolist() == [False, True, False]


def test_esri_prj_for_rd_new(tmp_path):
    """ArcGIS writes RD New as 'RD_New' / Double_Stereographic; it must count as EPSG:28992."""
    path = write(valid_frame("kernen").set_crs(None, allow_override=True), tmp_path / "k.shp")
    path.with_suffix(".prj").write_text(
        'PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",SPHEROID["Bessel_1841",'
        '6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
        'PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",155000.0],'
        'PARAMETER["False_Northing",463000.0],PARAMETER["Central_Meridian",5.38763888888889],'
        'PARAMETER["Scale_Factor",0.9999079],PARAMETER["Latitude_Of_Origin",52.15616055555555],'
        'UNIT["Meter",1.0]]')
    loaded = load_layer("kernen", path)
    assert loaded.crs.to_epsg() == 28992
    assert_allclose(loaded.total_bounds, valid_frame("kernen").total_bounds, atol=0.01)
