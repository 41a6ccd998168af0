"""Hit rate and PAI on hand-made cases."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from geo.errors import InvalidRequestError
from geo.scoring.evaluation import evaluate_maps, hit_rate, uniform_map


def test_hit_rate_and_pai_by_hand():
    # 10 cells, incidents 5 in cell 0, 3 in cell 1, 2 in cell 9
    counts = np.array([5, 3, 0, 0, 0, 0, 0, 0, 0, 2])
    score = np.array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5])
    mask = np.ones(10, bool)
    assert hit_rate(score, counts, mask, 0.1) == pytest.approx(0.5)
    assert hit_rate(score, counts, mask, 0.2) == pytest.approx(0.8)
    assert hit_rate(score, counts, mask, 1.0) == pytest.approx(1.0)
    table = evaluate_maps({"m": score}, counts, mask, [0.1, 0.2])
    assert_allclose(table["pai"], [0.5 / 0.1, 0.8 / 0.2])


def test_ties_taken_proportionally():
    counts = np.array([4, 0, 2, 0])
    score = np.array([1.0, 1.0, 0.0, 0.0])  # two tied top cells, one of them holds 4
    # 25 % coverage = 1 cell out of the 2 tied → expected 2 of 6 incidents
    assert hit_rate(score, counts, np.ones(4, bool), 0.25) == pytest.approx(2 / 6)
    # half a cell (12.5 %) among two tied → a quarter of their incidents
    assert hit_rate(score, counts, np.ones(4, bool), 0.125) == pytest.approx(1 / 6)


def test_uniform_map_has_pai_one_and_mask_is_respected():
    counts = np.array([[1, 0, 7], [2, 0, 100]])
    mask = np.array([[True, True, True], [True, True, False]])
    table = evaluate_maps({"uniform": uniform_map(mask)}, counts, mask, [0.2, 0.6])
    assert_allclose(table["trefkans"], [0.2, 0.6])
    assert_allclose(table["pai"], 1.0)
    # the 100 incidents outside the area do not count
    best = np.where(mask, counts, np.nan)
    assert hit_rate(best, counts, mask, 0.2) == pytest.approx(7 / 10)


def test_nan_scores_rank_last_and_no_incidents_gives_nan():
    score = np.array([np.nan, 1.0, 0.5])
    assert hit_rate(score, np.array([3, 1, 0]), np.ones(3, bool), 1 / 3) == pytest.approx(0.25)
    assert np.isnan(hit_rate(score, np.zeros(3), np.ones(3, bool), 0.5))


def test_bad_coverage():
    with pytest.raises(InvalidRequestError, match="Dekking"):
        hit_rate(np.zeros(2), np.ones(2), np.ones(2, bool), 0.0)
