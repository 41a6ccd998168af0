"""Benchmark: the national run (issue 16 item 4) — half country, whole country, Dask cluster.

One self-contained run on the synthetic national demo (``kaart demo --land``, generated
into a fresh werkmap under /tmp unless ``--werkmap`` is given):

1. **half**: the six northern provinces (Groningen, Friesland, Drenthe, Overijssel,
   Flevoland, Noord-Holland; about half of the country's cells) as one area, through
   :func:`geo.export.run.build_gelegenheid` in a fresh process (the same code as
   ``kaart gelegenheid``; the CLI has no option for an ad-hoc group of provinces);
2. **land**: ``kaart gelegenheid --land`` on this machine (local worker processes);
3. **dask**: a real cluster started here — ``dask scheduler`` and ``--dask-workers``
   ``dask worker`` processes on 127.0.0.1 with random ports — and
   ``kaart gelegenheid --land --dask tcp://127.0.0.1:PORT``; the cluster is stopped after.

Per run: wall and CPU time (the command's process tree plus, for Dask, the scheduler and
workers), peak resident memory summed over those processes (RSS, which counts the
memory-mapped work arrays' file pages, and the anonymous part, which is what the window
bounds), output size and the load average. Then t(land)/t(half) against the cell ratio,
and the outputs of runs 2 and 3 compared: every COG (``np.array_equal``, NaN = NaN) and
every layer of ``objecten.gpkg``.

Usage::

    python benchmarks/bench_land.py --uit benchmarks/results/land.md      # 25 m, ~1 h shared
    python benchmarks/bench_land.py --snel                               # 100 m, minutes

The machine is shared: figures carry the load average and CPU time next to wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NORTH = ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Noord Holland"]
CLI = [sys.executable, "-c", "from kaart.cli import main; main()"]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), KAART_GEEN_VOORTGANG="1")
    env.pop("MALLOC_TRIM_THRESHOLD_", None)
    return env


class Sampler:
    """Samples the summed RSS / anonymous RSS and CPU time of process trees, and the disk
    the run's work arrays take (allocated blocks of the ``.werk-*`` folders in ``werkmap``)."""

    def __init__(self, pids: list[int], werkmap: Path | None = None) -> None:
        import psutil

        self.psutil = psutil
        self.roots = [psutil.Process(pid) for pid in pids]
        self.peak_rss = self.peak_anon = self.peak_werk = self.peak_main_anon = 0
        self.cpu: dict[int, float] = {}
        self.werkmap, self.count = werkmap, 0

    def _tree(self, root) -> list:
        try:
            return [root, *root.children(recursive=True)]
        except self.psutil.Error:
            return []

    def sample(self) -> None:
        """Memory over every tree; CPU time per process of the trees after the first
        (the cluster: the command's own tree is counted when it is reaped)."""
        rss = anon = 0
        for index, root in enumerate(self.roots):
            for proc in self._tree(root):
                try:
                    rss += proc.memory_info().rss
                    own = _anon_bytes(proc.pid)
                    anon += own
                    if proc.pid == self.roots[0].pid:  # the command's own process
                        self.peak_main_anon = max(self.peak_main_anon, own)
                    if index:
                        times = proc.cpu_times()
                        self.cpu[proc.pid] = times.user + times.system
                except self.psutil.Error:
                    continue
        self.peak_rss, self.peak_anon = max(self.peak_rss, rss), max(self.peak_anon, anon)
        self.count += 1
        if self.werkmap is not None and self.count % 4 == 1:  # every 2 s
            self.peak_werk = max(self.peak_werk, _work_bytes(self.werkmap))


def _work_bytes(werkmap: Path) -> int:
    """Disk allocated (``du``, not the apparent size of sparse files) in the work folders."""
    total = 0
    for folder in werkmap.glob("kaarten/*/*/.werk-*"):
        for path in folder.rglob("*"):
            try:
                total += path.stat().st_blocks * 512
            except OSError:
                continue
    return total


