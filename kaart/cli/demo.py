"""CLI command ``kaart demo``: synthetic Limburg demo data in the werkmap."""

from __future__ import annotations

from typing import Annotated

import typer

from geo.errors import InvalidRequestError
from geo.paths import Werkmap
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, Output, WerkmapOpt, command, open_werkmap

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


EchtOpt = Annotated[
    bool,
    typer.Option(
        "--echt",
        help="Demo met ECHTE data: vakantieparken en verzorgingsplaatsen uit OpenStreetMap, "
        "gemeenten uit CBS 2023 (meegeleverd in data/echt), aangevuld met synthetische lagen "
        "waar geen echte zijn; bouwt de gelegenheidskaart van Noord-Limburg (100 m) en een "
        "losse HTML-kaart.",
    ),
]


LandOpt = Annotated[
    bool,
    typer.Option(
        "--land",
        help="SYNTHETISCHE demodata voor heel Nederland (342 gemeenten, echte CBS-grenzen), "
        "met dezelfde generator als de Limburgse demo; met --provincie alleen die provincies.",
    ),
]
ProvincieOpt = Annotated[
    list[str] | None,
    typer.Option("--provincie", help="Met --land: alleen deze provincie (mag vaker), "
                                     "bijvoorbeeld Zeeland."),
]


@app.command("demo", help=_HELP)
def demo(
    seed: SeedOpt = 1,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
    alles: AllesOpt = False,
    echt: EchtOpt = False,
    land: LandOpt = False,
    provincie: ProvincieOpt = None,
) -> None:
    """Genereer synthetische demodata voor Limburg in de werkmap."""
    from geo.layers.demo import DEMO_LAYERS
    from services.demo import write_demo_layers

    with command("demo", json_output) as out:
        if provincie and not land:
            raise InvalidRequestError("--provincie hoort bij --land.", parameter="provincie")
        if land and (alles or echt):
            raise InvalidRequestError("--land gaat niet samen met --alles of --echt.",
                                      parameter="land")
        wm = open_werkmap(werkmap)
        if land:
            _land_demo(out, wm, seed, provincie)
            return
        if echt:
            from kaart.cli.demo_echt import real_demo

            real_demo(out, wm, seed)
            return
        with out.progress() as progress:
            task = progress.add_task("Demolagen genereren", total=len(DEMO_LAYERS) + 1)

            def step(kind: str) -> None:
                progress.update(task, advance=1, description=f"Gegenereerd: {kind}")

            layers = write_demo_layers(wm, seed, on_layer=step)
            progress.update(task, advance=1, description="Geschreven")
        counts = layers.counts
        out.wrote(layers.path, soort="geopackage", aantal=sum(counts.values()), synthetisch=True)
        out.data(seed=seed, synthetisch=True, lagen=counts, vervangen=layers.replaced)
        out.summary("[bold yellow]SYNTHETISCHE DEMODATA[/] — verzonnen objecten en incidenten "
                    "binnen de echte grenzen van Limburg; niet gebruiken voor echte beslissingen.")
        for kind in DEMO_LAYERS:
            out.summary(f"  {_LABELS[kind]:<24} {counts.get(kind, 0):>6}")
        out.summary(f"Geschreven naar {layers.path} (seed {seed}).")
        if layers.replaced:
            out.summary("Let op: de bestaande invoerlagen in deze werkmap zijn vervangen.")
        if alles:
            _build_outputs(out, wm)


def _land_demo(out: Output, werkmap: Werkmap, seed: int, provincies: list[str] | None) -> None:
    """``kaart demo --land``: the national synthetic layers, progress per province."""
    from geo.layers.demo.land import LAND_LAYERS, provinces
    from services.demo import write_land_layers

    chosen = provinces(provincies)
    with out.progress() as progress:
        task = progress.add_task("Demolagen per provincie", total=len(chosen) + 1)

        def step(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, description=f"Gegenereerd: {name}")

        layers = write_land_layers(werkmap, seed, chosen, on_province=step)
        progress.update(task, completed=len(chosen) + 1, description="Geschreven")
    counts = layers.counts
    out.wrote(layers.path, soort="geopackage", aantal=sum(counts.values()), synthetisch=True)
    out.data(seed=seed, synthetisch=True, lagen=counts, provincies=chosen,
             vervangen=layers.replaced)
    out.summary("[bold yellow]SYNTHETISCHE DEMODATA[/] — verzonnen objecten en incidenten "
                "binnen de echte gemeentegrenzen; niet gebruiken voor echte beslissingen.")
    out.summary(f"  provincies               {len(chosen):>6} ({', '.join(chosen)})")
    for kind in LAND_LAYERS:
        out.summary(f"  {_LABELS[kind]:<24} {counts.get(kind, 0):>6}")
    out.summary(f"Geschreven naar {layers.path} (seed {seed}).")
    if layers.replaced:
        out.summary("Let op: de bestaande invoerlagen in deze werkmap zijn vervangen.")


def _build_outputs(out: Output, werkmap: Werkmap) -> None:
    """Build every demo output (one progress bar), record what it wrote, say where to look."""
    from services.demo import build_demo_outputs

    with out.progress() as progress:
        task = progress.add_task("Demo bouwen", total=None)

        def report(done: int, total: int, text: str) -> None:
            progress.update(task, completed=done, total=total, description=text)

        result = build_demo_outputs(werkmap, progress=report)
    for step in result.steps:
        out.written.extend({**item, "stap": step.stap} for item in step.geschreven)
    out.data(stappen=[{"stap": s.stap, "geschreven": len(s.geschreven)} for s in result.steps])
    out.summary("")
    out.summary(f"[bold]Klaar.[/] {len(out.written)} bestanden geschreven. Waar kijken:")
    out.summary(f"  • Kaart in de browser (werkt offline): {result.html}")
    out.summary(f"  • Kaarten voor QGIS (COG + GeoPackage): {werkmap.kaarten}/<gemeente>/…")
    if result.plan_dir is not None:
        out.summary(f"  • ACT!-controleplan (CSV, XLSX, routekaart): {result.plan_dir}")
    out.summary("  • Kaartdienst: kaart gebruiker toevoegen … en dan kaart server "
                "(zie README, 'Kaartdienst')")
    out.summary(f"  • Werkmap: {werkmap.root}")
    out.summary("[bold yellow]Alles is gemaakt van synthetische demodata.[/]")
