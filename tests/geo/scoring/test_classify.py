"""Five classes by quantiles or fixed breaks; ties and degenerate breaks."""

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from geo.legend import CLASS_NAMES
from geo.scoring.classify import classify, quantile_breaks


def test_quantiles_give_equal_classes_for_distinct_values():
    scores = np.arange(1.0, 11.0)  # 1..10
    breaks = quantile_breaks(scores)
    assert_allclose(breaks, [2.8, 4.6, 6.4, 8.2])
    assert_array_equal(np.bincount(classify(scores, breaks), minlength=6), [0, 2, 2, 2, 2, 2])
    assert set(CLASS_NAMES) == {1, 2, 3, 4, 5}


def test_score_on_a_break_goes_to_the_lower_class_and_nan_is_nodata():
    assert_array_equal(classify(np.array([0.2, 0.2001, np.nan, 5]), [0.2, 0.4, 0.6, 0.8]),
                       [1, 2, 0, 5])


def test_ties_collapse_classes_instead_of_splitting_equal_scores():
    scores = np.array([0.0] * 7 + [0.5, 0.9, 1.0])
    breaks = quantile_breaks(scores)
    assert_allclose(breaks, [0.0, 0.0, 0.0, 0.58])  # q80 at position 7.2: 0.5 + 0.2 · 0.4
    klasse = classify(scores, breaks)
    assert (klasse[:7] == 1).all()  # every tied zero in the same (lowest) class
    assert_array_equal(klasse[7:], [4, 5, 5])  # classes 2 and 3 stay empty


def test_constant_and_empty_scores():
    assert_array_equal(classify(np.full(4, 0.3), quantile_breaks(np.full(4, 0.3))), 1)
    assert quantile_breaks(np.array([np.nan])) == [0.0, 0.0, 0.0, 0.0]
    assert classify(np.zeros((2, 2)), [0, 0, 0, 0]).dtype == np.uint8
