"""The gelegenheid run pipeline on a tiny synthetic werkmap (Vaals + Gulpen-Wittem, 100 m cells)."""

import hashlib
import importlib.util
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import rasterio
from numpy.testing import assert_allclose
from rio_cogeo.cogeo import cog_validate

import geo
from geo.catalog import Catalog
from geo.errors import InputFileError, OutputError
from geo.export import run as run_module
from geo.export.run import build_gelegenheid, build_gelegenheid_many
from geo.layers.gemeenten import select_area, split_per_gemeente
from geo.legend import GEEN_KENMERKEN
from geo.paths import Werkmap
from geo.runs import GELEGENHEID_FILE, TOTAL, klasse_file, map_file, style_file, web_file
from geo.scoring.explain import explain_point

_spec = importlib.util.spec_from_file_location(
    "tiny_werkmap_run", Path(__file__).with_name("tiny_werkmap.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)  # works under any pytest import mode
make_tiny_werkmap = _tiny.make_tiny_werkmap

CELL = 100.0
THEMES = ["bedrijventerreinen", "buitengebied", "havens", "vakantieparken"]


@pytest.fixture(scope="module")
def lagen(tmp_path_factory):
    return make_tiny_werkmap(tmp_path_factory.mktemp("tiny")) / "invoer" / "lagen.gpkg"


@pytest.fixture
def wm(tmp_path, lagen):
    target = tmp_path / "werkmap" / "invoer" / "lagen.gpkg"
    target.parent.mkdir(parents=True)
    shutil.copy(lagen, target)
    return Werkmap.open(tmp_path / "werkmap")


@pytest.fixture(scope="module")
def vaals():
    return select_area(gemeente="Vaals")


@pytest.fixture(scope="module")
def built(tmp_path_factory, lagen, vaals):
    """One finished Vaals run, shared by the read-only tests."""
    root = tmp_path_factory.mktemp("gebouwd")
    (root / "invoer").mkdir()
    shutil.copy(lagen, root / "invoer" / "lagen.gpkg")
    wm = Werkmap.open(root)
    return wm, build_gelegenheid(wm, vaals, cellsize=CELL)


def _snapshot(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if not p.name.endswith(".aux.xml")}


def test_run_writes_every_output_and_registers(built):
    wm, run = built
    assert run.run_dir == wm.run_parent("GM0981", "gelegenheid") / "v0001"
    umask = os.umask(0)
    os.umask(umask)
    assert run.run_dir.stat().st_mode & 0o777 == 0o777 & ~umask  # readable like its parent
    names = sorted(p.name for p in run.run_dir.iterdir())
    assert names == sorted(["gelegenheidskaart.tif", "kaartverantwoording.json", "objecten.gpkg",
                            "volledigheid.tif"]
                           + [f"thema_{t}.tif" for t in THEMES]
                           + [f"uitleg_{t}.tif" for t in THEMES]
                           + [web_file(map_file(t)) for t in (*THEMES, TOTAL)]
                           + [n for t in (*THEMES, TOTAL) for n in (
                               klasse_file(map_file(t)), klasse_file(map_file(t)) + ".aux.xml",
                               style_file(map_file(t)), style_file(klasse_file(map_file(t))))])
    assert sorted(item.pad for item in run.files) == sorted(run.run_dir / n for n in names)
    for name in names:
        if name.endswith(".tif"):
            assert cog_validate(run.run_dir / name, quiet=True)[0], name
    with rasterio.open(run.run_dir / "gelegenheidskaart.tif") as src:
        assert src.crs.to_epsg() == 28992 and src.res == (CELL, CELL)
        tags = src.tags()
        score = src.read(1)
        klasse = src.read(2)
    assert tags["SYNTHETISCH"] == "ja" and tags["GEBIED_ID"] == "GM0981"
    assert json.loads(tags["KLASSEGRENZEN"]) == run.summary["klassegrenzen"]["totaal"]
    inside = np.isfinite(score)
    assert inside.sum() == run.summary["cellen"]
    assert set(np.unique(klasse[inside])) <= {1, 2, 3, 4, 5, GEEN_KENMERKEN}
    assert (klasse[~inside] == 0).all()

    entries = {e.kaart_id: e for e in Catalog(wm).entries()}
    assert sorted(entries) == sorted(
        [f"GM0981-gelegenheid-{t}" for t in THEMES] + ["GM0981-gelegenheid-totaal"])
    total = entries["GM0981-gelegenheid-totaal"]
    assert total.versie == 1 and total.gemeenten == ["GM0981"] and total.synthetisch
    assert not total.vertrouwelijk
    assert total.path(wm, total.cog) == run.run_dir / "gelegenheidskaart.tif"
    assert entries["GM0981-gelegenheid-havens"].cog == "thema_havens.tif"

    layers = sorted(name for name, _ in pyogrio.list_layers(run.run_dir / "objecten.gpkg"))
    assert layers == sorted([*THEMES, "layer_styles"])  # QGIS styles table beside the themes


def test_objects_only_in_area_with_gemeente(built):
    wm, run = built
    counts = {thema: len(table) for thema, table in run.tables.items()}
    assert counts == {"bedrijventerreinen": 2, "buitengebied": 3, "havens": 1,
                      "vakantieparken": 1}  # the Gulpen-Wittem objects are left out
    for table in run.tables.values():
        assert (table["gemeentecode"] == "GM0981").all()
        assert (table["gemeentenaam"] == "Vaals").all()
        assert table["rang_gebied"].tolist() == sorted(table["rang_gebied"].tolist())
        for _, row in table.iterrows():
            shares = [u["aandeel"] for u in json.loads(row["uitleg"])]
            assert_allclose(sum(shares), row["score"], rtol=1e-5, atol=1e-7)


def test_point_object_matches_explain_point(built):
    wm, run = built
    haven = run.tables["havens"].iloc[0]
    cell = explain_point(run.run_dir, "havens", haven.geometry.x, haven.geometry.y)
    assert_allclose(haven["score"], cell["score"], rtol=1e-6)
    assert haven["klasse"] == cell["klasse"]
    assert_allclose([u["aandeel"] for u in json.loads(haven["uitleg"])],
                    [u["aandeel"] for u in cell["uitleg"]], rtol=1e-5, atol=1e-7)


def test_verantwoording_of_run(built):
    wm, run = built
    doc = json.loads((run.run_dir / "kaartverantwoording.json").read_text(encoding="utf-8"))
    sha = hashlib.sha256(wm.lagen.read_bytes()).hexdigest()
    assert {i["laag"] for i in doc["invoer"]} == {  # incidenten (police) are never read
        "bedrijventerreinen", "buitengebied", "gemeenten", "havens", "kernen", "landsgrens",
        "vakantieparken", "wegen"}
    assert "incidenten" in {name for name, _ in pyogrio.list_layers(wm.lagen)}
    assert all(i["sha256"] == sha and i["pad"] == str(wm.lagen) for i in doc["invoer"])
    assert {i["laag"]: i["aantal"] for i in doc["invoer"]}["buitengebied"] == 6
    assert doc["gebied"]["id"] == "GM0981"
    assert doc["gebied"]["gemeenten"] == [{"gemeentecode": "GM0981", "gemeentenaam": "Vaals"}]
    assert doc["grid"]["celgrootte"] == CELL and doc["grid"]["crs"] == "EPSG:28992"
    assert doc["grid"]["vorm"] == list(run.grid.shape)
    assert doc["software"] == {"naam": "kaart", "versie": geo.__version__}
    assert doc["synthetisch"] is True and "Synthetische demodata" in doc["opmerking"]
    assert sorted(doc["themas"]) == sorted(THEMES + ["totaal"])
    leegstand = doc["themas"]["bedrijventerreinen"]["indicatoren"][0]
    assert {"naam", "label", "toelichting", "gewicht", "parameters"} <= set(leegstand)
    assert doc["klassegrenzen"] == run.summary["klassegrenzen"]
    assert len(doc["indicatorconfiguratie"]["sha256"]) == 64
    assert {o["bestand"] for o in doc["uitvoer"]} >= {"gelegenheidskaart.tif", "objecten.gpkg"}


def test_failed_run_leaves_previous_version_and_catalog(wm, vaals, monkeypatch):
    first = build_gelegenheid(wm, vaals, cellsize=CELL)
    before = _snapshot(first.run_dir)
    catalog_before = wm.catalogus.read_bytes()

    def broken(*args, **kwargs):
        raise OutputError("Schijf vol (test).")

    monkeypatch.setattr(run_module, "write_objects_gpkg", broken)  # fails after the COGs
    with pytest.raises(OutputError, match="Schijf vol"):
        build_gelegenheid(wm, vaals, cellsize=CELL)
    parent = wm.run_parent("GM0981", "gelegenheid")
    assert sorted(p.name for p in parent.iterdir()) == ["v0001"]  # no v0002, no temp dirs
    assert _snapshot(first.run_dir) == before
    assert wm.catalogus.read_bytes() == catalog_before

    monkeypatch.undo()
    second = build_gelegenheid(wm, vaals, cellsize=CELL)
    assert second.run_dir.name == "v0002" and _snapshot(first.run_dir) == before
    assert Catalog(wm).get("GM0981-gelegenheid-totaal").versie == 2


def test_per_gemeente_runs(wm):
    area = select_area(gemeente=["Vaals", "Gulpen-Wittem"])
    runs = build_gelegenheid_many(wm, split_per_gemeente(area), cellsize=CELL)
    assert [r.area.id for r in runs] == ["GM0981", "GM1729"]
    assert (runs[1].tables["havens"]["gemeentenaam"] == "Gulpen-Wittem").all()
    ids = {e.kaart_id for e in Catalog(wm).entries()}
    assert {"GM0981-gelegenheid-totaal", "GM1729-gelegenheid-totaal"} <= ids


def test_missing_layers_file(tmp_path, vaals):
    wm = Werkmap.open(tmp_path / "leeg")
    with pytest.raises(InputFileError, match="Lagenbestand .* bestaat niet.*kaart demo"):
        build_gelegenheid(wm, vaals, cellsize=CELL)


def test_kaartverantwoording_names_the_run_version(wm, vaals):
    """Issue 14 item 10: ``versie`` was null ("Versie –"); it is the run's vNNNN number."""
    from maps.verantwoording import describe_verantwoording

    first = build_gelegenheid(wm, vaals, cellsize=CELL)
    second = build_gelegenheid(wm, vaals, cellsize=CELL)
    for run, number in ((first, 1), (second, 2)):
        doc = json.loads((run.run_dir / "kaartverantwoording.json").read_text("utf-8"))
        assert doc["versie"] == number == run.versie == run.verantwoording.versie
    general = dict(next(s for s in describe_verantwoording(doc) if s.title == "Algemeen").rows)
    assert general["Versie"] == "2"
    for run, number in ((first, 1), (second, 2)):  # the QGIS class COG carries it too
        with rasterio.open(run.run_dir / klasse_file(GELEGENHEID_FILE)) as src:
            assert src.tags()["KAART_VERSIE"] == str(number)


def test_class_cog_version_rewritten_when_another_run_took_the_number(wm, vaals, monkeypatch):
    """The class COG is tagged with the expected version before the folder gets its number;
    when a concurrent run took that number, finish_run rewrites the tag."""
    from geo.export.writer import RunWriter

    monkeypatch.setattr(RunWriter, "expected_version", lambda self: 7)
    run = build_gelegenheid(wm, vaals, cellsize=CELL)
    assert run.versie == 1
    with rasterio.open(run.run_dir / klasse_file(GELEGENHEID_FILE)) as src:
        assert src.tags()["KAART_VERSIE"] == "1"
    assert cog_validate(run.run_dir / klasse_file(GELEGENHEID_FILE), quiet=True)[0]


def test_large_area_path_writes_the_same_outputs(tmp_path, lagen, vaals):
    """The path of a large area (issue 16: the country) gives the same files as the plain
    path: memory-mapped work arrays written only in windows with area cells, pass 1 in 2
    worker processes, passes 3-4 and the COG, GeoPackage, serving and class copies on 2
    threads. Small windows, so some hold no area cell (their part of the files is never
    written; the COGs still say NaN / class 0 there)."""
    spec = importlib.util.spec_from_file_location(
        "output_checksums", Path(__file__).parents[2] / "output_checksums.py")
    digests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(digests)
    runs = {}
    for name, options in (("gewoon", {"workers": 1, "low_memory": False}),
                          ("groot", {"workers": 2, "low_memory": True})):
        root = tmp_path / name
        (root / "invoer").mkdir(parents=True)
        shutil.copy(lagen, root / "invoer" / "lagen.gpkg")
        build_gelegenheid(Werkmap.open(root), vaals, cellsize=CELL, window=8, **options)
        runs[name] = digests.checksums(root)
    assert len(runs["gewoon"]) > 20 and runs["groot"] == runs["gewoon"]
