"""An action day: the chosen stops divided over teams and days with OR-Tools routing.

One vehicle per team × day. Every vehicle starts at the plan's start point at ``starttijd``
and must have finished its last visit by ``eindtijd`` (arrival + visit duration ≤ end; the
drive back counts only when ``terugkeer`` is set). Travel time is the straight-line RD
distance × ``omrijfactor`` at ``snelheid_kmh`` (:attr:`PlanningConfig.meters_per_minute`),
rounded up to whole minutes; the visit duration is the per-theme/per-soort ``duur`` from
``data/planning.yaml``. A stop that fits in no route is dropped (disjunction with a penalty
far above any route length, higher for a higher expected yield) and reported in Dutch, never
silently.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from geo.planning.config import PlanningConfig
from geo.planning.locations import stop_location
from geo.planning.optimise import PlanResult

DROP_PENALTY = 1_000_000
"""Penalty (minutes) of leaving a stop out; far above any day, so stops are dropped only
when they do not fit. Scaled by ``1 + verwacht`` so low-yield stops go first."""
SOLVER_SECONDS = 5


@dataclass(frozen=True)
class Routes:
    """Solver output: per vehicle the stop indices in order and their arrival minutes."""

    stops: list[list[int]]
    arrivals: list[list[int]]
    dropped: list[int]


def minutes(text: str) -> int:
    """``"08:30"`` → 510."""
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def travel_minutes(xy: np.ndarray, meters_per_minute: float) -> np.ndarray:
    """Whole travel minutes (rounded up) between the rows of ``xy`` (RD metres).

    >>> travel_minutes(np.array([[0.0, 0.0], [3000.0, 4000.0]]), 1000.0).tolist()
    [[0, 5], [5, 0]]
    """
    diff = xy[:, None, :] - xy[None, :, :]
    return np.ceil(np.hypot(diff[..., 0], diff[..., 1]) / meters_per_minute - 1e-9).astype(int)


def solve_routes(matrix: np.ndarray, durations: list[int], weights: list[float], *,
                 vehicles: int, horizon: int, closed: bool = False,
                 seconds: int = SOLVER_SECONDS) -> Routes:
    """Vehicle routing with a time dimension; node 0 of ``matrix`` is the depot.

    ``durations[i]``/``weights[i]`` belong to stop ``i`` (node ``i + 1``). A route's time is
    travel + visits; it must be ≤ ``horizon``. Stops that fit nowhere are ``dropped``.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    manager = pywrapcp.RoutingIndexManager(len(matrix), vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    service = [0, *durations]

    def transit(from_index: int, to_index: int) -> int:
        a, b = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
        drive = int(matrix[a, b]) if (b != 0 or closed) else 0
        return service[a] + drive

    callback = routing.RegisterTransitCallback(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    routing.AddDimension(callback, 0, horizon, True, "tijd")
    for stop, weight in enumerate(weights, start=1):
        penalty = int(DROP_PENALTY * (1.0 + max(0.0, float(weight))))
        routing.AddDisjunction([manager.NodeToIndex(stop)], penalty)
    strategies = routing_enums_pb2.FirstSolutionStrategy
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = strategies.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT)  # deterministic
    params.time_limit.seconds = seconds
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return Routes([[] for _ in range(vehicles)], [[] for _ in range(vehicles)],
                      list(range(len(durations))))
    return _read_routes(manager, routing, solution, vehicles, len(durations))


def _read_routes(manager, routing, solution, vehicles: int, n_stops: int) -> Routes:
    time = routing.GetDimensionOrDie("tijd")
    stops, arrivals, seen = [], [], set()
    for vehicle in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(vehicle)))
        order, times = [], []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            order.append(node - 1)
            times.append(solution.Value(time.CumulVar(index)))
            seen.add(node - 1)
            index = solution.Value(routing.NextVar(index))
        stops.append(order)
        arrivals.append(times)
    return Routes(stops, arrivals, [i for i in range(n_stops) if i not in seen])


def geo_uri(lat: float, lon: float) -> str:
    """Navigation link (RFC 5870).

    >>> geo_uri(50.7581234, 6.0123456)
    'geo:50.758123,6.012346'
    """
    return f"geo:{lat:.6f},{lon:.6f}"


