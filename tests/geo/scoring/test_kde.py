"""Kernel density by binning + FFT: mass, shape and agreement with scikit-learn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.neighbors import KernelDensity

from geo.errors import InvalidRequestError
from geo.scoring.grid import Grid
from geo.scoring.kde import bin_points, kernel_array, kernel_density


def test_bin_points_sums_weights_per_cell_and_drops_outside():
    grid = Grid.from_bounds((0, 0, 100, 50), 25)
    counts = bin_points(
        np.array([10.0, 12, 90, 500]), np.array([40.0, 45, 5, 5]), grid,
        weights=np.array([1.0, 0.5, 2.0, 9.0]),
    )
    expected = np.zeros((2, 4))
    expected[0, 0] = 1.5
    expected[1, 3] = 2.0
    assert_allclose(counts, expected)


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov"])
def test_kernel_sums_to_one_and_is_radial(kernel):
    kern = kernel_array(25.0, 100.0, kernel)
    assert_allclose(kern.sum(), 1.0)
    assert_allclose(kern, kern.T)
    assert_allclose(kern, kern[::-1, ::-1])
    centre = kern.shape[0] // 2
    assert kern[centre, centre] == kern.max()


def test_gaussian_kernel_values_by_hand():
    # bandwidth = cell size: weights exp(-r²/2) at r² = 0, 1, 2 cells²; cut off at 1.5 cells
    kern = kernel_array(10.0, 10.0, "gaussian", truncate=1.5)
    assert kern.shape == (5, 5)
    raw = np.exp(-0.5 * np.array([[2, 1, 2], [1, 0, 1], [2, 1, 2]], float))
    assert_allclose(kern[1:4, 1:4], raw / raw.sum())
    assert kern[0].sum() == kern[:, 0].sum() == 0


def test_density_conserves_mass_inside_large_grid():
    grid = Grid.from_bounds((0, 0, 5000, 5000), 25)
    x = np.array([2500.0, 2600, 2000])
    y = np.array([2500.0, 2400, 3000])
    w = np.array([1.0, 2.0, 0.5])
    density = kernel_density(x, y, grid, 150.0, weights=w)
    cell_km2 = (25 / 1000) ** 2
    assert_allclose(density.sum() * cell_km2, w.sum(), rtol=1e-9)


def test_point_outside_grid_still_contributes_near_edge():
    grid = Grid.from_bounds((0, 0, 500, 500), 25)
    density = kernel_density(np.array([-40.0]), np.array([250.0]), grid, 100.0)
    assert density[:, 0].max() > 0
    assert density[:, 0].max() > density[:, 5].max()


def test_matches_sklearn_kernel_density_on_cell_centres():
    rng = np.random.default_rng(0)
    grid = Grid.from_bounds((0, 0, 4000, 3000), 25)
    pts = np.column_stack([rng.normal(2000, 600, 300), rng.normal(1500, 400, 300)])
    ours = kernel_density(pts[:, 0], pts[:, 1], grid, 200.0)
    xs, ys = grid.cell_centers()
    kde = KernelDensity(kernel="gaussian", bandwidth=200.0).fit(pts)
    theirs = np.exp(kde.score_samples(np.column_stack([xs.ravel(), ys.ravel()])))
    theirs = theirs.reshape(grid.shape) * len(pts) * 1e6  # per km², counts
    assert np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] > 0.999
    assert_allclose(ours.max(), theirs.max(), rtol=0.05)


def test_no_points_gives_zero_surface():
    grid = Grid.from_bounds((0, 0, 100, 100), 25)
    assert not kernel_density(np.array([]), np.array([]), grid, 50.0).any()


@pytest.mark.parametrize(
    ("kernel", "bandwidth", "match"),
    [("driehoek", 50.0, "Onbekende kern"), ("gaussian", 0.0, "positief"),
     ("gaussian", 1e6, "te groot")],
)
def test_bad_parameters_raise_dutch_error(kernel, bandwidth, match):
    grid = Grid.from_bounds((0, 0, 100, 100), 25)
    with pytest.raises(InvalidRequestError, match=match):
        kernel_density(np.array([1.0]), np.array([1.0]), grid, bandwidth, kernel=kernel)
