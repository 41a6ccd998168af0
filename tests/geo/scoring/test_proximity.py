"""The influence-band distance (``max_distance``) equals the full exact transform wherever a
caller can see it (distances up to the cap), on edges, corners, empty and full rasters."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from shapely.geometry import LineString, Point

from geo.scoring import indicators as ind
from geo.scoring.grid import Grid
from geo.scoring.proximity import distance


def _check(mask: np.ndarray, cellsize: float, cap: float) -> None:
    full = distance(mask, cellsize)
    band = distance(mask, cellsize, max_distance=cap)
    near = full <= cap
    assert_array_equal(band[near], full[near])  # identical, not just close
    assert (band[~near] > cap).all()
    finite = np.isfinite(band)
    assert_array_equal(band[finite], full[finite])  # inside the band: exact everywhere


def _masks() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(16)
    masks = {"leeg": np.zeros((40, 60), bool), "vol": np.ones((7, 9), bool)}
    for density in (0.0005, 0.01, 0.2):
        masks[f"willekeurig_{density}"] = rng.random((120, 90)) < density
    corner = np.zeros((50, 70), bool)
    corner[0, 0] = corner[-1, -1] = True
    masks["hoeken"] = corner
    edge = np.zeros((50, 70), bool)
    edge[:, -1] = True
    masks["rand"] = edge
    single = np.zeros((64, 64), bool)
    single[30, 5] = True
    masks["een_cel"] = single
    masks["rij"] = np.array([[False, False, True, False, False, False, False, False]])
    return masks


@pytest.mark.parametrize("name", list(_masks()))
@pytest.mark.parametrize("cap_cells", [0, 1, 2.5, 7, 30, 1000])
def test_band_equals_full_transform(name, cap_cells):
    mask = _masks()[name]
    for cellsize in (25.0, 12.5, 0.1):  # 0.1 m: the scipy path (inexact square)
        _check(mask, cellsize, cap_cells * cellsize)


def test_band_on_rasterised_roads_and_points():
    grid = Grid.from_bounds((180_000, 322_500, 190_000, 330_000), 25)
    roads = [LineString([(180_000, 325_000), (189_000, 326_500)]),
             LineString([(185_000, 330_000), (185_500, 322_500)]),
             Point(189_990, 322_510)]
    mask = ind.feature_mask(roads, grid, all_touched=True)
    assert mask[:, -1].any() or mask[-1, :].any() or mask[0, :].any()  # touches a border
    for cap in (250.0, 1000.0, 2500.0):
        _check(mask, grid.cellsize, cap)


def test_no_features_is_inf_with_and_without_band():
    mask = np.zeros((5, 6), bool)
    assert np.isinf(distance(mask, 25.0, max_distance=100.0)).all()
