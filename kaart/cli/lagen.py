"""CLI commands for input layers: ``kaart importeer``, ``kaart lagen``, ``kaart gemeenten``."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from geo.errors import GeometryRepairedWarning, KaartWarning
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap


@app.command("importeer")
def importeer(
    soort: Annotated[str, typer.Argument(
        help="Laagsoort: gemeenten, kernen, bedrijventerreinen, buitengebied, havens, "
             "vakantieparken, wegen, landsgrens of incidenten.", show_default=False)],
    bestand: Annotated[Path, typer.Argument(
        help="GeoPackage, GeoJSON, Shapefile (ook gezipt), GeoParquet of CSV/Excel met "
             "coördinaatkolommen (lon/lat, rd_x/rd_y, x/y of wkt).", show_default=False)],
    laag: Annotated[str | None, typer.Option(
        "--laag", help="Laag in een bestand met meerdere lagen.", show_default=False)] = None,
    neem_crs: Annotated[str | None, typer.Option(
        "--neem-crs", help="Coördinatenstelsel als het bestand er geen heeft (EPSG:28992).",
        show_default=False)] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Controleer een laag en zet hem in de werkmap (invoer/lagen.gpkg).

    Een bestaande laag van dezelfde soort wordt vervangen; andere lagen blijven staan.
    Bij een fout blijft de werkmap ongewijzigd.
    """
    from geo.layers import _store, get_spec, load_layer, read_layers, write_layers

    with command("importeer", json_output) as out:
        spec = get_spec(soort)
        wm = open_werkmap(werkmap)
        with out.progress() as progress:
            task = progress.add_task(f"{soort} inlezen en controleren", total=3)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", KaartWarning)
                frame = load_layer(spec.kind, bestand, laag, assume_crs=neem_crs)
            progress.advance(task)
            ours = [w for w in caught if issubclass(w.category, KaartWarning)]
            meldingen = [str(w.message) for w in ours]
            hersteld = sum(getattr(w.message, "aantal", 1) for w in ours
                           if issubclass(w.category, GeometryRepairedWarning))
            existing = read_layers(wm.lagen) if wm.lagen.exists() else {}
            info = _store.layer_metadata(wm.lagen)
            progress.advance(task)
            existing[spec.kind] = frame
            info[spec.kind] = {"synthetisch": "nee", "bron": bestand.name,
                               "bronlaag": laag or "",
                               "geimporteerd": datetime.now(UTC).isoformat(timespec="seconds")}
            layer_info = {k: {m: str(v) for m, v in meta.items()
                              if m not in ("aantal", "geometrie")}
                          for k, meta in info.items() if k in existing}
            synthetic = any(meta.get("synthetisch") == "ja" for meta in layer_info.values())
            write_layers(wm.lagen, existing, synthetic=synthetic,
                         description=_description(layer_info), layer_info=layer_info)
            progress.advance(task)
        out.wrote(wm.lagen, soort="geopackage", aantal=len(frame), laag=spec.kind)
        out.data(soort=spec.kind, aantal=len(frame), hersteld=hersteld, meldingen=meldingen,
                 synthetisch=synthetic, lagen=sorted(existing))
        out.summary(f"Laag {spec.kind} geïmporteerd uit {bestand.name}: {len(frame)} objecten.")
        for melding in meldingen:
            out.summary(f"[yellow]Let op:[/] {melding}")
        if synthetic:
            out.summary("De werkmap bevat ook synthetische (demo)lagen; kaarten blijven als "
                        "synthetisch gemarkeerd.")
        out.summary(f"Werkmap-lagen: {', '.join(sorted(existing))} ({wm.lagen}).")


def _description(layer_info: dict[str, dict[str, str]]) -> str:
    parts = [f"{kind}: {'synthetisch' if meta.get('synthetisch') == 'ja' else meta.get('bron', '')}"
             for kind, meta in sorted(layer_info.items())]
    return "Invoerlagen van kaart (" + "; ".join(parts) + ")."


