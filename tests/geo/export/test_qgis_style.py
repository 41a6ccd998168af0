"""QGIS round trip (issue 14 item 9): the uint8 class COG with colour table, category names
and tags; the ``.qml`` styles; ``layer_styles`` in objecten.gpkg; a GeoPackage GDAL 3.6 opens
without warnings, every layer with a geometry type and EPSG:28992.

Colours and labels are compared with :mod:`geo.legend` (never written out here), so the
tests follow the legend when its classes change. Real GDAL command-line tools (Debian's
GDAL 3.6, the version the issue names) read the files; their stderr must stay empty.
Real QGIS: ``tools/qgis_rondgang.py`` (output under ``artifacts/qgis/``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate
from shapely.geometry import Point, box

from geo.export.cog import write_cog, write_map_cog, write_qgis_copies
from geo.export.objects import object_layers, read_objects, write_objects_gpkg
from geo.export.qgis_style import categorized_qml, graduated_qml, paletted_qml
from geo.legend import class_colors, class_labels
from geo.runs import WrittenFile, klasse_file, style_file
from geo.scoring.grid import Grid

BOUNDS = (196000.0, 306000.0, 197000.0, 306800.0)  # synthetic 40 x 32 cells near Vaals
BREAKS = [0.2, 0.4, 0.6, 0.8]
STAMP = datetime(2026, 12, 6, 21, 30, tzinfo=UTC)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _gdal(*args: str) -> subprocess.CompletedProcess:
    """A GDAL command-line tool as a user runs it (kaart's own GDAL_PAM_ENABLED=NO, set by
    every Werkmap, removed: GDAL then reads the sidecars); warnings and errors go to stderr."""
    env = {k: v for k, v in os.environ.items() if k != "GDAL_PAM_ENABLED"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True,
                          env=env)
    assert done.stderr.strip() == "", done.stderr
    assert "Warning" not in done.stdout and "ERROR" not in done.stdout
    return done


def _map(tmp_path, soort: str):
    """A synthetic map COG of ``soort``: classes from the score, NaN in one corner."""
    grid = Grid.from_bounds(BOUNDS, 25.0)
    score = np.random.default_rng(14).random(grid.shape).astype("float32")
    score[:5, :7] = np.nan
    if soort == "gecombineerd":
        klasse = (np.floor(score * 9) + 1).clip(1, 9)
        path = write_cog(tmp_path / "gecombineerde_kaart.tif",
                         np.stack([score, np.where(np.isfinite(score), klasse, 0)]), grid,
                         descriptions=["score", "klasse"], tags={"KAART_SOORT": soort})
    else:
        klasse = np.digitize(score, BREAKS, right=True) + 1
        path = write_map_cog(tmp_path / f"{soort}kaart.tif", score, klasse, grid, soort=soort,
                             thema="totaal", gebied_id="GM0981", synthetisch=True,
                             breaks=BREAKS)
    return path, np.where(np.isfinite(score), klasse, 0)


@pytest.mark.parametrize("soort", ["gelegenheid", "risico", "gecombineerd"])
def test_class_cog_uint8_colour_table_names_and_tags(tmp_path, soort):
    cog, expected = _map(tmp_path, soort)
    written = write_qgis_copies(tmp_path, [WrittenFile(cog.relative_to(tmp_path), "cog", 1, "k")],
                                soort=soort, datum=STAMP, versie=4)
    target = tmp_path / klasse_file(cog.name)
    assert [w.pad.name for w in written] == [
        target.name, target.name + ".aux.xml", style_file(cog.name), style_file(target.name)]
    assert cog_validate(target, quiet=True)[0]
    with rasterio.open(target) as src:
        assert src.count == 1 and src.dtypes[0] == "uint8" and src.nodata == 0
        assert src.crs.to_epsg() == 28992
        np.testing.assert_array_equal(src.read(1), expected)  # same classes, 0 outside
        colormap = src.colormap(1)
        tags = src.tags()
    for code, colour in class_colors(soort).items():
        assert colormap[code] == (*_rgb(colour), 255)
    assert colormap[0][3] == 0  # nodata transparent
    assert tags["KAART_DATUM"] == "2026-12-06T21:30:00+00:00"
    assert tags["TIFFTAG_DATETIME"] == "2026:12:06 21:30:00" and tags["KAART_VERSIE"] == "4"
    assert json.loads(tags["KLASSEN"]) == {str(c): n for c, n in class_labels(soort).items()}
    info = json.loads(_gdal("gdalinfo", "-json", str(target)).stdout)
    band = info["bands"][0]
    assert band["colorInterpretation"] == "Palette"
    names = band["categories"]
    assert {i: n for i, n in enumerate(names) if n} == class_labels(soort)
    rat = info["rat"]
    rows = {row["f"][0]: row["f"][1:] for row in rat["row"]}
    assert rows == {c: [class_labels(soort)[c], *_rgb(colour), 255]
                    for c, colour in class_colors(soort).items()}


def test_styles_beside_the_cogs_match_the_legend(tmp_path):
    cog, _ = _map(tmp_path, "gelegenheid")
    write_qgis_copies(tmp_path, [WrittenFile(cog.relative_to(tmp_path), "cog", 1, "k")],
                      soort="gelegenheid", datum=STAMP, versie=1)
    paletted = ET.parse(tmp_path / style_file(klasse_file(cog.name))).getroot()
    renderer = paletted.find("pipe/rasterrenderer")
    assert renderer.get("type") == "paletted" and renderer.get("band") == "1"
    entries = {int(e.get("value")): (e.get("color"), e.get("label"))
               for e in renderer.iter("paletteEntry")}
    assert entries == {c: (class_colors("gelegenheid")[c], class_labels("gelegenheid")[c])
                       for c in class_colors("gelegenheid")}
    graduated = ET.parse(tmp_path / style_file(cog.name)).getroot()
    renderer = graduated.find("pipe/rasterrenderer")
    assert renderer.get("type") == "singlebandpseudocolor" and renderer.get("band") == "1"
    shader = renderer.find("rastershader/colorrampshader")
    assert shader.get("colorRampType") == "DISCRETE"
    items = [(i.get("value"), i.get("color")) for i in shader.iter("item")]
    # legend order: geen kenmerken (score exactly 0) first when the legend has it
    limits = [str(float(np.float32(b))) for b in BREAKS] + ["inf"]
    colours = list(class_colors("gelegenheid").values())
    if len(colours) == len(limits) + 1:
        limits = ["0.0", *limits]
    assert items == list(zip(limits, colours, strict=True))


@pytest.mark.parametrize("soort", ["gelegenheid", "risico"])
def test_graduated_style_gives_each_score_the_class_of_classify(soort):
    """The discrete ramp (value <= item value gets that item) reproduces the map's classes."""
    from geo.export.qgis_style import interval_labels
    from geo.scoring.objects import classify_scores

    rows = interval_labels(soort, BREAKS)
    scores = np.array([0.0, 0.1, 0.2, 0.25, 0.4, 0.6, 0.8, 0.81, 1.0], dtype="float32")
    expected = classify_scores(scores, BREAKS)
    shown = [next(code for code, upper, _ in rows if s <= upper) for s in scores]
    if soort == "risico":  # risico's classes: 1 + limits below, also for 0
        expected = np.digitize(scores, np.float32(BREAKS), right=True) + 1
    assert shown == list(expected)