def plan_actiedag(result: PlanResult, config: PlanningConfig, *, datum: dt.date,
                  seconds: int = SOLVER_SECONDS) -> PlanResult:
    """``result`` with its picks divided over ``config.teams`` × ``config.dagen`` routes.

    Adds ``team`` (1-based), ``dag`` (1-based), ``aankomst``/``vertrek`` (datetimes),
    ``reistijd``, ``adres`` and ``navigatie`` (geo: URI); renumbers ``volgorde`` by team,
    day and visit. Dropped stops leave the picks and get a Dutch note in ``tekorten``.
    """
    picks = result.picks.reset_index(drop=True)
    teams, dagen = int(config.teams or 1), int(config.dagen)
    start, end = minutes(config.starttijd), minutes(config.eindtijd)
    xy = np.vstack([np.asarray(result.start, float), picks[["x", "y"]].to_numpy(float)])
    matrix = travel_minutes(xy, config.meters_per_minute)
    durations = [int(math.ceil(d)) for d in picks["duur"].astype(float)]
    routes = solve_routes(matrix, durations, picks["verwacht"].astype(float).tolist(),
                          vehicles=teams * dagen, horizon=end - start,
                          closed=config.terugkeer, seconds=seconds)
    rows, travel = _route_rows(routes, matrix, durations, teams, start, datum)
    if not rows:
        from geo.errors import InvalidRequestError
        raise InvalidRequestError(f"Geen enkele stop past tussen {config.starttijd} en "
                                  f"{config.eindtijd}; verruim het tijdvenster.")
    timing = pd.DataFrame(rows).set_index("stop")
    planned = picks.loc[timing.index].drop(columns=["volgorde", "dag", "aankomst", "vertrek",
                                                   "reistijd"], errors="ignore")
    planned = pd.concat([planned, timing], axis=1).reset_index(drop=True)
    planned.insert(0, "volgorde", np.arange(1, len(planned) + 1))
    planned["adres"] = [stop_location(row) for _, row in planned.iterrows()]
    planned["navigatie"] = [geo_uri(float(a), float(o))
                            for a, o in zip(planned["lat"], planned["lon"], strict=True)]
    notes = list(result.tekorten) + drop_notes(picks, routes.dropped, config)
    total = travel + float(planned["duur"].sum())
    return replace(result, picks=planned, tekorten=notes, total_minutes=total,
                   travel_minutes=travel)


def _route_rows(routes: Routes, matrix: np.ndarray, durations: list[int], teams: int,
                start: int, datum: dt.date) -> tuple[list[dict], float]:
    rows: list[dict] = []
    travel = 0.0
    for vehicle, (order, times) in enumerate(zip(routes.stops, routes.arrivals, strict=True)):
        day = vehicle // teams
        base = pd.Timestamp(np.busday_offset(np.datetime64(datum), day, roll="forward"))
        previous = 0
        for stop, arrival in zip(order, times, strict=True):
            leg = float(matrix[previous, stop + 1])
            travel += leg
            clock = start + arrival
            rows.append({"stop": stop, "team": vehicle % teams + 1, "dag": day + 1,
                         "reistijd": leg,
                         "aankomst": base + pd.Timedelta(minutes=clock),
                         "vertrek": base + pd.Timedelta(minutes=clock + durations[stop])})
            previous = stop + 1
    return rows, travel


def drop_notes(picks: pd.DataFrame, dropped: list[int], config: PlanningConfig) -> list[str]:
    """One Dutch note per stop that fits in no team's day."""
    return [f"Stop {picks['naam'].iloc[i] or picks['object_id'].iloc[i]} "
            f"({picks['thema'].iloc[i]}, {picks['gemeentenaam'].iloc[i]}) past niet in de "
            f"tijdvensters van {config.teams} team(s) × {config.dagen} dag(en) "
            f"{config.starttijd}–{config.eindtijd} en is niet ingepland."
            for i in dropped]


def actiedag_config(config: PlanningConfig) -> PlanningConfig:
    """With teams: the selection's time budget is teams × days × the day window."""
    if not config.teams:
        return config
    window = (minutes(config.eindtijd) - minutes(config.starttijd)) / 60.0
    return config.model_copy(update={"werkdag_uren": window,
                                     "tijdbudget_uren": config.teams * config.dagen * window})


def actiedag_fields(row: object) -> dict[str, object]:
    """Team, day, times, address and navigation link of one stop (a picks row from
    ``itertuples``) as reported by the CLI and the API; ``{}`` for a plan without teams."""
    if not hasattr(row, "team"):
        return {}
    return {"team": int(row.team), "dag": int(row.dag),
            "aankomst": f"{row.aankomst:%Y-%m-%dT%H:%M}",
            "vertrek": f"{row.vertrek:%Y-%m-%dT%H:%M}",
            "adres": str(row.adres), "navigatie": str(row.navigatie)}