@app.command("lagen")
def lagen(
    schema: Annotated[str | None, typer.Option(
        "--schema", help="Toon de kolommen van een laagsoort ('alle' voor alle soorten).",
        show_default=False)] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Toon de invoerlagen in de werkmap met aantallen en of ze synthetisch zijn."""
    from geo.layers import LAYER_KINDS, SPECS, _store, get_spec, is_synthetic

    with command("lagen", json_output) as out:
        if schema is not None:
            specs = list(SPECS.values()) if schema == "alle" else [get_spec(schema)]
            out.data(schemas=[spec.to_dict() for spec in specs])
            for spec in specs:
                out.table(_schema_table(spec))
            out.summary(f"{len(specs)} laagsoort(en); extra kolommen worden bewaard.")
            return
        wm = open_werkmap(werkmap)
        info = _store.layer_metadata(wm.lagen)
        rows = [{"soort": kind, "aantal": meta["aantal"], "geometrie": meta["geometrie"],
                 "synthetisch": meta.get("synthetisch") == "ja", "bron": meta.get("bron", "")}
                for kind, meta in info.items()]
        missing = [kind for kind in LAYER_KINDS if kind not in info]
        synthetic = is_synthetic(wm.lagen) if info else False
        out.data(lagen=rows, ontbrekend=missing, synthetisch=synthetic, pad=str(wm.lagen))
        if not info:
            out.summary(f"Nog geen invoerlagen in {wm.root}. Gebruik 'kaart demo' of "
                        "'kaart importeer'.")
            return
        table = Table("soort", "aantal", "geometrie", "synthetisch", "bron",
                      title=f"Invoerlagen in {wm.lagen}")
        for row in rows:
            table.add_row(row["soort"], str(row["aantal"]), row["geometrie"],
                          "ja" if row["synthetisch"] else "nee", row["bron"])
        out.table(table)
        out.summary(f"{len(rows)} lagen" + (" (synthetische demodata)." if synthetic else "."))
        if missing:
            out.summary(f"Ontbrekend: {', '.join(missing)}.")


def _schema_table(spec) -> Table:
    table = Table("kolom", "type", "verplicht", "waarden", "standaard", "betekenis",
                  title=f"{spec.kind} ({' / '.join(spec.geometry_types)})")
    for column in spec.columns:
        table.add_row(column.name, column.type_name, "ja" if column.required else "nee",
                      column.values_text, column.default_text, column.description)
    return table


@app.command("gemeenten")
def gemeenten_cmd(
    provincie: Annotated[str | None, typer.Option(
        "--provincie", help="Alleen gemeenten in deze provincie.", show_default=False)] = None,
    regio: Annotated[str | None, typer.Option(
        "--regio", help="Alleen gemeenten in deze regio (bijv. Parkstad).",
        show_default=False)] = None,
    veiligheidsregio: Annotated[str | None, typer.Option(
        "--veiligheidsregio", help="Alleen gemeenten in deze veiligheidsregio.",
        show_default=False)] = None,
    gemeente: Annotated[list[str] | None, typer.Option(
        "--gemeente", help="Zoek gemeenten op naam of code (herhaalbaar).",
        show_default=False)] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Toon gemeenten (code, naam, provincie, regio), eventueel per gebied.

    Gebruikt de gemeentegrenzen uit de werkmap als die geïmporteerd zijn, anders de
    meegeleverde CBS-grenzen 2024.
    """
    from geo.layers import read_layers
    from geo.layers.gemeenten import reference_gemeenten, select_area

    with command("gemeenten", json_output) as out:
        wm = open_werkmap(werkmap)
        own = read_layers(wm.lagen, ["gemeenten"]) if wm.lagen.exists() else {}
        frame = own.get("gemeenten")
        bron = "werkmap" if frame is not None else "referentie (CBS 2024)"
        frame = reference_gemeenten() if frame is None else frame
        selectors = {"provincie": provincie, "regio": regio,
                     "veiligheidsregio": veiligheidsregio, "gemeente": gemeente or None}
        if any(selectors.values()):
            area = select_area(**selectors, gemeenten=frame)
            frame, title = area.gemeenten, f"{area.naam} ({area.id})"
        else:
            title = "Alle gemeenten"
        frame = frame.sort_values("gemeentecode")
        rows = [{"code": row.gemeentecode, "naam": row.gemeentenaam, "provincie": row.provincie,
                 "veiligheidsregio": row.veiligheidsregio,
                 "regio": None if _empty(getattr(row, "regio", None)) else row.regio}
                for row in frame.itertuples()]
        table = Table("code", "naam", "provincie", "veiligheidsregio", "regio", title=title)
        for row in rows:
            table.add_row(row["code"], row["naam"], row["provincie"], row["veiligheidsregio"],
                          row["regio"] or "")
        out.table(table)
        out.data(gemeenten=rows, aantal=len(rows), bron=bron)
        out.summary(f"{title}: {len(rows)} gemeente(n) (bron: {bron}).")


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""