def test_gecombineerd_score_style_is_paletted_on_the_class_band():
    root = ET.fromstring(graduated_qml("gecombineerd", []).split("\n", 1)[1])
    renderer = root.find("pipe/rasterrenderer")
    assert renderer.get("type") == "paletted" and renderer.get("band") == "2"
    assert len(list(renderer.iter("paletteEntry"))) == len(class_colors("gecombineerd")) == 9


def test_labels_are_escaped(monkeypatch):
    import geo.export.qgis_style as style

    monkeypatch.setattr(style, "legend_classes", lambda soort: [(1, '<b>"&\'x', "#ffffff")])
    root = ET.fromstring(style.paletted_qml("gelegenheid").split("\n", 1)[1])
    assert next(root.iter("paletteEntry")).get("label") == '<b>"&\'x'
    vector = ET.fromstring(style.categorized_qml("gelegenheid", "POLYGON").split("\n", 1)[1])
    assert next(vector.iter("category")).get("label") == '<b>"&\'x'


def _tables():
    parks = gpd.GeoDataFrame({"id": ["A", "B"], "score": [0.5, 0.9], "klasse": [3, 5]},
                             geometry=[box(196000, 306000, 196100, 306100),
                                       box(196200, 306000, 196300, 306100)], crs="EPSG:28992")
    points = gpd.GeoDataFrame({"id": ["P"], "score": [0.1], "klasse": [1]},
                              geometry=[Point(196500, 306500)], crs="EPSG:28992")
    empty = parks.iloc[:0]
    return {"bedrijventerreinen": parks, "buitengebied": points, "havens": empty,
            "vakantieparken": empty}


