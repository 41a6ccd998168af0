"""Choose the objects of a controle-plan: expected yield under constraints, plus exploration.

Steps (all deterministic for a ``seed``):

1. *Eligible*: candidates of the chosen themes not controlled in the last
   ``uitsluiten_maanden`` months.
2. *Exploitation*: greedy on expected yield (posterior hit probability): first the
   per-gemeente minimum, then the best remaining, each pick only if it keeps the minimum
   distance, the per-gemeente maximum and the time budget (control duration + cheapest
   insertion travel; time for the exploration picks is reserved). Selection probability 1.
3. *Exploration*: from the eligible objects still compatible with the exploitation picks,
   ``n_exploration`` objects are drawn by systematic PPS with weight
   ``onzekerheid × (1 + witte_vlek_gewicht × witte_vlek)``; each records its exact
   inclusion probability.
4. *Order*: nearest neighbour + 2-opt from the start; arrival times split over working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import InvalidRequestError
from geo.planning.config import PlanningConfig
from geo.planning.sampling import inclusion_probabilities, systematic_pps
from geo.planning.tour import (
    insert_cheapest,
    route_length,
    schedule,
    solve_tour,
)

EXPLOIT, EXPLORE = "exploitatie", "exploratie"


@dataclass
class PlanResult:
    """A chosen, ordered and explained plan.

    Attributes
    ----------
    picks : DataFrame
        One row per pick in visiting order: the candidate columns plus ``volgorde``,
        ``soort_keuze``, ``selectiekans``, ``reden``, ``reistijd``, ``dag``,
        ``aankomst`` (datetime) and ``vertrek``.
    start : tuple of float
        Start point (RD x, y).
    eligible, excluded_recent, pool_exploration : int
        Candidate counts: eligible, excluded as recently controlled, exploration pool size.
    tekorten : list of str
        Dutch notes where a constraint could not be met (fewer picks, gemeente minimum).
    total_minutes, travel_minutes : float
        Control + travel time, and travel alone.
    """

    picks: pd.DataFrame
    start: tuple[float, float]
    eligible: int
    excluded_recent: int
    pool_exploration: int
    total_minutes: float
    travel_minutes: float
    tekorten: list[str] = field(default_factory=list)


@dataclass
class _State:
    """The plan being built: picks, their insertion route, and what makes a pick feasible."""

    xy: np.ndarray
    start_xy: np.ndarray | None
    config: PlanningConfig
    budget: float
    codes: np.ndarray  # gemeentecode per candidate
    durations: np.ndarray  # control minutes per candidate
    gemeente_max: int
    picked: list[int] = field(default_factory=list)
    route: list[int] = field(default_factory=list)  # positions in picked (+start at -1)
    per_gemeente: dict[str, int] = field(default_factory=dict)

    def nodes(self, extra: int | None = None) -> np.ndarray:
        idx = self.picked + ([extra] if extra is not None else [])
        pts = self.xy[idx]
        return pts if self.start_xy is None else np.vstack([self.start_xy, pts])

    def times_with(self, idx: np.ndarray, durations: np.ndarray) -> np.ndarray:
        """Plan minutes (controls + travel) after the cheapest insertion of each ``idx``."""
        offset = 0 if self.start_xy is None else 1
        route = self.nodes()[self.route_nodes(offset)]
        speed = self.config.meters_per_minute
        base = durations[self.picked].sum() + durations[idx]
        if len(route) == 0:
            return base
        legs = np.hypot(*np.diff(route, axis=0).T) / speed
        travel = legs.sum()
        closing = np.hypot(*(route[-1] - route[0])) / speed if self.config.terugkeer else 0.0
        to = np.hypot(route[:, None, 0] - self.xy[idx][None, :, 0],
                      route[:, None, 1] - self.xy[idx][None, :, 1]) / speed  # (r, m)
        cost = to[-1] - closing + (to[0] if self.config.terugkeer else 0.0)
        if len(route) >= 2:
            cost = np.minimum(cost, (to[:-1] + to[1:] - legs[:, None]).min(axis=0))
        return base + travel + closing + cost

    def route_nodes(self, offset: int) -> list[int]:
        return ([0] if offset else []) + [offset + p for p in self.route]

    def feasible_mask(self, idx: np.ndarray) -> np.ndarray:
        """Which of ``idx`` keep the gemeente maximum, the minimum distance and the budget."""
        idx = np.asarray(idx, dtype=int)
        counts = np.array([self.per_gemeente.get(c, 0) for c in self.codes[idx]])
        ok = counts < self.gemeente_max
        if self.picked and self.config.minimale_afstand_m > 0:
            picked = self.xy[self.picked]
            d = np.hypot(picked[:, None, 0] - self.xy[idx][None, :, 0],
                         picked[:, None, 1] - self.xy[idx][None, :, 1])
            ok &= (d >= self.config.minimale_afstand_m).all(axis=0)
        if ok.any():
            ok[ok] = self.times_with(idx[ok], self.durations) <= self.budget + 1e-9
        return ok

    def feasible(self, i: int) -> bool:
        return bool(self.feasible_mask(np.array([i]))[0])

    def add(self, idx: int, gemeente: str) -> None:
        offset = 0 if self.start_xy is None else 1
        pts = self.nodes(idx)
        matrix = _matrix(pts, self.config.meters_per_minute)
        route = insert_cheapest(self.route_nodes(offset), len(pts) - 1, matrix,
                                closed=self.config.terugkeer)
        self.picked.append(idx)
        self.route = [r - offset for r in route if r >= offset]
        self.per_gemeente[gemeente] = self.per_gemeente.get(gemeente, 0) + 1


def _matrix(pts: np.ndarray, meters_per_minute: float) -> np.ndarray:
    diff = pts[:, None, :] - pts[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) / meters_per_minute


def plan_controls(candidates: pd.DataFrame, config: PlanningConfig, *, datum: dt.date,
                  seed: int = 0, start: tuple[float, float] | None = None,
                  gemeenten: list[str] | None = None) -> PlanResult:
    """Choose, order and explain ``config.aantal`` controls.

    Parameters
    ----------
    candidates : DataFrame
        Output of :func:`geo.planning.feedback.expected_yield` (needs ``verwacht``,
        ``onzekerheid``, ``laatste_controle``, ``x``, ``y``, ``duur``, ``gemeentecode``).
    datum : date
        First day of the plan (recent-control exclusion counts back from it).
    seed : int
        Seeds the exploration draw; the same inputs and seed give the same plan.
    start : (x, y) in RD metres, optional
        Start point; default the first exploitation pick.
    gemeenten : list of str, optional
        The gemeenten the team serves (for the per-gemeente minimum); default those present.
    """
    if not 2000 <= datum.year <= 2200:
        raise InvalidRequestError(f"Plandatum {datum.isoformat()} ligt niet tussen 2000 en "
                                  f"2200.", datum=datum.isoformat())
    frame, recent = _eligible(candidates, config, datum)
    n_total = min(config.aantal, len(frame))
    n_explore = min(config.n_exploration, n_total)
    dur = frame["duur"].to_numpy(dtype=float)
    codes = frame["gemeentecode"].astype(str).to_numpy()
    budget = config.tijdbudget_uren * 60.0
    reserve = n_explore * (float(np.median(dur)) + 2 * config.minimale_afstand_m
                           / config.meters_per_minute)
    gemeenten = sorted(set(gemeenten or codes))
    # the per-gemeente shares only apply when the team serves several gemeenten
    gemeente_max = config.gemeente_max if len(gemeenten) > 1 else config.aantal
    state = _State(frame[["x", "y"]].to_numpy(dtype=float),
                   None if start is None else np.asarray(start, float), config,
                   budget - reserve, codes, dur, gemeente_max)
    notes: list[str] = []
    exploit = _exploit(state, frame, gemeenten, n_total - n_explore, notes)
    state.budget = budget
    explore, pi_of, pool = _explore(state, frame, exploit, n_explore,
                                    np.random.default_rng(seed))
    if len(explore) < n_explore:
        notes.append(f"{len(explore)} van {n_explore} exploratiekeuzes gepland (tijdbudget, "
                     f"afstand of gemeentemaximum).")
    if len(state.picked) < config.aantal:
        notes.append(f"{len(state.picked)} van {config.aantal} objecten gepland binnen de "
                     f"beperkingen (tijdbudget {config.tijdbudget_uren:g} uur, minimale "
                     f"afstand {config.minimale_afstand_m:g} m, gemeentemaximum "
                     f"{gemeente_max}).")
    return _finish(frame, state, exploit, explore, pi_of, config, datum, notes,
                   eligible=len(frame), recent=recent, pool=pool)


def _eligible(candidates: pd.DataFrame, config: PlanningConfig,
              datum: dt.date) -> tuple[pd.DataFrame, int]:
    """Candidates of the chosen themes not controlled recently; and how many were recent."""
    frame = candidates[candidates["thema"].isin(config.themas)].reset_index(drop=True)
    cutoff = pd.Timestamp(datum) - pd.DateOffset(months=config.uitsluiten_maanden)
    last = pd.to_datetime(frame["laatste_controle"])
    recent = (last > cutoff) & (last <= pd.Timestamp(datum)) if config.uitsluiten_maanden \
        else pd.Series(False, index=frame.index)
    frame = frame[~recent.to_numpy()].reset_index(drop=True)
    if frame.empty:
        raise InvalidRequestError("Geen kandidaat-objecten over na de filters (thema, recente "
                                  "controles); er is niets te plannen.")
    return frame, int(recent.sum())


def _exploit(state: _State, frame: pd.DataFrame, gemeenten: list[str], n_exploit: int,
             notes: list[str]) -> list[int]:
    """Greedy on expected yield: the per-gemeente minimum first, then the best remaining."""
    config, codes = state.config, state.codes
    value = frame["verwacht"].to_numpy(dtype=float)
    order = np.lexsort((frame["sleutel"].to_numpy(), -value))
    for code in gemeenten:
        need = min(config.gemeente_min, n_exploit)
        for i in order[codes[order] == code]:
            if state.per_gemeente.get(code, 0) >= need or len(state.picked) >= n_exploit:
                break
            if state.feasible(i):
                state.add(int(i), code)
        got = state.per_gemeente.get(code, 0)
        if got < config.gemeente_min:
            notes.append(f"Gemeente {code}: {got} van minimaal {config.gemeente_min} keuzes "
                         f"(te weinig geschikte objecten binnen de beperkingen).")
    for i in order:
        if len(state.picked) >= n_exploit:
            break
        if int(i) not in state.picked and state.feasible(i):
            state.add(int(i), codes[i])
    return list(state.picked)


def _explore(state: _State, frame: pd.DataFrame, exploit: list[int], n_explore: int,
             rng: np.random.Generator) -> tuple[list[int], dict[int, float], int]:
    """Systematic PPS draw from the compatible pool, with exact inclusion probabilities.

    Returns the exploration picks, the inclusion probability of every pool object and
    the pool size. Drops the last exploitation picks when nothing else would fit.
    """
    while True:
        rest = np.setdiff1d(np.arange(len(frame)), exploit)
        pool = rest[state.feasible_mask(rest)] if len(rest) else rest
        if not n_explore or len(pool) or not exploit:
            break
        _drop(state, exploit, exploit[-1], state.codes)  # keep exploration > 0: make room
    weights = _exploration_weights(frame, pool, state.config)
    pi_pool = np.zeros(len(pool))
    drawn: list[int] = []
    if n_explore and len(pool):
        m = min(n_explore, int((weights > 0).sum()))
        pi_pool = inclusion_probabilities(weights, m)
        drawn = [int(pool[j]) for j in systematic_pps(pi_pool, rng)]
    explore: list[int] = []
    for i in drawn:
        if state.feasible(i):  # the first draw always is: the pool is compatible
            state.add(i, state.codes[i])
            explore.append(i)
    return explore, dict(zip(pool.tolist(), pi_pool.tolist(), strict=True)), len(pool)


def _exploration_weights(frame: pd.DataFrame, pool: np.ndarray,
                         config: PlanningConfig) -> np.ndarray:
    """Draw weights: uncertainty (+ witte-vlek bonus), mixed with a uniform share.

    ``w_i = (1 - u) · o_i (1 + g · v_i) / Σ_j o_j (1 + g · v_j) + u / N`` with ``o`` the
    uncertainty of the expected yield, ``v`` the witte vlek (``1 - volledigheid``), ``g``
    = ``witte_vlek_gewicht`` and ``u`` = ``exploratie_uniform``: with equal uncertainty an
    object about which nothing is known is drawn ``1 + g`` times as often as a fully
    known one (inside the informed part). The uniform part keeps every pool object's
    inclusion probability at least ``exploratie_uniform × m / len(pool)``, which bounds
    the ``1/π`` weights (defensive mixture sampling, Hesterberg 1995).
    """
    if len(pool) == 0:
        return np.zeros(0)
    raw = frame["onzekerheid"].to_numpy(float)[pool] * (
        1.0 + config.witte_vlek_gewicht * frame["witte_vlek"].to_numpy(float)[pool])
    share = config.exploratie_uniform
    informed = raw / raw.sum() if raw.sum() > 0 else np.full(len(pool), 1.0 / len(pool))
    return (1.0 - share) * informed + share / len(pool)


def _drop(state: _State, exploit: list[int], idx: int, codes: np.ndarray) -> None:
    position = state.picked.index(idx)
    state.picked.pop(position)
    state.route = [r if r < position else r - 1 for r in state.route if r != position]
    state.per_gemeente[codes[idx]] -= 1
    exploit.remove(idx)


def _finish(frame: pd.DataFrame, state: _State, exploit: list[int], explore: list[int],
            pi_of: dict[int, float], config: PlanningConfig, datum: dt.date,
            notes: list[str], *, eligible: int, recent: int, pool: int) -> PlanResult:
    chosen = [state.picked[r] for r in state.route]  # the budget-checked insertion route
    if not chosen:
        raise InvalidRequestError("Geen enkel object past binnen de beperkingen; verruim het "
                                  "tijdbudget of verklein de minimale afstand.")
    pts = frame[["x", "y"]].to_numpy(float)[chosen]
    offset = 0 if state.start_xy is None else 1  # without a start the first pick is the start
    start = pts[0] if state.start_xy is None else state.start_xy
    nodes = pts if state.start_xy is None else np.vstack([start, pts])
    matrix = _matrix(nodes, config.meters_per_minute)
    tour = solve_tour(matrix, closed=config.terugkeer)
    insertion = list(range(len(nodes)))
    if route_length(insertion, matrix, closed=config.terugkeer) < route_length(
            tour, matrix, closed=config.terugkeer):
        tour = insertion
    sequence = [chosen[t - offset] for t in tour if t >= offset]
    legs = [float(matrix[a, b]) for a, b in zip(tour[:-1], tour[1:], strict=True)]
    legs = [0.0] + legs if offset == 0 else legs
    picks = frame.iloc[sequence].reset_index(drop=True)
    picks.insert(0, "volgorde", np.arange(1, len(picks) + 1))
    picks["soort_keuze"] = [EXPLOIT if i in exploit else EXPLORE for i in sequence]
    picks["selectiekans"] = [1.0 if i in exploit else pi_of[i] for i in sequence]
    visits = schedule(legs, picks["duur"].tolist(), day_start=config.start_minutes,
                      day_minutes=config.werkdag_uren * 60.0)
    days = np.busday_offset(np.datetime64(datum), [v.dag for v in visits], roll="forward")
    base = pd.to_datetime(days)
    picks["dag"] = [v.dag + 1 for v in visits]
    picks["reistijd"] = [v.reistijd for v in visits]
    picks["aankomst"] = base + pd.to_timedelta([v.aankomst for v in visits], unit="min")
    picks["vertrek"] = base + pd.to_timedelta([v.vertrek for v in visits], unit="min")
    picks["aankomst"] = picks["aankomst"].dt.floor("min")
    picks["vertrek"] = picks["vertrek"].dt.floor("min")
    picks["reden"] = [_reason(row) for row in picks.itertuples(index=False)]
    travel = float(sum(legs)) + (float(matrix[tour[-1], 0]) if config.terugkeer else 0.0)
    return PlanResult(picks, (float(start[0]), float(start[1])), eligible, recent, pool,
                      travel + float(picks["duur"].sum()), travel, notes)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")


def _reason(row) -> str:
    score = f"score {row.score:.2f}".replace(".", ",")
    klasse = f"klasse {row.klasse}" + (f" ({row.klasse_naam})" if row.klasse_naam else "")
    history = (f"{row.controles} eerdere controle(s), {row.treffers} met bevinding"
               if row.controles else "nog niet gecontroleerd")
    if row.soort_keuze == EXPLOIT:
        why = f"Exploitatie: hoge verwachte trefkans {_pct(row.verwacht)}"
    else:
        vlek = f", {_pct(row.witte_vlek)} indicatoren onbekend" if row.witte_vlek > 0 else ""
        why = (f"Exploratie (witte vlek): onzekerheid {row.onzekerheid:.3f}{vlek}; "
               f"getrokken met kans {_pct(row.selectiekans)}").replace(".", ",")
    top = f"; belangrijkste indicatoren: {row.top_indicatoren}" if row.top_indicatoren else ""
    return f"{why}; {score}, {klasse}; {history}{top}."
