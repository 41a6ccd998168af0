"""Weighted sum, relative risk exp(Σβv), protective factors and the overall combination."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from geo.errors import ConfigError
from geo.scoring.combine import combine, combine_total, terms, values


def test_protective_factor_counts_as_one_minus_norm_and_nan_as_zero():
    norm = np.array([[0.2, np.nan], [0.25, np.nan]])
    assert_allclose(values(norm, ["positief", "negatief"]), [[0.2, 0], [0.75, 0]])
    assert_allclose(terms(norm, [2, 4], ["positief", "negatief"]), [[0.4, 0], [3, 0]])


def test_weighted_sum_is_normalised_by_the_weights():
    norm = np.array([[1.0, 0.5], [0.0, 0.5], [1.0, 0.25]])  # 3 indicators × 2 cells
    score = combine(norm, [3, 1, 2], ["positief", "positief", "negatief"], "gewogen_som")
    assert_allclose(score, [(3 * 1 + 0 + 2 * 0) / 6, (1.5 + 0.5 + 2 * 0.75) / 6])


def test_relative_risk_form():
    norm = np.array([[1.0, 0.0], [0.5, 0.0]])
    score = combine(norm, [0.8, -0.4], ["positief", "positief"], "relatief_risico",
                    intercept=-1.0)
    assert_allclose(score, [math.exp(-1 + 0.8 - 0.2), math.exp(-1)])


def test_unknown_combination():
    with pytest.raises(ConfigError, match="combinatie 'product'"):
        combine(np.zeros((1, 1)), [1], ["positief"], "product")
    with pytest.raises(ConfigError, match="totaal"):
        combine_total(np.zeros((1, 1)), [1], "som")


def test_total_maximum_and_weighted_sum():
    scores = np.array([[0.2, 0.0, np.nan], [0.6, 0.1, np.nan]])
    assert_allclose(combine_total(scores, [1, 1], "maximum"), [0.6, 0.1, 0])
    assert_allclose(combine_total(scores, [1, 3], "gewogen_som"), [0.5, 0.075, 0])
    with pytest.raises(ConfigError, match="themagewichten"):
        combine_total(scores, [0, 0], "gewogen_som")
