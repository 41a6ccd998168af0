"""Benchmark: bounded tiles of a provincie-wide map, load from 64 clients, 200 logins.

Issue 11 items 2 and 10, issue 16 item 1. Runs ``kaart server`` (real CLI, uvicorn workers)
on a werkmap holding the Limburg demo provincie gelegenheidskaart, on 127.0.0.1 only, with
bounded request counts and a time limit per phase:

* ``zoom``: one worker, every zoom 0-24, ``--per-zoom`` cold tiles per zoom on the map (its
  centre and points towards its corners); the slowest tile per zoom and the worker's peak
  RSS (``VmHWM``). Target: every tile ≤ 200 ms, ≤ 300 MB per worker.
* ``last``: 2 workers, 64 concurrent keep-alive clients, a mix of new tiles (zoom 8-16) and
  repeats of a popular set; errors, p50/p99 and the peak RSS of each worker.
  Target: 0 errors, p99 ≤ 500 ms (issue 16: ≤ 300 ms), ≤ 800 MB per worker.
* ``inloggen``: 2 workers, 200 concurrent form logins (real argon2id) of 20 users; peak RSS
  of each worker above its RSS before. Target: growth ≤ 1 GB.

Prepare the werkmap (synthetic demo data; ~1-2 min)::

    kaart demo --werkmap /tmp/limburg
    kaart gelegenheid --provincie Limburg --werkmap /tmp/limburg

Run::

    python benchmarks/bench_tegels_last.py --werkmap /tmp/limburg \\
        --uit benchmarks/results/tegels_last.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import morecantile
import rasterio

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from bench_tiles import start_kaart, stop, warm_up  # noqa: E402
from loadclient import run_load, summarise  # noqa: E402

KAART_ID = "provincie-limburg-gelegenheid-totaal"
TMS = morecantile.tms.get("WebMercatorQuad")
PASSWORD = "Benchmark-wachtwoord-7Kq2-lang"


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB, from ``/proc``."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def worker_pids(parent: int) -> list[int]:
    """The uvicorn worker processes of ``parent`` (itself when it has none).

    Picked by command line (``spawn_main``, not the resource tracker), not by size: a worker
    still importing is small and would be missed."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            children.append(int(stat.parent.name))
    return sorted(children) or [parent]


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def wait_until_started(pids: list[int], limit_s: float = 180.0) -> float:
    """Wait until every worker has started: its lifespan started the tile-audit thread (so
    more than one thread) and its CPU use fell below 10 % for a second. Without this the load
    began while one worker was still importing (30+ s on the loaded machine) and the other
    took every connection; CPU alone is not enough, a starved importing worker looks idle."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        before = {p: _cpu_ticks(p) for p in pids}
        time.sleep(1.0)
        if all(_threads(p) > 1 and _cpu_ticks(p) - before[p] < os.sysconf("SC_CLK_TCK") // 10
               for p in pids):
            break
    return time.monotonic() - start


def prepare(werkmap: Path) -> tuple[Path, str, dict]:
    """The provincie map's COG, its serving copy (built as the run writer does) and a token."""
    from api.db.session import open_database
    from api.users import add_user, create_token, ensure_organisation
    from geo.catalog import Catalog
    from geo.export.webcog import web_cog_path, write_web_cog
    from geo.paths import Werkmap

    wm = Werkmap.open(werkmap)
    entry = next(e for e in Catalog(wm).entries() if e.kaart_id == KAART_ID)
    cog = entry.path(wm, entry.cog)
    info = {"cog_mb": cog.stat().st_size / 1e6}
    if not web_cog_path(cog).is_file():
        t0 = time.perf_counter()
        write_web_cog(cog)
        info["kopie_s"] = time.perf_counter() - t0
    info["kopie_mb"] = web_cog_path(cog).stat().st_size / 1e6
    with rasterio.open(cog) as src:
        info["cellen"] = f"{src.width}×{src.height} van {src.res[0]:g} m"
    engine, sessionmaker = open_database(f"sqlite:///{wm.database}")
    from api.db.models import Gebruiker

    with sessionmaker() as session:
        org = ensure_organisation(session, "Bench Limburg", entry.gemeenten)
        for i in range(20):
            name = f"bench{i:02d}"
            if session.query(Gebruiker).filter_by(gebruikersnaam=name).first() is None:
                add_user(session, name, PASSWORD, "analist", org)
        user = session.query(Gebruiker).filter_by(gebruikersnaam="bench00").one()
        token = create_token(session, user, "bench", 1)
        session.commit()
    engine.dispose()
    return cog, token, info


