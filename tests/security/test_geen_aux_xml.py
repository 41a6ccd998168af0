"""Issue 11 item 9: reading outputs never writes into the werkmap (no ``.aux.xml``).

Failure reproduced: serving tiles, ``/api/v1/punt``, objects and building maps left GDAL
``*.aux.xml`` (PAM) files in finished version folders and next to ``lagen.gpkg``. A
finished version is immutable: its listing (names, sizes, modification times) must be the
same after every read the service and the map builders do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from api_testdata import MAPS, auth, cell_center
from pyproj import Transformer

from api.tiles import TMS
from geo.catalog import Catalog

TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    """Files of finished versions and inputs (caches such as kaarten/.tegelcache may grow)."""
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()
            and (any(re.fullmatch(r"v\d{4,}", part) for part in p.parts) or "invoer" in p.parts)}


def _read_sidecars(root: Path) -> list[Path]:
    """``*.aux.xml`` files a read left behind. The class COGs' sidecars (category names and
    attribute table for GIS, ``geo.export.cog.klasse_pam``) are outputs written by the run
    itself, not by a read; the unchanged listing below proves reads leave them alone."""
    return [p for p in root.rglob("*.aux.xml") if not p.name.endswith(".klasse.tif.aux.xml")]


def _lagen(outputs) -> Path:
    target = outputs.lagen
    if not target.exists():  # the API fixtures have no input layers: use the tiny werkmap's
        import importlib.util

        helper = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"
        spec = importlib.util.spec_from_file_location("tiny_werkmap_aux", helper)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        made = module.make_tiny_werkmap(target.parents[2] / "tiny-aux")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(made / "invoer" / "lagen.gpkg", target)
    return target


def test_serving_and_building_maps_leaves_the_werkmap_unchanged(client, tokens, outputs,
                                                                 tmp_path):
    from maps.outputs import ALL_KINDS
    from maps.standalone import write_standalone_html

    lagen = _lagen(outputs)
    before = _listing(outputs.root)
    headers = auth(tokens["analist_mh"])
    x, y = cell_center(40, 40)
    lon, lat = TO_WGS.transform(x, y)
    for spec in MAPS.values():
        kaart = spec.kaart_id
        if spec.gebied_id == "GM0917":
            continue  # not visible to this user
        tilejson = client.get(f"/tiles/{kaart}/tilejson.json", headers=headers)
        assert tilejson.status_code == 200, tilejson.text
        body = tilejson.json()
        for z in range(body["minzoom"], body["maxzoom"] + 1):
            tile = TMS.tile(lon, lat, z)
            response = client.get(f"/tiles/{kaart}/{z}/{tile.x}/{tile.y}.png", headers=headers)
            assert response.status_code == 200, (kaart, z, response.text)
        assert client.get(f"/api/v1/punt/{kaart}", params={"lon": lon, "lat": lat},
                          headers=headers).status_code == 200
        client.get(f"/api/v1/objecten/{kaart}", headers=headers)
        assert client.get(f"/api/v1/kaarten/{kaart}", headers=headers).status_code == 200
        client.get(f"/api/v1/kaartverantwoording/{kaart}", headers=headers)
    for spec in MAPS.values():
        entry = Catalog(outputs).get(spec.kaart_id)
        if entry.objecten:
            client.get(f"/api/v1/download/{spec.kaart_id}/{entry.objecten}", headers=headers)
    write_standalone_html(outputs, "GM0981", tmp_path / "vaals.html", allowed_kinds=ALL_KINDS)
    after = _listing(outputs.root)
    assert _read_sidecars(outputs.root) == []
    assert not list(lagen.parent.glob("*.aux.xml"))
    assert after == before


def test_reading_a_real_run_writes_no_sidecars(tmp_path):
    """A real gelegenheid run (tiny synthetic werkmap), read by the map builders."""
    import importlib.util

    from typer.testing import CliRunner

    from geo.export.objects import read_objects
    from geo.paths import Werkmap
    from kaart.cli import app
    from maps.standalone import write_standalone_html

    helper = Path(__file__).resolve().parents[1] / "geo" / "export" / "tiny_werkmap.py"
    spec = importlib.util.spec_from_file_location("tiny_werkmap_aux_run", helper)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.make_tiny_werkmap(tmp_path / "wm")
    result = CliRunner().invoke(app, ["gelegenheid", "--gemeente", "Vaals", "--celgrootte",
                                      "100", "--werkmap", str(root)])
    assert result.exit_code == 0, result.output
    werkmap = Werkmap.open(root)
    before = _listing(root)
    run = werkmap.run_parent("GM0981", "gelegenheid") / "v0001"
    read_objects(run / "objecten.gpkg", "bedrijventerreinen")
    write_standalone_html(werkmap, "Vaals", tmp_path / "vaals.html")
    # and in a fresh process, where nothing was written before (the command line)
    env = {k: v for k, v in os.environ.items() if k != "GDAL_PAM_ENABLED"}
    done = subprocess.run(
        [sys.executable, "-c", "from kaart.cli import main; main()", "html", "--gemeente",
         "Vaals", "--uit", str(tmp_path / "los.html"), "--werkmap", str(root)],
        cwd=Path(__file__).resolve().parents[2], env={**env, "KAART_GEEN_VOORTGANG": "1"},
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _read_sidecars(root) == []
    assert _listing(root) == before