def test_gpkg_version_geometry_types_crs_without_gdal_warnings(tmp_path):
    path = write_objects_gpkg(tmp_path / "objecten.gpkg", _tables(), synthetisch=True)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
        geometry = dict(con.execute(
            "SELECT table_name, geometry_type_name || ':' || srs_id FROM gpkg_geometry_columns"))
    assert geometry == {"bedrijventerreinen": "POLYGON:28992", "buitengebied": "POINT:28992",
                        "havens": "POINT:28992",  # empty: the first type havens allow
                        "vakantieparken": "POLYGON:28992"}
    listing = _gdal("ogrinfo", "-ro", str(path)).stdout
    assert "3: havens (Point)" in listing and "layer_styles (None)" in listing
    for layer in ("havens", "vakantieparken", "layer_styles"):
        _gdal("ogrinfo", "-ro", "-so", str(path), layer)
    assert sorted(object_layers(path)) == sorted(_tables())
    assert len(read_objects(path, "havens")) == 0


def test_layer_styles_are_qgis_defaults_categorized_by_class(tmp_path):
    path = write_objects_gpkg(tmp_path / "objecten.gpkg", _tables(), stamp=STAMP)
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,"
            " styleQML, styleSLD, useAsDefault, description, owner, ui, update_time"
            " FROM layer_styles ORDER BY f_table_name").fetchall()
        contents = con.execute("SELECT data_type FROM gpkg_contents "
                               "WHERE table_name = 'layer_styles'").fetchone()
    assert contents == ("attributes",)
    assert [r[2] for r in rows] == sorted(_tables())
    expected_kind = {"bedrijventerreinen": "fill", "buitengebied": "marker", "havens": "marker",
                     "vakantieparken": "fill"}
    for catalog, schema, table, column, _name, qml, _sld, default, *_rest, when in rows:
        assert (catalog, schema, column, default) == ("", "", "geom", 1)
        assert when.startswith("2026-12-06T21:30:00")
        root = ET.fromstring(qml.split("\n", 1)[1])
        renderer = root.find("renderer-v2")
        assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "klasse"
        labels = {int(c.get("value")): c.get("label") for c in renderer.iter("category")}
        assert labels == class_labels("gelegenheid")
        symbols = renderer.findall("symbols/symbol")
        assert {s.get("type") for s in symbols} == {expected_kind[table]}
        colours = [s.find("layer/Option/Option[@name='color']").get("value") for s in symbols]
        assert colours == [",".join(map(str, _rgb(c))) + ",255"
                           for c in class_colors("gelegenheid").values()]


def test_gecombineerd_objects_styled_on_the_combined_class():
    root = ET.fromstring(categorized_qml("gecombineerd", "POLYGON").split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer.get("attr") == "gecombineerde_klasse"
    assert len(renderer.findall("categories/category")) == 9


def test_paletted_qml_roundtrips_as_xml():
    ET.fromstring(paletted_qml("risico").split("\n", 1)[1])
