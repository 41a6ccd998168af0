"""CLI command ``kaart vergelijk``: what changed between two versions of a map."""

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

_LABELS = {"omhoog": "hogere klasse", "omlaag": "lagere klasse", "nieuw": "nieuw",
           "verdwenen": "verdwenen", "gelijk": "gelijk gebleven"}
UitOpt = Annotated[Path | None, typer.Option(
    "--uit", help="Map voor de uitvoer; standaard in de werkmap.", show_default=False)]


@app.command("vergelijk")
def vergelijk(
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    van: Annotated[int | None, typer.Option(
        "--van", help="Oudere versie (nummer, bijv. 1 voor v0001); standaard de op één na "
                      "nieuwste.", show_default=False)] = None,
    naar: Annotated[int | None, typer.Option(
        "--naar", help="Nieuwere versie; standaard de nieuwste.", show_default=False)] = None,
    uit: UitOpt = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vergelijk twee versies van de gelegenheidskaart van een gemeente of regio.

    Per object de klasseverandering (omhoog, omlaag, nieuw, verdwenen, gelijk) als CSV en
    GeoPackage, plus een klasseverschilkaart (COG: nieuwe min oude klasse).

    Voorbeeld: kaart vergelijk --gemeente Vaals --van 1 --naar 2
    """
    from geo.layers.gemeenten import select_area
    from services.versions import compare_versions, comparison_dir, write_comparison

    with command("vergelijk", json_output) as out:
        wm = open_werkmap(werkmap)
        area = select_area(gemeente=gemeente or None, regio=regio)
        with out.progress() as bar:
            task = bar.add_task("Versies vergelijken", total=2)
            result = compare_versions(wm, area.id, van=van, naar=naar)
            bar.update(task, completed=1, description="Bestanden schrijven")
            written = write_comparison(result, uit or comparison_dir(wm, result))
            bar.update(task, completed=2)
        for item in written:
            out.wrote(item["pad"], item["soort"], item["aantal"])
        counts = result.counts()
        changed = result.changed()
        out.data(gebied_id=area.id, van=result.van.versie, naar=result.naar.versie,
                 aantallen=counts,
                 veranderd=changed.astype(object).where(changed.notna(), None)
                 .to_dict(orient="records"))
        out.summary(f"{area.naam}: v{result.van.versie} → v{result.naar.versie}")
        out.summary(", ".join(f"{counts[c]} {_LABELS[c]}" for c in counts))
        for row in changed.itertuples():
            out.summary(f"  {row.verandering}: {row.thema} {row.id} ({row.naam or '-'}) "
                        f"{_klasse(row.klasse_van)} → {_klasse(row.klasse_naar)}")
        for item in written:
            out.summary(f"Geschreven: {item['pad']}")


def _klasse(value) -> str:
    import pandas as pd

    return "-" if pd.isna(value) else str(int(value))
