"""Geen kenmerken for score 0, five classes by quantiles or fixed breaks; ties and
degenerate breaks."""

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from geo.legend import CLASS_NAMES, GEEN_KENMERKEN, class_codes, class_rank, legend_classes
from geo.scoring.classify import classify, quantile_breaks


def test_quantiles_give_equal_classes_for_distinct_values():
    scores = np.arange(1.0, 11.0)  # 1..10
    breaks = quantile_breaks(scores)
    assert_allclose(breaks, [2.8, 4.6, 6.4, 8.2])
    assert_array_equal(np.bincount(classify(scores, breaks), minlength=6), [0, 2, 2, 2, 2, 2])
    assert set(CLASS_NAMES) == {1, 2, 3, 4, 5, GEEN_KENMERKEN}


def test_score_on_a_break_goes_to_the_lower_class_and_nan_is_nodata():
    assert_array_equal(classify(np.array([0.2, 0.2001, np.nan, 5]), [0.2, 0.4, 0.6, 0.8]),
                       [1, 2, 0, 5])


def test_ties_collapse_classes_instead_of_splitting_equal_scores():
    scores = np.array([0.3] * 7 + [0.5, 0.9, 1.0])
    breaks = quantile_breaks(scores)
    assert_allclose(breaks, [0.3, 0.3, 0.3, 0.58])  # q80 at position 7.2: 0.5 + 0.2 · 0.4
    klasse = classify(scores, breaks)
    assert (klasse[:7] == 1).all()  # every tied score in the same (lowest) class
    assert_array_equal(klasse[7:], [4, 5, 5])  # classes 2 and 3 stay empty


def test_score_zero_is_its_own_class_and_quintiles_are_on_the_rest():
    """Issue 14 item 2: 93 % zeros no longer fill "zeer laag"; the other classes hold
    a fifth of the non-zero cells each (the old code put 0 in class 1 with the quintiles
    of all cells, so classes 1-3 were one lump of zeros)."""
    rng = np.random.default_rng(3)
    scores = np.concatenate([np.zeros(930), rng.uniform(0.01, 1.0, 100), [np.nan]])
    breaks = quantile_breaks(scores)
    assert breaks[0] > 0  # the zeros do not pull the breaks down
    klasse = classify(scores, breaks)
    assert (klasse[:930] == GEEN_KENMERKEN).all()
    assert klasse[-1] == 0
    assert_array_equal(np.bincount(klasse, minlength=7)[1:6], [20, 20, 20, 20, 20])
    assert CLASS_NAMES[GEEN_KENMERKEN] == "geen kenmerken"


def test_objects_take_the_breaks_of_the_cells_not_their_own_quintiles():
    from geo.scoring.objects import classify_scores

    cell_breaks = [0.2, 0.4, 0.6, 0.8]
    objects = np.array([0.0, 0.85, 0.88, 0.3, np.nan])  # a handful of objects
    assert classify_scores(objects, cell_breaks).tolist() == [GEEN_KENMERKEN, 5, 5, 2, 0]


def test_class_rank_orders_geen_kenmerken_below_zeer_laag():
    ranks = class_rank(np.array([GEEN_KENMERKEN, 1, 5, 0]))
    assert ranks[0] < ranks[1] < ranks[2] and np.isnan(ranks[3])
    assert class_codes("gelegenheid")[0] == GEEN_KENMERKEN
    assert [c for c, _, _ in legend_classes("risico")] == [1, 2, 3, 4, 5]
    assert all(code != 0 for code, _, _ in legend_classes("gelegenheid"))


def test_constant_and_empty_scores():
    assert_array_equal(classify(np.full(4, 0.3), quantile_breaks(np.full(4, 0.3))), 1)
    assert quantile_breaks(np.array([np.nan])) == [0.0, 0.0, 0.0, 0.0]
    assert quantile_breaks(np.zeros(5)) == [0.0, 0.0, 0.0, 0.0]
    zeros = classify(np.zeros((2, 2)), [0, 0, 0, 0])
    assert zeros.dtype == np.uint8 and (zeros == GEEN_KENMERKEN).all()
