"""CLI commands for input layers: ``kaart importeer``, ``kaart lagen``, ``kaart gemeenten``."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from geo.errors import (
    GeometryRepairedWarning,
    InvalidRequestError,
    KaartWarning,
    UnknownLayerError,
)
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap


@app.command("importeer")
def importeer(
    soort: Annotated[str, typer.Argument(
        help="Laagsoort: gemeenten, kernen, bedrijventerreinen, buitengebied, havens, "
             "vakantieparken, wegen, landsgrens, incidenten, of 'alle' (elke laag van een "
             "GeoPackage die zo heet).", show_default=False, metavar="SOORT")],
    bestand: Annotated[Path, typer.Argument(
        help="GeoPackage, GeoJSON, Shapefile (ook gezipt), GeoParquet of CSV/Excel met "
             "coördinaatkolommen (lon/lat, rd_x/rd_y, x/y of wkt).", show_default=False,
        metavar="BESTAND")],
    laag: Annotated[str | None, typer.Option(
        "--laag", help="Laag in een bestand met meerdere lagen.", show_default=False)] = None,
    neem_crs: Annotated[str | None, typer.Option(
        "--neem-crs", help="Coördinatenstelsel als het bestand er geen heeft (EPSG:28992).",
        show_default=False)] = None,
    profiel: Annotated[str | None, typer.Option(
        "--profiel", help="Importprofiel: naam (zie 'kaart profielen') of een eigen "
        "profielbestand (.yaml) dat bronkolommen aan de kolommen van de laagsoort koppelt.",
        show_default=False)] = None,
    kolom: Annotated[list[str] | None, typer.Option(
        "--kolom", help="Koppel een bronkolom aan een kolom van de laagsoort: doel=bron "
        "(herhaalbaar; gaat boven het profiel).", show_default=False)] = None,
    vast: Annotated[list[str] | None, typer.Option(
        "--vast", help="Vaste waarde voor een kolom: doel=waarde, bijv. --vast bron=riec "
        "(herhaalbaar).", show_default=False)] = None,
    vlakken: Annotated[Path | None, typer.Option(
        "--vlakken", help="Vlakkenbestand (bijv. BAG-panden of OSM-omtrekken): een punt binnen "
        "een vlak krijgt dat vlak in plaats van de straal uit het profiel.",
        show_default=False)] = None,
    vlakken_laag: Annotated[str | None, typer.Option(
        "--vlakken-laag", help="Laag in het vlakkenbestand.", show_default=False)] = None,
    proef: Annotated[bool, typer.Option(
        "--proef", help="Toon de eerste rijen en per kolom hoeveel waarden bekend zijn; "
        "schrijf niets.")] = False,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Controleer een laag en zet hem in de werkmap (invoer/lagen.gpkg).

    Een bestaande laag van dezelfde soort wordt vervangen; andere lagen blijven staan.
    Bij een fout blijft de werkmap ongewijzigd. Met SOORT 'alle' worden alle lagen van
    een GeoPackage geïmporteerd waarvan de laagnaam een laagsoort is (alles of niets).
    Bronnen in een ander formaat (IBIS, BAG, OSM, CBS, NWB) lees je met --profiel;
    ontbrekende kenmerken blijven onbekend (nooit 0 of nee).
    """
    from kaart.cli.profielen import parse_pairs

    with command("importeer", json_output) as out:
        columns, constants = parse_pairs(kolom, "--kolom"), parse_pairs(vast, "--vast")
        wm = open_werkmap(werkmap) if not proef else None
        with out.progress() as progress:
            kinds = _kinds_to_import(soort, bestand, laag)
            chosen = _profile_for(kinds, profiel, columns, constants)
            task = progress.add_task("Lagen inlezen en controleren", total=len(kinds) + 2)
            loaded, meldingen, hersteld, reports = {}, [], 0, {}
            for kind in kinds:
                frame, notes, repaired, reports[kind] = _load_checked(
                    kind, bestand, laag, neem_crs, chosen, (vlakken, vlakken_laag))
                loaded[kind] = frame
                meldingen += notes
                hersteld += repaired
                progress.advance(task)
            if proef:
                _show_preview(out, kinds[0], loaded[kinds[0]], reports[kinds[0]], meldingen)
                return
            existing, synthetic = _replace_layers(wm.lagen, loaded, bestand, laag, chosen,
                                                  reports)
            progress.advance(task, 2)
        total = sum(len(frame) for frame in loaded.values())
        out.wrote(wm.lagen, soort="geopackage", aantal=total, laag=",".join(loaded))
        counts = {kind: len(frame) for kind, frame in loaded.items()}
        out.data(soort=soort if soort == "alle" else kinds[0], aantal=total, per_soort=counts,
                 hersteld=hersteld, meldingen=meldingen, synthetisch=synthetic,
                 lagen=sorted(existing))
        for kind, count in counts.items():
            out.summary(f"Laag {kind} geïmporteerd uit {bestand.name}: {count} objecten.")
        for melding in meldingen:
            out.summary(f"[yellow]Let op:[/] {escape(melding)}")
        if synthetic:
            out.summary("De werkmap bevat ook synthetische (demo)lagen; kaarten blijven als "
                        "synthetisch gemarkeerd.")
        out.summary(f"Werkmap-lagen: {', '.join(sorted(existing))} ({escape(str(wm.lagen))}).")


