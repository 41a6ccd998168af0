"""Every shipped profile, on the real file it was written for or a fixture with the real layout.

Real files: ``../shared/data/echt`` beside the checkout (or ``KAART_ECHT_DATA``); they are
read-only and the IBIS file is never copied into ``data/`` (no licence statement came with it).
"""

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.layers.profiles import builtin_profiles, load_profile, load_with_profile

# the real source files: $KAART_ECHT_DATA, else ../shared/data/echt beside the checkout
ECHT = Path(os.environ.get("KAART_ECHT_DATA",
                           Path(__file__).resolve().parents[4].parent / "shared/data/echt"))
IBIS = ECHT / "ibis_rijssen_holten" / "IBIS_BEDRIJVENTERREINEN_rijssen_holten_2017.geojson"
OSM_CAMPING = ECHT / "osm_campsites_nl" / "osm_campsites_caravansites_limburg.geojson"
OSM_TRUCK = ECHT / "osm_truckparking_nl" / "truck_parking_facilities_limburg.geojson"
CBS_GM = ECHT / "cbs_gemeenten_2023" / "gemeenten_2023_kerncijfers_limburg.geojson"
X0, Y0 = 200_000.0, 360_000.0  # Venlo


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"echte brondata ontbreekt: {path}")
    return path


@pytest.mark.parametrize("name", sorted(builtin_profiles()))
def test_every_shipped_profile_loads_and_cites_its_layout(name):
    profile = load_profile(name)
    assert profile.profiel == name
    assert profile.bron is not None and "http" in profile.bron.documentatie
    assert profile.bron.licentie


def test_ibis_real_file():
    frame, report = load_with_profile("bedrijventerreinen", real(IBIS), load_profile("ibis"))
    assert report.rijen_gelezen == 22 and report.samengevoegd == 2 and len(frame) == 20
    assert frame["id"].is_unique and "130060" in set(frame["id"])
    merged = frame.loc[frame["id"] == "130060"].geometry.iloc[0]
    assert merged.geom_type == "MultiPolygon" and len(merged.geoms) == 3
    row = frame.set_index("id").loc["4719"]  # JAAR 'v1900'
    assert row["jaar_uitgifte"] == 1900 and row["jaar_uitgifte_bron"] == "v1900"
    assert row["oppervlakte_bruto_m2"] == 50200.0
    # IBIS has no risk attributes: unknown, never 0 or nee
    for column in ("leegstand_pct", "aantal_vestigingen", "keurmerk_kvo", "bouwjaar_mediaan"):
        assert frame[column].isna().all(), column
    assert frame.crs.to_epsg() == 28992


def test_osm_camping_real_file():
    frame, report = load_with_profile("vakantieparken", real(OSM_CAMPING),
                                      load_profile("osm-camping"))
    assert report.rijen_gelezen == 252 and report.rijen_gefilterd == 2  # two 'fixme: gone'
    assert len(frame) == 250 and frame["id"].str.match(r"^(node|way|relation)/\d+$").all()
    assert (frame.geom_type == "Polygon").all() and report.straal_m == 100
    np.testing.assert_allclose(frame.area.median(), np.pi * 100**2, rtol=0.02)
    assert set(frame["osm_soort"]) == {"camp_site", "caravan_site"}
    assert frame["vitaliteit"].isna().all() and frame["permanente_bewoning_pct"].isna().all()
    assert frame["aantal_eenheden"].notna().sum() == 10


def test_osm_verzorgingsplaats_real_file():
    frame, _ = load_with_profile("verzorgingsplaatsen", real(OSM_TRUCK),
                                 load_profile("osm-verzorgingsplaats"))
    assert len(frame) == 74 and frame["id"].is_unique
    assert frame["naam"].notna().sum() == 30  # 'Unnamed' is no name: unknown
    assert int(frame["truckparking"].sum()) == 22 and int(frame["verzorgingsplaats"].sum()) == 34
    assert frame["vrachtwagenplaatsen"].notna().sum() == 1
    assert set(frame.geom_type) == {"Polygon", "Point"}


def test_cbs_gemeenten_real_file_keeps_key_figures():
    frame, _ = load_with_profile("gemeenten", real(CBS_GM), load_profile("cbs-gemeenten"))
    assert len(frame) == 31 and frame["gemeentecode"].str.match(r"^GM\d{4}$").all()
    venlo = frame.set_index("gemeentecode").loc["GM0983"]
    assert venlo["gemeentenaam"] == "Venlo" and venlo["inwoners"] > 100_000
    assert venlo["oppervlakte_land_m2"] > 1e8  # ha → m²
    assert frame["provincie"].isna().all()  # not in the source: unknown


def _write(frame: gpd.GeoDataFrame, path: Path, layer: str | None = None) -> Path:
    frame.to_file(path, layer=layer, driver="GPKG" if path.suffix == ".gpkg" else None)
    return path


