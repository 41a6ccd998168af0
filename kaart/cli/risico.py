"""CLI: ``kaart risico``, ``gecombineerd``, ``leer``, ``evalueer`` and ``verantwoording``."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

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

SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Startgetal voor het toeval "
                                      "(kruisvalidatie, bootstrap); zelfde seed, zelfde uitkomst.")]
MethodeOpt = Annotated[str, typer.Option(
    "--methode", help="poisson (Poisson-regressie) of boosting (gradient boosting, Poisson).")]
DATE_FORMATS = ["%Y-%m-%d"]


def _area(gemeente, regio, veiligheidsregio, provincie, land=False):
    return area_from_options(gemeente, regio, veiligheidsregio, provincie, land)


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@contextmanager
def _steps(out: Output, total: int, description: str):
    with out.progress() as bar:
        task = bar.add_task(description, total=total)

        def step(text: str) -> None:
            bar.update(task, advance=1, description=text)

        yield step


def _report_run(out: Output, run: Any) -> None:
    from services.runs import run_files

    out.written.extend(run_files([run]))
    if run.synthetisch:
        out.summary("[yellow]Synthetische demodata — geen echte gegevens.[/]")


@app.command("risico")
def risico(
    gemeente: GemeenteOpt = None, regio: RegioOpt = None, veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None, land: LandOpt = False,
    per_gemeente: Annotated[bool, typer.Option(
        "--per-gemeente", help="Maak één risicokaart per gemeente van het gekozen gebied.")
    ] = False,
    celgrootte: CelOpt = 25.0,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Eigen risicoconfiguratie (YAML); standaard data/risico.yaml.",
        show_default=False)] = None,
    peildatum: Annotated[datetime | None, typer.Option(
        "--peildatum", formats=DATE_FORMATS, help="Einde van het tijdvenster (JJJJ-MM-DD); "
        "standaard de datum van het laatste incident.", show_default=False)] = None,
    buurtaantallen: Annotated[Path | None, typer.Option(
        "--buurtaantallen", help="Politie open data (CSV, tabel 'Geregistreerde misdrijven; "
        "soort misdrijf, wijk en buurt', profiel politie-open-data) in plaats van de laag "
        "incidenten; vraagt --buurten.", show_default=False)] = None,
    buurten: Annotated[Path | None, typer.Option(
        "--buurten", help="Buurtvlakken (CBS Wijk- en buurtkaart) met de buurtcode.",
        show_default=False)] = None,
    buurten_laag: Annotated[str | None, typer.Option(
        "--buurten-laag", help="Laag in het buurtenbestand (bijv. buurten).",
        show_default=False)] = None,
    buurtcode_kolom: Annotated[str, typer.Option(
        "--buurtcode-kolom", help="Kolom met de buurtcode (BU…) in de buurtvlakken.")
    ] = "buurtcode",
    soort_misdrijf: Annotated[str, typer.Option(
        "--soort-misdrijf", help="Code SoortMisdrijf; 0.0.0 = totaal misdrijven.")] = "0.0.0",
    van: Annotated[str | None, typer.Option(
        "--van", help="Eerste maand (bijv. 2024MM01).", show_default=False)] = None,
    tot: Annotated[str | None, typer.Option(
        "--tot", help="Laatste maand (bijv. 2024MM12).", show_default=False)] = None,
    lagen: LagenOpt = None, werkmap: WerkmapOpt = None, json_output: JsonOpt = False,
) -> None:
    """Maak de risicokaart (VERTROUWELIJK) uit de laag incidenten of uit buurtaantallen.

    Kerndichtheid van de incidenten (gewogen per soort en naar ouderdom), Getis-Ord Gi*
    hotspots en vijf klassen. Schrijft kaarten/<gebied>/risico/vNNNN/risicokaart.tif en
    kaartverantwoording.json. Geen incidentlocaties in de uitvoer; cellen met minder dan k
    incidenten in de buurt tonen niets.

    Met --buurtaantallen en --buurten: geregistreerde misdrijven per buurt (politie open
    data) worden per buurt gelijk over de cellen verdeeld en gladgestreken; een buurt met
    minder dan k misdrijven telt niet mee. Nooit punten.

    Voorbeeld: kaart risico --regio Parkstad --celgrootte 50
    """
    from services.runs import build_risico

    with command("risico", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio, veiligheidsregio, provincie, land)
        buurt_input = _buurt_input(buurtaantallen, buurten, buurten_laag, buurtcode_kolom,
                                   soort_misdrijf, van, tot)
        with out.progress() as bar:
            task = bar.add_task("Risicokaarten", total=None)

            def report(done: int, total: int, text: str) -> None:
                bar.update(task, completed=done, total=total, description=text)

            runs = build_risico(wm, area, per_gemeente=per_gemeente, layers_path=lagen,
                                config_path=config, cellsize=celgrootte,
                                peildatum=_date(peildatum), progress=report,
                                buurten=buurt_input)
        out.summary(f"[bold]Risicokaart {area.naam}[/] (vertrouwelijk; cellen van "
                    f"{celgrootte:g} m).")
        for run in runs:
            _report_run(out, run)
            s = run.summary
            out.summary(f"  {run.area.naam} versie {run.versie}: {s['cellen']} cellen, "
                        f"{s['incidenten'].get('totaal', 0)} incidenten in het gebied "
                        "(afgerond), "
                        f"peildatum {s['peildatum']}, {s['onderdrukte_cellen']} cellen "
                        f"onderdrukt (k-anonimiteit) → {run.run_dir}")
        out.data(gebied={"id": area.id, "naam": area.naam}, celgrootte=celgrootte,
                 kaart_ids=[k for run in runs for k in run.kaart_ids],
                 runs=[{"gebied_id": r.area.id, "versie": r.versie, **r.summary} for r in runs],
                 vertrouwelijk=any(r.vertrouwelijk for r in runs))


def _buurt_input(tabel, buurten, laag, kolom, soort, van, tot):
    from geo.errors import InvalidRequestError
    from geo.scoring.buurtincidenten import BuurtInput

    if tabel is None and buurten is None:
        return None
    if tabel is None or buurten is None:
        raise InvalidRequestError("Geef --buurtaantallen (politie open data) én --buurten "
                                  "(buurtvlakken met buurtcode) samen.")
    return BuurtInput(tabel=tabel, buurten=buurten, buurten_laag=laag, code_kolom=kolom,
                      soort=soort, van=van, tot=tot)


@app.command("gecombineerd")
def gecombineerd(
    gemeente: GemeenteOpt = None, regio: RegioOpt = None, veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None, land: LandOpt = False, lagen: LagenOpt = None,
    werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Combineer gelegenheid en risico tot een 3×3-kaart (VERTROUWELIJK).

    Gebruikt de nieuwste gelegenheids- en risicokaart van het gebied (zelfde celgrootte).
    Schrijft kaarten/<gebied>/gecombineerd/vNNNN/: gecombineerde_kaart.tif, objecten.gpkg
    (objecten met hun risiconiveau) en kaartverantwoording.json.

    Voorbeeld: kaart gecombineerd --gemeente Heerlen
    """
    from services.runs import build_gecombineerd

    with command("gecombineerd", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio, veiligheidsregio, provincie, land)
        with _steps(out, 1, "Kaarten combineren") as step:
            run = build_gecombineerd(wm, area, layers_path=lagen)
            step("Klaar")
        _report_run(out, run)
        out.summary(f"[bold]Gecombineerde kaart {area.naam}[/] versie {run.versie} → "
                    f"{run.run_dir}")
        for label, count in run.summary["cellen_per_klasse"].items():
            out.summary(f"  {label}: {count} cellen")
        out.summary(f"  {run.summary['objecten']} objecten met risiconiveau in objecten.gpkg.")
        out.data(gebied={"id": area.id, "naam": area.naam}, kaart_ids=run.kaart_ids,
                 versie=run.versie, vertrouwelijk=run.vertrouwelijk, **run.summary)


