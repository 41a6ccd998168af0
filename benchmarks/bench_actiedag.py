"""Benchmark: an action day — nearest neighbour + 2-opt split into days vs OR-Tools routing.

On SYNTHETIC candidates (random objects inside the real boundaries of the six gemeenten of
Maastricht-Heuvelland), per seed the same 20 picks (:func:`geo.planning.plan_controls`,
start at the region's centre, day 08:00–17:00) are planned three ways:

* **nn+2-opt**: the existing single-team order (nearest neighbour + 2-opt, then split into
  working days by :func:`geo.planning.tour.schedule`);
* **OR-Tools 1 team**: :func:`geo.planning.actiedag.plan_actiedag` with 1 team over as
  many days as nn+2-opt needed (every day starts again at the start point);
* **OR-Tools 3 teams**: 3 teams on one day.

Reported: road kilometres (straight line × omrijfactor; legs from the start point, no drive
back, as in the plan), stops planned and dropped, the latest end of a visit, solver time.

Usage::

    python benchmarks/bench_actiedag.py --seeds 5 --uit benchmarks/results/actiedag.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from geo.layers.gemeenten import select_area
from geo.planning import expected_yield, load_planning_config, plan_controls
from geo.planning.actiedag import plan_actiedag
from geo.planning.candidates import prepare_candidates
from geo.planning.synthetic import synthetic_objects

DATUM = dt.date(2026, 12, 7)


def road_km(result, config) -> float:
    """Road kilometres of every team × day route, from the start point through its stops."""
    picks = result.picks.assign(team=result.picks.get("team", 1))
    total = 0.0
    for _, group in picks.groupby(["team", "dag"]):
        pts = np.vstack([result.start, group.sort_values("volgorde")[["x", "y"]].to_numpy()])
        total += float(np.hypot(*np.diff(pts, axis=0).T).sum())
    return total * config.omrijfactor / 1000.0


def _row(label: str, result, config, seconds: float, dropped: int) -> dict:
    ends = result.picks["vertrek"]
    return {"label": label, "km": road_km(result, config), "stops": len(result.picks),
            "dropped": dropped, "dagen": int(result.picks["dag"].max()),
            "laatste": max(t.strftime("%H:%M") for t in ends), "s": seconds}


def measure(seed: int, candidates, config, codes, start) -> list[dict]:
    base = plan_controls(candidates, config, datum=DATUM, seed=seed, start=start,
                         gemeenten=codes)
    days = int(base.picks["dag"].max())
    rows = [_row("nn+2-opt, 1 team", base, config, 0.0, 0)]
    for teams, dagen in ((1, days), (3, 1)):
        setting = config.model_copy(update={"teams": teams, "dagen": dagen})
        t0 = time.perf_counter()
        result = plan_actiedag(base, setting, datum=DATUM, seconds=2)
        elapsed = time.perf_counter() - t0
        rows.append(_row(f"OR-Tools, {teams} team(s) × {dagen} dag(en)", result, config,
                         elapsed, len(base.picks) - len(result.picks)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kandidaten", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--uit", type=Path, default=None)
    args = parser.parse_args()
    area = select_area(regio="Maastricht-Heuvelland")
    config = load_planning_config().with_overrides(aantal=20, starttijd="08:00",
                                                   eindtijd="17:00", werkdag_uren=9.0)
    objects = synthetic_objects(area.gemeenten, args.kandidaten, seed=1)
    candidates = expected_yield(prepare_candidates(objects, config), None, config)
    start = (float(candidates["x"].median()), float(candidates["y"].median()))
    per_method: dict[str, list[dict]] = {}
    for seed in range(args.seeds):
        for row in measure(seed, candidates, config, area.codes, start):
            per_method.setdefault(row["label"], []).append(row)
    lines = [
        "| methode | km mediaan | km / nn+2-opt (mediaan, min, max) | stops | niet ingepland "
        "| dagen | laatste vertrek | rekentijd (s) |", "|---|---|---|---|---|---|---|---|"]
    reference = [r["km"] for r in per_method["nn+2-opt, 1 team"]]
    for label, rows in per_method.items():
        ratios = [r["km"] / ref for r, ref in zip(rows, reference, strict=True)]
        lines.append(
            f"| {label} | {statistics.median(r['km'] for r in rows):.1f} | "
            f"{statistics.median(ratios):.3f}, {min(ratios):.3f}, {max(ratios):.3f} | "
            f"{sum(r['stops'] for r in rows)} | {sum(r['dropped'] for r in rows)} | "
            f"{max(r['dagen'] for r in rows)} | {max(r['laatste'] for r in rows)} | "
            f"{statistics.median(r['s'] for r in rows):.2f} |")
    header = [f"Command: `python benchmarks/bench_actiedag.py --kandidaten {args.kandidaten} "
              f"--seeds {args.seeds}`", "",
              f"Machine: {platform.machine()}, Python {platform.python_version()}; "
              f"{args.seeds} plans of 20 SYNTHETIC picks, day 08:00–17:00, "
              f"{config.snelheid_kmh:g} km/h, omrijfactor {config.omrijfactor:g}.", ""]
    text = "\n".join(header + lines) + "\n"
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
