"""The engine's passes over windows (see :mod:`geo.scoring.engine` for the overview).

:func:`run_passes` runs one function per pass on a :class:`_Run` that holds the
region-sized arrays: indicators (1), normalisation statistics (2), scores (3), classes (4).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from rasterio.windows import Window

from geo.errors import InvalidRequestError
from geo.scoring import classify as cls
from geo.scoring import combine as comb
from geo.scoring.config import GelegenheidConfig
from geo.scoring.grid import Grid
from geo.scoring.normalise import NormalisedView, NormStats, fit_stats, normalise
from geo.scoring.parallel import local_workers, run_local_pool, store_window, window_slices
from geo.scoring.results import (
    TOTAL,
    GelegenheidResult,
    IndicatorInfo,
    ProgressCallback,
    ThemeResult,
)
from geo.scoring.tiled import TiledArray
from geo.scoring.windows import (
    UNKNOWN_SKIPPED,
    Plan,
    Source,
    build_plan,
    clip_sources,
    window_task,
)
from geo.threads import in_threads


class _Arrays:
    """Allocates region-sized arrays in memory, or under ``workdir`` as tiled ``.npy``
    files with a tile per window that holds area cells (:mod:`geo.scoring.tiled`).

    In memory an array is filled with ``fill`` everywhere; a tiled array reads ``fill``
    outside its tiles, takes disk and page cache for the area's windows only (the country:
    303 of 525 windows) and is written one contiguous tile per band and window.
    """

    def __init__(self, workdir: Path | None, covered: list[tuple[slice, slice]] | None = None,
                 tile: int = 512) -> None:
        self.workdir = Path(workdir) if workdir is not None else None
        self.covered, self.tile = list(covered or []), int(tile)
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)

    def keep(self, name: str, values: np.ndarray) -> np.ndarray:
        """``values`` to keep for the rest of the run: as they are in memory, or under
        ``workdir`` written to ``name.npy`` and read back memory-mapped (the sorted domain
        values of a percentile indicator grow with the area: 130 MB each for the country)."""
        if self.workdir is None or values.size == 0:
            return values
        path = self.workdir / f"{name}.npy"
        np.save(path, values)
        return np.load(path, mmap_mode="r")

    def new(self, name: str, shape: tuple[int, ...], dtype: Any, fill: Any) -> Any:
        if self.workdir is None:
            return np.full(shape, fill, dtype)
        return TiledArray.create(self.workdir / f"{name}.npy", shape[0], shape[1:], dtype,
                                 fill, self.covered, self.tile)


def relax_malloc() -> bool:
    """Let glibc keep freed memory in a Dask worker (returns whether it applied).

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off
    glibc's adaptive mmap threshold: every window-sized array is then mapped and unmapped
    afresh and a window task runs about twice as slowly as in-process. Raising the trim
    and mmap thresholds restores normal speed; memory stays bounded by the window size.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_mmap_threshold, 32 << 20)
                    and libc.mallopt(m_trim_threshold, 256 << 20))
    except (OSError, AttributeError):
        return False


def _pass1(plan: Plan, sources: dict[str, Source], grid: Grid, mask: np.ndarray,
           wins: list[Window], client: Any, workers: int | None = None,
           files: tuple[str, str, str] | None = None) -> Iterator[tuple[Window, tuple]]:
    """(window, (raw, domains, stats, status)) for every window with area cells; raw,
    domains and status are None when a local worker wrote them into ``files``."""
    jobs = [(w, grid.window_grid(w), mask[window_slices(w)]) for w in wins]
    jobs = [job for job in jobs if job[2].any()]
    local = local_workers(workers, grid.height * grid.width, len(jobs))
    if client is None and local > 1:
        yield from run_local_pool(plan, sources, grid, jobs, local, files)
        return
    if client is None:
        for win, wgrid, wmask in jobs:
            yield win, window_task(plan, clip_sources(sources, plan, grid, win), wgrid, wmask)
        return
    from dask.distributed import as_completed

    client.run(relax_malloc)
    plan_future = client.scatter(plan, broadcast=True)
    futures, where = [], {}
    for win, wgrid, wmask in jobs:
        future = client.submit(window_task, plan_future, clip_sources(sources, plan, grid, win),
                               wgrid, wmask, pure=False)
        futures.append(future)
        where[future.key] = win
    for future, result in as_completed(futures, with_results=True):
        yield where[future.key], result
        future.release()


