"""Gecombineerde kaart: bivariate classes, combined score and objects with a k-anonymous count."""

import geopandas as gpd
import numpy as np
from numpy.testing import assert_allclose
from shapely.geometry import Point, box

from geo.legend import bivariate_class
from geo.scoring.gecombineerd import (
    attach_risk,
    class_to_level,
    combine_maps,
    count_incidents_near,
    percentile_rank,
)
from geo.scoring.grid import Grid


def test_levels_and_bivariate_classes_cover_all_nine():
    assert class_to_level(np.arange(6)).tolist() == [0, 1, 1, 2, 3, 3]
    g = np.repeat([1, 3, 5], 3).reshape(3, 3)
    r = np.tile([2, 3, 4], 3).reshape(3, 3)
    score, klasse = combine_maps(np.ones((3, 3)), g, np.ones((3, 3)), r, np.ones((3, 3), bool))
    expected = [[bivariate_class(gl, rl) for rl in (1, 2, 3)] for gl in (1, 2, 3)]
    assert klasse.tolist() == expected


def test_combined_score_is_geometric_mean_of_ranks():
    g = np.array([[0.1, 0.2, 0.3, 0.4]])
    r = np.array([[4.0, 3.0, 2.0, 1.0]])
    mask = np.array([[True, True, True, False]])
    score, klasse = combine_maps(g, np.full((1, 4), 3), r, np.full((1, 4), 3), mask)
    assert_allclose(score[0, :3], np.sqrt(np.array([1, 2, 3]) / 3 * np.array([3, 2, 1]) / 3))
    assert np.isnan(score[0, 3]) and klasse[0, 3] == 0


def test_percentile_rank_ties():
    ranks = percentile_rank(np.array([[0.0, 0.0, 1.0, 2.0]]), np.ones((1, 4), bool))
    assert_allclose(ranks, [[0.375, 0.375, 0.75, 1.0]])


def test_objects_get_risk_level_and_rounded_count():
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    risico_klasse = np.ones(grid.shape, dtype="uint8")
    risico_klasse[0:3, 0:3] = 5  # top-left corner is 'zeer hoog'
    objects = gpd.GeoDataFrame(
        {"id": ["a", "b"], "klasse": [5, 2]},
        geometry=[box(5, 75, 25, 95), box(60, 5, 90, 30)], crs="EPSG:28992")
    incidents = gpd.GeoDataFrame(
        geometry=[Point(10, 80), Point(12, 85), Point(20, 90), Point(70, 50)], crs="EPSG:28992")
    out = attach_risk(objects, grid, risico_klasse, "klasse", incidents, k=3, radius=25.0)
    assert out["risico_klasse"].tolist() == [5, 1]
    assert out["risico_niveau"].tolist() == ["hoog", "laag"]
    assert out["gecombineerde_klasse"].tolist() == [9, 1]
    assert out["incidenten_nabij"].tolist() == [5, 0]  # 3 and 1, rounded to multiples of 5
    assert "incidenten_nabij" not in objects.columns  # input unchanged
    assert count_incidents_near(objects, incidents, 25.0).tolist() == [3, 1]


def test_zonal_max_by_window_equals_full_grid_mask():
    from rasterio import features

    from geo.scoring.gecombineerd import zonal_max

    grid = Grid.from_bounds((0, 0, 500, 400), 10)
    raster = np.random.default_rng(3).uniform(size=grid.shape)
    polygons = [box(-30, -30, 25, 25), Point(250, 200).buffer(33), box(480, 380, 600, 500),
                box(1000, 1000, 1100, 1100), Point(123, 77).buffer(2)]
    objects = gpd.GeoDataFrame(geometry=polygons, crs="EPSG:28992")
    expected = []
    for geom in polygons:
        cells = features.geometry_mask([geom], grid.shape, grid.transform, invert=True,
                                       all_touched=True)
        expected.append(raster[cells].max() if cells.any() else np.nan)
    assert_allclose(zonal_max(objects, grid, raster), expected)
