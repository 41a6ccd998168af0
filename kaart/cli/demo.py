"""CLI command ``kaart demo``: synthetic Limburg demo data in the werkmap."""

from __future__ import annotations

from typing import Annotated

import typer

from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap

SeedOpt = Annotated[
    int,
    typer.Option("--seed", min=0, help="Startgetal voor het toeval; dezelfde seed geeft "
                                       "precies dezelfde demodata."),
]

_LABELS = {
    "gemeenten": "gemeenten (echt)", "landsgrens": "landsgrens (echt)", "kernen": "kernen",
    "wegen": "wegen", "bedrijventerreinen": "bedrijventerreinen",
    "vakantieparken": "vakantieparken", "buitengebied": "buitengebiedobjecten",
    "havens": "havens", "incidenten": "incidenten 2023-2025",
}


_HELP = (
    "Genereer [bold]SYNTHETISCHE[/] demodata voor Limburg (31 gemeenten) in de werkmap.\n\n"
    "Schrijft alle lagen (gemeenten, kernen, wegen, landsgrens, bedrijventerreinen, "
    "buitengebied, havens, vakantieparken, incidenten 2023-2025) naar invoer/lagen.gpkg. "
    "Alleen de gemeentegrenzen en de landsgrens zijn echt; al het andere is verzonnen, met "
    "een bekend verband tussen kenmerken en incidenten. Dezelfde seed geeft altijd "
    "dezelfde lagen."
)


AllesOpt = Annotated[
    bool,
    typer.Option(
        "--alles",
        help="Bouw daarna ook alle demokaarten: gelegenheid en risico voor 31 gemeenten, "
        "gecombineerd, een losse HTML-kaart en een ACT!-plan.",
    ),
]


@app.command("demo", help=_HELP)
def demo(
    seed: SeedOpt = 1,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
    alles: AllesOpt = False,
) -> None:
    """Genereer synthetische demodata voor Limburg in de werkmap."""
    from geo.layers import read_layers
    from geo.layers.demo import DEMO_LAYERS, write_demo

    with command("demo", json_output) as out:
        wm = open_werkmap(werkmap)
        replaced = wm.lagen.exists()
        with out.progress() as progress:
            task = progress.add_task("Demolagen genereren", total=len(DEMO_LAYERS) + 1)

            def step(kind: str) -> None:
                progress.update(task, advance=1, description=f"Gegenereerd: {kind}")

            path = write_demo(wm, seed, on_layer=step)
            progress.update(task, advance=1, description="Geschreven")
        counts = {kind: len(frame) for kind, frame in read_layers(path, DEMO_LAYERS).items()}
        out.wrote(path, soort="geopackage", aantal=sum(counts.values()), synthetisch=True)
        out.data(seed=seed, synthetisch=True, lagen=counts, vervangen=replaced)
        out.summary("[bold yellow]SYNTHETISCHE DEMODATA[/] — verzonnen objecten en incidenten "
                    "binnen de echte grenzen van Limburg; niet gebruiken voor echte beslissingen.")
        for kind in DEMO_LAYERS:
            out.summary(f"  {_LABELS[kind]:<24} {counts.get(kind, 0):>6}")
        out.summary(f"Geschreven naar {path} (seed {seed}).")
        if replaced:
            out.summary("Let op: de bestaande invoerlagen in deze werkmap zijn vervangen.")
        if alles:
            from kaart.cli._pipeline import build_all

            build_all(out, wm)
