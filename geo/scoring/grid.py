"""The one raster grid every map of an area sits on.

Cells are aligned to the national CBS grid: the origin lies on multiples of the cell
size in EPSG:28992, so grids of neighbouring gemeenten and different runs line up.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio import features
from rasterio.windows import Window
from shapely.geometry.base import BaseGeometry

from geo import RD_CRS
from geo.errors import InvalidRequestError

MIN_CELLSIZE = 10.0
MAX_CELLSIZE = 500.0
DEFAULT_CELLSIZE = 25.0


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid in EPSG:28992.

    Parameters
    ----------
    transform : Affine
        Pixel-to-RD transform (``Affine(cs, 0, x0, 0, -cs, y0)``).
    shape : tuple of int
        ``(rows, cols)``.
    crs : str
        Always ``EPSG:28992`` inside kaart.

    Examples
    --------
    >>> grid = Grid.from_bounds((190_010, 310_020, 190_090, 310_060), 25)
    >>> grid.shape, grid.bounds
    ((3, 4), (190000.0, 310000.0, 190100.0, 310075.0))
    """

    transform: Affine
    shape: tuple[int, int]
    crs: str = RD_CRS

    @classmethod
    def from_bounds(cls, bounds: tuple[float, float, float, float], cellsize: float) -> Grid:
        """Smallest CBS-aligned grid covering ``bounds`` (xmin, ymin, xmax, ymax)."""
        _check_cellsize(cellsize)
        xmin, ymin, xmax, ymax = bounds
        x0 = math.floor(xmin / cellsize) * cellsize
        y0 = math.floor(ymin / cellsize) * cellsize
        x1 = math.ceil(xmax / cellsize) * cellsize
        y1 = math.ceil(ymax / cellsize) * cellsize
        cols = max(1, round((x1 - x0) / cellsize))
        rows = max(1, round((y1 - y0) / cellsize))
        return cls(Affine(cellsize, 0.0, x0, 0.0, -cellsize, y1), (rows, cols))

    @property
    def cellsize(self) -> float:
        return float(self.transform.a)

    @property
    def height(self) -> int:
        return self.shape[0]

    @property
    def width(self) -> int:
        return self.shape[1]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        x0, y1 = self.transform.c, self.transform.f
        return (x0, y1 - self.height * self.cellsize, x0 + self.width * self.cellsize, y1)

    def window_grid(self, window: Window) -> Grid:
        """The sub-grid of ``window`` (which may extend beyond this grid, for halos)."""
        transform = self.transform @ Affine.translation(window.col_off, window.row_off)
        return Grid(transform, (int(window.height), int(window.width)), self.crs)

    def windows(self, size: int = 512) -> Iterator[Window]:
        """Non-overlapping windows of at most ``size`` × ``size`` cells covering the grid."""
        for row in range(0, self.height, size):
            for col in range(0, self.width, size):
                yield Window(col, row, min(size, self.width - col), min(size, self.height - row))

    def cell_centers(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell centre, each of shape ``self.shape``."""
        cols = np.arange(self.width) + 0.5
        rows = np.arange(self.height) + 0.5
        xs = self.transform.c + cols * self.cellsize
        ys = self.transform.f - rows * self.cellsize
        return np.meshgrid(xs, ys)

    def rowcol(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of points (may fall outside the grid)."""
        col = np.floor((np.asarray(x, float) - self.transform.c) / self.cellsize).astype(np.int64)
        row = np.floor((self.transform.f - np.asarray(y, float)) / self.cellsize).astype(np.int64)
        return row, col

    def mask(self, geometry: BaseGeometry, all_touched: bool = False) -> np.ndarray:
        """Boolean array: True where the cell centre lies inside ``geometry``."""
        return features.geometry_mask(
            [geometry], out_shape=self.shape, transform=self.transform, invert=True,
            all_touched=all_touched,
        )


def grid_for_area(geometry: BaseGeometry, cellsize: float = DEFAULT_CELLSIZE) -> Grid:
    """The CBS-aligned grid covering an area's geometry."""
    return Grid.from_bounds(geometry.bounds, cellsize)


def _check_cellsize(cellsize: float) -> None:
    if not (MIN_CELLSIZE <= float(cellsize) <= MAX_CELLSIZE):
        raise InvalidRequestError(
            f"Celgrootte {cellsize} m valt buiten het toegestane bereik "
            f"({MIN_CELLSIZE:g}-{MAX_CELLSIZE:g} m).",
            celgrootte=cellsize,
        )
