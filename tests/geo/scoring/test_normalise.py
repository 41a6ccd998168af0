"""Normalisation: min-max, mid-rank percentile, fixed range, none; degenerate cases."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import rankdata

from geo.scoring.normalise import NormStats, fit_stats, normalise, percentile_rank


def test_minmax_and_nan_passthrough():
    stats = fit_stats("minmax", 10, 30, 5)
    assert_allclose(normalise(np.array([10, 15, 30, np.nan]), stats), [0, 0.25, 1, np.nan])


def test_minmax_clips_values_outside_the_domain_statistics():
    stats = fit_stats("minmax", 10, 30, 5)
    assert_allclose(normalise(np.array([0.0, 40]), stats), [0, 1])


def test_minmax_degenerate_range_gives_zero():
    stats = fit_stats("minmax", 7, 7, 3)
    assert_allclose(normalise(np.array([7.0, np.nan]), stats), [0, np.nan])
    empty = fit_stats("minmax", np.inf, -np.inf, 0)
    assert_allclose(normalise(np.array([1.0]), empty), [0])
    assert empty.to_dict() == {"methode": "minmax", "min": None, "max": None, "n": 0}


def test_fixed_range_ignores_observed_statistics():
    stats = fit_stats("vast", 40, 60, 2, fixed=(0, 100))
    assert (stats.low, stats.high) == (0, 100)
    assert_allclose(normalise(np.array([0, 25, 100, 150]), stats), [0, 0.25, 1, 1])


def test_none_keeps_raw_values():
    stats = fit_stats("geen", 0, 5, 2)
    assert_allclose(normalise(np.array([0.3, 5.0]), stats), [0.3, 5.0])


@pytest.mark.parametrize("seed", [0, 1])
def test_percentile_is_mid_rank_like_scipy_rankdata(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 6, 40).astype(float)  # many ties
    ordered = np.sort(values)
    expected = (rankdata(values, method="average") - 1) / (len(values) - 1)
    assert_allclose(normalise(values, NormStats("percentiel", 0, 5, 40, ordered)), expected,
                    rtol=1e-6)


def test_percentile_of_binary_values_and_unseen_values():
    ordered = np.array([0.0] * 6 + [1.0] * 4)
    # ties share the average rank: zeros ranks 0..5 → 2.5/9, ones ranks 6..9 → 7.5/9
    assert_allclose(percentile_rank(np.array([0.0, 1.0]), ordered), [2.5 / 9, 7.5 / 9])
    assert_allclose(percentile_rank(np.array([0.5, -1, 2]), ordered), [5.5 / 9, 0, 1])
    assert_allclose(percentile_rank(np.array([3.0]), np.array([3.0])), [0])
    assert np.isnan(percentile_rank(np.array([1.0]), np.zeros(0))).all()