def map_points(cog: Path, count: int, seed: int) -> list[tuple[float, float]]:
    """``count`` (lon, lat) points on the map's data (cells with a class), seeded."""
    import numpy as np
    from rasterio.warp import transform

    with rasterio.open(cog) as src:
        step = 8
        klasse = src.read(2, out_shape=(src.height // step, src.width // step))
        rows, cols = np.nonzero(klasse > 0)
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(rows), size=count, replace=len(rows) < count)
        xs, ys = [], []
        for i in pick:
            x, y = src.xy(rows[i] * step, cols[i] * step)
            xs.append(x)
            ys.append(y)
        lons, lats = transform(src.crs, "EPSG:4326", xs, ys)
    return list(zip(lons, lats, strict=True))


def tile_url(base: str, lon: float, lat: float, z: int) -> str:
    tile = TMS.tile(lon, lat, z)
    return f"{base}/tiles/{KAART_ID}/{z}/{tile.x}/{tile.y}.png"


def phase_zoom(werkmap: Path, cog: Path, token: str, per_zoom: int) -> dict:
    process, base = start_kaart(werkmap, 1)
    try:
        pid = worker_pids(process.pid)[0]
        wait_until_started([pid])
        headers = {"Authorization": f"Bearer {token}"}
        rows = []
        with httpx.Client(headers=headers, timeout=60) as client:
            client.get(f"{base}/tiles/{KAART_ID}/tilejson.json").raise_for_status()
            points = map_points(cog, per_zoom, seed=3)
            for z in range(25):
                times, errors = [], 0
                for lon, lat in points:
                    t0 = time.perf_counter()
                    response = client.get(tile_url(base, lon, lat, z))
                    times.append(1000 * (time.perf_counter() - t0))
                    errors += response.status_code != 200 or response.content[:4] != b"\x89PNG"
                rows.append({"z": z, "max_ms": max(times), "p50_ms": statistics.median(times),
                             "fouten": errors})
        return {"zooms": rows, "rss_piek_mb": rss_mb(pid)[1]}
    finally:
        stop(process)


class Sampler:
    """Samples the RSS of worker processes every 0.2 s (peak per worker)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak, self._stop = pids, dict.fromkeys(pids, 0.0), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in self.pids:
                try:
                    self.peak[pid] = max(self.peak[pid], rss_mb(pid)[0])
                except OSError:
                    pass

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def _load_httpx(urls: list[str], headers: dict, clients: int, limit_s: float) -> dict:
    """The old load generator (httpx): kept to show what it measured (see loadclient)."""
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(urls))
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, timeout=60, limits=limits) as client:
        async def worker() -> None:
            nonlocal errors
            while queue and time.monotonic() < deadline:
                url = queue.pop()
                t0 = time.perf_counter()
                try:
                    response = await client.get(url)
                    ok = response.status_code == 200 and response.content[:4] == b"\x89PNG"
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - start
    return summarise(latencies, errors, wall)


def _is_png(status: int, body: bytes) -> bool:
    return status == 200 and body[:4] == b"\x89PNG"


def _load(urls: list[str], headers: dict, clients: int, limit_s: float, client: str) -> dict:
    """Run the load with the chosen client; also the client's own CPU share and the load."""
    cpu0, wall0, load0 = time.process_time(), time.perf_counter(), os.getloadavg()[0]
    if client == "httpx":
        figures = asyncio.run(_load_httpx(urls, headers, clients, limit_s))
    else:
        figures = asyncio.run(run_load(urls, headers, clients, limit_s, ok=_is_png))
    figures["client_cpu"] = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    figures["belasting"] = [load0, os.getloadavg()[0]]
    return figures


def phase_last(werkmap: Path, cog: Path, token: str, requests: int, clients: int,
               limit_s: float, client: str = "raw", root: Path | None = None) -> dict:
    rng = random.Random(5)
    points = map_points(cog, requests, seed=9)
    popular = points[:200]
    process, base = start_kaart(werkmap, 2, **({"root": root} if root else {}))
    try:
        pids = worker_pids(process.pid)
        urls = []
        for i in range(requests):
            if i % 2:  # repeated: a popular tile at a viewer zoom
                lon, lat = rng.choice(popular)
                urls.append(tile_url(base, lon, lat, rng.randint(10, 13)))
            else:  # new: anywhere on the map, any viewer zoom
                lon, lat = points[i]
                urls.append(tile_url(base, lon, lat, rng.randint(8, 16)))
        headers = {"Authorization": f"Bearer {token}"}
        started_s = wait_until_started(pids)
        warm_up([f"{base}/tiles/{KAART_ID}/tilejson.json"], headers)  # no tiles, see bench_tiles
        idle = [round(rss_mb(p)[0]) for p in pids]
        with Sampler(pids) as sampler:
            figures = _load(urls, headers, clients, limit_s, client)
        return {**figures, "workers": len(pids), "client": client,
                "code": str(root) if root else "deze checkout", "rss_rust_mb": idle,
                "start_s": started_s,
                "rss_piek_mb": [round(sampler.peak[p]) for p in pids],
                "vmhwm_mb": [round(rss_mb(p)[1]) for p in pids]}
    finally:
        stop(process)


async def _login(client: httpx.AsyncClient, base: str, name: str) -> bool:
    form = await client.get(f"{base}/inloggen")
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', form.text)
    if not match:
        return False
    response = await client.post(f"{base}/inloggen", data={
        "gebruikersnaam": name, "wachtwoord": PASSWORD, "csrf_token": match.group(1)})
    return response.status_code == 303 and "fout" not in response.headers.get("location", "")


async def _logins(base: str, count: int) -> dict:
    async def one(i: int) -> tuple[bool, float]:
        async with httpx.AsyncClient(timeout=600) as client:
            t0 = time.perf_counter()
            try:
                ok = await _login(client, base, f"bench{i % 20:02d}")
            except httpx.HTTPError as error:
                print(f"inloggen {i}: {type(error).__name__} {error}", file=sys.stderr)
                ok = False
            return ok, time.perf_counter() - t0

    start = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(count)))
    times = sorted(t for _, t in results)
    return {"n": count, "gelukt": sum(ok for ok, _ in results),
            "duur_s": time.perf_counter() - start, "p50_s": statistics.median(times),
            "max_s": times[-1]}