def test_nwb_wegen_fixture_with_real_layout(tmp_path):
    lines = [shapely.LineString([(X0 + i * 100, Y0), (X0 + i * 100 + 90, Y0 + 50)])
             for i in range(4)]
    nwb = gpd.GeoDataFrame({
        "WVK_ID": [600001, 600002, 600003, 600004], "WEGBEHSRT": ["R", "R", "G", "R"],
        "WEGNUMMER": ["073", "073", None, "067"], "BST_CODE": ["HR", "AFR", "RB", "VBD"],
        "STT_NAAM": ["A73", "A73", "Kaldenkerkerweg", "A67"]}, geometry=lines, crs=28992)
    frame, report = load_with_profile("wegen", _write(nwb, tmp_path / "Wegvakken.gpkg"),
                                      load_profile("nwb-wegen"))
    assert frame["soort"].tolist() == ["snelweg", "afrit"] and report.rijen_gefilterd == 2
    assert frame["naam"].tolist() == ["073", "073"]


def test_osm_wegen_fixture_with_real_layout(tmp_path):
    lines = [shapely.LineString([(X0 + i * 100, Y0), (X0 + i * 100 + 90, Y0)]) for i in range(3)]
    osm = gpd.GeoDataFrame({"highway": ["motorway", "motorway_link", "residential"],
                            "ref": ["A73", None, None], "name": [None, None, "Straat"]},
                           geometry=lines, crs=28992)
    frame, _ = load_with_profile("wegen", _write(osm, tmp_path / "osm.gpkg"),
                                 load_profile("osm-wegen"))
    assert frame["soort"].tolist() == ["snelweg", "afrit"]


def test_bag_pand_fixture_with_real_layout(tmp_path):
    boxes = [shapely.box(X0 + i * 50, Y0, X0 + i * 50 + 30, Y0 + 30) for i in range(4)]
    bag = gpd.GeoDataFrame({
        "identificatie": ["0983100000000001", "0983100000000002", "0983100000000003",
                          "0983100000000004"],
        "bouwjaar": [1965, 1999, 2010, 1890],
        "status": ["Pand buiten gebruik", "Pand in gebruik", "Bouw gestart",
                   "Pand in gebruik (niet ingemeten)"],
        "gebruiksdoel": ["industriefunctie", "woonfunctie,kantoorfunctie", None,
                         "kantoorfunctie"],
        "oppervlakte_min": [400, 90, None, 60], "oppervlakte_max": [400, 120, None, 60]},
        geometry=boxes, crs=28992)
    frame, _ = load_with_profile("buitengebied", _write(bag, tmp_path / "bag.gpkg", "pand"),
                                 load_profile("bag-pand"), "pand")
    assert frame["leegstaand"].tolist()[:2] == [True, False]
    assert frame["leegstaand"].isna().tolist() == [False, False, True, False]
    assert frame["soort"].tolist()[:2] == ["loods", "woning"] and frame["soort"].iloc[3] == "overig"
    assert frame["soort"].isna().tolist() == [False, False, True, False]
    assert frame["stoppend_bedrijf"].isna().all()


def test_bag_verblijfsobject_fixture_with_real_layout(tmp_path):
    points = [shapely.Point(X0 + i * 40, Y0) for i in range(3)]
    vbo = gpd.GeoDataFrame({
        "identificatie": ["0983010000000001", "0983010000000002", "0983010000000003"],
        "pand_identificatie": ["0983100000000001"] * 3,
        "gebruiksdoel": ["industriefunctie", "woonfunctie", "bijeenkomstfunctie,sportfunctie"],
        "status": ["Verblijfsobject in gebruik", "Verblijfsobject buiten gebruik",
                   "Verblijfsobject gevormd"],
        "oppervlakte": [350, 110, 80]}, geometry=points, crs=28992)
    frame, _ = load_with_profile("buitengebied",
                                 _write(vbo, tmp_path / "bag.gpkg", "verblijfsobject"),
                                 load_profile("bag-verblijfsobject"), "verblijfsobject")
    assert frame["soort"].tolist() == ["loods", "woning", "overig"]
    assert frame["leegstaand"].tolist()[:2] == [False, True]
    assert frame["leegstaand"].isna().tolist() == [False, False, True]


def test_cbs_kernen_fixture_with_real_layout(tmp_path):
    kernen = gpd.GeoDataFrame({"bk_code": ["BK098301"], "bk_naam": ["Venlo"],
                               "gm_code": ["GM0983"], "gm_naam": ["Venlo"],
                               "aantal_inwoners": [70000]},
                              geometry=[shapely.box(X0, Y0, X0 + 900, Y0 + 900)], crs=28992)
    frame, _ = load_with_profile("kernen", _write(kernen, tmp_path / "kernen.gpkg"),
                                 load_profile("cbs-kernen"))
    assert frame["naam"].tolist() == ["Venlo"] and frame["kerncode"].tolist() == ["BK098301"]
