"""``kaart demo``: JSON output, Dutch summary, determinism across werkmappen."""

import hashlib
import json

from geopandas.testing import assert_geodataframe_equal
from typer.testing import CliRunner

from geo.layers import is_synthetic, read_layers
from geo.layers.demo import DEMO_LAYERS
from kaart.cli import app

runner = CliRunner()


def _content_hash(frame) -> str:
    """Hash of a layer's attributes and geometry (not the GPKG file, which has timestamps)."""
    digest = hashlib.sha256()
    digest.update(frame.drop(columns="geometry").to_csv(index=False).encode())
    for wkb in frame.geometry.to_wkb():
        digest.update(wkb)
    return digest.hexdigest()


def test_demo_json_twice_gives_identical_layers(tmp_path):
    results = []
    for name in ("a", "b"):
        run = runner.invoke(app, ["demo", "--seed", "1", "--json", "--werkmap",
                                  str(tmp_path / name)])
        assert run.exit_code == 0, run.output
        results.append(json.loads(run.stdout))
    first, second = results
    assert first["ok"] and first["synthetisch"] and first["seed"] == 1
    assert first["lagen"] == second["lagen"]
    assert set(first["lagen"]) == set(DEMO_LAYERS)
    assert 200 <= first["lagen"]["bedrijventerreinen"] <= 300
    path_a, path_b = (r["geschreven"][0]["pad"] for r in results)
    assert path_a.endswith("a/invoer/lagen.gpkg") and path_b.endswith("b/invoer/lagen.gpkg")
    assert first["geschreven"][0]["aantal"] == sum(first["lagen"].values())
    assert is_synthetic(path_a)
    layers_a, layers_b = read_layers(path_a), read_layers(path_b)
    for kind in DEMO_LAYERS:
        assert len(layers_a[kind]) == first["lagen"][kind]
        assert_geodataframe_equal(layers_a[kind], layers_b[kind])
        assert _content_hash(layers_a[kind]) == _content_hash(layers_b[kind])


def test_demo_dutch_summary(tmp_path):
    run = runner.invoke(app, ["demo", "--seed", "3", "--werkmap", str(tmp_path / "w")])
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())  # rich wraps long lines
    assert "SYNTHETISCHE DEMODATA" in text
    assert "bedrijventerreinen" in text and "incidenten 2023-2025" in text
    assert "invoer/lagen.gpkg (seed 3)" in text


def test_demo_help_is_dutch():
    run = runner.invoke(app, ["demo", "--help"])
    assert run.exit_code == 0
    assert "SYNTHETISCHE" in run.stdout and "--seed" in run.stdout


def test_demo_refuses_negative_seed(tmp_path):
    run = runner.invoke(app, ["demo", "--seed", "-1", "--werkmap", str(tmp_path / "w")])
    assert run.exit_code != 0
    assert not (tmp_path / "w" / "invoer" / "lagen.gpkg").exists()
