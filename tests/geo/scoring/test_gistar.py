"""Getis-Ord Gi* by convolution: hand-computed values and agreement with esda."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from geo.errors import InvalidRequestError
from geo.scoring.gistar import disc_kernel, getis_ord_gistar


def test_disc_kernel_queen_and_distance_band():
    assert disc_kernel(25.0, 25.0 * np.sqrt(2)).sum() == 9
    assert disc_kernel(10.0, 20.0).sum() == 13  # r ≤ 2 cells: 1 + 4 + 4 + 4


def test_single_event_by_hand():
    values = np.zeros((3, 3))
    values[1, 1] = 1
    z = getis_ord_gistar(values, 25.0, 25.0)
    # centre: 5 neighbours, n = 9, mean 1/9, S = sqrt(8)/9 → z = 4/sqrt(20)
    assert_allclose(z[1, 1], 4 / np.sqrt(20))
    # corner: 3 neighbours without the event → (0 - 3/9) / (S sqrt((27 - 9)/8))
    assert_allclose(z[0, 0], (-3 / 9) / (np.sqrt(8) / 9 * np.sqrt(18 / 8)))


def test_mask_excludes_cells():
    values = np.arange(16, dtype=float).reshape(4, 4)
    mask = np.ones((4, 4), bool)
    mask[:, 3] = False
    z = getis_ord_gistar(values, 10.0, 10.0, mask)
    assert np.isnan(z[:, 3]).all()
    # same as computing on the 4 × 3 sub-grid only
    assert_allclose(z[:, :3], getis_ord_gistar(values[:, :3], 10.0, 10.0))


def test_constant_values_give_zero():
    z = getis_ord_gistar(np.full((4, 4), 2.0), 10.0, 15.0)
    assert_allclose(z, 0.0)


def test_negative_distance_raises():
    with pytest.raises(InvalidRequestError, match="Gi\\*-afstand"):
        getis_ord_gistar(np.zeros((2, 2)), 10.0, -1.0)


@pytest.mark.parametrize("distance", [10.0, 15.0, 30.0])
def test_equals_esda_g_local_star(distance):
    libpysal = pytest.importorskip("libpysal")
    esda = pytest.importorskip("esda")
    rng = np.random.default_rng(42)
    rows, cols, cellsize = 12, 15, 10.0
    values = rng.poisson(1.5, (rows, cols)).astype(float)
    values[3:6, 4:8] += 4
    mask = np.ones((rows, cols), bool)
    mask[0, :5] = False
    mask[-2:, -3:] = False
    ours = getis_ord_gistar(values, cellsize, distance, mask)

    rr, cc = np.nonzero(mask)
    coords = np.column_stack([cc * cellsize, -rr * cellsize])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(coords, threshold=distance + 1e-6, silence_warnings=True)
        ref = esda.G_Local(values[mask], w, transform="B", star=True, permutations=0)
    assert_allclose(ours[mask], ref.Zs, rtol=1e-8, atol=1e-10)