@contextmanager
def sampling(sampler: Sampler, every: float = 0.5) -> Iterator[Sampler]:
    """Call ``sampler.sample()`` every ``every`` seconds in a thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            sampler.sample()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sampler
    finally:
        stop.set()
        thread.join()


def _anon_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(command: list[str], extra: list[int] | None = None,
                 werkmap: Path | None = None) -> dict:
    """Run ``command``; wall, CPU (its tree, reaped children and ``extra`` processes),
    peak RSS / anonymous RSS summed over all of them, peak disk of the work arrays in
    ``werkmap``, load average before and after."""
    load = os.getloadavg()
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with sampling(Sampler([proc.pid, *(extra or [])], werkmap)) as sampler:
        sampler.sample()
        baseline = dict(sampler.cpu)  # the cluster's CPU before the command
        out, err = proc.communicate()
        sampler.sample()
    wall = time.perf_counter() - started
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:])} faalde ({proc.returncode}):\n{err[-3000:]}")
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    cpu += sum(t - baseline.get(p, 0.0) for p, t in sampler.cpu.items())
    return {"wall_s": wall, "cpu_s": cpu, "piek_rss_mb": sampler.peak_rss / 1e6,
            "piek_anon_mb": sampler.peak_anon / 1e6, "piek_werk_mb": sampler.peak_werk / 1e6,
            "piek_anon_hoofdproces_mb": sampler.peak_main_anon / 1e6,
            "load_voor": load,
            "load_na": os.getloadavg(), "stdout": out}


def ensure_demo(werkmap: Path) -> None:
    if not (werkmap / "invoer" / "lagen.gpkg").exists():
        subprocess.run([*CLI, "demo", "--land", "--werkmap", str(werkmap), "--json"],
                       cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL)


def build_half(werkmap: str, cellsize: float) -> None:
    """(In a fresh process) the northern provinces as one area, like kaart gelegenheid."""
    from geo.export.run import build_gelegenheid
    from geo.layers.gemeenten import Area, reference_gemeenten
    from geo.paths import Werkmap

    frame = reference_gemeenten()
    area = Area("land-noord", "Noord-Nederland (benchmark)", "selectie",
                frame[frame["provincie"].isin(NORTH)])
    run = build_gelegenheid(Werkmap.open(Path(werkmap)), area, cellsize=cellsize)
    print(json.dumps({"cellen": run.summary["cellen"], "map": str(run.run_dir)}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(workers: int, memory: str) -> tuple[str, list[subprocess.Popen]]:
    """``dask scheduler`` + ``workers`` × ``dask worker`` on 127.0.0.1 (random ports)."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = subprocess.DEVNULL
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=_env(), stdout=logs, stderr=logs)]
    for _ in range(workers):
        procs.append(subprocess.Popen(
            [dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
             "--nworkers", "1", "--memory-limit", memory, "--no-dashboard"],
            cwd=ROOT, env=_env(), stdout=logs, stderr=logs))
    from distributed import Client

    deadline = time.time() + 120
    with Client(address, timeout="60s") as client:
        while len(client.scheduler_info()["workers"]) < workers:
            if time.time() > deadline:
                stop_cluster(procs)
                raise SystemExit("Dask-workers kwamen niet op tijd op.")
            time.sleep(0.5)
    return address, procs


