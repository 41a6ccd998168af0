"""Benchmark: the gelegenheid engine whole-area vs windowed vs on a Dask cluster, side by side.

All of Limburg as one area (synthetic demo layers, default indicator set) on one grid.
Each mode runs in a fresh process and reports wall time, peak resident memory and a
checksum of every theme's score/klasse raster; the table gives the time ratios against
the whole-area run and whether the outputs are identical.

Modes: ``geheel`` (one window covering the area, arrays in memory), ``vensters``
(512-cell windows, arrays memory-mapped in a work directory), ``dask`` (512-cell
windows on a ``LocalCluster`` of 2 worker processes × 1 thread).

Usage::

    .venv/bin/python benchmarks/bench_engine_windows.py --celgrootte 25 \\
        --uit benchmarks/results/gelegenheid_engine.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_mode(mode: str, cellsize: float) -> dict:
    """Run the engine once in this process and measure it."""
    import numpy as np

    from geo.layers.demo import generate_demo
    from geo.layers.gemeenten import select_area
    from geo.scoring import compute_gelegenheid, grid_for_area, load_gelegenheid_config

    layers = generate_demo(1)
    area = select_area(provincie="Limburg")
    grid = grid_for_area(area.geometry, cellsize)
    mask = grid.mask(area.geometry)
    config = load_gelegenheid_config()
    window = max(grid.shape) if mode == "geheel" else 512
    with tempfile.TemporaryDirectory(prefix="kaart-bench-") as tmp:
        workdir = Path(tmp) if mode != "geheel" else None
        client = cluster = None
        if mode == "dask":
            from dask.distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        started = time.perf_counter()
        result = compute_gelegenheid(config, layers, grid, mask, window=window, client=client,
                                     workdir=workdir)
        seconds = time.perf_counter() - started
        digest = hashlib.sha256()
        for theme in result.all().values():
            digest.update(np.ascontiguousarray(theme.score).tobytes())
            digest.update(np.ascontiguousarray(theme.klasse).tobytes())
        if client is not None:
            client.close()
            cluster.close()
    return {"modus": mode, "seconden": seconds, "cellen": int(mask.sum()),
            "grid": list(grid.shape), "piek_rss_mb": resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss / 1024, "checksum": digest.hexdigest()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--celgrootte", type=float, default=25.0)
    parser.add_argument("--modi", nargs="+", default=["geheel", "vensters", "dask"])
    parser.add_argument("--uit", type=Path)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_mode(args.worker, args.celgrootte)))
        return
    rows = []
    for mode in args.modi:
        out = subprocess.run([sys.executable, __file__, "--worker", mode, "--celgrootte",
                              str(args.celgrootte)], check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{mode}: {rows[-1]['seconden']:.1f} s", file=sys.stderr)
    base = rows[0]
    lines = [
        f"# Gelegenheid-engine: geheel vs vensters vs Dask (Limburg, {args.celgrootte:g} m)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Synthetic demo data (`generate_demo(1)`), "
        f"default indicator set, grid {base['grid'][0]} × {base['grid'][1]}, "
        f"{base['cellen']:,} cells inside Limburg.",
        "",
        "| modus | tijd (s) | t / t(geheel) | piek RSS (MB) | uitkomst gelijk aan geheel |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        same = "ja (bit-identiek)" if row["checksum"] == base["checksum"] else "nee"
        lines.append(f"| {row['modus']} | {row['seconden']:.1f} | "
                     f"{row['seconden'] / base['seconden']:.2f} | {row['piek_rss_mb']:.0f} | "
                     f"{same} |")
    lines += ["", "Command: `.venv/bin/python benchmarks/bench_engine_windows.py "
              f"--celgrootte {args.celgrootte:g}`"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
