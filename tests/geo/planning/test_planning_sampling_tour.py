"""Exploration sampling (exact inclusion probabilities) and the tour heuristics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from geo.errors import InvalidRequestError
from geo.planning.sampling import inclusion_probabilities, systematic_pps
from geo.planning.tour import (
    insert_cheapest,
    nearest_neighbour,
    route_length,
    schedule,
    solve_tour,
    travel_matrix,
    two_opt,
)


def test_inclusion_probabilities_hand_computed_with_capping():
    assert_allclose(inclusion_probabilities(np.array([1.0, 1.0, 2.0]), 2), [0.5, 0.5, 1.0])
    # 8 is more than half the total: capped at 1, the rest share the remaining draw
    assert_allclose(inclusion_probabilities(np.array([1.0, 1.0, 8.0]), 2), [0.5, 0.5, 1.0])
    assert_allclose(inclusion_probabilities(np.array([1.0, 3.0, 0.0, 4.0]), 1),
                    [0.125, 0.375, 0.0, 0.5])


def test_inclusion_probabilities_refuses_impossible_draws():
    with pytest.raises(InvalidRequestError, match="Kan geen 3 objecten trekken"):
        inclusion_probabilities(np.array([1.0, 1.0, 0.0]), 3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 10.0), min_size=1, max_size=30), st.data())
def test_inclusion_probabilities_sum_to_m_and_stay_in_range(weights, data):
    m = data.draw(st.integers(0, len(weights)))
    pi = inclusion_probabilities(np.array(weights), m)
    assert_allclose(pi.sum(), m)
    assert ((pi >= 0) & (pi <= 1 + 1e-12)).all()
    rng = np.random.default_rng(0)
    drawn = systematic_pps(pi, rng)
    assert len(drawn) == m and len(set(drawn.tolist())) == m


def test_systematic_pps_realises_the_inclusion_probabilities():
    pi = inclusion_probabilities(np.array([1.0, 2.0, 3.0, 4.0, 10.0, 0.5]), 2)
    rng = np.random.default_rng(42)
    counts = np.zeros(len(pi))
    draws = 20_000
    for _ in range(draws):
        counts[systematic_pps(pi, rng)] += 1
    assert_allclose(counts / draws, pi, atol=0.015)


def test_travel_matrix_uses_detour_and_speed():
    # 5 km at 50 km/h with detour 1.25 -> 5000 m / (833.33/1.25 m/min) = 7.5 min
    metres_per_minute = 50_000 / 60 / 1.25
    matrix = travel_matrix(np.array([[0.0, 0.0], [3000.0, 4000.0]]), metres_per_minute)
    assert_allclose(matrix[0, 1], 7.5)


def test_two_opt_removes_a_crossing():
    square = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)  # 0-1-2-3 crosses
    matrix = travel_matrix(square, 1.0)
    assert_allclose(route_length([0, 1, 2, 3], matrix, closed=True), 2 + 2 * np.sqrt(2))
    better = two_opt([0, 1, 2, 3], matrix, closed=True)
    assert better[0] == 0
    assert_allclose(route_length(better, matrix, closed=True), 4.0)


def test_nearest_neighbour_and_solve_keep_the_start_first():
    line = np.array([[5, 0], [0, 0], [9, 0], [1, 0], [6, 0]], dtype=float)
    matrix = travel_matrix(line, 1.0)
    assert nearest_neighbour(matrix, 0) == [0, 4, 2, 3, 1]
    tour = solve_tour(matrix)
    assert tour[0] == 0
    # open path from x=5 covering 0..9: best is 5-6-9 then back to 1-0 (4 + 9) or 5-1-0-6-9
    assert_allclose(route_length(tour, matrix), 13.0)


def test_insert_cheapest_never_moves_the_start():
    pts = np.array([[0, 0], [10, 0], [5, 0]], dtype=float)
    matrix = travel_matrix(pts, 1.0)
    assert insert_cheapest([0, 1], 2, matrix) == [0, 2, 1]


def test_schedule_moves_a_stop_that_does_not_fit_to_the_next_day():
    visits = schedule([0.0, 30.0, 30.0], [200.0, 200.0, 60.0], day_start=540, day_minutes=480)
    assert [v.dag for v in visits] == [0, 0, 1]
    assert_allclose([v.aankomst for v in visits], [540, 770, 570])