class _Progress:
    """Counts finished steps (one per window per pass) and reports them."""

    def __init__(self, steps: int, callback: ProgressCallback | None) -> None:
        self.steps, self.done, self.callback = steps, 0, callback

    def tick(self, description: str, count: int = 1) -> None:
        for _ in range(count):
            self.done += 1
            if self.callback is not None:
                self.callback(self.done, self.steps, description)


@dataclass
class _Run:
    """One computation: inputs, windows and the region-sized arrays the passes fill."""

    config: GelegenheidConfig
    plan: Plan
    grid: Grid
    mask: np.ndarray
    wins: list[Window]
    arrays: _Arrays
    progress: _Progress
    themes: list[str]
    bands: dict[str, list[int]]
    raw: np.ndarray
    domain: np.ndarray
    status: np.ndarray
    norm: np.ndarray | None = None
    completeness: np.ndarray | None = None
    scores: np.ndarray | None = None
    klasse: np.ndarray | None = None
    threads: int = 1

    def each_window(self, work: Any, description: str) -> None:
        """``work(window)`` for every window, on ``threads`` threads (numpy releases the
        GIL; windows write disjoint slices, so the result does not depend on it)."""
        for _ in in_threads(work, self.wins, self.threads):
            self.progress.tick(description)

    @property
    def specs(self) -> dict[str, list[Any]]:
        """Indicator specs per theme, in band order."""
        return {t: [self.plan.indicators[b].spec for b in self.bands[t]] for t in self.themes}


def run_passes(config: GelegenheidConfig, layers: dict[str, gpd.GeoDataFrame], grid: Grid,
               mask: np.ndarray, *, window: int = 512, client: Any = None,
               workdir: Path | None = None, workers: int | None = None,
               progress: ProgressCallback | None = None) -> GelegenheidResult:
    """Implementation of :func:`geo.scoring.engine.compute_gelegenheid`."""
    mask = np.asarray(mask, bool)
    if mask.shape != grid.shape:
        raise InvalidRequestError(
            f"Het gebiedsmasker heeft vorm {mask.shape}, het grid {grid.shape}.")
    if int(window) < 1:
        raise InvalidRequestError(f"Venstergrootte {window} moet minstens 1 cel zijn.")
    plan, sources = build_plan(config, layers, grid.cellsize)
    wins = list(grid.windows(int(window)))
    covered = [sl for sl in map(window_slices, wins) if mask[sl].any()]
    run = _start(config, plan, grid, mask, wins, _Arrays(workdir, covered, int(window)),
                 progress)
    run.threads = local_workers(workers, grid.height * grid.width, len(covered))
    reduced = _pass_indicators(run, sources, client, workers)
    stats = _pass_statistics(run, reduced)
    _pass_scores(run, stats)
    if run.norm is not None:  # stored: the sorted values are no longer needed
        for s in stats:
            s.sorted_values = None
    breaks = _pass_classes(run)
    return _results(run, stats, breaks)


def _start(config: GelegenheidConfig, plan: Plan, grid: Grid, mask: np.ndarray,
           wins: list[Window], arrays: _Arrays, progress: ProgressCallback | None) -> _Run:
    themes = [d.thema for d in plan.domains]
    rows, cols = grid.shape
    return _Run(
        config=config, plan=plan, grid=grid, mask=mask, wins=wins, arrays=arrays,
        progress=_Progress(3 * len(wins), progress), themes=themes,
        bands={t: [b for b, it in enumerate(plan.indicators) if it.thema == t] for t in themes},
        raw=arrays.new("ruw", (len(plan.indicators), rows, cols), np.float32, np.nan),
        domain=arrays.new("domein", (len(themes), rows, cols), np.bool_, False),
        status=arrays.new("onbekend", (len(plan.indicators), rows, cols), np.uint8, 0))


def _pass_indicators(run: _Run, sources: dict[str, Source], client: Any,
                     workers: int | None = None) -> np.ndarray:
    """Pass 1: raw indicators and domains per window; returns per band (min, max, count)."""
    reduced = np.zeros((len(run.plan.indicators), 3))
    reduced[:, 0], reduced[:, 1] = np.inf, -np.inf
    finished = 0
    arrays = (run.raw, run.domain, run.status)
    files = (tuple(str(a.path) for a in arrays)
             if all(isinstance(a, TiledArray) and a.path for a in arrays) else None)
    for win, (r, d, s, u) in _pass1(run.plan, sources, run.grid, run.mask, run.wins, client,
                                    workers, files):
        if r is not None:  # else a local worker wrote them into the tiles
            rows, cols = window_slices(win)
            store_window(run.raw, r, rows, cols)
            store_window(run.domain, d, rows, cols, skip_zero=True)
            store_window(run.status, u, rows, cols, skip_zero=True)
        reduced[:, 0] = np.minimum(reduced[:, 0], s[:, 0])
        reduced[:, 1] = np.maximum(reduced[:, 1], s[:, 1])
        reduced[:, 2] += s[:, 2]
        finished += 1
        run.progress.tick("Indicatoren berekenen")
    run.progress.tick("Indicatoren berekenen", len(run.wins) - finished)  # windows outside
    return reduced


