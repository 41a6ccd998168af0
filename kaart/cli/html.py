"""``kaart html``: a standalone, offline HTML map of a gemeente or region."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap


@app.command("html")
def html(
    uit: Annotated[Path, typer.Option("--uit", help="Het HTML-bestand dat geschreven wordt.",
                                      dir_okay=False)],
    gemeente: Annotated[str | None, typer.Option(
        "--gemeente", help="Gemeentenaam of -code (Vaals, GM0981).")] = None,
    gebied: Annotated[str | None, typer.Option(
        "--gebied", help="Gebied: naam, code of id van een gemeente, regio, veiligheidsregio "
                         "of provincie (Maastricht-Heuvelland, regio-parkstad, VR23, Limburg, "
                         "PV31, GM0981), of Nederland (heel het land).",
    )] = None,
    vertrouwelijk: Annotated[bool, typer.Option(
        "--met-vertrouwelijk",
        help="Neem ook de risicokaart en gecombineerde kaart op (van politie-informatie "
             "afgeleid; deel het bestand dan alleen met bevoegden).")] = False,
    online_achtergrond: Annotated[bool, typer.Option(
        "--online-achtergrond",
        help="Toon ook de BRT-Achtergrondkaart van PDOK (Kadaster); het bestand haalt dan "
             "kaarttegels van service.pdok.nl. Standaard haalt het niets van internet en "
             "toont het een eigen achtergrond uit de werkmap.")] = False,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Maak een losse HTML-kaart die zonder internet werkt (alle scripts en kaarten erin).

    Standaard bevat het bestand alleen de gelegenheidskaarten en objecten; vertrouwelijke
    kaarten alleen met --met-vertrouwelijk.
    """
    from services.runs import build_html, html_files

    with command("html", json_output) as out:
        wm = open_werkmap(werkmap)
        with out.progress() as progress:
            task = progress.add_task("HTML-kaart maken", total=1)
            result = build_html(wm, uit, gemeente=gemeente, gebied=gebied,
                                vertrouwelijk=vertrouwelijk, online=online_achtergrond)
            progress.advance(task)
        out.written.extend(html_files(result))
        out.summary(f"Losse kaart van {result.gebied_naam} geschreven naar {result.path} "
                    f"({result.size / 1e6:.1f} MB, {len(result.kaarten)} kaartlagen, "
                    f"{result.objecten} objecten).")
        out.summary("Het bestand haalt alleen kaarttegels van service.pdok.nl (--online-"
                    "achtergrond); de rest werkt zonder internet." if online_achtergrond else
                    "Het bestand werkt zonder internet: open het in een browser.")
        if result.synthetisch:
            out.summary("Let op: gemaakt van synthetische demodata — geen echte gegevens.")
        if result.vertrouwelijk:
            out.summary("Let op: bevat vertrouwelijke, van politie-informatie afgeleide kaarten.")
        out.data(gebied_id=result.gebied_id, gebied_naam=result.gebied_naam,
                 kaarten=result.kaarten, objecten=result.objecten, bytes=result.size,
                 synthetisch=result.synthetisch, vertrouwelijk=result.vertrouwelijk,
                 online_achtergrond=online_achtergrond)

