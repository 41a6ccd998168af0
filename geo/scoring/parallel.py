"""How the engine spreads pass 1 over the windows on this machine: window size, local workers.

Window size. The engine keeps 512-cell windows: measured on Limburg at 25 m (401-cell
halo), 2048-cell windows cost the same CPU time (the distance transforms already work on
the influence band of the features only) and more wall time (larger temporaries). See
BENCHMARKS.md, "Landelijke run".

Local workers. Above :data:`LOCAL_POOL_CELLS` grid cells the windows of pass 1 run in a
pool of worker processes (one per available core), each a plain call of
:func:`geo.scoring.windows.window_task` on the features clipped to its window: the same
function the Dask path runs, so results are bit-identical to the serial run (the
reductions over windows are min, max and integer counts, independent of their order).
With the same count, passes 3 and 4 (normalise/combine, classes) run their windows on as
many threads: numpy releases the GIL, and every window writes its own slices. The
writers of a large run (:mod:`geo.export.run`, :mod:`geo.export.writer`) write their
independent files on as many threads too (:func:`geo.threads.in_threads`): GDAL releases the GIL
while it reads, compresses and writes, and each file is written on its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
from rasterio.windows import Window

from geo.scoring.grid import Grid
from geo.scoring.tiled import TiledArray
from geo.scoring.windows import Plan, Source, clip_sources, window_task

LOCAL_POOL_CELLS = 4_000_000
"""Grid cells above which pass 1 uses a local process pool (when ``workers`` is not given)."""


def available_cores() -> int:
    """Cores this process may run on (the CPU affinity, e.g. a container's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def local_workers(requested: int | None, cells: int, jobs: int) -> int:
    """Worker processes for pass 1: ``requested`` (1 = serial) or, when ``None``, one per
    available core for grids above :data:`LOCAL_POOL_CELLS` cells, else 1."""
    if jobs < 2:
        return 1
    if requested is not None:
        return max(1, min(int(requested), jobs))
    if cells < LOCAL_POOL_CELLS:
        return 1
    return min(available_cores(), jobs)


def window_to_files(plan: Plan, sources: dict[str, Source], grid: Grid, mask: np.ndarray,
                    files: tuple[str, str, str], rows: slice, cols: slice) -> tuple:
    """:func:`window_task`, with raw values, domains and statuses written straight into the
    run's tiled work arrays ``files`` (:class:`geo.scoring.tiled.TiledArray`) at ``rows,
    cols`` (the windows of different workers are disjoint, each its own tiles); returns
    ``(None, None, stats, None)``."""
    raw, domains, stats, status = window_task(plan, sources, grid, mask)
    for path, values, skip_zero in zip(files, (raw, domains, status), (False, True, True),
                                       strict=True):
        target = TiledArray.open(path, "r+")
        store_window(target, values, rows, cols, skip_zero=skip_zero)
        del target
    return None, None, stats, None


def store_window(target: np.ndarray, values: np.ndarray, rows: slice, cols: slice, *,
                 skip_zero: bool = False) -> None:
    """``target[:, rows, cols] = values``. With ``skip_zero`` a band that is all 0 (False)
    in the window is not written: the target holds 0 there already (a new tiled file, or
    an array filled with 0; each window is stored once), and a tile never written takes
    neither disk nor page cache (domains and unknown-statuses are mostly 0)."""
    for band in range(values.shape[0]):
        if not skip_zero or values[band].any():
            target[band, rows, cols] = values[band]


def run_local_pool(plan: Plan, sources: dict[str, Source], grid: Grid,
                   jobs: list[tuple[Window, Grid, np.ndarray]], workers: int,
                   files: tuple[str, str, str] | None = None) -> Iterator[tuple[Window, Any]]:
    """``(window, window_task result)`` for every job, computed by ``workers`` processes.

    With ``files`` (the run's raw, domain and status memmaps) each worker writes its
    window into them (:func:`window_to_files`) and sends back only the statistics: the
    main process neither receives nor copies the country's 15 GB of window results.
    At most ``workers + 1`` windows are in flight, so memory stays bounded by the window.
    Processes are started with ``spawn`` (no fork of a process that may hold threads).
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    pending: dict[Any, Window] = {}
    queue = iter(jobs)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        while True:
            for win, wgrid, wmask in queue:
                clipped = clip_sources(sources, plan, grid, win)
                future = (pool.submit(window_task, plan, clipped, wgrid, wmask) if files is None
                          else pool.submit(window_to_files, plan, clipped, wgrid, wmask, files,
                                           *window_slices(win)))
                pending[future] = win
                if len(pending) > workers:
                    break
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()


def window_slices(win: Window) -> tuple[slice, slice]:
    """Row and column slices of ``win`` (to index region-sized arrays)."""
    return (slice(win.row_off, win.row_off + win.height),
            slice(win.col_off, win.col_off + win.width))