@app.command("leer")
def leer(
    gemeente: GemeenteOpt = None, regio: RegioOpt = None, veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None, land: LandOpt = False,
    tot: Annotated[datetime | None, typer.Option(
        "--tot", formats=DATE_FORMATS, help="Train op incidenten vóór deze datum (JJJJ-MM-DD); "
        "standaard alle.", show_default=False)] = None,
    jaren: Annotated[int | None, typer.Option(
        "--jaren", min=1, help="Aantal jaren trainingsperiode vóór --tot; standaard alles.",
        show_default=False)] = None,
    methode: MethodeOpt = "poisson",
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="Aantal bootstrap-herhalingen voor de intervallen.")] = 50,
    blokgrootte: Annotated[float, typer.Option(
        "--blokgrootte", help="Zijde van de ruimtelijke blokken voor kruisvalidatie (m).")
    ] = 2000.0,
    uitkomsten: Annotated[bool, typer.Option(
        "--uitkomsten", help="Leer ook per object de trefkans uit de geregistreerde "
        "controle-uitkomsten (gewogen met 1/selectiekans); de volgende 'kaart plan' gebruikt "
        "die.")] = False,
    seed: SeedOpt = 0, lagen: LagenOpt = None, werkmap: WerkmapOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Leer indicatorgewichten uit incidenten en maak een geleerde gelegenheidskaart.

    Poisson-regressie van incidenten per cel op de indicatoren van de nieuwste
    gelegenheidskaart; de straf wordt gekozen met ruimtelijke blok-kruisvalidatie.
    Toont per indicator het relatief risico met 95%-interval (bootstrap). Schrijft
    kaarten/<gebied>/gelegenheid_geleerd/vNNNN/ naast de deskundige kaart.

    Voorbeeld: kaart leer --provincie Limburg --tot 2025-01-01
    """
    from geo.export.geleerd import build_geleerd

    with command("leer", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio, veiligheidsregio, provincie, land)
        rates = _object_rates(wm, area) if uitkomsten else None
        with _steps(out, 1, "Model trainen (kruisvalidatie, bootstrap)") as step:
            run = build_geleerd(
                wm, area, layers_path=lagen, tot=_date(tot), jaren=jaren, method=methode,
                n_bootstrap=bootstrap, block_m=blokgrootte, random_state=seed,
                object_rates=rates)
            step("Klaar")
        _report_run(out, run)
        learner = run.model
        table = learner.relative_risk_.sort_values("relatief_risico", ascending=False)
        out.summary(f"[bold]Geleerde gelegenheidskaart {area.naam}[/] versie {run.versie} "
                    f"({nl_count(learner.n_cells_)} cellen, {_skill_text(learner)}, "
                    f"α = {nl_alpha(learner.alpha_)}) → {run.run_dir}")
        flag = " [geen voorspelkracht]" if learner.no_skill_ else ""
        out.summary("Relatief risico per indicator (stap in de kolom stap van gewichten.csv), "
                    "95%-interval (bootstrap op ruimtelijke blokken):")
        for row in table.itertuples():
            how = f", {row.operationalisatie}" if getattr(row, "operationalisatie", "") else ""
            out.summary(f"  {row.indicator} ({row.stap}{how}): {_rr(row.relatief_risico)} "
                        f"({_rr(row.ondergrens)}–{_rr(row.bovengrens)}){flag}")
        _coarsening_and_notices(out, run.summary)
        if rates is not None:
            themes = sorted(set(rates["thema"]))
            out.summary(f"Trefkans per object geleerd uit controle-uitkomsten voor "
                        f"{nl_count(len(rates))} objecten ({', '.join(themes) or 'geen thema'}"
                        "; een thema vraagt minstens 8 gelabelde controles met en zonder "
                        "bevinding); de volgende 'kaart plan' gebruikt ze.")
        if learner.no_skill_:
            out.summary(f"[bold red]Let op: {learner.voorspelkracht()['waarschuwing']}[/] "
                        "(CV-D² niet duidelijk boven 0); "
                        "de relatieve risico's zijn niet te vertrouwen.")
        out.data(gebied={"id": area.id, "naam": area.naam}, kaart_ids=run.kaart_ids,
                 versie=run.versie, vertrouwelijk=run.vertrouwelijk,
                 cv_score_d2=learner.cv_score_, alpha=learner.alpha_,
                 voorspelkracht=learner.voorspelkracht(), training=run.summary["training"],
                 relatief_risico=table.to_dict("records"))


def _object_rates(wm, area):
    """Learned hit rate per object from the werkmap's control outcomes (database)."""
    from services.outcomes import learned_object_rates
    from services.store import werkmap_database

    with werkmap_database(wm) as sessions, sessions() as session:
        return learned_object_rates(session, wm, area)


