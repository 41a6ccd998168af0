"""Benchmark: kaart's tile service against TiTiler, side by side, same COG, same colours.

One synthetic map COG (written with :func:`geo.export.cog.write_map_cog`, 3000×3000 cells of
10 m around Zuid-Limburg, NaN outside a disc) is served by

* ``kaart server`` (Bearer token, catalog lookup, authorisation, audit, LRU tile cache; tiles
  from the Web Mercator serving copy written next to the COG as the run writer does,
  :func:`geo.export.webcog.write_web_cog`), and
* TiTiler (``titiler.core`` ``TilerFactory``, ``?url=`` of the same file, ``bidx=2``, the same
  class colormap, nearest resampling) in a separate venv ``benchmarks/.venv-titiler``.

For 1 and 2 uvicorn workers each server is started fresh; a fixed, seeded sample of tiles
(zoom 11-16, all intersecting the data) is requested by concurrent keep-alive clients:
``cold`` = first request of every tile (empty tile cache), ``warm`` = the same tiles again.
Reported: tiles/s, p50 and p99 latency, and the ratio kaart/TiTiler. Loopback only
(127.0.0.1), bounded request counts and a time limit per phase.

Setup of the TiTiler venv (not a project dependency)::

    python3 -m venv benchmarks/.venv-titiler
    benchmarks/.venv-titiler/bin/pip install titiler.core uvicorn

Run::

    python benchmarks/bench_tiles.py --tegels 300 --clients 8 \\
        --uit benchmarks/results/tiles.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import morecantile
import numpy as np
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's kaart, not an installed one
TITILER_PY = ROOT / "benchmarks" / ".venv-titiler" / "bin" / "python"
KAART_ID = "GM0981-gelegenheid-totaal"
BOUNDS = (176000.0, 300000.0, 206000.0, 330000.0)
TMS = morecantile.tms.get("WebMercatorQuad")

TITILER_APP = '''
from fastapi import FastAPI
from titiler.core.factory import TilerFactory
app = FastAPI()
app.include_router(TilerFactory().router, prefix="/cog")
'''


def build_werkmap(root: Path) -> tuple[Path, str]:
    """The benchmark COG + catalog entry + a user with a token; returns (cog, token)."""
    from api.db.session import open_database
    from api.users import add_user, create_token, ensure_organisation
    from geo.catalog import Catalog, KaartEntry
    from geo.export.cog import write_map_cog
    from geo.export.webcog import write_web_cog
    from geo.paths import Werkmap
    from geo.scoring.grid import Grid

    werkmap = Werkmap.open(root)
    grid = Grid.from_bounds(BOUNDS, 10.0)
    rows, cols = np.indices(grid.shape, dtype="float32")
    rng = np.random.default_rng(1)
    score = (np.sin(rows / 97.0) * np.cos(cols / 131.0) + 1) / 2
    score = np.clip(score + rng.normal(0, 0.05, grid.shape), 0, 1).astype("float32")
    disc = (rows - grid.height / 2) ** 2 + (cols - grid.width / 2) ** 2 > (grid.height / 2) ** 2
    score[disc] = np.nan
    klasse = np.digitize(score, [0.2, 0.4, 0.6, 0.8]) + 1
    run = werkmap.run_parent("GM0981", "gelegenheid") / "v0001"
    cog = write_map_cog(run / "gelegenheidskaart.tif", score, klasse, grid, soort="gelegenheid",
                        thema="totaal", gebied_id="GM0981", synthetisch=True,
                        breaks=[0.2, 0.4, 0.6, 0.8])
    write_web_cog(cog)  # part of every run (the run writer); not timed here
    Catalog(werkmap).register([KaartEntry(
        kaart_id=KAART_ID, gebied_id="GM0981", gebied_naam="Vaals", gebied_soort="gemeente",
        gemeenten=["GM0981"], soort="gelegenheid", thema="totaal", versie=1,
        datum="2026-11-22T00:00:00+00:00", run_dir=werkmap.relative(run),
        cog="gelegenheidskaart.tif", synthetisch=True)])
    engine, sessionmaker = open_database(f"sqlite:///{werkmap.database}")
    with sessionmaker() as session:
        org = ensure_organisation(session, "Gemeente Vaals", ["GM0981"])
        user = add_user(session, "bench", "Tegel-vergelijking-4Hs9-lang", "gemeente", org)
        token = create_token(session, user, "bench", 1)
        session.commit()
    engine.dispose()
    return cog, token


def sample_tiles(count: int, seed: int = 7) -> list[morecantile.Tile]:
    """A seeded sample of tiles (zoom 11-16) that intersect the data disc."""
    to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    cx, cy = (BOUNDS[0] + BOUNDS[2]) / 2, (BOUNDS[1] + BOUNDS[3]) / 2
    radius = (BOUNDS[2] - BOUNDS[0]) / 2 * 0.95
    rng = random.Random(seed)
    tiles: dict[tuple[int, int, int], morecantile.Tile] = {}
    while len(tiles) < count:
        angle, dist = rng.uniform(0, 2 * np.pi), radius * rng.random() ** 0.5
        lon, lat = to_wgs.transform(cx + dist * np.cos(angle), cy + dist * np.sin(angle))
        tile = TMS.tile(lon, lat, rng.randint(11, 16))
        tiles[(tile.z, tile.x, tile.y)] = tile
    return list(tiles.values())


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_file(name: str) -> Path:
    """Where a server's stderr goes: a file, never an undrained pipe (a full pipe blocks the
    server as soon as it logs 64 KB)."""
    return Path(tempfile.mkdtemp(prefix=f"bench-{name}-")) / "stderr.log"


def _log_tail(process: subprocess.Popen) -> str:
    path = getattr(process, "log_path", None)
    return path.read_text(errors="replace")[-2000:] if path and path.exists() else ""


def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server gestopt: {_log_tail(process)}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"server start niet: {url}")


KAART_CLI = [sys.executable, "-c", "from kaart.cli import main; main()"]


def start_kaart(werkmap: Path, workers: int,
                root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """``kaart server`` of the checkout ``root`` (default: this one) on a free port."""
    shutil.rmtree(werkmap / "kaarten" / ".tegelcache", ignore_errors=True)  # really cold
    port = _port()
    env = {**os.environ, "KAART_WERKMAP": str(werkmap), "KAART_GEEN_VOORTGANG": "1",
           "PYTHONPATH": str(root)}
    log = _log_file("kaart")
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*KAART_CLI, "server", "--host", "127.0.0.1", "--port", str(port), "--workers",
             str(workers)],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    process.log_path = log
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/api/v1/gezond", process)
    return process, base


def start_titiler(appdir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _port()
    (appdir / "titiler_bench_app.py").write_text(TITILER_APP, encoding="utf-8")
    log = _log_file("titiler")
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(TITILER_PY), "-m", "uvicorn", "titiler_bench_app:app", "--app-dir",
             str(appdir), "--host", "127.0.0.1", "--port", str(port), "--workers",
             str(workers), "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=stderr)
    process.log_path = log
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/docs", process)
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def load(urls: list[str], headers: dict[str, str], clients: int,
         limit_s: float) -> dict[str, float]:
    """Request every url once with ``clients`` concurrent keep-alive clients."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = list(reversed(urls))
    deadline = time.monotonic() + limit_s

    def worker() -> None:
        nonlocal errors
        with httpx.Client(headers=headers, timeout=60) as client:
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    url = queue.pop()
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200 or response.content[:4] != b"\x89PNG":
                        errors += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    return {"n": len(ordered), "fouten": errors, "tegels_s": len(ordered) / wall,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}