def stop_cluster(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def compare_runs(a: Path, b: Path) -> dict:
    """Every COG pixel-equal and every objecten.gpkg layer equal between run folders."""
    import geopandas as gpd
    import numpy as np
    import rasterio
    import rasterio.windows

    from geo.export.objects import object_layers

    different, cogs = [], sorted(p.name for p in a.glob("*.tif"))
    for name in cogs:  # in strips of one block row, all bands at once (pixel-interleaved
        # tiles are decompressed once): a 25 m explanation COG read whole is 10+ GB
        with rasterio.open(a / name) as x, rasterio.open(b / name) as y:
            same = (x.count, x.shape, x.dtypes) == (y.count, y.shape, y.dtypes)
            for row in range(0, x.height, 512) if same else ():
                win = rasterio.windows.Window(0, row, x.width, min(512, x.height - row))
                if not np.array_equal(x.read(window=win), y.read(window=win), equal_nan=True):
                    same = False
                    break
            if not same:
                different.append(name)
    tables = object_layers(a / "objecten.gpkg")
    for layer in tables:
        left = gpd.read_file(a / "objecten.gpkg", layer=layer)
        right = gpd.read_file(b / "objecten.gpkg", layer=layer)
        if not left.equals(right):
            different.append(f"objecten.gpkg:{layer}")
    return {"cogs": len(cogs), "lagen": len(tables), "verschillend": different}


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="100 m cells: a quick check")
    parser.add_argument("--celgrootte", type=float, default=None)
    parser.add_argument("--werkmap", type=Path, default=None)
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--geheugen-per-worker", default="4GB")
    parser.add_argument("--uit", type=Path, default=None)
    parser.add_argument("--zonder-dask", action="store_true",
                        help="alleen half en heel land (t(2N)/t(N)), zonder Dask")
    parser.add_argument("--_half", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._half:
        build_half(args._half[0], float(args._half[1]))
        return {}
    cellsize = args.celgrootte or (100.0 if args.snel else 25.0)
    werkmap = args.werkmap or Path(tempfile.mkdtemp(prefix="kaart-land-"))
    ensure_demo(werkmap)
    results: dict = {"celgrootte": cellsize, "werkmap": str(werkmap), "machine": machine()}
    half = run_measured([sys.executable, str(Path(__file__).resolve()), "--_half",
                         str(werkmap), str(cellsize)], werkmap=werkmap)
    results["half"] = {**half, **json.loads(half.pop("stdout").strip().splitlines()[-1])}
    print(json.dumps({"half": results["half"]}), flush=True)
    land = run_measured([*CLI, "gelegenheid", "--land", "--celgrootte", str(cellsize),
                         "--werkmap", str(werkmap), "--json"], werkmap=werkmap)
    results["land"] = {**land, **_run_info(land.pop("stdout"))}
    print(json.dumps({"land": results["land"]}), flush=True)
    if args.zonder_dask:
        results["verhouding"] = _ratios(results)
        print(json.dumps({"verhouding": results["verhouding"]}), flush=True)
        return results
    address, procs = start_cluster(args.dask_workers, args.geheugen_per_worker)
    try:
        dask = run_measured([*CLI, "gelegenheid", "--land", "--celgrootte", str(cellsize),
                             "--werkmap", str(werkmap), "--dask", address, "--json"],
                            extra=[p.pid for p in procs], werkmap=werkmap)
    finally:
        stop_cluster(procs)
    results["dask"] = {**dask, **_run_info(dask.pop("stdout")), "workers": args.dask_workers,
                       "geheugen_per_worker": args.geheugen_per_worker}
    print(json.dumps({"dask": results["dask"]}), flush=True)
    for key in ("half", "land", "dask"):
        results[key]["uitvoer_mb"] = size_mb(Path(results[key]["map"]))
    results["gelijk"] = compare_runs(Path(results["land"]["map"]), Path(results["dask"]["map"]))
    results["verhouding"] = _ratios(results)
    text = render(results, " ".join(["python benchmarks/bench_land.py", *(argv or sys.argv[1:])]))
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")
    return results


def _ratios(results: dict) -> dict:
    """t(land)/t(half) against the cell ratio, and scaled to exactly twice the cells."""
    cells = results["land"]["cellen"] / results["half"]["cellen"]
    wall = results["land"]["wall_s"] / results["half"]["wall_s"]
    cpu = results["land"]["cpu_s"] / results["half"]["cpu_s"]
    return {"cellen": cells, "wall": wall, "cpu": cpu,
            "wall_per_2x": wall * 2 / cells, "cpu_per_2x": cpu * 2 / cells}


def _run_info(stdout: str) -> dict:
    payload = json.loads(stdout)
    (run,) = payload["runs"]
    return {"cellen": run["cellen"], "map": run["map"], "engine_en_schrijven_s": run["seconden"]}


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()}")


def render(r: dict, command: str) -> str:
    rows = []
    for key, label in (("half", "half land (6 noordelijke provincies)"),
                       ("land", "heel land, 2 cores (lokale workers)"),
                       ("dask", f"heel land, Dask-cluster ({r['dask']['workers']} workers)")):
        x = r[key]
        rows.append(f"| {label} | {x['cellen']:,} | {x['wall_s']:.0f} | {x['cpu_s']:.0f} | "
                    f"{x['piek_rss_mb']:.0f} | {x['piek_anon_mb']:.0f} | "
                    f"{x.get('piek_werk_mb', 0):.0f} | {x['uitvoer_mb']:.0f} | "
                    f"{x['load_voor'][0]:.1f} / {x['load_na'][0]:.1f} |")
    same = r["gelijk"]
    verdict = ("ja: alle " f"{same['cogs']} COGs en {same['lagen']} objectlagen gelijk"
               if not same["verschillend"] else f"NEE: {same['verschillend']}")
    v = r["verhouding"]
    return "\n".join([
        f"# Landelijke run: half land, heel land, Dask-cluster ({r['celgrootte']:g} m)", "",
        f"Machine: {r['machine']}; gedeeld met andere processen (load in de tabel). "
        "Synthetische demodata (`kaart demo --land`), standaard indicatorenset.", "",
        "| run | cellen in gebied | wall (s) | CPU (s) | piek RSS (MB) | piek anoniem (MB) | "
        "werkarrays op schijf (MB) | uitvoer (MB) | load voor / na |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|", *rows, "",
        f"t(heel)/t(half): wall {v['wall']:.2f}, CPU {v['cpu']:.2f} bij {v['cellen']:.2f}× "
        f"de cellen; per 2× de cellen: wall {v['wall_per_2x']:.2f}, CPU {v['cpu_per_2x']:.2f}.",
        "",
        f"Uitkomst Dask gelijk aan 2 cores: {verdict}.", "",
        f"Command: `{command}`", ""])


if __name__ == "__main__":
    main()
