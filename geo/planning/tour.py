"""Visiting order and timing: nearest neighbour + 2-opt on straight-line travel times.

Travel time between two RD points is ``distance × omrijfactor / snelheid`` (see
:class:`geo.planning.config.PlanningConfig`). The tour starts at a fixed start point and
is open (no return) unless ``closed`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def travel_matrix(xy: np.ndarray, meters_per_minute: float) -> np.ndarray:
    """Pairwise travel minutes between the rows of ``xy`` (n × 2, metres).

    Examples
    --------
    >>> travel_matrix(np.array([[0.0, 0.0], [3000.0, 4000.0]]), 1000.0)[0, 1]
    5.0
    """
    xy = np.asarray(xy, dtype=float)
    diff = xy[:, None, :] - xy[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) / meters_per_minute


def route_length(order: np.ndarray | list[int], matrix: np.ndarray, *,
                 closed: bool = False) -> float:
    """Total travel along ``order`` (indices into ``matrix``), back to the first if ``closed``."""
    order = np.asarray(order, dtype=int)
    if len(order) < 2:
        return 0.0
    total = float(matrix[order[:-1], order[1:]].sum())
    if closed:
        total += float(matrix[order[-1], order[0]])
    return total


def nearest_neighbour(matrix: np.ndarray, start: int = 0) -> list[int]:
    """Greedy tour over all nodes of ``matrix`` beginning at ``start``."""
    n = len(matrix)
    order = [start]
    left = np.ones(n, dtype=bool)
    left[start] = False
    while left.any():
        here = order[-1]
        candidates = np.flatnonzero(left)
        nxt = int(candidates[np.argmin(matrix[here, candidates])])
        order.append(nxt)
        left[nxt] = False
    return order


def two_opt(order: list[int], matrix: np.ndarray, *, closed: bool = False,
            max_rounds: int = 100) -> list[int]:
    """Improve a tour with 2-opt moves; the first node (the start) stays first.

    Each move reverses ``order[i:j+1]`` when that shortens the route; repeated until no
    move improves it (or ``max_rounds``).
    """
    order = list(order)
    n = len(order)
    if n < 3:
        return order
    for _ in range(max_rounds):
        improved = False
        for i in range(1, n - 1):
            a, b = order[i - 1], order[i]
            for j in range(i + 1, n):
                c = order[j]
                if j + 1 < n:
                    d = order[j + 1]
                    delta = matrix[a, c] + matrix[b, d] - matrix[a, b] - matrix[c, d]
                elif closed:
                    d = order[0]
                    delta = matrix[a, c] + matrix[b, d] - matrix[a, b] - matrix[c, d]
                else:
                    delta = matrix[a, c] - matrix[a, b]
                if delta < -1e-9:
                    order[i:j + 1] = order[i:j + 1][::-1]
                    improved = True
                    a, b = order[i - 1], order[i]
        if not improved:
            break
    return order


def solve_tour(matrix: np.ndarray, *, closed: bool = False) -> list[int]:
    """Nearest neighbour from node 0 followed by 2-opt."""
    return two_opt(nearest_neighbour(matrix, 0), matrix, closed=closed)


def insertion_cost(route: list[int], node: int, matrix: np.ndarray, *,
                   closed: bool = False) -> float:
    """Cheapest extra travel for inserting ``node`` into ``route`` (start fixed at position 0)."""
    if not route:
        return 0.0
    r = np.asarray(route, dtype=int)
    costs = [float(matrix[r[-1], node])]  # append at the end
    if closed:
        costs[0] += float(matrix[node, r[0]] - matrix[r[-1], r[0]])
    if len(r) >= 2:
        a, b = r[:-1], r[1:]
        costs.append(float((matrix[a, node] + matrix[node, b] - matrix[a, b]).min()))
    return min(costs)


def insert_cheapest(route: list[int], node: int, matrix: np.ndarray, *,
                    closed: bool = False) -> list[int]:
    """``route`` with ``node`` inserted where it adds the least travel."""
    if not route:
        return [node]
    best, best_pos = float(matrix[route[-1], node]), len(route)
    if closed:
        best += float(matrix[node, route[0]] - matrix[route[-1], route[0]])
    for pos in range(1, len(route)):
        a, b = route[pos - 1], route[pos]
        cost = float(matrix[a, node] + matrix[node, b] - matrix[a, b])
        if cost < best - 1e-12:
            best, best_pos = cost, pos
    return route[:best_pos] + [node] + route[best_pos:]


@dataclass(frozen=True)
class Visit:
    """Timing of one stop: working day (0-based), arrival/departure in minutes after midnight."""

    dag: int
    aankomst: float
    vertrek: float
    reistijd: float


def schedule(legs: list[float], durations: list[float], *, day_start: float,
             day_minutes: float) -> list[Visit]:
    """Arrival times along a route split into working days.

    ``legs[i]`` is the travel to stop ``i`` and ``durations[i]`` its control time. A stop that
    would end after the working day moves to the next day (travel counted again from the
    start of that day).
    """
    visits: list[Visit] = []
    day, clock = 0, day_start
    for leg, duration in zip(legs, durations, strict=True):
        if visits and clock + leg + duration > day_start + day_minutes:
            day, clock = day + 1, day_start
        arrival = clock + leg
        clock = arrival + duration
        visits.append(Visit(day, arrival, clock, leg))
    return visits
