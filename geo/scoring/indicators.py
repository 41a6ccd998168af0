"""Raw indicator rasters on a (window) grid: coverage, proximity, distance, density, attribute.

Every function takes the features of one layer (already filtered) and a :class:`Grid`
and returns a float32 array of ``grid.shape``. Features outside the grid still count:
callers pass a grid padded by the indicator's reach (``pad_cells``) and crop the result,
so a window gives exactly the values of the whole-area computation.

Conventions (documented for users in the README):

- distances are measured between cell centres on the raster (Euclidean distance
  transform, ``scipy.ndimage.distance_transform_edt``); a feature occupies every cell it
  touches (polygons: cells whose centre lies inside, plus all touched cells for proximity);
- proximity decays ``stap`` (1 within the distance), ``lineair`` (1 − d/afstand) or
  ``exponentieel`` (exp(−d/schaal), schaal = afstand/3 by default), 0 beyond the distance
  (risk terrain modelling, Caplan & Kennedy 2011);
- density is a quartic (biweight) kernel with finite support (the bandwidth), sampled on
  the grid and normalised to sum 1, convolved with the binned points by FFT; units are
  (weighted) objects per km²;
- attribute: the value of the containing object, else of the nearest object within
  ``afstand``; on overlap the highest value wins; no object within reach gives
  ``ontbrekend`` (default NaN = no contribution). When two objects are at exactly the
  same distance the EDT picks one; a window may then pick the other than the whole area.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from rasterio import features
from rasterio.errors import NotGeoreferencedWarning
from rasterio.windows import Window
from scipy.signal import fftconvolve

from geo.errors import ConfigError
from geo.scoring.grid import Grid
from geo.scoring.proximity import distance  # noqa: F401 - re-exported (ind.distance)

_TOUCH = 4  # sub-cells per cell side when testing whether a polygon overlaps a cell


Geoms = Any
"""Features: a GeoDataFrame, GeoSeries, list or object array of shapely geometries."""


def as_geoms(features_: Geoms) -> np.ndarray:
    """The geometries of ``features_`` as a 1-D object array (no pandas overhead)."""
    if isinstance(features_, gpd.GeoDataFrame):
        features_ = features_.geometry
    if isinstance(features_, gpd.GeoSeries):
        return features_.to_numpy()
    return np.asarray(features_, dtype=object).reshape(-1)


def _is_polygon(geoms: Any) -> np.ndarray:
    return np.isin(shapely.get_type_id(np.asarray(geoms, dtype=object)), (3, 6))


def pad_cells(reach: float, cellsize: float) -> int:
    """Halo (cells) so every feature within ``reach`` metres of a window cell is included."""
    return int(math.ceil(reach / cellsize)) + 1 if reach > 0 else 0


def padded(grid: Grid, pad: int) -> Grid:
    """``grid`` grown by ``pad`` cells on every side."""
    return grid.window_grid(Window(-pad, -pad, grid.width + 2 * pad, grid.height + 2 * pad))


def crop(array: np.ndarray, pad: int) -> np.ndarray:
    """Inverse of :func:`padded` for an array."""
    return array[pad:array.shape[0] - pad, pad:array.shape[1] - pad] if pad else array


def select_features(frame: gpd.GeoDataFrame, where: dict[str, Any], *, layer: str,
                    context: str) -> gpd.GeoDataFrame:
    """Rows matching every ``column: value`` (or ``column: [values]``) of ``where``."""
    keep = np.ones(len(frame), bool)
    for column, wanted in where.items():
        if column not in frame.columns:
            raise ConfigError(
                f"{context}: filterkolom '{column}' bestaat niet in laag '{layer}' "
                f"(kolommen: {', '.join(c for c in frame.columns if c != 'geometry')}).",
                laag=layer, kolom=column,
            )
        values = wanted if isinstance(wanted, list) else [wanted]
        keep &= frame[column].isin(values).to_numpy(dtype=bool, na_value=False)
    return frame[keep]


def to_pixels(geoms: Any, grid: Grid, factor: int = 1) -> np.ndarray:
    """Geometries in the pixel coordinates of ``grid`` (times ``factor``), computed exactly.

    ``u = x / cellsize - col0`` and ``v = row0 - y / cellsize`` with the grid's origin in
    whole cells (CBS-aligned), so the same feature has pixel coordinates that differ by
    exact integers between windows: rasterising in pixel space with an identity
    transform then burns the same cells in a window as in the whole area (GDAL's own
    inverse transform rounds differently per window origin). ``factor`` must be a
    power of two (exact scaling).
    """
    cs = grid.cellsize
    col0 = round(grid.transform.c / cs)
    row0 = round(grid.transform.f / cs)

    def convert(xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy)
        out[:, 0] = (xy[:, 0] / cs - col0) * factor
        out[:, 1] = (row0 - xy[:, 1] / cs) * factor
        return out

    return shapely.transform(np.asarray(geoms, dtype=object), convert)


def burn(geoms: Any, grid: Grid, *, all_touched: bool, factor: int = 1) -> np.ndarray:
    """Boolean raster (``grid.shape`` × ``factor``) of the cells the geometries burn."""
    shape = (grid.height * factor, grid.width * factor)
    geoms = [g for g in to_pixels(geoms, grid, factor) if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(shape, bool)
    with _pixel_space():
        return features.geometry_mask(geoms, out_shape=shape, transform=Affine.identity(),
                                      invert=True, all_touched=all_touched)


@contextmanager
def _pixel_space() -> Iterator[None]:
    """Silence rasterio's warning about the identity transform we use on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        yield


