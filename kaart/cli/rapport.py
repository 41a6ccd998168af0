"""CLI command ``kaart rapport``: the informatiebeeld of a gemeente or region as PDF and PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaart.cli._app import app
from kaart.cli._common import (
    GemeenteOpt,
    JsonOpt,
    RegioOpt,
    WerkmapOpt,
    command,
    open_werkmap,
)


@app.command("rapport")
def rapport(
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    uit: Annotated[Path | None, typer.Option(
        "--uit", help="Map voor PDF en PNG; standaard <werkmap>/rapporten/<gebied>/.",
        show_default=False)] = None,
    risico: Annotated[bool, typer.Option(
        "--risico", help="Neem ook de (vertrouwelijke) risicokaart en gecombineerde kaart op, "
                         "als die er zijn. Alleen voor analisten.")] = False,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Maak een informatiebeeld (PDF, A4) en een PNG van de eerste pagina.

    Met titel, gebied, datum en versie; de gelegenheidskaart en de kaarten per thema met
    legenda, schaalstok en noordpijl; de objecten met de hoogste score en hun redenen;
    de klasseverdeling; wat er veranderd is sinds de vorige versie; uitleg over de methode;
    bronnen en licenties. Gebruikt de nieuwste versie van de gelegenheidskaart.

    Voorbeeld: kaart rapport --gemeente Vaals --uit rapporten/
    """
    from geo.layers.gemeenten import select_area
    from services.report import collect_report, default_report_dir, write_report

    with command("rapport", json_output) as out:
        wm = open_werkmap(werkmap)
        area = select_area(gemeente=gemeente or None, regio=regio)
        with out.progress() as bar:
            task = bar.add_task("Rapport", total=None)

            def progress(done: int, total: int, text: str) -> None:
                bar.update(task, completed=done, total=total + 1, description=f"Rapport: {text}")

            report = collect_report(wm, area.id, include_risico=risico, progress=progress)
            bar.update(task, description="Rapport: PDF schrijven")
            written = write_report(report, uit or default_report_dir(wm, area.id))
            bar.update(task, completed=bar.tasks[0].total)
        for item in written:
            out.wrote(item["pad"], item["soort"], item["aantal"])
        out.data(gebied_id=area.id, versie=report.versie,
                 kaarten=[k["titel"] for k in report.context["kaarten"]],
                 synthetisch=report.context["synthetisch"])
        out.summary(f"Rapport voor {area.naam} (versie v{report.versie}):")
        for item in written:
            out.summary(f"Geschreven: {item['pad']}")
