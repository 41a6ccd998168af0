"""CLI commands ``kaart plan`` and ``kaart uitkomsten importeer|rapport|labels``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from geo.errors import InvalidRequestError
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, WerkmapOpt, command, open_werkmap

uitkomsten = typer.Typer(help="Uitkomsten van controles: importeren, rapporteren, labels.",
                         no_args_is_help=True)
app.add_typer(uitkomsten, name="uitkomsten")

GemeenteOpt = Annotated[str | None, typer.Option(
    "--gemeente", help="Gemeente(n), naam of code; meerdere met komma's.", show_default=False)]
RegioOpt = Annotated[str | None, typer.Option(
    "--regio", help="Handhavingsregio, bijv. 'Maastricht-Heuvelland'.", show_default=False)]


def _area(gemeente: str | None, regio: str | None):
    from geo.layers.gemeenten import select_area

    names = [g.strip() for g in gemeente.split(",")] if gemeente else None
    return select_area(gemeente=names[0] if names and len(names) == 1 else names, regio=regio)


def _start_or_time(text: str | None) -> tuple[str | None, str | None]:
    """``--start`` is a point ('lon,lat') or a begin time ('08:00')."""
    if text is not None and re.fullmatch(r"\d{1,2}:\d{2}", text.strip()):
        return None, text.strip().zfill(5)
    return text, None


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(f"Datum '{text}' is ongeldig; gebruik JJJJ-MM-DD.",
                                  waarde=text) from None


@app.command("plan")
def plan(
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    aantal: Annotated[int | None, typer.Option(
        "--aantal", help="Aantal te controleren objecten (standaard uit planning.yaml: 20).",
        show_default=False)] = None,
    datum: Annotated[str | None, typer.Option(
        "--datum", help="Eerste controledag, JJJJ-MM-DD (standaard vandaag).",
        show_default=False)] = None,
    start: Annotated[str | None, typer.Option(
        "--start", help="Startpunt 'lengtegraad,breedtegraad' (WGS84), bijv. 5.69,50.85, "
                        "of de begintijd van de dag als UU:MM, bijv. 08:00.",
        show_default=False)] = None,
    eind: Annotated[str | None, typer.Option(
        "--eind", help="Eindtijd van de dag, UU:MM (standaard 17:00); met --teams.",
        show_default=False)] = None,
    teams: Annotated[int | None, typer.Option(
        "--teams", min=1, max=50, help="Actiedag: verdeel de stops over zoveel teams "
        "(OR-Tools-routeplanning binnen het tijdvenster).", show_default=False)] = None,
    dagen: Annotated[int | None, typer.Option(
        "--dagen", min=1, max=20, help="Aantal dagen van de actie (standaard 1); met --teams.",
        show_default=False)] = None,
    start_object: Annotated[str | None, typer.Option(
        "--start-object", help="Start bij een object: thema:id of een uniek id.",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**31 - 1,
                                      help="Startwaarde voor de exploratietrekking; "
                                      "zelfde invoer + seed = zelfde plan.")] = 0,
    thema: Annotated[list[str] | None, typer.Option(
        "--thema", help="Alleen dit thema (herhaalbaar): bedrijventerreinen, buitengebied, "
                        "havens, vakantieparken.", show_default=False)] = None,
    exploratie: Annotated[float | None, typer.Option(
        "--exploratie", help="Aandeel exploratiekeuzes 0-1 (0 = geen exploratie).",
        show_default=False)] = None,
    min_afstand: Annotated[float | None, typer.Option(
        "--min-afstand", help="Minimale afstand tussen keuzes in meters.",
        show_default=False)] = None,
    uitsluiten_maanden: Annotated[int | None, typer.Option(
        "--uitsluiten-maanden", help="Sla objecten over die zo recent gecontroleerd zijn.",
        show_default=False)] = None,
    tijdbudget: Annotated[float | None, typer.Option(
        "--tijdbudget", help="Tijdbudget in uren (controles + reistijd).",
        show_default=False)] = None,
    gemeente_max: Annotated[float | None, typer.Option(
        "--gemeente-max", help="Maximaal aandeel keuzes per gemeente 0-1.",
        show_default=False)] = None,
    gemeente_min: Annotated[float | None, typer.Option(
        "--gemeente-min", help="Minimaal aandeel keuzes per gemeente 0-1.",
        show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Eigen planning.yaml (standaard data/planning.yaml).",
        show_default=False)] = None,
    briefing: Annotated[bool | None, typer.Option(
        "--briefing/--geen-briefing", help="Schrijf per team een briefing (PDF, één A4: "
        "kaart, stops, checklist, partners, veiligheid). Standaard alleen met --teams.",
        show_default=False)] = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Maak een ACT!-controleplan: kies objecten met de hoogste verwachte opbrengst.

    Houdt rekening met minimale afstand, aandeel per gemeente, recent gecontroleerde
    objecten, een exploratie-aandeel (witte vlekken, met bekende trekkans) en een
    tijdbudget; bepaalt een bezoekvolgorde. Schrijft CSV, XLSX, GeoJSON, een routekaart
    (HTML) en per team een briefing (PDF) naar werkmap/plannen/<plan_id>/ en slaat het
    plan met selectiekansen op.
    """
    from geo.planning.actiedag import actiedag_fields
    from geo.planning.run import parse_lonlat
    from services.plans import STEPS, create_plan
    from services.store import werkmap_database

    with command("plan", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio)
        first_day = _date(datum)
        start, starttijd = _start_or_time(start)
        overrides = dict(teams=teams, dagen=dagen, starttijd=starttijd, eindtijd=eind,
                         aantal=aantal, themas=tuple(thema) if thema else None,
                         exploratie_aandeel=exploratie, minimale_afstand_m=min_afstand,
                         uitsluiten_maanden=uitsluiten_maanden, tijdbudget_uren=tijdbudget,
                         gemeente_max_aandeel=gemeente_max, gemeente_min_aandeel=gemeente_min)
        with out.progress() as progress:
            task = progress.add_task(f"Plan voor {area.naam}", total=STEPS)

            def report(done: int, total: int, text: str) -> None:
                progress.update(task, completed=done, total=total, description=text)

            with werkmap_database(wm) as sessions, sessions() as session:
                created = create_plan(
                    session, wm, area, datum=first_day, seed=seed,
                    start=parse_lonlat(start) if start else None, start_object=start_object,
                    config_path=config, overrides=overrides, briefing=briefing,
                    progress=report)
        run, picks, directory = created.run, created.run.result.picks, created.directory
        out.written.extend(created.geschreven)
        n_explore = int((picks["soort_keuze"] == "exploratie").sum())
        out.data(plan_id=run.plan_id, gebied=area.id, aantal=len(picks), exploratie=n_explore,
                 totaal_minuten=round(run.result.total_minutes, 1),
                 tekorten=run.result.tekorten, synthetisch=run.synthetisch,
                 keuzes=[{"volgorde": int(r.volgorde), "object": r.sleutel,
                          "soort_keuze": r.soort_keuze, "selectiekans": float(r.selectiekans),
                          "score": float(r.score), "verwachte_trefkans": float(r.verwacht),
                          **actiedag_fields(r)}
                         for r in picks.itertuples(index=False)])
        table = Table("nr", "object", "thema", "gemeente", "score", "keuze", "kans", "aankomst")
        for r in picks.itertuples(index=False):
            table.add_row(str(r.volgorde), str(r.naam or r.object_id), r.thema, r.gemeentenaam,
                          f"{r.score:.2f}", r.soort_keuze, f"{r.selectiekans:.3f}",
                          f"{r.aankomst:%d-%m %H:%M}"
                          + (f" (team {r.team})" if hasattr(r, "team") else ""))
        out.table(table)
        out.summary(f"Plan {run.plan_id}: {len(picks)} objecten in {area.naam} "
                    f"({len(picks) - n_explore} exploitatie, {n_explore} exploratie), "
                    f"{run.result.total_minutes / 60:.1f} uur incl. "
                    f"{run.result.travel_minutes:.0f} min reistijd; "
                    f"{run.result.excluded_recent} recent gecontroleerde objecten overgeslagen.")
        for note in run.result.tekorten:
            out.summary(f"[yellow]Let op:[/] {note}")
        if run.synthetisch:
            out.summary("[yellow]Synthetische demodata — geen echte objecten.[/]")
        out.summary(f"Bestanden: {directory}")


