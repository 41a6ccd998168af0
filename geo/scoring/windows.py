"""Pass 1 of the engine: raw indicators and theme domains for one window.

The main process turns the configuration into a :class:`Plan`: every (layer, filter,
value column) combination becomes one *source* — an array of geometries plus numeric
values (no pandas in the hot path), filtered and converted once (and checked, so
bad columns fail before any heavy work). A window task gets the sources clipped to the
window plus the largest halo any indicator of that source needs (spatial index query),
rasterises each source once per halo size, and returns float32/bool arrays. The task is
a plain function of picklable arguments, so the same code runs in-process or on Dask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from rasterio.windows import Window
from shapely import box

from geo.errors import ConfigError
from geo.scoring import indicators as ind
from geo.scoring.availability import check_availability
from geo.scoring.config import GelegenheidConfig
from geo.scoring.grid import Grid


@dataclass
class Source:
    """Filtered features of one (layer, filter, column): geometries and numeric values."""

    geoms: np.ndarray
    values: np.ndarray | None = None
    tree: Any = field(default=None, repr=False, compare=False)

    def subset(self, index: np.ndarray) -> Source:
        """The features at ``index`` (without the spatial index, so it pickles cheaply)."""
        values = None if self.values is None else self.values[index]
        return Source(self.geoms[index], values)


@dataclass(frozen=True)
class Item:
    """One raster to compute: an indicator (``kind`` = its soort) or a domain."""

    thema: str
    kind: str
    source: str | None
    pad: int
    spec: Any


@dataclass
class Plan:
    """Everything a window task needs besides the features."""

    cellsize: float
    indicators: list[Item] = field(default_factory=list)
    domains: list[Item] = field(default_factory=list)
    source_pad: dict[str, int] = field(default_factory=dict)
    disabled: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)


def _key(layer: str, where: dict[str, Any], column: str | None = None) -> str:
    return json.dumps([layer, where, column], sort_keys=True, default=str)


def build_plan(config: GelegenheidConfig, layers: dict[str, gpd.GeoDataFrame],
               cellsize: float) -> tuple[Plan, dict[str, Source]]:
    """Validate layers/columns against the configuration and prepare the sources.

    An indicator whose layer is missing is switched off and a theme whose domain layer is
    missing is skipped, with Dutch notices (:mod:`geo.scoring.availability`).

    Raises
    ------
    ConfigError
        A filter column or attribute column that does not exist (names the configuration
        file, line and key), or no theme left to compute.
    """
    available = check_availability(config, layers)
    plan = Plan(cellsize=cellsize, disabled=available.disabled, skipped=available.skipped)
    sources: dict[str, Source] = {}

    def source(layer: str, where: dict[str, Any], path: tuple[Any, ...],
               column: str | None = None, waarden: dict[str, float] | None = None,
               weight_column: bool = False) -> str:
        context = config.where(*path)
        if layer not in layers:
            raise ConfigError(
                f"{context}: laag '{layer}' ontbreekt in de invoer "
                f"(aanwezig: {', '.join(sorted(layers)) or 'geen'}).", laag=layer,
            )
        key = _key(layer, where, column)
        if key not in sources:
            frame = ind.select_features(layers[layer], where, layer=layer, context=context)
            values = None
            if column is not None:
                values = ind.attribute_values(frame, column, layer=layer, context=context,
                                              waarden=None if weight_column else waarden)
            geoms = frame.geometry.to_numpy()
            sources[key] = Source(geoms, values, shapely.STRtree(geoms))
        return key

    for thema, theme in config.themas.items():
        if thema in plan.skipped:
            continue
        base = ("themas", thema)
        dom = theme.domein
        key = None if dom.modus == "gebied" else source(dom.laag, dom.filter, base + ("domein",))
        pad = ind.pad_cells(dom.afstand, cellsize)
        plan.domains.append(Item(thema, dom.modus, key, pad, dom))
        for i, spec in enumerate(theme.indicatoren):
            path = base + ("indicatoren", i)
            if not available.indicator_available(thema, spec.naam):
                continue
            if spec.soort == "attribuut":
                key = source(spec.laag, spec.filter, path, spec.kolom, spec.waarden)
            elif spec.soort == "dichtheid" and spec.gewicht_kolom:
                key = source(spec.laag, spec.filter, path, spec.gewicht_kolom, weight_column=True)
            else:
                key = source(spec.laag, spec.filter, path)
            pad = ind.pad_cells(spec.reach, cellsize)
            plan.indicators.append(Item(thema, spec.soort, key, pad, spec))
    for item in plan.indicators + plan.domains:
        if item.source is not None:
            plan.source_pad[item.source] = max(plan.source_pad.get(item.source, 0), item.pad)
    return plan, sources


def clip_sources(sources: dict[str, Source], plan: Plan, grid: Grid,
                 window: Window) -> dict[str, Source]:
    """The features of every source that can influence ``window`` (spatial index query)."""
    out = {}
    wgrid = grid.window_grid(window)
    for key, source in sources.items():
        xmin, ymin, xmax, ymax = ind.padded(wgrid, plan.source_pad.get(key, 0)).bounds
        hits = source.tree.query(box(xmin, ymin, xmax, ymax), predicate="intersects")
        out[key] = source.subset(np.sort(hits))
    return out


UNKNOWN_SKIPPED, UNKNOWN_IMPUTED = 1, 2
"""Values of the per-indicator status raster: 0 known (or not applicable), 1 unknown and
left out of the score (``onbekend: overslaan``), 2 unknown and imputed."""


def compute_window(plan: Plan, sources: dict[str, Source], grid: Grid,
                   mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw indicators ``(n, rows, cols)`` float32, domains ``(themes, rows, cols)`` bool and
    the unknown status ``(n, rows, cols)`` uint8 (:data:`UNKNOWN_SKIPPED`, ...).

    ``grid`` is the window's grid and ``mask`` the area mask of the window; raw values
    are NaN outside the area.
    """
    cache: dict[tuple[Any, ...], Any] = {}

    def fmask(key: str, pad: int, all_touched: bool) -> np.ndarray:
        k = ("mask", key, pad, all_touched)
        if k not in cache:
            cache[k] = ind.feature_mask(sources[key].geoms, ind.padded(grid, pad),
                                        all_touched=all_touched)
        return cache[k]

    def dist(key: str, pad: int, all_touched: bool = True) -> np.ndarray:
        k = ("dist", key, pad, all_touched)
        if k not in cache:
            # only the band the indicator reads: farther than the halo counts as beyond reach
            cap = pad * grid.cellsize if pad else None
            cache[k] = ind.crop(ind.distance(fmask(key, pad, all_touched), grid.cellsize,
                                             max_distance=cap), pad)
        return cache[k]

    raw = np.full((len(plan.indicators), *grid.shape), np.nan, np.float32)
    status = np.zeros((len(plan.indicators), *grid.shape), np.uint8)
    if mask.any():
        for band, item in enumerate(plan.indicators):
            if item.kind == "attribuut":
                raw[band], status[band] = _attribute(item, sources[item.source], grid)
            else:
                raw[band] = _indicator(item, sources, grid, dist)
        raw[:, ~mask] = np.nan
        status[:, ~mask] = 0
    domains = np.zeros((len(plan.domains), *grid.shape), bool)
    for band, item in enumerate(plan.domains):
        spec = item.spec
        if item.kind == "gebied":
            domains[band] = True
        elif item.kind == "buiten":
            domains[band] = ~ind.crop(fmask(item.source, item.pad, False), item.pad)
        elif item.kind == "binnen" and spec.afstand == 0:
            domains[band] = ind.crop(fmask(item.source, item.pad, False), item.pad)
        else:
            domains[band] = dist(item.source, item.pad, item.kind == "nabij") <= spec.afstand
    domains &= mask
    return raw, domains, status