def _pass_statistics(run: _Run, reduced: np.ndarray) -> list[NormStats]:
    """Pass 2: normalisation statistics over each theme's domain in the whole area."""
    theme_of = {t: i for i, t in enumerate(run.themes)}
    stats: list[NormStats] = []
    for band, item in enumerate(run.plan.indicators):
        norm_cfg = item.spec.normalisatie
        ordered = None
        if norm_cfg.methode == "percentiel":
            ordered = run.arrays.keep(f"rangorde_{band}", np.sort(_domain_values(
                run.raw, band, run.domain, theme_of[item.thema], run.wins)))
        stats.append(fit_stats(norm_cfg.methode, *reduced[band, :2], int(reduced[band, 2]),
                               ordered, (norm_cfg.min, norm_cfg.max)))
    return stats


def _pass_scores(run: _Run, stats: list[NormStats]) -> None:
    """Pass 3: normalise, combine per theme and into the overall score, per window. The
    normalised values are kept only in memory; with a work directory they are not stored
    (:class:`geo.scoring.normalise.NormalisedView` recomputes them where they are read)."""
    rows, cols = run.grid.shape
    n, k = len(run.plan.indicators), len(run.themes)
    if run.arrays.workdir is None:
        run.norm = run.arrays.new("norm", (n, rows, cols), np.float32, np.nan)
    run.scores = run.arrays.new("score", (k + 1, rows, cols), np.float32, np.nan)
    run.completeness = run.arrays.new("volledigheid", (k + 1, rows, cols), np.float32, np.nan)
    specs = run.specs

    def score_window(win: Window) -> None:
        sl = window_slices(win)
        wmask = run.mask[sl]
        if wmask.any():
            norm = np.stack([normalise(run.raw[(band, *sl)], stats[band]) for band in range(n)])
            if run.norm is not None:
                run.norm[(slice(None), *sl)] = norm
            for t, thema in enumerate(run.themes):
                _score_theme(run, t, thema, specs[thema], sl, wmask, norm[run.bands[thema]])
            _total_completeness(run, sl, wmask)
            total = comb.combine_total(run.scores[(slice(0, k), *sl)],
                                       [run.config.theme_weight(t) for t in run.themes],
                                       run.config.totaal.combinatie)
            run.scores[(k, *sl)] = np.where(wmask, total, np.nan)

    run.each_window(score_window, "Scores combineren")


def _score_theme(run: _Run, t: int, thema: str, specs: list[Any], sl: tuple[slice, slice],
                 wmask: np.ndarray, norm: np.ndarray) -> None:
    """One theme's score and completeness in one window (unknown values left out)."""
    theme = run.config.themas[thema]
    weights = [s.gewicht for s in specs]
    status = run.status[(run.bands[thema], *sl)]
    value = comb.combine(norm, weights, [s.richting for s in specs], theme.combinatie,
                         theme.intercept, skip=status == UNKNOWN_SKIPPED)
    in_domain = run.domain[(t, *sl)]
    value = np.where(in_domain, value, 0.0)
    run.scores[(t, *sl)] = np.where(wmask, value, np.nan)
    known = np.where(in_domain, comb.completeness(weights, status), 1.0)
    run.completeness[(t, *sl)] = np.where(wmask, known, np.nan)


def _total_completeness(run: _Run, sl: tuple[slice, slice], wmask: np.ndarray) -> None:
    """Overall completeness: the mean over the themes whose domain holds the cell (1 in
    cells outside every domain: their score 0 rests on nothing unknown)."""
    k = len(run.themes)
    domain = run.domain[(slice(0, k), *sl)]
    known = np.where(domain, run.completeness[(slice(0, k), *sl)], 0.0).sum(axis=0)
    count = domain.sum(axis=0)
    value = np.where(count > 0, known / np.maximum(count, 1), 1.0)
    run.completeness[(k, *sl)] = np.where(wmask, value, np.nan)


