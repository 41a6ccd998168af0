"""Which windows of a memory-mapped work array hold values, and what the others mean.

The engine (:mod:`geo.scoring.passes`) writes a region-sized ``.npy`` memmap only in the
windows that hold area cells; the rest of the file is never written (it reads as zeros
and takes no disk). Beside the array a small JSON file ``<name>.npy.dekking.json`` says
which windows are written and which value the others stand for (NaN for scores and
indicator values, 0 for classes and statuses), so a writer can supply that value without
reading or writing the empty part (:func:`geo.export.cog_source.memmap_vrt`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COVERAGE_SUFFIX = ".dekking.json"


@dataclass(frozen=True)
class Coverage:
    """Written windows ``(row_start, row_stop, col_start, col_stop)`` and the fill elsewhere."""

    windows: tuple[tuple[int, int, int, int], ...]
    fill: float


def coverage_path(array_file: str | os.PathLike[str]) -> Path:
    """The coverage file beside ``array_file``."""
    return Path(f"{os.fspath(array_file)}{COVERAGE_SUFFIX}")


def write_coverage(array_file: str | os.PathLike[str],
                   windows: Sequence[tuple[slice, slice]], fill: Any) -> Path:
    """Write the coverage file of ``array_file`` (``windows`` as row and column slices)."""
    value = float(fill)
    doc = {"vulwaarde": None if math.isnan(value) else value,
           "vensters": [[r.start, r.stop, c.start, c.stop] for r, c in windows]}
    path = coverage_path(array_file)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def read_coverage(array_file: str | os.PathLike[str]) -> Coverage | None:
    """The coverage of ``array_file``, or None when it has none (written everywhere)."""
    path = coverage_path(array_file)
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    fill = doc["vulwaarde"]
    return Coverage(tuple(tuple(int(v) for v in w) for w in doc["vensters"]),
                    math.nan if fill is None else float(fill))