def _attribute(item: Item, source: Source, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """An attribute indicator and its unknown status (imputed values filled in)."""
    spec, pad = item.spec, item.pad
    values, unknown = ind.attribute_known(source.geoms, source.values, ind.padded(grid, pad),
                                          spec.afstand, spec.ontbrekend)
    values, unknown = ind.crop(values, pad), ind.crop(unknown, pad)
    if spec.onbekend == "overslaan":
        return values, unknown.astype(np.uint8) * UNKNOWN_SKIPPED
    values = np.where(unknown, np.float32(spec.onbekend.waarde), values).astype(np.float32)
    return values, unknown.astype(np.uint8) * UNKNOWN_IMPUTED


def _indicator(item: Item, sources: dict[str, Source], grid: Grid, dist) -> np.ndarray:
    spec, source, pad = item.spec, sources[item.source], item.pad
    if item.kind == "dekking":
        return ind.coverage(source.geoms, grid, spec.supersampling)
    if item.kind == "nabijheid":
        return ind.decay(dist(item.source, pad), spec.afstand, spec.verval, spec.schaal)
    if item.kind == "afstand":
        return np.minimum(dist(item.source, pad), spec.max_afstand).astype(np.float32)
    big = ind.padded(grid, pad)
    if item.kind == "dichtheid":
        weights = None if source.values is None else np.nan_to_num(source.values, nan=0.0)
        return ind.crop(ind.density(source.geoms, big, spec.bandbreedte, weights), pad)
    raise ConfigError(f"Onbekende indicatorsoort '{item.kind}'.")  # pragma: no cover


def window_task(plan: Plan, sources: dict[str, Source], grid: Grid,
                mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`compute_window` plus per-indicator ``[min, max, count]`` over domain cells:
    ``(raw, domains, stats, status)``."""
    raw, domains, status = compute_window(plan, sources, grid, mask)
    theme_index = {item.thema: i for i, item in enumerate(plan.domains)}
    stats = np.zeros((len(plan.indicators), 3))
    stats[:, 0], stats[:, 1] = np.inf, -np.inf
    for band, item in enumerate(plan.indicators):
        values = raw[band][domains[theme_index[item.thema]]]
        values = values[np.isfinite(values)]
        if values.size:
            stats[band] = values.min(), values.max(), values.size
    return raw, domains, stats, status
