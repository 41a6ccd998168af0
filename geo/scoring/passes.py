"""The engine's passes over windows (see :mod:`geo.scoring.engine` for the overview)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from rasterio.windows import Window

from geo.errors import InvalidRequestError
from geo.scoring import classify as cls
from geo.scoring import combine as comb
from geo.scoring.config import GelegenheidConfig
from geo.scoring.engine import TOTAL, GelegenheidResult, IndicatorInfo, ThemeResult
from geo.scoring.grid import Grid
from geo.scoring.normalize import NormStats, fit_stats, normalize
from geo.scoring.windows import Plan, Source, build_plan, clip_sources, window_task


class _Arrays:
    """Allocates region-sized arrays in memory or as ``.npy`` memmaps under ``workdir``."""

    def __init__(self, workdir: Path | None) -> None:
        self.workdir = Path(workdir) if workdir is not None else None
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)

    def new(self, name: str, shape: tuple[int, ...], dtype: Any, fill: Any) -> np.ndarray:
        if self.workdir is None:
            return np.full(shape, fill, dtype)
        array = np.lib.format.open_memmap(self.workdir / f"{name}.npy", mode="w+",
                                          dtype=dtype, shape=shape)
        array[...] = fill
        return array


def _slices(win: Window) -> tuple[slice, slice]:
    return (slice(win.row_off, win.row_off + win.height),
            slice(win.col_off, win.col_off + win.width))


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
           wins: list[Window], client: Any) -> Iterator[tuple[Window, tuple]]:
    """(window, (raw, domains, stats)) for every window with area cells."""
    jobs = [(w, grid.window_grid(w), mask[_slices(w)]) for w in wins]
    jobs = [job for job in jobs if job[2].any()]
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


def run_passes(config: GelegenheidConfig, layers: dict[str, gpd.GeoDataFrame], grid: Grid,
               mask: np.ndarray, *, window: int = 512, client: Any = None,
               workdir: Path | None = None, progress: Any = None) -> GelegenheidResult:
    """Implementation of :func:`geo.scoring.engine.compute_gelegenheid`."""
    mask = np.asarray(mask, bool)
    if mask.shape != grid.shape:
        raise InvalidRequestError(
            f"Het gebiedsmasker heeft vorm {mask.shape}, het grid {grid.shape}.")
    if int(window) < 1:
        raise InvalidRequestError(f"Venstergrootte {window} moet minstens 1 cel zijn.")
    plan, sources = build_plan(config, layers, grid.cellsize)
    arrays = _Arrays(workdir)
    n, themes = len(plan.indicators), [d.thema for d in plan.domains]
    rows, cols = grid.shape
    wins = list(grid.windows(int(window)))
    steps, done = 3 * len(wins), 0

    def tick(description: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps, description)

    # pass 1: raw indicators and domains per window
    raw = arrays.new("ruw", (n, rows, cols), np.float32, np.nan)
    domain = arrays.new("domein", (len(themes), rows, cols), np.bool_, False)
    reduced = np.zeros((n, 3))
    reduced[:, 0], reduced[:, 1] = np.inf, -np.inf
    finished = 0
    for win, (r, d, s) in _pass1(plan, sources, grid, mask, wins, client):
        sl = _slices(win)
        raw[(slice(None), *sl)] = r
        domain[(slice(None), *sl)] = d
        reduced[:, 0] = np.minimum(reduced[:, 0], s[:, 0])
        reduced[:, 1] = np.maximum(reduced[:, 1], s[:, 1])
        reduced[:, 2] += s[:, 2]
        finished += 1
        tick("Indicatoren berekenen")
    for _ in range(len(wins) - finished):
        tick("Indicatoren berekenen")

    # pass 2: normalisation statistics over each theme's domain in the whole area
    theme_of = {t: i for i, t in enumerate(themes)}
    stats: list[NormStats] = []
    for band, item in enumerate(plan.indicators):
        norm_cfg = item.spec.normalisatie
        ordered = None
        if norm_cfg.methode == "percentiel":
            ordered = np.sort(_domain_values(raw, band, domain, theme_of[item.thema], wins))
        stats.append(fit_stats(norm_cfg.methode, *reduced[band, :2], int(reduced[band, 2]),
                               ordered, (norm_cfg.min, norm_cfg.max)))

    # pass 3: normalise, combine per theme and overall
    norm = arrays.new("norm", (n, rows, cols), np.float32, np.nan)
    scores = arrays.new("score", (len(themes) + 1, rows, cols), np.float32, np.nan)
    bands = {t: [b for b, it in enumerate(plan.indicators) if it.thema == t] for t in themes}
    specs = {t: [plan.indicators[b].spec for b in bands[t]] for t in themes}
    for win in wins:
        sl = _slices(win)
        wmask = mask[sl]
        if wmask.any():
            for band in range(n):
                norm[(band, *sl)] = normalize(raw[(band, *sl)], stats[band])
            for t, thema in enumerate(themes):
                theme = config.themas[thema]
                value = comb.combine(norm[(bands[thema], *sl)], [s.gewicht for s in specs[thema]],
                                     [s.richting for s in specs[thema]], theme.combinatie,
                                     theme.intercept)
                value = np.where(domain[(t, *sl)], value, 0.0)
                scores[(t, *sl)] = np.where(wmask, value, np.nan)
            total = comb.combine_total(scores[(slice(0, len(themes)), *sl)],
                                       [config.theme_weight(t) for t in themes],
                                       config.totaal.combinatie)
            scores[(len(themes), *sl)] = np.where(wmask, total, np.nan)
        tick("Scores combineren")
    for s in stats:
        s.sorted_values = None

    # pass 4: class breaks within each domain, classes
    klasse = arrays.new("klasse", (len(themes) + 1, rows, cols), np.uint8, 0)
    breaks = []
    for t, thema in enumerate([*themes, TOTAL]):
        method = config.klassen_for(thema)
        if method.methode == "vaste_grenzen":
            breaks.append([float(b) for b in method.grenzen])
        else:
            in_domain = (domain.any(axis=0) if thema == TOTAL else domain[t])
            breaks.append(cls.quantile_breaks(_masked_values(scores[t], in_domain, wins)))
    for win in wins:
        sl = _slices(win)
        for t in range(len(themes) + 1):
            klasse[(t, *sl)] = cls.classify(scores[(t, *sl)], breaks[t])
        tick("Klassen indelen")

    results = {}
    for t, thema in enumerate(themes):
        theme = config.themas[thema]
        infos = [IndicatorInfo(
            name=s.naam, label=s.label, rationale=s.toelichting, kind=s.soort,
            weight=float(s.gewicht), direction=s.richting, params=s.params(),
            normalisation=s.normalisatie.model_dump(exclude_none=True)) for s in specs[thema]]
        results[thema] = ThemeResult(
            thema=thema, label=theme.label, score=scores[t], klasse=klasse[t], breaks=breaks[t],
            indicators=infos, raw=_view(raw, bands[thema]), norm=_view(norm, bands[thema]),
            domain=domain[t], combination=theme.combinatie, intercept=float(theme.intercept),
            stats=[stats[b].to_dict() for b in bands[thema]])
    total_infos = [IndicatorInfo(
        name=thema, label=config.themas[thema].label,
        rationale=f"Score van het thema {config.themas[thema].label.lower()}.", kind="thema",
        weight=config.theme_weight(thema), normalisation={"methode": "geen"}) for thema in themes]
    total = ThemeResult(
        thema=TOTAL, label=config.totaal.label, score=scores[len(themes)],
        klasse=klasse[len(themes)], breaks=breaks[len(themes)], indicators=total_infos,
        raw=scores[: len(themes)], norm=scores[: len(themes)], domain=domain.any(axis=0),
        combination=config.totaal.combinatie, intercept=0.0,
        stats=[{"methode": "geen", "n": int(domain[t].sum())} for t in range(len(themes))])
    return GelegenheidResult(themes=results, total=total, grid=grid, mask=mask)


def _view(array: np.ndarray, bands: list[int]) -> np.ndarray:
    """Bands of a memmap without copying (bands of one theme are contiguous)."""
    if not bands:
        return array[0:0]
    return array[bands[0]: bands[-1] + 1]


def _domain_values(raw: np.ndarray, band: int, domain: np.ndarray, theme: int,
                   wins: list[Window]) -> np.ndarray:
    parts = []
    for win in wins:
        sl = _slices(win)
        values = raw[(band, *sl)][domain[(theme, *sl)]]
        parts.append(values[np.isfinite(values)])
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _masked_values(score: np.ndarray, where: np.ndarray, wins: list[Window]) -> np.ndarray:
    parts = [score[_slices(w)][where[_slices(w)]] for w in wins]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
