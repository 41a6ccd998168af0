"""Checksums of the demo outputs of one gemeente (Vaals), to prove a refactor output-neutral.

``python tests/output_checksums.py [werkmap]`` rebuilds the outputs in a temporary (or the
given) werkmap and prints the checksums as JSON; ``tests/output_checksums.json`` holds the
committed ones and ``tests/test_output_checksums.py`` compares them.

What is hashed (SHA-256):
- COGs (``*.tif``): the pixel data of every band plus CRS, transform, shape, dtype, nodata,
  band descriptions, dataset and band tags (without the run's time, ``KAART_DATUM`` and
  ``TIFFTAG_DATETIME`` of the class COGs), colour tables, overview factors. Not the raw file
  bytes: the pixels and tags are what readers see.
- GeoPackages (``*.gpkg``): a canonical dump of every table (rows sorted), WITHOUT the
  columns ``last_change`` (``gpkg_contents``), ``timestamp`` (``gpkg_metadata_reference``) and
  ``update_time`` (``layer_styles``): the time of writing is there, so the raw bytes differ on
  every run.
- ``kaartverantwoording.json`` and ``catalogus.json``: the JSON with sorted keys, without the
  keys that hold a time or a machine path (``tijdstip``, ``datum``, ``pad``, ``sha256`` — the
  input GeoPackage's hash changes with its own timestamps).
- CSV files, QGIS styles (``*.qml``) and GDAL sidecars (``*.aux.xml``): raw bytes. PNG files
  are not hashed (matplotlib embeds its version).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

GEMEENTE = "Vaals"
VOLATILE_KEYS = frozenset({"tijdstip", "datum", "pad", "sha256"})
VOLATILE_COLUMNS = frozenset({"last_change", "timestamp", "update_time"})
VOLATILE_TAGS = frozenset({"KAART_DATUM", "TIFFTAG_DATETIME"})
COMMANDS = (
    ("demo",),
    ("gelegenheid", "--gemeente", GEMEENTE),
    ("risico", "--gemeente", GEMEENTE),
    ("gecombineerd", "--gemeente", GEMEENTE),
    ("leer", "--gemeente", GEMEENTE, "--bootstrap", "5"),
    ("evalueer", "--gemeente", GEMEENTE, "--bootstrap", "5"),
)


def build(werkmap: Path) -> None:
    """Run the demo commands of :data:`COMMANDS` in ``werkmap`` (in-process CLI)."""
    from typer.testing import CliRunner

    from kaart.cli import app

    for command in COMMANDS:
        result = CliRunner().invoke(app, [*command, "--werkmap", str(werkmap), "--json"])
        if result.exit_code != 0:
            raise RuntimeError(f"kaart {' '.join(command)}: {result.stdout}{result.stderr}")


def cog_digest(path: Path) -> str:
    import rasterio

    digest = hashlib.sha256()
    with rasterio.open(path) as src:
        meta = {"crs": src.crs.to_string(), "transform": list(src.transform)[:6],
                "shape": [src.count, src.height, src.width], "dtypes": list(src.dtypes),
                "nodata": None if src.nodata is None else repr(src.nodata),
                "descriptions": list(src.descriptions),
                "tags": {k: v for k, v in src.tags().items() if k not in VOLATILE_TAGS},
                "band_tags": [src.tags(i) for i in range(1, src.count + 1)],
                "overviews": [src.overviews(i) for i in range(1, src.count + 1)]}
        if src.count == 1 and src.dtypes[0] == "uint8":  # class COGs: their colour table
            try:
                meta["colormap"] = sorted(src.colormap(1).items())
            except ValueError:
                pass
        digest.update(json.dumps(meta, sort_keys=True).encode())
        for band in range(1, src.count + 1):
            digest.update(src.read(band).tobytes())
    return digest.hexdigest()


def gpkg_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        tables = sorted(r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')
                       if r[1] not in VOLATILE_COLUMNS]
            if not columns:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(r) for r in con.execute(f'SELECT {names} FROM "{table}"'))
            digest.update(json.dumps([table, columns, rows]).encode())
    return digest.hexdigest()


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def json_digest(path: Path) -> str:
    data = _stable(json.loads(path.read_text(encoding="utf-8")))
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def checksums(werkmap: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every output under ``werkmap/kaarten``."""
    root = Path(werkmap) / "kaarten"
    result = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix == ".tif":
            value = cog_digest(path)
        elif path.suffix == ".gpkg":
            value = gpkg_digest(path)
        elif path.suffix == ".json":
            value = json_digest(path)
        elif path.suffix in (".csv", ".qml", ".xml"):
            value = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            continue
        result[path.relative_to(root).as_posix()] = value
    return result


def main(argv: list[str]) -> None:
    if argv:
        werkmap = Path(argv[0])
        build(werkmap)
        print(json.dumps(checksums(werkmap), indent=2, sort_keys=True))
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        print(json.dumps(checksums(Path(tmp)), indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not /work/main
    main(sys.argv[1:])