def _pass_classes(run: _Run) -> list[list[float]]:
    """Pass 4: class breaks within each domain (or fixed), then classes per window."""
    rows, cols = run.grid.shape
    layers = [*run.themes, TOTAL]
    run.klasse = run.arrays.new("klasse", (len(layers), rows, cols), np.uint8, 0)
    breaks = []
    for t, thema in enumerate(layers):
        method = run.config.klassen_for(thema)
        if method.methode == "vaste_grenzen":
            breaks.append([float(b) for b in method.grenzen])
        else:
            in_domain = run.domain.any(axis=0) if thema == TOTAL else run.domain[t]
            breaks.append(cls.quantile_breaks(_masked_values(run.scores[t], in_domain, run.wins)))
    def classify_window(win: Window) -> None:
        sl = window_slices(win)
        if not run.mask[sl].any():  # class 0 outside the area (no tile there)
            return
        for t in range(len(layers)):
            run.klasse[(t, *sl)] = cls.classify(run.scores[(t, *sl)], breaks[t])

    run.each_window(classify_window, "Klassen indelen")
    return breaks


def _results(run: _Run, stats: list[NormStats], breaks: list[list[float]]) -> GelegenheidResult:
    """Wrap the filled arrays as one :class:`ThemeResult` per theme plus the total."""
    themes = {thema: _theme_result(run, t, thema, stats, breaks[t])
              for t, thema in enumerate(run.themes)}
    return GelegenheidResult(themes=themes, total=_total_result(run, breaks[-1]),
                             grid=run.grid, mask=run.mask, skipped=dict(run.plan.skipped))


def _theme_result(run: _Run, t: int, thema: str, stats: list[NormStats],
                  breaks: list[float]) -> ThemeResult:
    theme, bands = run.config.themas[thema], run.bands[thema]
    infos = [IndicatorInfo(
        name=s.naam, label=s.label, rationale=s.toelichting, kind=s.soort,
        weight=float(s.gewicht), direction=s.richting, params=s.params(),
        normalisation=s.normalisatie.model_dump(exclude_none=True)) for s in run.specs[thema]]
    return ThemeResult(
        thema=thema, label=theme.label, score=run.scores[t], klasse=run.klasse[t],
        breaks=breaks, indicators=infos, raw=_view(run.raw, bands),
        norm=(_view(run.norm, bands) if run.norm is not None else
              NormalisedView(_view(run.raw, bands), [stats[b] for b in bands])),
        domain=run.domain[t], combination=theme.combinatie,
        intercept=float(theme.intercept), stats=[stats[b].to_dict() for b in bands],
        status=_view(run.status, bands), completeness=run.completeness[t],
        disabled=list(run.plan.disabled.get(thema, [])))


def _total_result(run: _Run, breaks: list[float]) -> ThemeResult:
    config, k = run.config, len(run.themes)
    infos = [IndicatorInfo(
        name=thema, label=config.themas[thema].label,
        rationale=f"Score van het thema {config.themas[thema].label.lower()}.", kind="thema",
        weight=config.theme_weight(thema), normalisation={"methode": "geen"})
        for thema in run.themes]
    return ThemeResult(
        thema=TOTAL, label=config.totaal.label, score=run.scores[k], klasse=run.klasse[k],
        breaks=breaks, indicators=infos, raw=run.scores[:k], norm=run.scores[:k],
        domain=run.domain.any(axis=0), combination=config.totaal.combinatie, intercept=0.0,
        stats=[{"methode": "geen", "n": int(run.domain[t].sum())} for t in range(k)],
        completeness=run.completeness[k])


def _view(array: np.ndarray, bands: list[int]) -> np.ndarray:
    """Bands of an array without copying (bands of one theme are contiguous)."""
    if not bands:
        return array[0:0]
    return array[bands[0]: bands[-1] + 1]


def _domain_values(raw: np.ndarray, band: int, domain: np.ndarray, theme: int,
                   wins: list[Window]) -> np.ndarray:
    parts = []
    for win in wins:
        sl = window_slices(win)
        values = raw[(band, *sl)][domain[(theme, *sl)]]
        parts.append(values[np.isfinite(values)])
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _masked_values(score: np.ndarray, where: np.ndarray, wins: list[Window]) -> np.ndarray:
    parts = [score[window_slices(w)][where[window_slices(w)]] for w in wins]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
