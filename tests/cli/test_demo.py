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


def test_demo_twice_gives_identical_layers_json_and_summary(tmp_path):
    """Seed 1 into two werkmappen (once with --json, once with the Dutch summary)."""
    run = runner.invoke(app, ["demo", "--seed", "1", "--json", "--werkmap", str(tmp_path / "a")])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert result["ok"] and result["synthetisch"] and result["seed"] == 1
    assert set(result["lagen"]) == set(DEMO_LAYERS)
    assert 200 <= result["lagen"]["bedrijventerreinen"] <= 300
    path_a = result["geschreven"][0]["pad"]
    assert path_a.endswith("a/invoer/lagen.gpkg")
    assert result["geschreven"][0]["aantal"] == sum(result["lagen"].values())
    assert is_synthetic(path_a)
    assert result["vervangen"] is False

    old = tmp_path / "b" / "invoer" / "lagen.gpkg"  # an earlier import is replaced, with notice
    old.parent.mkdir(parents=True)
    old.write_bytes(b"oude invoer")
    run = runner.invoke(app, ["demo", "--seed", "1", "--werkmap", str(tmp_path / "b")])
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())  # rich wraps long lines
    assert "SYNTHETISCHE DEMODATA" in text
    assert f"bedrijventerreinen {result['lagen']['bedrijventerreinen']}" in text
    assert f"incidenten 2023-2025 {result['lagen']['incidenten']}" in text
    assert "b/invoer/lagen.gpkg(seed1)" in "".join(text.split())  # long paths wrap anywhere
    assert "bestaande invoerlagen in deze werkmap zijn vervangen" in text

    layers_a = read_layers(path_a)
    layers_b = read_layers(tmp_path / "b" / "invoer" / "lagen.gpkg")
    for kind in DEMO_LAYERS:
        assert len(layers_a[kind]) == result["lagen"][kind]
        assert_geodataframe_equal(layers_a[kind], layers_b[kind])
        assert _content_hash(layers_a[kind]) == _content_hash(layers_b[kind])


def test_demo_help_is_dutch():
    run = runner.invoke(app, ["demo", "--help"])
    assert run.exit_code == 0
    assert "SYNTHETISCHE" in run.stdout and "--seed" in run.stdout


def test_demo_refuses_negative_seed(tmp_path):
    run = runner.invoke(app, ["demo", "--seed", "-1", "--werkmap", str(tmp_path / "w")])
    assert run.exit_code != 0
    assert not (tmp_path / "w" / "invoer" / "lagen.gpkg").exists()
