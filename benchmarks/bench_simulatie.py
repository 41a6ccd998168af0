"""Benchmark: the simulation study of the learned map (issue 13 item 5). SYNTHETIC worlds.

Generates the worlds of :func:`geo.scoring.simulation.world_specs` (own generator, known
coefficients, varied size, incident count, strength and which factors matter, null factors,
an effect outside its theme domain), learns each with the pipeline functions
(:func:`geo.scoring.influence.fit_with_influence`) and scores it against the noise-free true
intensity:

- learned PAI@5 % / true PAI@5 % (targets: median ≥ 0.9, no world < 0.75);
- sign recovery for true effects with |β| ≥ 0.5 (target ≥ 95 %);
- coverage of the 95 % block-bootstrap intervals of the relative risks (target 90-98 %;
  scored where the chosen operationalisation is the true one, and for null factors);
- null factors whose interval excludes 1 (target ≤ 10 %).

``--vergelijk`` also fits every world without the choice of spatial influence (every
point factor at 500 m exponential) and with point factors only inside their theme domain
(the old operationalisation), and reports their PAI ratios beside the new one.

``--seed`` picks another set of worlds (the master seed of
:func:`~geo.scoring.simulation.world_specs`; 2026 is the published set). ``--herteken N
--wereld wereld_15`` redraws that world's counts N times from its true intensity and fits
each draw with the pipeline and with an oracle that knows the true forms and distances
(:func:`~geo.scoring.simulation.redraw_study`): the spread of one world's ratio from
sampling noise alone.

Run (single-threaded BLAS; numbers on a shared machine vary)::

    python benchmarks/bench_simulatie.py --werelden 24 --uit benchmarks/results/simulatie.md
    python benchmarks/bench_simulatie.py --werelden 24 --seed 7
    python benchmarks/bench_simulatie.py --herteken 30 --wereld wereld_15
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.scoring.simulation import (  # noqa: E402
    fit_world,
    generate_world,
    pai,
    redraw_study,
    run_study,
    summarise,
    world_specs,
)

TARGETS = {"mediaan_verhouding": ">= 0,90", "laagste_verhouding": ">= 0,75",
           "tekens_goed": ">= 95 %", "dekking_95": "90-98 %", "nul_sluit_1_uit": "<= 10 %"}


def _nl(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _compare(specs, n_bootstrap: int) -> pd.DataFrame:
    rows = []
    for spec in specs:
        world = generate_world(spec)
        truth = pai(world.intensity, world.intensity, world.mask)
        row = {"wereld": spec.naam}
        for label, options in (("vast 500 m", {"select": False}),
                               ("alleen domein", {"whole_area": False})):
            learner, _, X = fit_world(world, n_bootstrap=0, **options)
            score = world.mask.astype(float) * 0
            score[world.mask] = learner.predict(X)
            row[label] = pai(score, world.intensity, world.mask) / truth
        rows.append(row)
    return pd.DataFrame(rows)


def _markdown(worlds, factors, summary, seconds, args, compare) -> str:
    lines = [f"Simulatiestudie, {summary['werelden']} synthetische werelden "
             f"({seconds:.0f} s wandtijd, {platform.machine()}, gedeelde machine: tijden "
             f"wisselen), bootstrap {args.bootstrap}.", "",
             "| wereld | cellen | incidenten | PAI@5% waar | PAI@5% geleerd | verhouding | CV-D² |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in worlds.itertuples():
        lines.append(f"| {r.wereld} | {r.cellen} | {r.incidenten} | {_nl(r.pai_waar)} | "
                     f"{_nl(r.pai_geleerd)} | {_nl(r.verhouding)} | {_nl(r.cv_d2, 3)} |")
    lines += ["", "| maat | uitkomst | doel |", "|---|---:|---|"]
    for key, target in TARGETS.items():
        value = summary[key]
        shown = _nl(value) if "verhouding" in key else f"{_nl(100 * value, 0)} %"
        lines.append(f"| {key} | {shown} | {target} |")
    lines.append(f"\nAantallen: {summary['n_teken']} effecten met |β| ≥ 0,5 (teken), "
                 f"{summary['n_dekking']} intervallen (dekking), {summary['n_nul']} nulfactoren.")
    chosen = factors[factors["op_waar"] != ""]
    hits = (chosen["op_waar"] == chosen["op_gekozen"]).mean()
    lines.append(f"Gekozen operationalisatie = de ware: {_nl(100 * hits, 0)} % "
                 f"van {len(chosen)} puntfactoren.")
    if compare is not None:
        merged = worlds[["wereld", "verhouding"]].merge(compare, on="wereld")
        lines += ["", "| variant | mediaan verhouding | laagste |", "|---|---:|---:|"]
        for column, label in (("verhouding", "gekozen invloed, heel gebied"),
                              ("vast 500 m", "vast 500 m exponentieel, heel gebied"),
                              ("alleen domein", "gekozen invloed, punten alleen in domein")):
            lines.append(f"| {label} | {_nl(merged[column].median())} | "
                         f"{_nl(merged[column].min())} |")
    return "\n".join(lines) + "\n"


def _redraw_markdown(name: str, table: pd.DataFrame, seed: int) -> str:
    lines = [f"Hertekening van {name} (seed {seed}): {len(table)} nieuwe Poisson-trekkingen "
             "uit dezelfde ware intensiteit.", "",
             "| maat | pijplijn | orakel (ware vormen en afstanden) |", "|---|---:|---:|"]
    for label, func in (("mediaan verhouding", "median"), ("laagste", "min"),
                        ("hoogste", "max")):
        lines.append(f"| {label} | {_nl(getattr(table['pijplijn'], func)())} | "
                     f"{_nl(getattr(table['orakel'], func)())} |")
    below = [f"{_nl(100 * (table[c] < 0.75).mean(), 0)} %" for c in ("pijplijn", "orakel")]
    lines.append(f"| aandeel < 0,75 | {below[0]} | {below[1]} |")
    lines.append(f"\nIncidenten per trekking {table['incidenten'].min()}-"
                 f"{table['incidenten'].max()}.")
    return "\n".join(lines) + "\n"


def _redraw(args) -> None:
    specs = {s.naam: s for s in world_specs(args.werelden, args.seed)}
    if args.wereld not in specs:
        raise SystemExit(f"Onbekende wereld '{args.wereld}'; kies uit {', '.join(specs)}.")
    with threadpool_limits(1):
        table = redraw_study(specs[args.wereld], args.herteken, seed=args.seed)
    text = _redraw_markdown(args.wereld, table, args.seed)
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--werelden", type=int, default=24)
    parser.add_argument("--bootstrap", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--vergelijk", action="store_true")
    parser.add_argument("--uit", type=Path)
    parser.add_argument("--factoren", type=Path, help="CSV met de tabel per factor")
    parser.add_argument("--herteken", type=int, default=0,
                        help="trek de aantallen van --wereld zo vaak opnieuw")
    parser.add_argument("--wereld", default="wereld_15")
    args = parser.parse_args()
    if args.herteken:
        _redraw(args)
        return
    specs = world_specs(args.werelden, args.seed)
    with threadpool_limits(1):
        start = time.perf_counter()
        worlds, factors = run_study(specs, n_bootstrap=args.bootstrap)
        seconds = time.perf_counter() - start
        compare = _compare(specs, args.bootstrap) if args.vergelijk else None
    summary = summarise(worlds, factors)
    text = _markdown(worlds, factors, summary, seconds, args, compare)
    print(text)
    if args.uit:
        args.uit.write_text(text, encoding="utf-8")
    if args.factoren:
        factors.to_csv(args.factoren, index=False)


if __name__ == "__main__":
    main()