def warm_up(urls: list[str], headers: dict[str, str], per_worker: int = 8) -> None:
    """Request ``urls`` a few times in parallel, so that every worker process has started."""
    threads = [threading.Thread(target=lambda u=u: httpx.get(u, headers=headers, timeout=120))
               for u in urls * per_worker]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def colormap_param() -> str:
    from api.tiles import colormap

    table = colormap("gelegenheid")
    return json.dumps({str(k): list(v) for k, v in table.items() if k <= 9})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tegels", type=int, default=300, help="aantal verschillende tegels")
    parser.add_argument("--clients", type=int, default=8, help="gelijktijdige clients")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--herhaal", type=int, default=2,
                        help="warme fase: zo vaak dezelfde tegels")
    parser.add_argument("--limiet-s", type=float, default=120, help="maximale duur per fase")
    parser.add_argument("--uit", type=Path, help="schrijf de Markdown-tabel hierheen")
    args = parser.parse_args()
    if not TITILER_PY.exists():
        sys.exit(f"TiTiler-venv ontbreekt: {TITILER_PY} (zie de docstring)")

    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-tiles-"))
    cog, token = build_werkmap(tmp / "werkmap")
    tiles = sample_tiles(args.tegels)
    cmap = colormap_param()
    ours = [f"/tiles/{KAART_ID}/{t.z}/{t.x}/{t.y}.png" for t in tiles]
    theirs = [httpx.URL(f"/cog/tiles/WebMercatorQuad/{t.z}/{t.x}/{t.y}.png",
                        params={"url": str(cog), "bidx": "2", "colormap": cmap,
                                "resampling": "nearest"}) for t in tiles]
    # Process warm-up (imports, PROJ, file headers), no tiles: "cold" is about the tile cache
    warm_urls = {"kaart": [f"/tiles/{KAART_ID}/tilejson.json"],
                 "titiler": [str(httpx.URL("/cog/info", params={"url": str(cog)}))]}
    results = []
    for workers in args.workers:
        for name in ("kaart", "titiler"):
            if name == "kaart":
                process, base = start_kaart(tmp / "werkmap", workers)
                urls, headers = [base + u for u in ours], {"Authorization": f"Bearer {token}"}
            else:
                process, base = start_titiler(tmp, workers)
                urls, headers = [str(httpx.URL(base).join(u)) for u in theirs], {}
            try:
                warm_up([str(httpx.URL(base).join(u)) for u in warm_urls[name]], headers)
                for phase in ("koud", "warm"):
                    batch = urls if phase == "koud" else urls * args.herhaal
                    figures = load(batch, headers, args.clients, args.limiet_s)
                    results.append({"server": name, "workers": workers, "fase": phase,
                                    **figures})
                    print(json.dumps(results[-1]), flush=True)
            finally:
                stop(process)
    args.belasting = (load_before, os.getloadavg()[0])
    table = report(results, args, cog)
    print(table)
    if args.uit:
        args.uit.write_text(table, encoding="utf-8")