def phase_inloggen(werkmap: Path, count: int) -> dict:
    process, base = start_kaart(werkmap, 2)
    try:
        pids = worker_pids(process.pid)
        wait_until_started(pids)
        before = {p: rss_mb(p)[0] for p in pids}
        with Sampler(pids) as sampler:
            figures = asyncio.run(_logins(base, count))
        return {**figures, "rss_voor_mb": [round(before[p]) for p in pids],
                "rss_piek_mb": [round(sampler.peak[p]) for p in pids],
                "groei_mb": [round(sampler.peak[p] - before[p]) for p in pids]}
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werkmap", type=Path, required=True)
    parser.add_argument("--fasen", nargs="+", default=["zoom", "last", "inloggen"])
    parser.add_argument("--per-zoom", type=int, default=8)
    parser.add_argument("--aanvragen", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--inloggen", type=int, default=200)
    parser.add_argument("--limiet-s", type=float, default=300)
    parser.add_argument("--client", choices=["raw", "httpx", "beide"], default="raw",
                        help="load generator: raw asyncio (default), httpx (the old one), both")
    parser.add_argument("--voor", type=Path,
                        help="another checkout (e.g. main before a change): its server runs "
                             "the last phase first, in the same run")
    parser.add_argument("--uit", type=Path)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    cog, token, info = prepare(args.werkmap)
    results = {"kaart": info}
    for phase in args.fasen:
        if phase == "zoom":
            results[phase] = phase_zoom(args.werkmap, cog, token, args.per_zoom)
        elif phase == "last":
            clients = ["raw", "httpx"] if args.client == "beide" else [args.client]
            roots = [args.voor, None] if args.voor else [None]
            results[phase] = [phase_last(args.werkmap, cog, token, args.aanvragen, args.clients,
                                         args.limiet_s, client, root)
                              for root in roots for client in clients]
        elif phase == "inloggen":
            results[phase] = phase_inloggen(args.werkmap, args.inloggen)
        print(json.dumps({phase: results[phase]}), flush=True)
    results["belasting"] = (load_before, os.getloadavg()[0])
    text = report(results, args)
    print(text)
    if args.uit:
        args.uit.parent.mkdir(parents=True, exist_ok=True)
        args.uit.write_text(text, encoding="utf-8")


def report(results: dict, args) -> str:
    info = results["kaart"]
    lines = ["# Tegels van een provinciekaart, last en inloggen", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}; load average bij start/einde "
             f"{results['belasting'][0]:.1f} / {results['belasting'][1]:.1f} (gedeelde machine).",
             f"Kaart `{KAART_ID}` (synthetische demo): {info['cellen']}, RD-COG "
             f"{info['cog_mb']:.1f} MB, serveerkopie {info['kopie_mb']:.2f} MB"
             + (f" (gemaakt in {info['kopie_s']:.1f} s)" if "kopie_s" in info else "") + ".", ""]
    if "zoom" in results:
        zoom = results["zoom"]
        worst = max(zoom["zooms"], key=lambda r: r["max_ms"])
        lines += ["## Elke zoom 0-24 (1 worker, koud, één client)", "",
                  f"Traagste tegel: z{worst['z']} {worst['max_ms']:.0f} ms; piek-RSS van de "
                  f"worker {zoom['rss_piek_mb']:.0f} MB; fouten "
                  f"{sum(r['fouten'] for r in zoom['zooms'])}.", "",
                  "| z | max ms | p50 ms |", "|---|---|---|"]
        lines += [f"| {r['z']} | {r['max_ms']:.0f} | {r['p50_ms']:.0f} |" for r in zoom["zooms"]]
        lines.append("")
    if "last" in results:
        lines += [f"## {args.clients} clients op 2 workers (nieuwe en herhaalde tegels)", "",
                  "| code | client | aanvragen | fouten | tegels/s | p50 ms | p99 ms | max ms "
                  "| client-CPU | load voor/na | start workers s | RSS rust / piek per worker MB |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for last in results["last"]:
            lines.append(
                f"| {last['code']} | {last['client']} | {last['n']} | {last['fouten']} | "
                f"{last['tegels_s']:.0f} | {last['p50_ms']:.0f} | {last['p99_ms']:.0f} | "
                f"{last['max_ms']:.0f} | {100 * last['client_cpu']:.0f} % | "
                f"{last['belasting'][0]:.1f} / {last['belasting'][1]:.1f} | "
                f"{last['start_s']:.0f} | {last['rss_rust_mb']} / {last['rss_piek_mb']} |")
        lines.append("")
    if "inloggen" in results:
        log = results["inloggen"]
        lines += [f"## {log['n']} gelijktijdige inlogpogingen op 2 workers", "",
                  f"{log['gelukt']} gelukt in {log['duur_s']:.1f} s (p50 {log['p50_s']:.1f} s, "
                  f"max {log['max_s']:.1f} s); RSS per worker voor {log['rss_voor_mb']} MB, "
                  f"piek {log['rss_piek_mb']} MB, groei {log['groei_mb']} MB.", ""]
    lines += ["Commando:", "", "```",
              f"python benchmarks/bench_tegels_last.py --werkmap <werkmap> --fasen "
              f"{' '.join(args.fasen)} --per-zoom {args.per_zoom} --aanvragen {args.aanvragen} "
              f"--clients {args.clients} --inloggen {args.inloggen} --client {args.client}"
              + (f" --voor {args.voor}" if args.voor else ""), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
