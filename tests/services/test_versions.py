"""Versions over time: ``services.versions`` and ``kaart vergelijk`` on a known change.

Real run (v0001) plus a copy with exactly known edits (v0002, see report_data).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_data import CHANGED_CELLS, HOSTILE, build_v1, make_v2  # noqa: E402

from geo.errors import KaartNotFoundError  # noqa: E402
from geo.export.objects import object_layers  # noqa: E402
from kaart.cli import app  # noqa: E402
from services.versions import compare_versions, list_area_versions  # noqa: E402


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    werkmap = build_v1(tmp_path_factory.mktemp("versies") / "wm")
    return werkmap, make_v2(werkmap)


def test_one_version_cannot_be_compared(tmp_path):
    werkmap = build_v1(tmp_path / "wm")
    with pytest.raises(KaartNotFoundError, match="1 versie"):
        compare_versions(werkmap, "GM0981")


def test_exactly_the_changed_objects(known):
    werkmap, roles = known
    assert [v.versie for v in list_area_versions(werkmap, "GM0981")] == [1, 2]
    result = compare_versions(werkmap, "GM0981")
    assert (result.van.versie, result.naar.versie) == (1, 2)
    changed = {(r.thema, r.id): r.verandering for r in result.changed().itertuples()}
    assert changed == {roles["UP"]: "omhoog", roles["DOWN"]: "omlaag",
                       roles["GONE"]: "verdwenen", roles["NEW"]: "nieuw"}
    counts = result.counts()
    assert counts["omhoog"] == counts["omlaag"] == counts["nieuw"] == counts["verdwenen"] == 1
    assert counts["gelijk"] == len(result.objects) - 4


def test_class_difference_raster(known):
    werkmap, _ = known
    result = compare_versions(werkmap, "GM0981", van=1, naar=2)
    diff = result.difference
    changed = np.argwhere(np.nan_to_num(diff) != 0)
    assert sorted(map(tuple, changed.tolist())) == sorted(CHANGED_CELLS)
    assert all(diff[r, c] == 1 for r, c in CHANGED_CELLS)
    assert np.isnan(diff[0, 0])  # outside the area: no class in either version


def test_cli_writes_csv_gpkg_cog_and_json(known, tmp_path):
    werkmap, roles = known
    result = CliRunner().invoke(app, ["vergelijk", "--gemeente", "Vaals", "--van", "1",
                                      "--naar", "2", "--werkmap", str(werkmap.root),
                                      "--uit", str(tmp_path / "uit"), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["aantallen"]["verdwenen"] == 1 and payload["van"] == 1
    listed = {(r["thema"], r["id"]): r["verandering"] for r in payload["veranderd"]}
    assert listed[roles["NEW"]] == "nieuw" and len(listed) == 4
    files = {Path(f["pad"]).name: f for f in payload["geschreven"]}
    assert set(files) == {"veranderingen.csv", "veranderingen.gpkg", "klasseverschil.tif"}
    table = pd.read_csv(tmp_path / "uit" / "veranderingen.csv", sep=";", decimal=",",
                        encoding="utf-8-sig")  # as written: Dutch Excel format
    hostile = table.loc[table["id"] == "NIEUW-1", "naam"].item()
    assert hostile != HOSTILE and hostile.endswith(HOSTILE)  # neutralised, not a formula
    frame = gpd.read_file(tmp_path / "uit" / "veranderingen.gpkg")
    assert len(frame) == len(table) and frame.crs.to_epsg() == 28992
    with rasterio.open(tmp_path / "uit" / "klasseverschil.tif") as src:
        assert src.tags()["NAAR"] == "v2" and src.count == 1


def test_cli_unknown_version_is_dutch_not_found(known):
    werkmap, _ = known
    result = CliRunner().invoke(app, ["vergelijk", "--gemeente", "Vaals", "--van", "7",
                                      "--werkmap", str(werkmap.root), "--json"])
    assert result.exit_code == 4
    assert "Versie v7 van gebied GM0981 bestaat niet (wel: v1, v2)" in result.stdout


def test_two_real_builds_with_a_modified_layer(tmp_path):
    """v1 and v2 from the same layers: nothing changes. v3 after removing one haven from the
    layer: that haven is 'verdwenen', and the listed changes are exactly the objects whose
    class differs between the two object tables."""
    import pyogrio

    from geo.layers.gemeenten import select_area
    from services.runs import build_gelegenheid

    werkmap = build_v1(tmp_path / "wm")
    area = select_area(gemeente=["Vaals"])
    build_gelegenheid(werkmap, area, cellsize=100.0)
    same = compare_versions(werkmap, "GM0981")
    assert same.changed().empty and np.nanmax(np.abs(same.difference)) == 0

    layers = werkmap.lagen
    havens = gpd.read_file(layers, layer="havens")
    removed = havens[havens["id"].str.startswith("HV")].iloc[0]["id"]
    pyogrio.write_dataframe(havens[havens["id"] != removed], layers, layer="havens")
    build_gelegenheid(werkmap, area, cellsize=100.0)
    result = compare_versions(werkmap, "GM0981", van=2, naar=3)

    def classes(version: int) -> dict[tuple[str, str], int]:
        path = werkmap.run_parent("GM0981", "gelegenheid") / f"v{version:04d}" / "objecten.gpkg"
        return {(f.thema, f.id): int(f.klasse) for layer in object_layers(path)
                for f in gpd.read_file(path, layer=layer).itertuples()}

    before, after = classes(2), classes(3)
    expected = {key: "verdwenen" for key in before.keys() - after.keys()}
    expected |= {key: "nieuw" for key in after.keys() - before.keys()}
    expected |= {key: ("omhoog" if after[key] > before[key] else "omlaag")
                 for key in before.keys() & after.keys() if after[key] != before[key]}
    listed = {(r.thema, r.id): r.verandering for r in result.changed().itertuples()}
    assert listed == expected
    assert listed[("havens", removed)] == "verdwenen"
