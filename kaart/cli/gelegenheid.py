"""CLI command ``kaart gelegenheid``: build gelegenheidskaarten for a gemeente or region."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from geo.runs import THEMES
from kaart.cli._app import app
from kaart.cli._common import (
    CelOpt,
    GemeenteOpt,
    JsonOpt,
    LagenOpt,
    LandOpt,
    Output,
    ProvincieOpt,
    RegioOpt,
    VrOpt,
    WerkmapOpt,
    area_from_options,
    command,
    nl_count,
    nl_number,
    open_werkmap,
)

TOP = 3
_THEMES = {"bedrijventerreinen": "Bedrijventerreinen", "buitengebied": "Buitengebied",
           "havens": "Havens", "vakantieparken": "Vakantieparken"}


@app.command("gelegenheid")
def gelegenheid(
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None,
    land: LandOpt = False,
    per_gemeente: Annotated[bool, typer.Option(
        "--per-gemeente", help="Maak één kaartenset per gemeente van het gekozen gebied.")
    ] = False,
    celgrootte: CelOpt = 25.0,
    indicatoren: Annotated[Path | None, typer.Option(
        "--indicatoren", help="Eigen indicatorenbestand (YAML); standaard de meegeleverde set.",
        show_default=False)] = None,
    lagen: LagenOpt = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Reken op een Dask-cluster: adres van de scheduler (tcp://host:8786) "
                       "of 'local' (start een lokaal cluster met 2 workers).",
        show_default=False)] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Maak gelegenheidskaarten (per thema en totaal) met objectscores en verantwoording.

    Per gebied een nieuwe versie in kaarten/<gebied>/gelegenheid/vNNNN/ met
    Cloud-Optimized GeoTIFFs, objecten.gpkg en kaartverantwoording.json; de kaarten
    komen in de catalogus. Mislukt de run, dan blijft de vorige versie ongewijzigd.

    Voorbeelden: kaart gelegenheid --provincie Limburg --per-gemeente;
    kaart gelegenheid --land (heel Nederland als één kaart, in vensters).
    """
    from services.runs import areas_of, build_gelegenheid

    with command("gelegenheid", json_output) as out:
        wm = open_werkmap(werkmap)
        area = area_from_options(gemeente, regio, veiligheidsregio, provincie, land)
        with out.progress() as bar:
            count = len(areas_of(area, per_gemeente))
            overall = bar.add_task("Gebieden", total=count) if count > 1 else None
            tasks: dict[str, Any] = {}

            def report(current, done: int, total: int, text: str) -> None:
                if current.id not in tasks:
                    tasks[current.id] = bar.add_task(current.naam, total=total)
                bar.update(tasks[current.id], completed=done, total=total,
                           description=f"{current.naam}: {text}")
                if overall is not None and done >= total:
                    bar.update(overall, completed=len(tasks))

            runs = build_gelegenheid(
                wm, area, per_gemeente=per_gemeente, layers_path=lagen, config_path=indicatoren,
                cellsize=celgrootte, dask=dask, progress=report)
        _report(out, runs, area, celgrootte)


def _report(out: Output, runs: list[Any], area: Any, cellsize: float) -> None:
    from services.runs import run_files

    out.written.extend(run_files(runs))
    synthetic = any(run.synthetisch for run in runs)
    top = _top_objects(runs)
    out.data(
        gebied={"id": area.id, "naam": area.naam, "soort": area.soort},
        celgrootte=cellsize,
        synthetisch=synthetic,
        kaart_ids=[k for run in runs for k in run.kaart_ids],
        runs=[{
            "gebied_id": run.area.id, "gebied_naam": run.area.naam, "versie": run.versie,
            "map": str(run.run_dir), "cellen": run.summary["cellen"],
            "indicatoren": run.summary["indicatoren"],
            "seconden": round(run.summary["seconden"], 2),
            "objecten": {thema: len(table) for thema, table in run.tables.items()},
            "klassegrenzen": run.summary["klassegrenzen"],
            "meldingen": run.summary.get("meldingen", []),
        } for run in runs],
        aantallen={"gebieden": len(runs), "bestanden": len(out.written),
                   "kaarten": sum(len(run.kaart_ids) for run in runs),
                   "objecten": sum(len(t) for run in runs for t in run.tables.values())},
        top_objecten={thema: rows for thema, rows in top.items()},
    )
    total_seconds = sum(run.summary["seconden"] for run in runs)
    out.summary(f"[bold]Gelegenheidskaarten {area.naam}[/] ({len(runs)} "
                f"{'gebied' if len(runs) == 1 else 'gebieden'}, cellen van "
                f"{nl_number(cellsize, 1).removesuffix(',0')} m, {nl_number(total_seconds, 1)} s).")
    if synthetic:
        out.summary("[yellow]Synthetische demodata — geen echte gegevens.[/]")
    from geo.export.volledigheid import unknown_notes

    notes = [*(n for run in runs for n in unknown_notes(run.tables)),
             *(n for run in runs for n in run.summary.get("meldingen", []))]
    for note in dict.fromkeys(notes):  # missing layers: what is off (availability)
        out.summary(f"[yellow]Let op:[/] {escape(note)}")
    for run in runs:
        out.summary(f"  {run.area.naam} ({run.area.id}) versie {run.versie}: "
                    f"{nl_count(run.summary['cellen'])} cellen, {run.summary['indicatoren']} "
                    f"indicatoren, {nl_number(run.summary['seconden'], 1)} s → {run.run_dir}")
    for thema, rows in top.items():
        if not rows:
            out.summary(f"{_THEMES.get(thema, thema)}: geen objecten in dit gebied.")
            continue
        out.summary(f"[bold]{_THEMES.get(thema, thema)}[/] — hoogste objectscores:")
        for rank, row in enumerate(rows, start=1):
            naam = row.get("naam") or row["id"]
            out.summary(f"  {rank}. {naam} ({row['gemeentenaam']}): score "
                        f"{nl_number(row['score'])}, klasse {row['klasse']} ({row['klasse_naam']})")
    out.summary(f"{len(out.written)} bestanden geschreven; kaarten staan in de catalogus.")


def _top_objects(runs: list[Any]) -> dict[str, list[dict[str, Any]]]:
    import pandas as pd

    top: dict[str, list[dict[str, Any]]] = {}
    for thema in THEMES:
        tables = [run.tables[thema] for run in runs if thema in run.tables]
        if not tables:
            continue
        frame = pd.concat([pd.DataFrame(t.drop(columns=t.geometry.name)) for t in tables])
        frame = frame[frame["score"].notna()].sort_values(["score", "id"],
                                                          ascending=[False, True])
        columns = [c for c in ("id", "naam", "gemeentecode", "gemeentenaam", "score", "klasse",
                               "klasse_naam", "top_indicatoren") if c in frame.columns]
        top[thema] = [
            {c: (float(v) if c == "score" else int(v) if c == "klasse" else str(v))
             for c, v in row.items()}
            for row in frame[columns].head(TOP).to_dict("records")
        ]
    return top
