"""The CBS-aligned grid: alignment, bounds, windows, cell centres, masks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from rasterio.windows import Window
from shapely import box

from geo.errors import InvalidRequestError
from geo.scoring.grid import Grid, grid_for_area


def test_from_bounds_snaps_outward_to_multiples_of_the_cellsize():
    grid = Grid.from_bounds((190_010, 310_020, 190_090, 310_060), 25)
    assert grid.shape == (3, 4)
    assert grid.bounds == (190_000.0, 310_000.0, 190_100.0, 310_075.0)
    assert grid.crs == "EPSG:28992"
    assert grid.cellsize == 25.0


@pytest.mark.parametrize("cellsize", [10, 25, 100, 500])
def test_neighbouring_areas_share_cell_edges(cellsize):
    a = grid_for_area(box(181_234, 305_678, 190_001, 312_345), cellsize)
    b = grid_for_area(box(189_999, 300_001, 197_777, 306_000), cellsize)
    for grid in (a, b):
        assert grid.transform.c % cellsize == 0
        assert grid.transform.f % cellsize == 0


@pytest.mark.parametrize("cellsize", [5, 9.99, 501, 1000])
def test_cellsize_outside_10_to_500_m_is_refused(cellsize):
    with pytest.raises(InvalidRequestError, match="Celgrootte"):
        Grid.from_bounds((0, 0, 1000, 1000), cellsize)


def test_windows_tile_the_grid_without_overlap():
    grid = Grid.from_bounds((0, 0, 250, 130), 10)  # 13 × 25 cells
    seen = np.zeros(grid.shape, int)
    for win in grid.windows(8):
        seen[win.row_off:win.row_off + win.height, win.col_off:win.col_off + win.width] += 1
    assert_array_equal(seen, 1)
    assert len(list(grid.windows(8))) == 2 * 4


def test_window_grid_may_extend_beyond_the_grid_for_halos():
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    halo = grid.window_grid(Window(-2, -3, 14, 16))
    assert halo.shape == (16, 14)
    assert halo.bounds == (-20.0, -30.0, 120.0, 130.0)


def test_cell_centres_and_rowcol_are_inverse():
    grid = Grid.from_bounds((0, 0, 30, 20), 10)
    xs, ys = grid.cell_centers()
    assert_allclose(xs[0], [5, 15, 25])
    assert_allclose(ys[:, 0], [15, 5])
    rows, cols = grid.rowcol(xs, ys)
    assert_array_equal(rows, [[0, 0, 0], [1, 1, 1]])
    assert_array_equal(cols, [[0, 1, 2], [0, 1, 2]])
    assert grid.rowcol(np.array([-1.0]), np.array([25.0])) == (np.array([-1]), np.array([-1]))


def test_mask_uses_cell_centres():
    grid = Grid.from_bounds((0, 0, 40, 40), 10)
    mask = grid.mask(box(0, 0, 16, 40))  # covers centres at x=5 and x=15
    assert_array_equal(mask.sum(axis=0), [4, 4, 0, 0])
    touched = grid.mask(box(0, 0, 21, 40), all_touched=True)
    assert_array_equal(touched.sum(axis=0), [4, 4, 4, 0])
