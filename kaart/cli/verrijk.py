"""CLI: ``kaart verrijk`` — attributes of a layer counted from a point layer (YAML rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap


@app.command("verrijk")
def verrijk(
    soort: Annotated[str, typer.Argument(
        help="Laagsoort in de werkmap die verrijkt wordt, bijv. bedrijventerreinen.",
        show_default=False, metavar="SOORT")],
    met: Annotated[str, typer.Option(
        "--met", help="Soort puntbron: bag-verblijfsobject of kvk-vestigingen (regels in "
        "data/verrijking.yaml).", show_default=False)],
    bestand: Annotated[Path, typer.Argument(
        help="Puntbestand: BAG GeoPackage (laag verblijfsobject) of CSV met coördinaten.",
        show_default=False, metavar="BESTAND")],
    laag: Annotated[str | None, typer.Option(
        "--laag", help="Laag in het puntbestand (bijv. verblijfsobject).", show_default=False)
    ] = None,
    regels: Annotated[Path | None, typer.Option(
        "--regels", help="Eigen verrijkingsregels (YAML); standaard data/verrijking.yaml.",
        show_default=False)] = None,
    proef: Annotated[bool, typer.Option(
        "--proef", help="Toon per kolom hoeveel waarden bekend worden; schrijf niets.")] = False,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Verrijk een laag van de werkmap met tellingen uit een puntlaag.

    Bijvoorbeeld aantal_vestigingen van elk bedrijventerrein uit BAG verblijfsobjecten met
    gebruiksdoel industrie- of kantoorfunctie, en woonfunctie_pct uit verblijfsobjecten met
    woonfunctie. Een terrein buiten het bereik van de puntlaag blijft onbekend (nooit 0).
    De kaartverantwoording noemt de bron van de verrijking.

    Voorbeeld: kaart verrijk bedrijventerreinen bag.gpkg --met bag-verblijfsobject --laag vbo
    """
    from geo.errors import InvalidRequestError
    from geo.layers import _store, read_layers, write_layers
    from geo.layers.verrijking import enrich, load_enrichment_config, read_points

    with command("verrijk", json_output) as out:
        wm = open_werkmap(werkmap)
        config = load_enrichment_config(regels)
        rules = config.rules_for(soort, met)
        if not rules:
            raise InvalidRequestError(
                f"Geen verrijkingsregels voor laag '{soort}' met '{met}'. Bekende bronnen: "
                f"{', '.join(config.sources)}.", soort=soort, met=met)
        with out.progress() as progress:
            task = progress.add_task("Punten inlezen en tellen", total=3)
            layers = read_layers(wm.lagen)
            if soort not in layers:
                raise InvalidRequestError(
                    f"De werkmap heeft geen laag '{soort}': importeer die eerst met 'kaart "
                    f"importeer {soort} BESTAND'.", soort=soort)
            points = read_points(bestand, laag)
            progress.advance(task)
            enriched, report = enrich(layers[soort], points, rules, met=met,
                                      source=bestand.name)
            progress.advance(task)
            if not proef:
                info = _store.layer_metadata(wm.lagen)
                info.setdefault(soort, {})["verrijking"] = report.text()
                info[soort]["verrijkt"] = datetime.now(UTC).isoformat(timespec="seconds")
                layer_info = {k: {m: str(v) for m, v in meta.items()
                                  if m not in ("aantal", "geometrie")}
                              for k, meta in info.items() if k in layers}
                layers[soort] = enriched
                synthetic = any(m.get("synthetisch") == "ja" for m in layer_info.values())
                write_layers(wm.lagen, layers, synthetic=synthetic,
                             description="Invoerlagen van kaart (verrijkt).",
                             layer_info=layer_info)
                out.wrote(wm.lagen, soort="geopackage", aantal=len(enriched), laag=soort)
            progress.advance(task)
        out.data(soort=soort, proef=proef, verrijking=report.to_dict())
        out.summary(f"{'Proef: ' if proef else ''}{soort} verrijkt uit {escape(bestand.name)}: "
                    f"{report.punten} punten, {report.gedekt} van {report.gebieden} gebieden "
                    "binnen het bereik van de puntlaag.")
        for name, item in report.kolommen.items():
            out.summary(f"  {name}: {item['bekend']} bekend ({escape(str(item['bron']))})")
        if proef:
            out.summary("Er is niets geschreven.")
