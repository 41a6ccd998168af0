"""Benchmark: all Limburg gelegenheidskaarten (one set per gemeente) at several cell sizes.

For every cell size a fresh worker process runs exactly what
``kaart gelegenheid --provincie Limburg --per-gemeente --celgrootte <cs>`` runs
(:func:`geo.export.run.build_gelegenheid_many`) on the synthetic demo data and reports
wall and CPU time, the engine's share of it, cells × indicators per second and the peak
resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) of that process.

When the finest cell size would take longer than ``--max-minuten`` (estimated from the
previous size: 4× the cells per halving), a representative subset of gemeenten (every
k-th by CBS code) is measured instead, and the report says so.

Usage::

    .venv/bin/python benchmarks/bench_gelegenheid.py --werkmap /tmp/kaart-bench \\
        --celgroottes 50 25 12.5 --uit benchmarks/results/gelegenheid_tabel.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def ensure_demo(werkmap: Path) -> Path:
    lagen = werkmap / "invoer" / "lagen.gpkg"
    if not lagen.exists():
        kaart = Path(sys.executable).with_name("kaart")
        subprocess.run([str(kaart), "demo", "--werkmap", str(werkmap)], check=True,
                       stdout=subprocess.DEVNULL)
    return lagen


def worker(werkmap: Path, cellsize: float, provincie: str, every: int, dask: str | None) -> dict:
    """Run the per-gemeente build once in this process and measure it."""
    import geo.scoring.engine as engine
    from geo.export.run import build_gelegenheid_many, dask_client
    from geo.layers.gemeenten import select_area, split_per_gemeente
    from geo.paths import Werkmap

    engine_seconds, engine_cpu = [], []
    original = engine.compute_gelegenheid

    def timed(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            engine_seconds.append(time.perf_counter() - started)
            engine_cpu.append(time.process_time() - cpu)

    engine.compute_gelegenheid = timed
    areas = split_per_gemeente(select_area(provincie=provincie))
    chosen = areas[::every]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with dask_client(dask) as client:
        runs = build_gelegenheid_many(Werkmap.open(werkmap), chosen, cellsize=cellsize,
                                      client=client)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    cells = sum(r.summary["cellen"] for r in runs)
    grid_cells = sum(r.grid.height * r.grid.width for r in runs)
    indicators = runs[0].summary["indicatoren"]
    return {
        "celgrootte": cellsize, "gemeenten": len(chosen), "van": len(areas),
        "cellen_in_gebied": cells, "gridcellen": grid_cells, "indicatoren": indicators,
        "wall_s": wall, "cpu_s": cpu, "engine_s": sum(engine_seconds),
        "engine_cpu_s": sum(engine_cpu),
        "uitvoer_mb": sum(f.stat().st_size for r in runs for f in r.run_dir.iterdir()) / 2**20,
        "cel_indicatoren_per_s": cells * indicators / wall,
        "piek_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "objecten": sum(len(t) for r in runs for t in r.objects.values()),
        "dask": dask or "",
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werkmap", type=Path, default=Path(tempfile.gettempdir()) / "kaart-bench")
    parser.add_argument("--celgroottes", type=float, nargs="+", default=[50.0, 25.0, 12.5])
    parser.add_argument("--provincie", default="Limburg")
    parser.add_argument("--max-minuten", type=float, default=15.0)
    parser.add_argument("--dask", default=None, help="Dask-scheduler of 'local'")
    parser.add_argument("--uit", type=Path, help="Schrijf de Markdown-tabel hierheen.")
    parser.add_argument("--worker", nargs=3, metavar=("CELGROOTTE", "ELKE", "WERKMAP"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        cellsize, every, werkmap = args.worker
        print(json.dumps(worker(Path(werkmap), float(cellsize), args.provincie, int(every),
                                args.dask)))
        return []

    ensure_demo(args.werkmap)
    os.environ.setdefault("KAART_GEEN_VOORTGANG", "1")
    results: list[dict] = []
    for cellsize in sorted(args.celgroottes, reverse=True):
        every = 1
        if results:
            previous = results[-1]
            growth = (previous["celgrootte"] / cellsize) ** 2
            estimate = previous["wall_s"] * previous["van"] / previous["gemeenten"] * growth
            if estimate > args.max_minuten * 60:
                every = max(2, int(estimate // (args.max_minuten * 60)) + 1)
        command = [sys.executable, __file__, "--provincie", args.provincie,
                   "--worker", str(cellsize), str(every), str(args.werkmap)]
        if args.dask:
            command += ["--dask", args.dask]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
    table = render(results)
    print(table)
    if args.uit:
        args.uit.write_text(table, encoding="utf-8")
    return results


def render(results: list[dict]) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average bij afloop {load:.1f}.",
        "",
        "| celgrootte | gemeenten | cellen in gebied | indicatoren | wall (s) | CPU (s) | "
        "engine wall / CPU (s) | cel×indicator/s (wall) | cel×indicator/s (engine CPU) | "
        "piekgeheugen (MB) | uitvoer (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        subset = "" if r["gemeenten"] == r["van"] else " (deelverzameling)"
        lines.append(
            f"| {r['celgrootte']:g} m | {r['gemeenten']}/{r['van']}{subset} | "
            f"{r['cellen_in_gebied']:,} | {r['indicatoren']} | {r['wall_s']:.1f} | "
            f"{r['cpu_s']:.1f} | {r['engine_s']:.1f} / {r['engine_cpu_s']:.1f} | "
            f"{r['cel_indicatoren_per_s']:,.0f} | "
            f"{r['cellen_in_gebied'] * r['indicatoren'] / r['engine_cpu_s']:,.0f} | "
            f"{r['piek_mb']:.0f} | {r['uitvoer_mb']:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