def touched_cells(geoms: Any, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells (row, col inside ``grid``) that points and lines pass through.

    Coordinates are taken in a *global* cell frame (``x / cellsize``, ``-y / cellsize``),
    lines are sampled every ¼ cell there, and only then shifted by the window's
    whole-cell origin. Every window therefore marks exactly the cells the whole area
    marks (GDAL's all-touched line burning depends on the raster origin where a line
    crosses a cell corner). A point exactly on a cell edge belongs to the cell right of /
    below it; a line clipping a cell corner by less than ~⅛ cell may miss that cell.
    Returns ``(rows, cols, feature index)``.
    """
    geoms = np.asarray(geoms, dtype=object)
    cs = grid.cellsize
    col0 = round(grid.transform.c / cs)
    row0 = round(grid.transform.f / cs)
    frame = shapely.transform(geoms, lambda xy: np.column_stack([xy[:, 0] / cs, -xy[:, 1] / cs]))
    dense = shapely.segmentize(frame, 0.25)
    coords, index = shapely.get_coordinates(dense, return_index=True)
    cols = np.floor(coords[:, 0]).astype(np.int64) - col0
    rows = np.floor(coords[:, 1]).astype(np.int64) + row0
    inside = (rows >= 0) & (rows < grid.height) & (cols >= 0) & (cols < grid.width)
    return rows[inside], cols[inside], index[inside]


def feature_mask(geoms: Geoms, grid: Grid, *, all_touched: bool = True) -> np.ndarray:
    """Boolean raster of the cells the features occupy.

    Polygons mark the cells whose centre is inside or, with ``all_touched``, every cell
    they overlap (any of its 4 × 4 sub-cell centres inside, so polygons smaller than a
    cell count too); lines and points mark the cells they pass through
    (:func:`touched_cells`).
    """
    out = np.zeros(grid.shape, bool)
    geoms = as_geoms(geoms)
    if not len(geoms):
        return out
    polygon = _is_polygon(geoms)
    if polygon.any():
        if all_touched:
            fine = burn(geoms[polygon], grid, all_touched=False, factor=_TOUCH)
            out |= fine.reshape(grid.height, _TOUCH, grid.width, _TOUCH).any(axis=(1, 3))
        else:
            out |= burn(geoms[polygon], grid, all_touched=False)
    if (~polygon).any():
        rows, cols, _ = touched_cells(geoms[~polygon], grid)
        out[rows, cols] = True
    return out


def coverage(geoms: Geoms, grid: Grid, supersampling: int = 4) -> np.ndarray:
    """Fraction (0..1) of each cell covered by the features.

    Polygons are rasterised on a grid ``supersampling`` times finer (cell centres) and
    averaged per cell; lines and points count as full coverage of the cells they touch.

    Examples
    --------
    A 25 m square over the left half of a 50 m cell covers 0.5 of it:

    >>> from shapely import box
    >>> grid = Grid.from_bounds((0, 0, 50, 50), 50)
    >>> coverage(gpd.GeoDataFrame(geometry=[box(0, 0, 25, 50)]), grid)
    array([[0.5]], dtype=float32)
    """
    geoms = as_geoms(geoms)
    if not len(geoms):
        return np.zeros(grid.shape, np.float32)
    k = int(supersampling)
    polygon = _is_polygon(geoms)
    out = np.zeros(grid.shape, np.float32)
    if polygon.any():
        burned = burn(geoms[polygon], grid, all_touched=False, factor=k)
        out = burned.reshape(grid.height, k, grid.width, k).mean(axis=(1, 3), dtype=np.float64)
        out = out.astype(np.float32)
    if (~polygon).any():
        out = np.maximum(out, feature_mask(geoms[~polygon], grid).astype(np.float32))
    return out


def decay(dist: np.ndarray, afstand: float, verval: str, schaal: float | None = None) -> np.ndarray:
    """Proximity value 0..1 of distances (m) for an influence distance and decay.

    Examples
    --------
    >>> decay(np.array([0.0, 250, 1000, 1500]), 1000, "lineair")
    array([1.  , 0.75, 0.  , 0.  ], dtype=float32)
    """
    dist = np.asarray(dist, float)
    within = dist <= afstand
    if verval == "stap":
        value = np.ones_like(dist)
    elif verval == "lineair":
        value = 1.0 - dist / afstand
    elif verval == "exponentieel":
        value = np.exp(-dist / (schaal or afstand / 3.0))
    else:
        raise ConfigError(f"Onbekend verval '{verval}' (stap, lineair of exponentieel).")
    return np.where(within, value, 0.0).astype(np.float32)


def quartic_kernel(bandwidth: float, cellsize: float) -> np.ndarray:
    """Quartic (biweight) kernel sampled at cell offsets, finite support, summing to 1.

    :math:`K(d) \\propto (1 - d^2/h^2)^2` for :math:`d < h`, 0 beyond.
    """
    radius = int(math.floor(bandwidth / cellsize))
    offsets = np.arange(-radius, radius + 1) * cellsize
    d2 = offsets[:, None] ** 2 + offsets[None, :] ** 2
    kernel = np.where(d2 < bandwidth**2, (1.0 - d2 / bandwidth**2) ** 2, 0.0)
    return kernel / kernel.sum()


def density(geoms: Geoms, grid: Grid, bandwidth: float,
            weights: np.ndarray | None = None) -> np.ndarray:
    """Quartic kernel density (objects per km²) of point features (centroids for others).

    Points are binned to their cell; the kernel is centred on cell centres. Only points
    inside ``grid`` count, so pass a grid padded by the bandwidth and crop.
    """
    geoms = as_geoms(geoms)
    if not len(geoms):
        return np.zeros(grid.shape, np.float32)
    points = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    w = np.ones(len(geoms)) if weights is None else np.asarray(weights, float)
    row, col = grid.rowcol(shapely.get_x(points), shapely.get_y(points))
    inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    binned = np.bincount(row[inside] * grid.width + col[inside], weights=w[inside],
                         minlength=grid.height * grid.width).reshape(grid.shape)
    if not binned.any():
        return np.zeros(grid.shape, np.float32)
    kernel = quartic_kernel(bandwidth, grid.cellsize)
    dens = fftconvolve(binned, kernel, mode="same")
    # FFT round-off: exact zeros must stay zero (ranks, windows == whole area).
    tol = 1e-9 * kernel.max() * np.abs(binned).sum()
    dens[np.abs(dens) < tol] = 0.0
    return (dens * 1e6 / grid.cellsize**2).astype(np.float32)


def attribute_values(frame: gpd.GeoDataFrame, column: str, *, waarden: dict[str, float] | None,
                     layer: str, context: str) -> np.ndarray:
    """Numeric values (float64) of ``column``: numbers, booleans (0/1) or mapped categories."""
    if column not in frame.columns:
        raise ConfigError(
            f"{context}: kolom '{column}' bestaat niet in laag '{layer}'.", laag=layer, kolom=column
        )
    series = frame[column]
    if waarden is not None:
        text = series.astype("string")
        unknown = sorted(set(text.dropna()) - set(waarden))
        if unknown:
            raise ConfigError(
                f"{context}: waarde(n) {', '.join(map(repr, unknown))} in kolom '{column}' van "
                f"laag '{layer}' staan niet in 'waarden'.", laag=layer, kolom=column,
                waarden=unknown,
            )
        return text.map(waarden).astype("float64").to_numpy(na_value=np.nan)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    raise ConfigError(
        f"{context}: kolom '{column}' van laag '{layer}' is geen getal of ja/nee; "
        "geef 'waarden' op om categorieën om te zetten naar getallen.", laag=layer, kolom=column,
    )


def attribute(geoms: Geoms, values: np.ndarray, grid: Grid, afstand: float,
              missing: float | None = None) -> np.ndarray:
    """Value of the containing object, else of the nearest object within ``afstand`` m.

    Objects are burnt in order of increasing value, so on overlap the highest value wins.
    Cells of an object whose value is unknown (NaN) are NaN; see :func:`attribute_known`.
    """
    return attribute_known(geoms, values, grid, afstand, missing)[0]


def attribute_known(geoms: Geoms, values: np.ndarray, grid: Grid, afstand: float,
                    missing: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`attribute` plus a mask of the cells whose object's value is *unknown*.

    Unknown is not zero: an object with an unknown value (NaN) still occupies its cells
    (so they do not borrow a neighbour's value), below every known object on overlap;
    those cells get NaN and ``True`` in the mask. Cells with no object within reach get
    ``missing`` and ``False`` (not applicable, not unknown).
    """
    fill = np.float32(np.nan if missing is None else missing)
    out = np.full(grid.shape, fill, np.float32)
    unknown = np.zeros(grid.shape, bool)
    geoms = as_geoms(geoms)
    values = np.asarray(values, np.float64)
    if not len(geoms):
        return out, unknown
    finite = np.isfinite(values)
    order = np.argsort(np.where(finite, values, -np.inf), kind="stable")
    geoms = geoms[order]
    with _pixel_space():
        ids = features.rasterize(
            ((g, i + 1) for i, g in enumerate(to_pixels(geoms, grid))), out_shape=grid.shape,
            transform=Affine.identity(), fill=0, dtype="int32", all_touched=False,
        )
    small = ~_is_polygon(geoms)
    if small.any():  # points and lines: every cell they pass through (highest value wins)
        rows, cols, index = touched_cells(geoms[small], grid)
        np.maximum.at(ids, (rows, cols), np.flatnonzero(small)[index].astype(np.int32) + 1)
    if afstand > 0:
        dist, index = distance(ids > 0, grid.cellsize, return_indices=True)
        if index is not None:
            nearest = ids[index[0], index[1]]
            ids = np.where(dist <= afstand, nearest, 0)
    sorted_values = values[order].astype(np.float32)
    chosen = sorted_values[np.maximum(ids - 1, 0)]
    unknown = (ids > 0) & ~np.isfinite(chosen)
    return np.where(ids > 0, chosen, fill).astype(np.float32), unknown
