"""Benchmark: the country overview (issue 16 item 5) and light object vector tiles.

Input: a werkmap with a gelegenheidskaart of the whole country (``land-nederland``), built
from the synthetic national demo (``kaart demo --land``; SYNTHETISCHE DEMODATA) — give one
with ``--werkmap`` or let the script build it (all provinces, ``--celgrootte`` m).

1. **Overview raster tiles z6-z10** of the country map through ``kaart server`` (1 worker,
   Bearer token, authorisation, audit; tiles from the Web Mercator serving copy's pyramid):
   every tile of the map's bounds per zoom, first request (cold: empty tile cache) and again
   (warm), ``--clients`` concurrent keep-alive clients. p50/p99 per zoom.
2. **Object vector tiles before/after**: the same tiles rendered in-process by this
   checkout's :func:`api.vector_tiles.vector_tile` and by the module as it was before the
   light tiles (``git show <--voor>:api/vector_tiles.py``), per zoom over a region (the
   bounds of veiligheidsregio ``--regio``) and the whole country at z6-z8: bytes per tile
   (mean, max) and render time (p50, p99), objects left out by the caps.

Run::

    python benchmarks/bench_overzicht.py --werkmap /tmp/land500 \\
        --uit benchmarks/results/overzicht.md
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import morecantile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "benchmarks"))

from bench_tiles import load, start_kaart, stop  # noqa: E402

TMS = morecantile.tms.get("WebMercatorQuad")
KAART_ID = "land-nederland-gelegenheid-totaal"
BEFORE = "f8fbecb"  # main before the light vector tiles


def build_werkmap(root: Path, cellsize: float) -> None:
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap
    from services.demo import write_land_layers
    from services.runs import build_gelegenheid

    werkmap = Werkmap.open(root)
    write_land_layers(werkmap, seed=1)
    build_gelegenheid(werkmap, select_area(land=True), cellsize=cellsize)


def add_token(root: Path) -> str:
    """A national analyst (every gemeente of the map) with an API token."""
    from api.db.session import open_database
    from api.users import add_user, create_token, ensure_organisation
    from geo.catalog import Catalog
    from geo.paths import Werkmap

    werkmap = Werkmap.open(root)
    entry = Catalog(werkmap).get(KAART_ID)
    engine, sessionmaker = open_database(f"sqlite:///{werkmap.database}")
    with sessionmaker() as session:
        org = ensure_organisation(session, "Landelijk bench", entry.gemeenten)
        user = add_user(session, f"bench{int(time.time())}", "Overzicht-vergelijking-7Qz-lang",
                        "analist", org)
        token = create_token(session, user, "bench", 1)
        session.commit()
    engine.dispose()
    return token


def map_bounds(root: Path) -> tuple[float, float, float, float]:
    """WGS84 bounds of the country map."""
    import rasterio
    from rasterio.warp import transform_bounds

    from geo.catalog import Catalog
    from geo.paths import Werkmap

    werkmap = Werkmap.open(root)
    entry = Catalog(werkmap).get(KAART_ID)
    with rasterio.open(entry.path(werkmap, entry.cog)) as src:
        return transform_bounds(src.crs, "EPSG:4326", *src.bounds)


def tiles_of(bounds: tuple[float, float, float, float], z: int) -> list[morecantile.Tile]:
    return list(TMS.tiles(*bounds, [z]))


def raster_section(root: Path, clients: int) -> list[dict]:
    token = add_token(root)
    bounds = map_bounds(root)
    process, base = start_kaart(root, 1)
    rows = []
    try:
        headers = {"Authorization": f"Bearer {token}"}
        # the worker's first tile (imports, opening the serving copy): reported on its own,
        # with a z12 tile that is not among the measured ones
        first = tiles_of(bounds, 12)[len(tiles_of(bounds, 12)) // 2]
        rows.append({"z": "eerste", "tegels": 1, "koud": load(
            [f"{base}/tiles/{KAART_ID}/12/{first.x}/{first.y}.png"], headers, 1, 600)})
        for z in range(6, 11):
            urls = [f"{base}/tiles/{KAART_ID}/{t.z}/{t.x}/{t.y}.png" for t in tiles_of(bounds, z)]
            cold = load(urls, headers, clients, 600)
            warm = load(urls, headers, clients, 600)
            rows.append({"z": z, "tegels": len(urls), "koud": cold, "warm": warm})
            print(z, len(urls), cold, warm, flush=True)
    finally:
        stop(process)
    return rows


def old_module(rev: str):
    """api/vector_tiles.py as it was at ``rev`` (imported under another name)."""
    source = subprocess.run(["git", "show", f"{rev}:api/vector_tiles.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="bench-mvt-")) / "vector_tiles_voor.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("vector_tiles_voor", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _measure(module, gpkg: Path, entry, tiles) -> dict:
    module.vector_tile(gpkg, entry, *next(iter(tiles)))  # load and index the objects once
    sizes, times, left = [], [], 0
    for z, x, y in tiles:
        t0 = time.perf_counter()
        data, out = module.vector_tile(gpkg, entry, z, x, y)
        times.append(1000 * (time.perf_counter() - t0))
        sizes.append(len(data))
        left += out
    ordered = sorted(times)
    return {"n": len(tiles), "kb_gem": statistics.mean(sizes) / 1024,
            "kb_max": max(sizes) / 1024, "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "weggelaten": left}


def vector_section(root: Path, regio: str, rev: str) -> list[dict]:
    from api import vector_tiles
    from geo.catalog import Catalog
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap

    werkmap = Werkmap.open(root)
    entry = Catalog(werkmap).get(KAART_ID)
    gpkg = entry.path(werkmap, entry.objecten)
    region = tuple(select_area(veiligheidsregio=regio).gemeenten.to_crs("EPSG:4326")
                   .total_bounds)
    country = map_bounds(root)
    before = old_module(rev)
    rows = []
    for label, bounds, zooms in (("land", country, range(6, 9)),
                                 (f"vr {regio}", region, range(8, 15))):
        for z in zooms:
            tiles = [(t.z, t.x, t.y) for t in tiles_of(bounds, z)][:400]
            rows.append({"gebied": label, "z": z,
                         "voor": _measure(before, gpkg, entry, tiles),
                         "na": _measure(vector_tiles, gpkg, entry, tiles)})
            print(rows[-1], flush=True)
    return rows


def report(raster: list[dict], vector: list[dict], args) -> str:
    load_avg = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "# Landelijk overzicht (z6-z10) en lichte objecttegels",
        "",
        f"Command: `python benchmarks/bench_overzicht.py --werkmap <land-werkmap> --clients "
        f"{args.clients} --regio {args.regio}` (werkmap: `kaart demo --land` + `kaart "
        f"gelegenheid --land --celgrootte {args.celgrootte:g}`, synthetic). Machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"**shared machine** (other helpers' jobs ran beside it; load average at the end "
        f"{load_avg}): absolute times are noisy, the before/after ratios less so.",
        "",
        "## Overview raster tiles of the country map (1 worker, every tile of the map's bounds)",
        "",
        "| zoom | tiles | cold p50 ms | cold p99 ms | cold tiles/s | warm p50 ms | warm p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    first = raster[0]["koud"]
    lines.insert(-2, f"The worker's first tile (a z12 tile outside the measured set: imports, "
                     f"opening the serving copy) took {first['p50_ms']:.0f} ms; then:\n")
    for r in raster[1:]:
        c, w = r["koud"], r["warm"]
        lines.append(f"| {r['z']} | {r['tegels']} | {c['p50_ms']:.0f} | {c['p99_ms']:.0f} | "
                     f"{c['tegels_s']:.0f} | {w['p50_ms']:.0f} | {w['p99_ms']:.0f} |")
    lines += [
        "",
        f"## Object vector tiles before ({args.voor}) and after (in-process render, same tiles)",
        "",
        "Before: every column but `uitleg` in every tile, 1-unit simplification, 512 KB cap. "
        "After: `id`, `thema` and the class columns only, quarter-pixel simplification, "
        "polygons under 4 px as points, 256 KB cap. The viewer draws objects of maps with "
        "more than 2,000 objects from z9 on (`maps.objecten.OBJECT_MIN_ZOOM`).",
        "",
        "| area | zoom | tiles | KB/tile before → after (mean) | max KB before → after | "
        "p50 ms before → after | p99 ms before → after | left out before / after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in vector:
        b, a = r["voor"], r["na"]
        lines.append(
            f"| {r['gebied']} | {r['z']} | {a['n']} | {b['kb_gem']:.1f} → {a['kb_gem']:.1f} | "
            f"{b['kb_max']:.0f} → {a['kb_max']:.0f} | {b['p50_ms']:.0f} → {a['p50_ms']:.0f} | "
            f"{b['p99_ms']:.0f} → {a['p99_ms']:.0f} | {b['weggelaten']} / {a['weggelaten']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werkmap", type=Path, help="werkmap with the land map (else built)")
    parser.add_argument("--celgrootte", type=float, default=500.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--regio", default="Limburg-Zuid")
    parser.add_argument("--voor", default=BEFORE)
    parser.add_argument("--uit", type=Path)
    args = parser.parse_args()
    root = args.werkmap or Path(tempfile.mkdtemp(prefix="bench-land-")) / "werkmap"
    if args.werkmap is None:
        build_werkmap(root, args.celgrootte)
    vector = vector_section(root, args.regio, args.voor)
    raster = raster_section(root, args.clients)
    text = report(raster, vector, args)
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
