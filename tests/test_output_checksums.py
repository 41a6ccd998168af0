"""The demo outputs of Vaals are unchanged: COG pixels + tags, GeoPackage tables, JSON.

The expected checksums are committed in ``tests/output_checksums.json`` (how they are made:
``tests/output_checksums.py``). A change to an output on purpose updates that file, with a
commit message that says which outputs changed and why.
"""

import importlib.util
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def _module():
    spec = importlib.util.spec_from_file_location("output_checksums", HERE / "output_checksums.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_demo_outputs_of_vaals_match_committed_checksums(tmp_path):
    expected = json.loads((HERE / "output_checksums.json").read_text("utf-8"))["checksums"]
    module = _module()
    module.build(tmp_path)
    actual = module.checksums(tmp_path)
    assert sorted(actual) == sorted(expected), "andere set uitvoerbestanden"
    changed = sorted(name for name in expected if actual[name] != expected[name])
    assert not changed, f"uitvoer veranderd: {changed}"