def _rr(value: float) -> str:
    """A relative risk in Dutch: beyond 1.000 or below 0,01 only the bound (no false digits)."""
    if value != value:  # NaN: no interval (no bootstrap)
        return "–"
    if value > 1000:
        return "> 1.000"
    if value < 0.01:
        return "< 0,01"
    return nl_number(value)


def _coarsening_and_notices(out, summary: dict) -> None:
    """Say on screen when the fit moved to coarser cells, and which layers were missing."""
    training = summary.get("training", {})
    if summary.get("vergroving", 1) > 1:
        out.summary(f"[bold]Let op:[/] meer dan 100.000 cellen; het model is geschat op cellen "
                    f"van {nl_count(training.get('celgrootte_model_m', 0))} m (de kaart zelf "
                    "blijft op de fijne cellen).")
    for notice in summary.get("meldingen", []):
        out.summary(f"[bold]Melding:[/] {escape(notice)}")


@app.command("evalueer")
def evalueer(
    gemeente: GemeenteOpt = None, regio: RegioOpt = None, veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None, land: LandOpt = False,
    tot: Annotated[datetime | None, typer.Option(
        "--tot", formats=DATE_FORMATS, help="Train op incidenten vóór deze datum; de "
        "testperiode begint hier (JJJJ-MM-DD, zoals kaart leer --tot); standaard 1 januari "
        "van het laatste jaar met incidenten.", show_default=False)] = None,
    splitsing: Annotated[datetime | None, typer.Option(
        "--splitsing", formats=DATE_FORMATS, hidden=True,
        help="Oude naam van --tot.")] = None,
    testperiode: Annotated[int, typer.Option(
        "--testperiode", min=1, help="Lengte van de testperiode in dagen.")] = 365,
    jaren: Annotated[int | None, typer.Option(
        "--jaren", min=1, help="Jaren trainingsperiode vóór --tot; standaard alles.",
        show_default=False)] = None,
    methode: MethodeOpt = "poisson",
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="Aantal bootstrap-herhalingen voor de intervallen van de "
        "opgeslagen geleerde kaart (zoals kaart leer).")] = 50,
    seed: SeedOpt = 0, lagen: LagenOpt = None,
    werkmap: WerkmapOpt = None, json_output: JsonOpt = False,
) -> None:
    """Toets de kaarten op latere incidenten: trefkans en PAI per dekking.

    Trainen op de eerdere jaren, toetsen op de testperiode. Vergelijkt de deskundige en de
    geleerde gelegenheidskaart, de risicokaart (KDE), eerdere incidenten per cel, de
    gecombineerde kaart en toeval. Trefkans = aandeel testincidenten in de hoogst scorende
    cellen; PAI = trefkans / aandeel oppervlakte. Schrijft kaarten/<gebied>/evaluatie/vNNNN/
    (evaluatie.csv, trefkans.png, kaartverantwoording.json) en de getoetste geleerde kaart
    als nieuwe versie in kaarten/<gebied>/gelegenheid_geleerd/ (zoals kaart leer --tot).

    Voorbeeld: kaart evalueer --provincie Limburg --tot 2025-01-01
    """
    from geo.export.geleerd import MAP_LABELS, build_evaluatie, evaluation_summary

    with command("evalueer", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio, veiligheidsregio, provincie, land)
        with _steps(out, 1, "Kaarten maken en toetsen") as step:
            run = build_evaluatie(
                wm, area, layers_path=lagen, split=_date(tot or splitsing), test_dagen=testperiode,
                jaren=jaren, method=methode, random_state=seed, n_bootstrap=bootstrap)
            step("Klaar")
        _report_run(out, run)
        table, info, run_dir = run.tables["evaluatie"], run.summary["evaluatie"], run.run_dir
        pai5 = evaluation_summary(table, 0.05)
        _coarsening_and_notices(out, {"vergroving": info.get("vergroving", 1),
                                      "meldingen": info.get("meldingen", []),
                                      "training": info})
        out.summary(f"[bold]Evaluatie {area.naam}[/]: training tot {info['splitsing']}, test tot "
                    f"{info['test_tot']} → {run_dir}")
        learned = info.get("geleerde_kaart")
        if learned:
            from services.runs import run_files

            out.written.extend(run_files([run.model]))
            out.summary(f"De getoetste geleerde kaart is opgeslagen als versie {learned['versie']} "
                        f"({learned['kaart_id']}, {learned['map']}).")
        out.summary("PAI bij 5% van de oppervlakte (1 = toeval):")
        for name, value in sorted(pai5.items(), key=lambda kv: -kv[1]):
            out.summary(f"  {MAP_LABELS.get(name, name)}: {nl_number(value)}")
        out.data(gebied={"id": area.id, "naam": area.naam}, evaluatie=info, pai_5=pai5,
                 tabel=table.to_dict("records"))