def _kinds_to_import(soort: str, bestand: Path, laag: str | None) -> list[str]:
    from geo.layers import LAYER_KINDS, get_spec
    from geo.layers._io import list_layers

    if soort != "alle":
        return [get_spec(soort).kind]
    if laag is not None:
        raise InvalidRequestError("Met soort 'alle' kan --laag niet: de laagnamen bepalen de "
                                  "soort.", laag=laag)
    names = list_layers(bestand)
    kinds = [kind for kind in LAYER_KINDS if kind in names]
    if not kinds:
        raise UnknownLayerError(
            f"'{bestand.name}' heeft geen lagen met de naam van een laagsoort "
            f"({', '.join(LAYER_KINDS)}); gevonden: {', '.join(names)}.",
            bestand=bestand.name, beschikbaar=names)
    return kinds


def _profile_for(kinds: list[str], profiel: str | None, columns: dict[str, str],
                 constants: dict[str, str]):
    """The import profile (with --kolom/--vast on top), or None for a plain import."""
    from geo.layers.profiles import resolve_profile

    if len(kinds) > 1 and (profiel or columns or constants):
        raise InvalidRequestError("--profiel, --kolom en --vast gelden voor één laagsoort; "
                                  "niet met soort 'alle'.")
    return resolve_profile(kinds[0], profiel, columns=columns, constants=constants)


def _load_checked(kind: str, bestand: Path, laag: str | None, neem_crs: str | None,
                  profile=None, areas: tuple = (None, None),
                  ) -> tuple[object, list[str], int, object]:
    """Load one layer; return it with the Dutch warnings, repairs and the mapping report."""
    from geo.layers import load_layer
    from geo.layers.profiles import load_with_profile

    report = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", KaartWarning)
        if profile is None and areas[0] is None:
            frame = load_layer(kind, bestand, laag, assume_crs=neem_crs)
        else:
            from geo.layers.profiles import empty_profile

            profile = profile or empty_profile(kind, "--vlakken")
            frame, report = load_with_profile(kind, bestand, profile, laag, assume_crs=neem_crs,
                                              areas=areas[0], areas_layer=areas[1])
    ours = [w for w in caught if issubclass(w.category, KaartWarning)]
    repaired = sum(getattr(w.message, "aantal", 1) for w in ours
                   if issubclass(w.category, GeometryRepairedWarning))
    return frame, [str(w.message) for w in ours], repaired, report


def _show_preview(out, kind: str, frame, report, meldingen: list[str]) -> None:
    from geo.layers.profiles import preview
    from kaart.cli.profielen import preview_table

    result = preview(frame, kind)
    for table in preview_table(kind, result):
        out.table(table)
    out.data(proef=True, soort=kind, aantal=result["aantal"], kolommen=result["kolommen"],
             rijen=result["rijen"], profiel=None if report is None else report.to_dict(),
             meldingen=meldingen)
    text = f"Proef: {result['aantal']} objecten van laagsoort {kind}"
    if report is not None:
        text += (f" ({report.rijen_gelezen} rijen gelezen, {report.rijen_gefilterd} "
                 f"weggefilterd, {report.afgeleide_ids} afgeleide ids)")
    out.summary(text + ". Er is niets geschreven.")
    for melding in meldingen:
        out.summary(f"[yellow]Let op:[/] {escape(melding)}")