def report(results: list[dict], args, cog: Path) -> str:
    lines = [
        "# Tegels: kaart tegen TiTiler",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. COG: {cog.stat().st_size / 1e6:.1f} MB, "
        "3000×3000 cellen van 10 m (synthetisch), 512-px interne tegels, DEFLATE; kaart "
        "leest de Web-Mercator-serveerkopie (klasseband, 256-px blokken op de tegelmatrix), "
        "TiTiler de RD-COG.",
        f"{args.tegels} verschillende tegels (zoom 11-16, binnen de data), {args.clients} "
        "gelijktijdige keep-alive clients op 127.0.0.1 (client en server delen de cores).",
        "kaart: Bearer-token, catalogus, autorisatie, auditlog en LRU-tegelcache per "
        "werkproces (geen schijfcache); TiTiler: "
        "`?url=` naar hetzelfde bestand, `bidx=2`, dezelfde kleurentabel, nearest.",
        "Voor de meting per server 8 aanvragen zonder tegels (kaart: TileJSON, TiTiler: "
        "`/cog/info`) zodat elk werkproces gestart is; "
        "`koud` = eerste aanvraag van elke tegel (lege tegelcache); `warm` = daarna dezelfde "
        f"tegels nog {args.herhaal}×. De bestandscache van het besturingssysteem "
        "is in beide gevallen warm.",
        f"Systeembelasting (load average, 1 min) bij start/einde: {args.belasting[0]:.1f} / "
        f"{args.belasting[1]:.1f} — andere processen deelden de 2 cores; de verhouding in "
        "dezelfde run is de maat, niet de absolute getallen.",
        "",
        "| workers | fase | kaart tegels/s | TiTiler tegels/s | verhouding | kaart p50/p99 ms "
        "| TiTiler p50/p99 ms | fouten |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for workers in args.workers:
        for phase in ("koud", "warm"):
            ours = next(r for r in results if r["server"] == "kaart" and r["workers"] == workers
                        and r["fase"] == phase)
            theirs = next(r for r in results if r["server"] == "titiler"
                          and r["workers"] == workers and r["fase"] == phase)
            lines.append(
                f"| {workers} | {phase} | {ours['tegels_s']:.0f} | {theirs['tegels_s']:.0f} | "
                f"{ours['tegels_s'] / theirs['tegels_s']:.1f}× | {ours['p50_ms']:.1f} / "
                f"{ours['p99_ms']:.1f} | {theirs['p50_ms']:.1f} / {theirs['p99_ms']:.1f} | "
                f"{ours['fouten']} / {theirs['fouten']} |")
    lines += ["", "Commando:", "", "```",
              f"python benchmarks/bench_tiles.py --tegels {args.tegels} "
              f"--clients {args.clients} --herhaal {args.herhaal} "
              "--uit benchmarks/results/tiles.md", "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