@uitkomsten.command("importeer")
def importeer_uitkomsten(
    bestand: Annotated[Path, typer.Argument(
        help="CSV of XLSX met datum, thema, object, uitgevoerd, bevindingen, vervolg "
             "(het ingevulde plan.csv/plan.xlsx mag ook).", show_default=False)],
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Registreer uitkomsten van controles (alles of niets: bij een fout wordt niets opgeslagen)."""
    from services.outcomes import import_outcome_file
    from services.store import werkmap_database

    with command("uitkomsten importeer", json_output) as out:
        wm = open_werkmap(werkmap)
        with werkmap_database(wm) as sessions, sessions() as session:
            result = import_outcome_file(session, bestand, bron="cli")
        out.data(aantal=result.aantal, uitgevoerd=result.uitgevoerd,
                 met_bevinding=result.met_bevinding, gekoppeld_aan_plan=result.gekoppeld_aan_plan)
        out.summary(f"{result.aantal} controles geregistreerd uit {bestand.name}: "
                    f"{result.uitgevoerd} uitgevoerd, {result.met_bevinding} met bevinding; "
                    f"{result.gekoppeld_aan_plan} gekoppeld aan een plan (met selectiekans).")


@uitkomsten.command("rapport")
def rapport(
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    periode: Annotated[str, typer.Option(
        "--periode", help="maand, kwartaal of jaar.")] = "kwartaal",
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Trefkans per thema en periode, apart voor exploitatie- en exploratiekeuzes.

    'gecorrigeerd' is de selectiegecorrigeerde schatting (gewogen met 1/selectiekans) voor
    alle kandidaat-objecten, niet alleen de gecontroleerde.
    """
    from services.outcomes import outcome_report, report_rows
    from services.store import werkmap_database

    with command("uitkomsten rapport", json_output) as out:
        wm = open_werkmap(werkmap)
        codes = _area(gemeente, regio).codes if (gemeente or regio) else None
        with werkmap_database(wm) as sessions, sessions() as session:
            report = outcome_report(session, codes, periode=periode)
        out.data(periode=periode, rijen=report_rows(report))
        table = Table("thema", "periode", "keuze", "uitgevoerd", "treffers", "trefkans",
                      "gecorrigeerd")
        for r in report.itertuples(index=False):
            corrected = "-" if r.trefkans_gecorrigeerd != r.trefkans_gecorrigeerd \
                else f"{r.trefkans_gecorrigeerd:.1%}"
            table.add_row(r.thema, r.periode, r.soort_keuze, str(r.uitgevoerd),
                          str(r.treffers), f"{r.trefkans:.1%}", corrected)
        out.table(table)
        out.summary(f"{int(report['uitgevoerd'].sum()) if len(report) else 0} uitgevoerde "
                    f"controles in {len(report)} groepen (thema x {periode} x soort keuze).")


@uitkomsten.command("labels")
def labels(
    uit: Annotated[Path, typer.Argument(help="CSV om de trainingstabel naar te schrijven.",
                                        show_default=False)],
    gemeente: GemeenteOpt = None,
    regio: RegioOpt = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Schrijf selectiegecorrigeerde labels (label, sample_weight = 1/selectiekans) voor
    het geleerde model. Nooit gecontroleerde objecten krijgen geen label."""
    from geo.atomic import atomic_file
    from geo.export.tabular import write_safe_csv
    from services.outcomes import outcome_labels
    from services.store import werkmap_database

    with command("uitkomsten labels", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio)
        with werkmap_database(wm) as sessions, sessions() as session:
            table = outcome_labels(session, wm, area)
        with atomic_file(uit) as tmp:
            write_safe_csv(table, tmp)  # object ids come from user files
        out.wrote(uit, soort="csv", aantal=len(table))
        out.summary(f"{len(table)} gelabelde controles ({int(table['label'].sum())} met "
                    f"bevinding) geschreven naar {uit}.")
