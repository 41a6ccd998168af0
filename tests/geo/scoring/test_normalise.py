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


def test_normalised_view_reads_what_a_stored_array_holds(tmp_path):
    """Large runs do not store the normalised indicators (issue 16: 7 GB less for the
    country); the view computes them from the raw memmap, bit for bit, also for objects."""
    from geo.scoring.normalise import NormalisedView, NormStats, normalise

    rng = np.random.default_rng(5)
    raw = np.lib.format.open_memmap(tmp_path / "ruw.npy", mode="w+", dtype=np.float32,
                                    shape=(3, 40, 50))
    raw[...] = rng.random(raw.shape, dtype=np.float32) * 10
    raw[1, :5] = np.nan
    ordered = np.sort(raw[2][np.isfinite(raw[2])])
    stats = [NormStats("minmax", 1.0, 9.0, 10), NormStats("vast", 0.0, 5.0, 10),
             NormStats("percentiel", 0.0, 10.0, ordered.size, ordered)]
    stored = np.stack([normalise(raw[b], s) for b, s in enumerate(stats)])
    view = NormalisedView(raw, stats)
    assert view.shape == stored.shape and len(view) == 3
    np.testing.assert_array_equal(view[1], stored[1])
    np.testing.assert_array_equal(view[2, 3:7, 10:20], stored[2, 3:7, 10:20])
    np.testing.assert_array_equal(np.asarray(view), stored)
    cells = np.array([7, 3, 1999, 250, 251])
    fancy = stored.reshape(3, -1)[:, cells]
    gathered = view.gather(cells)
    np.testing.assert_array_equal(gathered, fancy)
    assert gathered.strides == fancy.strides  # same summation order in object explanations
    target = np.full(stored.shape, np.nan, np.float32)
    nan_window = (slice(0, 5), slice(0, 50))  # band 1 is NaN there; make the others NaN too
    raw[[0, 2], :5] = np.nan
    written = view.write_to(target, [nan_window, (slice(5, 20), slice(0, 50))])
    assert written == [(slice(5, 20), slice(0, 50))]  # an all-NaN window is not written
    np.testing.assert_array_equal(target[:, 5:20], stored[:, 5:20])
    assert np.isnan(target[:, 20:]).all()
