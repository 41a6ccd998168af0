"""Benchmark: loading + validating a layer vs plain reading (geopandas/pyogrio) and ogr2ogr.

Synthetic input (labelled synthetic): N bedrijventerreinen squares near Sittard, written
once as GeoPackage in EPSG:28992 and once in EPSG:4326 (so reprojection is measured too).
Compared side by side in one run:

- ``kaart``: ``geo.layers.load_bedrijventerreinen`` (read, reproject, normalise, pandera,
  geometry checks, outside-NL check);
- ``geopandas``: ``geopandas.read_file(engine="pyogrio").to_crs(28992)`` (no validation);
- ``ogr2ogr``: ``ogr2ogr -t_srs EPSG:28992`` to a new GeoPackage (if installed).

Usage::

    .venv/bin/python benchmarks/layers_load.py [--n 4000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.layers import load_bedrijventerreinen


def make_source(n: int, folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    x = 185_000 + (np.arange(n) % 100) * 80.0
    y = 330_000 + (np.arange(n) // 100) * 80.0
    frame = gpd.GeoDataFrame({
        "id": [f"bt-{i}" for i in range(n)], "naam": [f"Terrein {i}" for i in range(n)],
        "aantal_vestigingen": rng.integers(0, 200, n), "leegstand_pct": rng.uniform(0, 60, n),
        "verzamelgebouwen": rng.integers(0, 5, n), "woonfunctie_pct": rng.uniform(0, 30, n),
        "keurmerk_kvo": rng.choice(["ja", "nee"], n), "cameratoezicht": rng.integers(0, 2, n),
        "bouwjaar_mediaan": rng.integers(1950, 2020, n),
    }, geometry=shapely.box(x, y, x + 60, y + 60), crs="EPSG:28992")
    paths = {"rd": folder / "terreinen_rd.gpkg", "wgs84": folder / "terreinen_wgs84.gpkg"}
    frame.to_file(paths["rd"], engine="pyogrio")
    frame.to_crs("EPSG:4326").to_file(paths["wgs84"], engine="pyogrio")
    return paths


def timed(function, repeat: int) -> float:
    function()  # warm-up (imports, caches such as the NL outline)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_source(args.n, folder)
        ogr2ogr = shutil.which("ogr2ogr")
        print(f"{args.n} bedrijventerreinen (synthetisch), mediaan van {args.repeat} runs\n")
        print("| bron-CRS | kaart load | geopandas read+to_crs | ratio | ogr2ogr | ratio |")
        print("|---|---|---|---|---|---|")
        for label, path in paths.items():
            ours = timed(lambda p=path: load_bedrijventerreinen(p), args.repeat)
            plain = timed(lambda p=path: gpd.read_file(p, engine="pyogrio").to_crs(28992),
                          args.repeat)
            if ogr2ogr:
                out = folder / "uit.gpkg"

                def run_ogr(p=path, out=out):
                    subprocess.run([ogr2ogr, "-overwrite", "-t_srs", "EPSG:28992", str(out),
                                    str(p)], check=True, capture_output=True)
                ogr = timed(run_ogr, args.repeat)
                ogr_text = f"{ogr * 1000:.0f} ms | {ours / ogr:.2f}×"
            else:
                ogr_text = "n.v.t. | –"
            print(f"| {label} | {ours * 1000:.0f} ms | {plain * 1000:.0f} ms | "
                  f"{ours / plain:.2f}× | {ogr_text} |")


if __name__ == "__main__":
    main()