def _replace_layers(path: Path, loaded: dict, bestand: Path, laag: str | None,
                    profile=None, reports: dict | None = None) -> tuple[dict, bool]:
    """Write ``loaded`` over the werkmap's layers; keep every other layer and its metadata."""
    from geo.layers import _store, read_layers, write_layers
    from kaart.cli.profielen import profile_info

    existing = read_layers(path) if path.exists() else {}
    info = _store.layer_metadata(path)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for kind, frame in loaded.items():
        existing[kind] = frame
        info[kind] = {"synthetisch": "nee", "bron": bestand.name,
                      "bronlaag": laag or (kind if len(loaded) > 1 else ""), "geimporteerd": now,
                      **profile_info(profile, (reports or {}).get(kind))}
    layer_info = {k: {m: str(v) for m, v in meta.items() if m not in ("aantal", "geometrie")}
                  for k, meta in info.items() if k in existing}
    synthetic = any(meta.get("synthetisch") == "ja" for meta in layer_info.values())
    write_layers(path, existing, synthetic=synthetic, description=_description(layer_info),
                 layer_info=layer_info)
    return existing, synthetic


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
                 "synthetisch": meta.get("synthetisch") == "ja", "bron": meta.get("bron", ""),
                 "profiel": meta.get("profiel", ""), "licentie": meta.get("licentie", ""),
                 "attributie": meta.get("attributie", "")}
                for kind, meta in info.items()]
        missing = [kind for kind in LAYER_KINDS if kind not in info]
        synthetic = is_synthetic(wm.lagen) if info else False
        affected = _indicators_of(missing)
        out.data(lagen=rows, ontbrekend=missing, synthetisch=synthetic, pad=str(wm.lagen),
                 indicatoren_zonder_laag=affected)
        if not info:
            out.summary(f"Nog geen invoerlagen in {wm.root}. Gebruik 'kaart demo' of "
                        "'kaart importeer'.")
            return
        table = Table("soort", "aantal", "geometrie", "synthetisch", "bron", "licentie",
                      title=f"Invoerlagen in {wm.lagen}")
        for row in rows:
            table.add_row(row["soort"], str(row["aantal"]), row["geometrie"],
                          "ja" if row["synthetisch"] else "nee", escape(row["bron"]),
                          escape(row["attributie"] or row["licentie"]))
        out.table(table)
        out.summary(f"{len(rows)} lagen" + (" (synthetische demodata)." if synthetic else "."))
        if missing:
            out.summary(f"Ontbrekend: {', '.join(missing)}.")
        for laag, indicators in affected.items():
            off = [f"{i['thema']}:{i['indicator']}" for i in indicators
                   if i["gevolg"] == "indicator uit"]
            themes = sorted({i["thema"] for i in indicators
                             if i["gevolg"] == "thema overgeslagen"})
            if off:
                out.summary(f"  Zonder '{laag}' staan deze indicatoren uit (met melding): "
                            f"{', '.join(off)}.")
            if themes:
                out.summary(f"  Zonder '{laag}' wordt dit thema overgeslagen (met melding): "
                            f"{', '.join(themes)}.")


def _indicators_of(missing: list[str]) -> dict[str, list[dict]]:
    """Per missing layer what it switches off in the standard gelegenheid configuration."""
    from geo.scoring.availability import disabled_by_layer
    from geo.scoring.config import load_gelegenheid_config

    return disabled_by_layer(load_gelegenheid_config(), missing)


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

    Namen en codes zijn die van de meegeleverde CBS-indeling 2024, dezelfde die
    --gemeente/--regio/--provincie bij de andere commando's gebruiken. Heeft de werkmap
    een laag gemeenten, dan staat erbij of de gemeente daarin voorkomt.
    """
    from geo.layers import read_layers
    from geo.layers.gemeenten import reference_gemeenten, select_area

    with command("gemeenten", json_output) as out:
        wm = open_werkmap(werkmap)
        own = read_layers(wm.lagen, ["gemeenten"]) if wm.lagen.exists() else {}
        in_werkmap = (set(own["gemeenten"]["gemeentecode"].astype(str))
                      if "gemeenten" in own else None)
        frame = reference_gemeenten()
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
                 "regio": None if _empty(row.regio) else row.regio,
                 "in_werkmap": None if in_werkmap is None else row.gemeentecode in in_werkmap}
                for row in frame.itertuples()]
        columns = ["code", "naam", "provincie", "veiligheidsregio", "regio"]
        table = Table(*columns, *(["in werkmap"] if in_werkmap is not None else []),
                      title=title)
        for row in rows:
            cells = [row[c] or "" for c in columns]
            if in_werkmap is not None:
                cells.append("ja" if row["in_werkmap"] else "nee")
            table.add_row(*cells)
        out.table(table)
        out.data(gemeenten=rows, aantal=len(rows), bron="CBS-gebiedsindeling 2024")
        text = f"{title}: {len(rows)} gemeente(n)"
        if in_werkmap is not None:
            text += f", waarvan {sum(bool(r['in_werkmap']) for r in rows)} in de werkmap"
        out.summary(text + ".")


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""
