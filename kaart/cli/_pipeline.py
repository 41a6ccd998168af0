"""``kaart demo --alles``: build every demo output with the real commands, in-process.

Each step runs a ``kaart`` command exactly as a user would (with ``--json``); its JSON
result is captured and summarised, so the whole demo yields one Dutch overview (or
one JSON object) that ends with where to look.
"""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout
from typing import Any

from geo.errors import KaartError
from geo.paths import Werkmap
from kaart.cli._common import Output

DEMO_GEMEENTE = "Vaals"
DEMO_REGIO = "Maastricht-Heuvelland"


def demo_steps(werkmap: Werkmap) -> list[tuple[str, list[str]]]:
    """The commands ``kaart demo --alles`` runs after generating the layers."""
    from geo.layers.gemeenten import select_area

    html = werkmap.root / "vaals.html"
    region = select_area(regio=DEMO_REGIO)
    combined = [
        (f"Gecombineerde kaart {naam}", ["gecombineerd", "--gemeente", code])
        for code, naam in zip(region.gemeenten["gemeentecode"], region.gemeenten["gemeentenaam"],
                              strict=True)
    ]
    return [
        ("Gelegenheidskaarten (31 gemeenten, 25 m)",
         ["gelegenheid", "--provincie", "Limburg", "--per-gemeente"]),
        ("Risicokaarten (31 gemeenten)", ["risico", "--provincie", "Limburg", "--per-gemeente"]),
        *combined,
        (f"Losse HTML-kaart {DEMO_GEMEENTE}",
         ["html", "--gemeente", DEMO_GEMEENTE, "--uit", str(html)]),
        (f"ACT!-plan {DEMO_REGIO}", ["plan", "--regio", DEMO_REGIO, "--aantal", "20"]),
    ]


def run_step(args: list[str], werkmap: Werkmap) -> dict[str, Any]:
    """Run one ``kaart`` command in-process with ``--json`` and return its JSON object."""
    from typer.main import get_command

    from kaart.cli._app import app

    buffer = io.StringIO()
    previous = os.environ.get("KAART_GEEN_VOORTGANG")
    os.environ["KAART_GEEN_VOORTGANG"] = "1"  # one progress bar at a time: the outer one
    try:
        with redirect_stdout(buffer):
            try:
                get_command(app).main(
                    args=[*args, "--werkmap", str(werkmap.root), "--json"],
                    prog_name="kaart", standalone_mode=False,
                )
            except SystemExit:
                pass
            except Exception as error:  # click.exceptions.Exit and usage errors
                if type(error).__name__ != "Exit":
                    raise
    finally:
        if previous is None:
            os.environ.pop("KAART_GEEN_VOORTGANG", None)
        else:
            os.environ["KAART_GEEN_VOORTGANG"] = previous
    lines = [line for line in buffer.getvalue().splitlines() if line.startswith("{")]
    if not lines:
        raise KaartError(f"Stap 'kaart {' '.join(args)}' gaf geen resultaat.")
    result = json.loads(lines[-1])
    if not result.get("ok"):
        melding = result.get("fout", {}).get("melding", "onbekende fout")
        raise KaartError(f"Stap 'kaart {' '.join(args)}' mislukte: {melding}")
    return result


def build_all(out: Output, werkmap: Werkmap) -> None:
    """Run every demo step, record what it wrote and print where to look."""
    steps = demo_steps(werkmap)
    results: list[dict[str, Any]] = []
    with out.progress() as progress:
        task = progress.add_task("Demo bouwen", total=len(steps))
        for description, args in steps:
            progress.update(task, description=description)
            result = run_step(args, werkmap)
            results.append({"stap": args[0], "geschreven": len(result.get("geschreven", []))})
            for item in result.get("geschreven", []):
                out.written.append({**item, "stap": args[0]})
            progress.advance(task)
    out.data(stappen=results)
    html = werkmap.root / "vaals.html"
    plan_dirs = sorted(werkmap.plannen.glob("*/")) if werkmap.plannen.exists() else []
    out.summary("")
    out.summary(f"[bold]Klaar.[/] {len(out.written)} bestanden geschreven. Waar kijken:")
    out.summary(f"  • Kaart in de browser (werkt offline): {html}")
    out.summary(f"  • Kaarten voor QGIS (COG + GeoPackage): {werkmap.kaarten}/<gemeente>/…")
    if plan_dirs:
        out.summary(f"  • ACT!-controleplan (CSV, XLSX, routekaart): {plan_dirs[-1]}")
    out.summary("  • Kaartdienst: kaart gebruiker toevoegen … en dan kaart server "
                "(zie README, 'Kaartdienst')")
    out.summary(f"  • Werkmap: {werkmap.root}")
    out.summary("[bold yellow]Alles is gemaakt van synthetische demodata.[/]")


