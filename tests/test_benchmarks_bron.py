"""BENCHMARKS.md is assembled from ``benchmarks/summary.md`` and ``benchmarks/results/*.md``
(one source per figure): an edit made only in BENCHMARKS.md would be lost on the next
assembly, so the file must equal what ``benchmarks/assemble.py`` makes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_md_is_assembled_from_its_sources():
    spec = importlib.util.spec_from_file_location("assemble", ROOT / "benchmarks" / "assemble.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert current == module.assemble(), (
        "BENCHMARKS.md wijkt af van benchmarks/summary.md + benchmarks/results/*.md: werk de "
        "bronbestanden bij en draai python benchmarks/assemble.py")
