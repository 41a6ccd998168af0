"""The demo: synthetic Limburg layers and every demo output (``kaart demo --alles``).

:func:`build_demo_outputs` runs the same service functions as the commands (gelegenheid and
risico for 31 gemeenten, gecombineerd for one region, an offline HTML map and an ACT!-plan)
with the commands' defaults, and reports progress through one callback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.layers.gemeenten import Area, select_area
from geo.paths import Werkmap
from geo.scoring.grid import DEFAULT_CELLSIZE
from services import Progress
from services.runs import (
    build_gecombineerd,
    build_gelegenheid,
    build_html,
    build_risico,
    html_files,
    run_files,
)

DEMO_PROVINCIE = "Limburg"
DEMO_GEMEENTE = "Vaals"
DEMO_REGIO = "Maastricht-Heuvelland"
DEMO_PLAN_AANTAL = 20
HTML_NAME = "vaals.html"


@dataclass(frozen=True)
class DemoLayers:
    """The synthetic input layers written by :func:`write_demo_layers`."""

    path: Path
    counts: dict[str, int]
    replaced: bool


@dataclass(frozen=True)
class DemoStep:
    """One finished step: its name (the command that does the same), what it wrote."""

    stap: str
    beschrijving: str
    geschreven: list[dict[str, object]]


@dataclass
class DemoOutputs:
    """Every demo output, step by step."""

    steps: list[DemoStep] = field(default_factory=list)
    html: Path | None = None
    plan_dir: Path | None = None


def write_demo_layers(werkmap: Werkmap, seed: int,
                      on_layer: Callable[[str], None] | None = None) -> DemoLayers:
    """Write the synthetic demo layers to ``invoer/lagen.gpkg`` (same seed, same layers)."""
    from geo.layers import read_layers
    from geo.layers.demo import DEMO_LAYERS, write_demo

    replaced = werkmap.lagen.exists()
    path = write_demo(werkmap, seed, on_layer=on_layer)
    counts = {kind: len(frame) for kind, frame in read_layers(path, DEMO_LAYERS).items()}
    return DemoLayers(path=path, counts=counts, replaced=replaced)


def write_land_layers(werkmap: Werkmap, seed: int, provincies: list[str] | None = None,
                      on_province: Callable[[str, int, int], None] | None = None
                      ) -> DemoLayers:
    """Write the national synthetic layers (all 342 gemeenten, or the chosen provinces) to
    ``invoer/lagen.gpkg``; ``on_province(name, done, total)`` after each province."""
    from geo.layers import read_layers
    from geo.layers.demo.land import LAND_LAYERS, write_land_demo

    replaced = werkmap.lagen.exists()
    path = write_land_demo(werkmap, seed, provincies, on_province=on_province)
    counts = {kind: len(frame) for kind, frame in read_layers(path, LAND_LAYERS).items()}
    return DemoLayers(path=path, counts=counts, replaced=replaced)


def build_demo_outputs(werkmap: Werkmap, progress: Progress | None = None) -> DemoOutputs:
    """Build every demo output from the demo layers in ``werkmap``; ``progress(done, total,
    text)`` counts work units (one per gemeente map, one per other step) and is called
    before each step, after each gemeente inside a step and once at the end."""
    return run_steps(_steps(werkmap), progress)


def run_steps(steps: list[DemoStepPlan], progress: Progress | None = None) -> DemoOutputs:
    """Run ``steps`` in order, reporting their units to ``progress`` as one running total."""
    total = sum(step.units for step in steps)
    result = DemoOutputs()
    base = 0
    for step in steps:
        def report(done: int, text: str, _base: int = base, _units: int = step.units) -> None:
            if progress is not None:
                progress(_base + max(0, min(done, _units)), total, text)

        report(0, step.beschrijving)
        result.steps.append(DemoStep(stap=step.stap, beschrijving=step.beschrijving,
                                     geschreven=step.run(result, report)))
        base += step.units
    if progress is not None:
        progress(total, total, "Demo klaar")
    return result


REAL_DEMO_REGIO = "Noord-Limburg"
REAL_DEMO_CELLSIZE = 100.0
REAL_HTML_GEMEENTE = "Venlo"
"""The standalone map of the real demo covers one gemeente: all of Noord-Limburg with its
synthetic buitengebied objects exceeds the standalone size cap (maps.standalone)."""
REAL_HTML_NAME = "venlo-echt.html"


@dataclass(frozen=True)
class RealDemo:
    """What ``kaart demo --echt`` wrote: layers, indicator file, runs and the HTML map."""

    layers_path: Path
    config_path: Path
    layer_info: dict[str, dict[str, str]]
    geschreven: list[dict[str, object]]
    html: Path


def build_real_demo(werkmap: Werkmap, seed: int = 1,
                    progress: Progress | None = None) -> RealDemo:
    """Real Limburg layers (OSM, CBS) plus synthetic ones where none is shipped, then the
    gelegenheidskaart of Noord-Limburg (100 m), and that of Venlo with its offline HTML map
    (:mod:`geo.layers.demo.echt`)."""
    from geo.layers.demo.echt import write_real_demo

    steps = 3
    if progress is not None:
        progress(0, steps, "Echte en synthetische lagen schrijven")
    path, config, info = write_real_demo(werkmap, seed)
    if progress is not None:
        progress(1, steps, f"Gelegenheidskaart {REAL_DEMO_REGIO}")
    area = select_area(regio=REAL_DEMO_REGIO)
    runs = build_gelegenheid(werkmap, area, config_path=config, cellsize=REAL_DEMO_CELLSIZE)
    if progress is not None:
        progress(2, steps, "Losse HTML-kaart")
    gemeente = select_area(gemeente=REAL_HTML_GEMEENTE)
    runs += build_gelegenheid(werkmap, gemeente, config_path=config,
                              cellsize=REAL_DEMO_CELLSIZE)
    built = build_html(werkmap, werkmap.root / REAL_HTML_NAME, gebied=gemeente.id)
    if progress is not None:
        progress(steps, steps, "Demo met echte data klaar")
    return RealDemo(layers_path=path, config_path=config, layer_info=info,
                    geschreven=run_files(runs) + html_files(built), html=built.path)


StepReport = Callable[[int, str], None]
"""``report(done, text)``: units of the running step done so far (0..its ``units``)."""
StepRun = Callable[[DemoOutputs, StepReport], list[dict[str, object]]]


@dataclass(frozen=True)
class DemoStepPlan:
    """One step to run: command name, Dutch description, work units, what to run."""

    stap: str
    beschrijving: str
    units: int
    run: StepRun


def gelegenheid_step(werkmap: Werkmap, area: Area, **options: object) -> DemoStepPlan:
    """Gelegenheid per gemeente of ``area``; one unit per finished gemeente."""
    names = list(area.gemeenten["gemeentenaam"])
    cellsize = options.get("cellsize", DEFAULT_CELLSIZE)

    def run(_: DemoOutputs, report: StepReport) -> list[dict[str, object]]:
        order: dict[str, int] = {}

        def per_area(item: Area, done: int, total: int, text: str) -> None:
            index = order.setdefault(item.id, len(order))
            finished = index + (1 if total and done >= total else 0)
            report(finished, f"Gelegenheidskaart {item.naam} ({index + 1}/{len(names)}): "
                             f"{text}")

        return run_files(build_gelegenheid(werkmap, area, per_gemeente=True,
                                           progress=per_area, **options))

    return DemoStepPlan("gelegenheid", f"Gelegenheidskaarten ({len(names)} gemeenten, "
                                       f"{cellsize:g} m)", len(names), run)


def risico_step(werkmap: Werkmap, area: Area, **options: object) -> DemoStepPlan:
    """Risico per gemeente of ``area``; one unit per finished gemeente."""
    count = len(area.gemeenten)

    def run(_: DemoOutputs, report: StepReport) -> list[dict[str, object]]:
        return run_files(build_risico(werkmap, area, per_gemeente=True,
                                      progress=lambda done, _t, text: report(done, text),
                                      **options))

    return DemoStepPlan("risico", f"Risicokaarten ({count} gemeenten)", count, run)


def _steps(werkmap: Werkmap) -> list[DemoStepPlan]:
    """The demo's steps in order (command name, Dutch description, units, what to run)."""
    provincie = select_area(provincie=DEMO_PROVINCIE)
    region = select_area(regio=DEMO_REGIO)

    def gecombineerd(code: str) -> StepRun:
        return lambda _o, _r: run_files([build_gecombineerd(werkmap, select_area(gemeente=code))])

    def html(outputs: DemoOutputs, _: StepReport) -> list[dict[str, object]]:
        built = build_html(werkmap, werkmap.root / HTML_NAME, gemeente=DEMO_GEMEENTE)
        outputs.html = built.path
        return html_files(built)

    def plan(outputs: DemoOutputs, _: StepReport) -> list[dict[str, object]]:
        from services.plans import create_plan
        from services.store import werkmap_database

        with werkmap_database(werkmap) as sessions, sessions() as session:
            created = create_plan(session, werkmap, region, datum=dt.date.today(),
                                  overrides={"aantal": DEMO_PLAN_AANTAL})
        outputs.plan_dir = created.directory
        return created.geschreven

    combined = [DemoStepPlan("gecombineerd", f"Gecombineerde kaart {naam}", 1, gecombineerd(code))
                for code, naam in zip(region.gemeenten["gemeentecode"],
                                      region.gemeenten["gemeentenaam"], strict=True)]
    return [
        gelegenheid_step(werkmap, provincie),
        risico_step(werkmap, provincie),
        *combined,
        DemoStepPlan("html", f"Losse HTML-kaart {DEMO_GEMEENTE}", 1, html),
        DemoStepPlan("plan", f"ACT!-plan {DEMO_REGIO}", 1, plan),
    ]