@app.command("verantwoording")
def verantwoording(
    gemeente: GemeenteOpt = None, regio: RegioOpt = None, veiligheidsregio: VrOpt = None,
    provincie: ProvincieOpt = None, land: LandOpt = False,
    algoritmeregister: Annotated[bool, typer.Option(
        "--algoritmeregister", help="Schrijf een registratie voor het Algoritmeregister "
        "(JSON en Markdown).")] = False,
    uit: Annotated[Path | None, typer.Option(
        "--uit", help="Map voor de registratie; standaard <werkmap>/verantwoording.",
        show_default=False)] = None,
    organisatie: Annotated[str | None, typer.Option(
        "--organisatie", help="Naam van de verantwoordelijke organisatie.", show_default=False)
    ] = None,
    werkmap: WerkmapOpt = None, json_output: JsonOpt = False,
) -> None:
    """Toon de kaartverantwoordingen van een gebied, of schrijf een Algoritmeregister-tekst.

    Met --algoritmeregister: een JSON-registratie volgens de publicatiestandaard van het
    Algoritmeregister plus een Markdown-versie die een gemeente kan publiceren. Velden die
    de software niet kan weten staan er als [IN TE VULLEN DOOR ORGANISATIE: ...].

    Voorbeeld: kaart verantwoording --gemeente Vaals --algoritmeregister --uit publicatie/
    """
    from geo.export.algoritmeregister import PLACEHOLDER, read_documents, write_algoritmeregister

    with command("verantwoording", json_output) as out:
        wm = open_werkmap(werkmap)
        area = _area(gemeente, regio, veiligheidsregio, provincie, land)
        docs = read_documents(wm, area.id)
        out.summary(f"[bold]Kaartverantwoordingen {area.naam}[/]:")
        for kind, doc in docs.items():
            out.summary(f"  {kind}: {doc.get('tijdstip', '')}"
                        + (" (synthetisch)" if doc.get("synthetisch") else ""))
        out.data(gebied={"id": area.id, "naam": area.naam}, runs=sorted(docs))
        if algoritmeregister:
            json_path, md_path, entry = write_algoritmeregister(wm, area, uit,
                                                                organisatie=organisatie)
            out.wrote(json_path, soort="json")
            out.wrote(md_path, soort="markdown")
            marker = PLACEHOLDER.split(":")[0]
            todo = json_path.read_text(encoding="utf-8").count(marker)
            out.summary(f"Algoritmeregister: {json_path} en {md_path}; {todo} velden nog in "
                        "te vullen door de organisatie.")
            out.data(in_te_vullen=todo, naam=entry["naam"])


def nl_alpha(value: float) -> str:
    """A penalty α in Dutch notation: ``1,2e-06`` or ``0,001``."""
    return f"{value:.2g}".replace(".", ",")


def _skill_text(learner) -> str:
    """``CV-D² 0,045 ± 0,015`` (standard error) for the summary line."""
    se = learner.cv_score_se_
    text = f"CV-D² {nl_number(learner.cv_score_, 3)}"
    return text + (f" ± {nl_number(se, 3)}" if se == se else "")
