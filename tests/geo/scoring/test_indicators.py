"""Each indicator kind against hand-computed values on tiny grids."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from rasterio.windows import Window
from shapely import LineString, Point, box

from geo.errors import ConfigError
from geo.scoring import indicators as ind
from geo.scoring.grid import Grid

S2 = math.sqrt(2)


def _frame(geoms, **columns):
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs="EPSG:28992")


def _grid5():
    return Grid.from_bounds((0, 0, 50, 50), 10)  # 5 × 5 cells of 10 m


def test_coverage_fraction_with_supersampling():
    grid = Grid.from_bounds((0, 0, 20, 20), 10)
    cover = ind.coverage(_frame([box(0, 0, 15, 20)]), grid, supersampling=4)
    assert_allclose(cover, [[1.0, 0.5], [1.0, 0.5]])
    quarter = ind.coverage(_frame([box(10, 10, 15, 15)]), grid, supersampling=4)
    assert_allclose(quarter, [[0.0, 0.25], [0.0, 0.0]])
    assert cover.dtype == np.float32


def test_coverage_of_points_and_lines_is_presence():
    grid = Grid.from_bounds((0, 0, 30, 10), 10)
    cover = ind.coverage(_frame([Point(25, 5)]), grid)
    assert_array_equal(cover, [[0, 0, 1]])


def test_distance_is_euclidean_between_cell_centres():
    grid = _grid5()
    mask = ind.feature_mask(_frame([Point(25, 25)]), grid)
    assert mask.sum() == 1 and mask[2, 2]
    dist = ind.distance(mask, grid.cellsize)
    assert_allclose(dist[2], [20, 10, 0, 10, 20])
    assert_allclose(dist[0, 0], 20 * S2)
    assert_allclose(dist[1, 1], 10 * S2)
    assert np.isinf(ind.distance(np.zeros((2, 2), bool), 10)).all()


@pytest.mark.parametrize("cellsize", [25.0, 12.5, 10.0, 7.3, 0.1])
def test_fast_distance_is_bit_identical_to_scipy_edt(cellsize):
    """The edt-package path gives exactly scipy's exact EDT (outputs must not change);
    cell sizes whose square is not exact in float64 (7.3, 0.1) fall back to scipy."""
    from scipy import ndimage

    rng = np.random.default_rng(7)
    for shape, share in [((1, 9), 0.2), ((64, 97), 0.002), ((211, 173), 0.05), ((40, 40), 1.0)]:
        mask = rng.random(shape) < share
        mask[0, 0] = True
        expected = ndimage.distance_transform_edt(~mask, sampling=cellsize)
        assert_array_equal(ind.distance(mask, cellsize), expected)



@pytest.mark.parametrize(
    ("verval", "schaal", "expected"),
    [
        ("stap", None, [1, 1, 1, 1, 0]),  # d = 0, 10, 14.1, 20, 28.3; afstand 20
        ("lineair", None, [1, 0.5, 1 - S2 / 2, 0, 0]),
        ("exponentieel", 10, [1, math.exp(-1), math.exp(-S2), math.exp(-2), 0]),
        ("exponentieel", None, [1, math.exp(-1.5), math.exp(-1.5 * S2), math.exp(-3), 0]),
    ],
)
def test_proximity_decay(verval, schaal, expected):
    grid = _grid5()
    dist = ind.distance(ind.feature_mask(_frame([Point(25, 25)]), grid), grid.cellsize)
    value = ind.decay(dist, 20, verval, schaal)
    cells = [value[2, 2], value[2, 3], value[1, 1], value[0, 2], value[0, 0]]
    assert_allclose(cells, expected, rtol=1e-6)


def test_unknown_decay_is_a_config_error():
    with pytest.raises(ConfigError, match="verval 'kwadratisch'"):
        ind.decay(np.zeros(2), 10, "kwadratisch")


def test_line_marks_every_cell_it_passes_and_polygon_outline_when_touched():
    grid = _grid5()
    line = ind.feature_mask(_frame([LineString([(0, 25), (50, 25.5)])]), grid)
    assert_array_equal(line.sum(axis=1), [0, 0, 5, 0, 0])
    square = _frame([box(18, 18, 28, 28)])  # contains the centre of cell (2, 2) only
    inside = ind.feature_mask(square, grid, all_touched=False)
    assert inside.sum() == 1 and inside[2, 2]
    touched = ind.feature_mask(square, grid, all_touched=True)
    assert_array_equal(np.argwhere(touched), [[2, 1], [2, 2], [3, 1], [3, 2]])
    aligned = ind.feature_mask(_frame([box(10, 10, 30, 30)]), grid, all_touched=True)
    assert_array_equal(np.argwhere(aligned), [[2, 1], [2, 2], [3, 1], [3, 2]])  # no spill
    tiny = ind.feature_mask(_frame([box(41, 1, 44, 4)]), grid, all_touched=True)
    assert_array_equal(np.argwhere(tiny), [[4, 4]])  # smaller than a cell, still present


def test_quartic_kernel_density_hand_computed():
    grid = _grid5()
    dens = ind.density(_frame([Point(25, 25)]), grid, bandwidth=15)
    # K ∝ (1 - d²/h²)²: centre 1, edge (5/9)² = 25/81, diagonal (1/9)² = 1/81; sum 185/81.
    per_km2 = 1e6 / 100.0
    assert_allclose(dens[2, 2], 81 / 185 * per_km2, rtol=1e-6)
    assert_allclose(dens[2, 3], 25 / 185 * per_km2, rtol=1e-6)
    assert_allclose(dens[1, 1], 1 / 185 * per_km2, rtol=1e-6)
    assert dens[0, 2] == 0.0 and dens[4, 4] == 0.0  # finite support, exact zeros
    assert_allclose(dens.sum() * 100 / 1e6, 1.0, rtol=1e-6)  # mass 1


def test_density_weights_and_polygon_centroids():
    grid = _grid5()
    frame = _frame([Point(25, 25), box(20, 20, 30, 30)], n=[2.0, 3.0])
    dens = ind.density(frame, grid, 15, weights=frame["n"].to_numpy())
    assert_allclose(dens[2, 2], 5 * 81 / 185 * 1e4, rtol=1e-6)


def test_attribute_containing_nearest_overlap_and_missing():
    grid = _grid5()
    frame = _frame([box(0, 0, 20, 50), box(10, 0, 20, 10), Point(45, 45)],
                   leegstand=[10.0, 80.0, 50.0])
    values = frame["leegstand"].to_numpy()
    contained = ind.attribute(frame, values, grid, afstand=0)
    assert_allclose(contained[:, 0], 10)
    assert contained[4, 1] == 80  # overlap: the highest value wins
    assert contained[0, 4] == 50  # the point's cell
    assert np.isnan(contained[2, 3])
    near = ind.attribute(frame, values, grid, afstand=10, missing=-1)
    assert near[2, 2] == 10  # 10 m from column 1
    assert near[0, 3] == 50  # 10 m from the point
    assert near[2, 4] == -1 and near[2, 3] == -1  # 20 m from everything


def test_attribute_values_booleans_categories_and_errors():
    frame = _frame([Point(0, 0)] * 3, kvo=[True, False, True],
                   vitaliteit=["vitaal", "niet_vitaal", "kwetsbaar"], naam=["a", "b", "c"])
    kw = {"layer": "vakantieparken", "context": "x.yaml, regel 3"}
    assert_array_equal(ind.attribute_values(frame, "kvo", waarden=None, **kw), [1, 0, 1])
    frame["camera"] = pd.Series([True, None, False], dtype="boolean")
    assert_array_equal(ind.attribute_values(frame, "camera", waarden=None, **kw), [1, np.nan, 0])
    mapping = {"vitaal": 0, "kwetsbaar": 0.5, "niet_vitaal": 1}
    assert_array_equal(ind.attribute_values(frame, "vitaliteit", waarden=mapping, **kw),
                       [0, 1, 0.5])
    with pytest.raises(ConfigError, match=r"'kwetsbaar'.*niet in 'waarden'"):
        ind.attribute_values(frame, "vitaliteit", waarden={"vitaal": 0, "niet_vitaal": 1}, **kw)
    with pytest.raises(ConfigError, match=r"regel 3.*'naam'.*geen getal"):
        ind.attribute_values(frame, "naam", waarden=None, **kw)
    with pytest.raises(ConfigError, match="kolom 'oppervlak' bestaat niet in laag"):
        ind.attribute_values(frame, "oppervlak", waarden=None, **kw)


def test_select_features_by_value_list_and_bool():
    frame = _frame([Point(0, 0)] * 4, soort=["jachthaven", "zeehaven", "airstrip", "jachthaven"],
                   nachtregister=[True, False, False, True])
    kw = {"layer": "havens", "context": "c"}
    assert len(ind.select_features(frame, {"soort": ["jachthaven", "airstrip"]}, **kw)) == 3
    both = ind.select_features(frame, {"soort": "jachthaven", "nachtregister": False}, **kw)
    assert both.empty
    with pytest.raises(ConfigError, match="filterkolom 'type' bestaat niet in laag 'havens'"):
        ind.select_features(frame, {"type": "x"}, **kw)


@pytest.mark.parametrize("pad", [0, 3, 17])
def test_rasterising_in_a_window_matches_the_whole_grid(pad):
    grid = Grid.from_bounds((0, 0, 400, 400), 10)
    # a line through exact cell corners and a polygon with corner-aligned edges
    frame = _frame([LineString([(0, 100), (400, 120)]), box(95, 95, 205, 305),
                    Point(300, 300)])
    whole = ind.feature_mask(frame, grid)
    win = Window(13, 9, 15, 21)
    part = ind.crop(ind.feature_mask(frame, ind.padded(grid.window_grid(win), pad)), pad)
    assert_array_equal(part, whole[9:30, 13:28])
    cover_whole = ind.coverage(frame.iloc[[1]], grid, 4)
    cover_part = ind.coverage(frame.iloc[[1]], grid.window_grid(win), 4)
    assert_array_equal(cover_part, cover_whole[9:30, 13:28])


def test_pad_cells_covers_the_reach():
    assert ind.pad_cells(0, 25) == 0
    assert ind.pad_cells(1000, 25) == 41
    assert ind.pad_cells(30, 25) == 3
