"""An entry for the Dutch Algoritmeregister, assembled from the runs' kaartverantwoordingen.

The fields follow the Algoritmeregister publication standard (naam, organisatie, korte
omschrijving, status, doel en impact, afwegingen, menselijke tussenkomst, risicobeheer,
wettelijke basis, impacttoets, technische werking). What the software knows — data
sources, indicators and weights, learned relative risks, evaluation figures, privacy
measures — is filled in from the newest runs of the area; what only the organisation can
know is left as a clearly marked placeholder (:data:`PLACEHOLDER`).

No incident locations or counts enter the entry: incident data is described by kind only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geo import __version__
from geo.atomic import latest_version, write_text_atomic
from geo.errors import KaartNotFoundError
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.runs import KINDS, TOTAL, VERANTWOORDING_FILE
from geo.scoring.suppression import rounding_note

PLACEHOLDER = "[IN TE VULLEN DOOR ORGANISATIE: {}]"
RUN_KINDS = tuple(KINDS)
STANDARD = "Algoritmeregister Publicatiestandaard (algoritmes.overheid.nl)"


def todo(what: str) -> str:
    """A placeholder the organisation must fill in."""
    return PLACEHOLDER.format(what)


def read_documents(werkmap: Werkmap, gebied_id: str) -> dict[str, dict[str, Any]]:
    """The newest kaartverantwoording per run kind of an area (kinds without runs absent)."""
    found = {}
    for kind in RUN_KINDS:
        run = latest_version(werkmap.run_parent(gebied_id, kind))
        if run is not None and (run / VERANTWOORDING_FILE).exists():
            found[kind] = json.loads((run / VERANTWOORDING_FILE).read_text("utf-8"))
    if not found:
        raise KaartNotFoundError(
            f"Geen kaarten voor {gebied_id} in de werkmap: maak eerst een kaart met "
            "'kaart gelegenheid' (en eventueel 'kaart risico', 'kaart leer', 'kaart evalueer').",
            gebied=gebied_id)
    return found


def build_entry(werkmap: Werkmap, area: Area, *, organisatie: str | None = None) -> dict[str, Any]:
    """The register entry (JSON-able) for the newest runs of ``area``."""
    docs = read_documents(werkmap, area.id)
    synthetic = any(d.get("synthetisch") for d in docs.values())
    entry = _description(area, organisatie)
    entry.update(_safeguards(docs, synthetic))
    entry.update({
        "wettelijke_basis": todo(
            "bijv. Gemeentewet art. 172 (openbare orde), Wet Bibob, convenant RIEC; met link"),
        "impacttoets": {
            "dpia": todo("uitgevoerd ja/nee, datum, link"),
            "iama": todo("uitgevoerd ja/nee, datum, link"),
        },
        "technische_werking": _technical(docs),
        "contact": todo("e-mailadres voor vragen over dit algoritme"),
        "broncode": todo("link naar de broncode (kaart is open source, EUPL-1.2)"),
        "software": {"naam": "kaart", "versie": __version__},
        "opgesteld": datetime.now(UTC).isoformat(timespec="seconds"),
        "synthetisch": synthetic,
    })
    return entry


def _description(area: Area, organisatie: str | None) -> dict[str, Any]:
    """Name, owner, purpose and impact of the algorithm (register fields in order)."""
    return {
        "standaard": STANDARD,
        "naam": f"Gelegenheids- en risicokaart ondermijning {area.naam}",
        "organisatie": organisatie or todo("naam van de verantwoordelijke organisatie"),
        "afdeling": todo("afdeling of team (bijv. Openbare Orde en Veiligheid)"),
        "gebied": area.naam,
        "domein": "openbare orde en veiligheid",
        "korte_omschrijving": (
            "Kaarten die laten zien waar in de gemeente de gelegenheid voor ondermijnende "
            "criminaliteit groot is (bijv. leegstaande schuren, kwetsbare vakantieparken) en "
            "waar signalen samenkomen. Ze helpen kiezen waar gecontroleerd wordt."),
        "status": todo("in ontwikkeling / in gebruik / buiten gebruik"),
        "begin_gebruik": todo("datum waarop het gebruik begon"),
        "doel_en_impact": {
            "doel": ("Toezicht en handhaving (ACT!-controles, bestuurlijke aanpak) richten op "
                     "plaatsen met veel gelegenheid en signalen van ondermijning."),
            "impact": ("De kaart wijst gebieden en objecten aan, geen personen. Een hoge score "
                       "is een aanleiding om te kijken, nooit een bewijs of een besluit over "
                       "een persoon of bedrijf. Wel kunnen eigenaren van aangewezen objecten "
                       "vaker een controle krijgen."),
            "betrokkenen": todo("wie merkt het gebruik (ondernemers, eigenaren, bewoners)"),
        },
    }


def _safeguards(docs: dict[str, dict[str, Any]], synthetic: bool) -> dict[str, Any]:
    """Considerations, human oversight and risk management (register fields in order)."""
    return {
        "afwegingen": {
            "proportionaliteit": todo(
                "waarom deze inzet in verhouding staat tot het doel, en welke alternatieven "
                "zijn overwogen"),
            "bekende_beperkingen": [
                "Incidenten worden vooral gevonden waar al gecontroleerd wordt "
                "(selectie-effect); een geleerde kaart kan dat versterken.",
                "Indicatoren beschrijven gelegenheid, geen daders; een hoge score zegt niets "
                "over de mensen die er wonen of werken.",
            ] + (["Deze kaarten zijn gemaakt met synthetische demodata."] if synthetic else []),
        },
        "menselijke_tussenkomst": (
            "De kaart adviseert; medewerkers van gemeente, RIEC en ACT!-team beslissen of en "
            "waar gecontroleerd wordt, en wegen daarbij lokale kennis mee. Er volgen geen "
            "automatische besluiten. " + todo("wie beoordeelt de kaart, en hoe vaak")),
        "risicobeheer": {
            "maatregelen": [
                "Politie- en vertrouwelijke incidenten verschijnen nooit als punt of exact "
                "aantal voor gemeentegebruikers; de risicokaart is een gladgestreken dichtheid.",
                _privacy_measure(docs),
                "Elke kaart heeft een kaartverantwoording (invoer met vingerafdruk, "
                "instellingen, gewichten, klassegrenzen, softwareversie).",
                "Toegang per gemeente en rol; inzage wordt gelogd (audit).",
            ],
            "aanvullend": todo("periodieke herbeoordeling, bias-toets, klachtenprocedure"),
        },
    }


def _privacy_measure(docs: dict[str, dict[str, Any]]) -> str:
    risico = docs.get("risico", {}).get("risico", {})
    k = risico.get("k_anonimiteit", 3)
    radius = risico.get("buurt_m", 500)
    return (f"Cellen met minder dan {k} incidenten binnen {radius:g} m tonen geen dichtheid "
            f"(k-anonimiteit). {rounding_note(k)}")


def _technical(docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"methoden_en_modellen": [], "databronnen": [], "indicatoren": []}
    layers: dict[str, str] = {}
    for doc in docs.values():
        for item in doc.get("invoer", []):
            layers.setdefault(item["laag"], str(item.get("datum", ""))[:10])
    for laag, datum in sorted(layers.items()):
        text = (f"{laag} (vertrouwelijke incidenten en signalen; geen aantallen gepubliceerd)"
                if laag == "incidenten" else laag)
        out["databronnen"].append({"laag": text, "datum": datum})
    if "incidenten" not in layers and ("risico" in docs or "gelegenheid_geleerd" in docs):
        out["databronnen"].append({"laag": "incidenten (vertrouwelijk; geen aantallen "
                                   "gepubliceerd)", "datum": ""})
    methods = out["methoden_en_modellen"]
    gel = docs.get("gelegenheid")
    if gel:
        methods.append("Gelegenheidskaart: per thema een gewogen som (of relatief risico) van "
                       "genormaliseerde indicatoren op een raster; vijf klassen.")
        for thema, info in gel.get("themas", {}).items():
            if thema == TOTAL:
                continue
            for ind in info.get("indicatoren", []):
                out["indicatoren"].append({
                    "thema": info.get("label", thema), "indicator": ind.get("label"),
                    "toelichting": ind.get("toelichting"), "gewicht": ind.get("gewicht"),
                    "richting": ind.get("richting")})
    learned = docs.get("gelegenheid_geleerd")
    if learned:
        model = learned.get("model", {})
        methods.append(
            "Geleerde gelegenheidskaart: Poisson-regressie (scikit-learn) van incidenten per "
            "cel op de indicatoren; straf gekozen met ruimtelijke blok-kruisvalidatie.")
        out["geleerde_gewichten"] = {
            "trainingsperiode": learned.get("training", {}),
            "cv_score_d2": model.get("cv_score_d2"),
            "relatief_risico": [
                {"indicator": c["indicator"], "relatief_risico": round(c["relatief_risico"], 3),
                 "interval_95": [_round(c.get("ondergrens")), _round(c.get("bovengrens"))]}
                for c in model.get("coefficienten", [])]}
        out["geleerde_gewichten"]["trainingsperiode"].pop("incidenten", None)
    if "risico" in docs:
        r = docs["risico"]["risico"]
        methods.append(
            f"Risicokaart: kerndichtheid ({r.get('kern')}, bandbreedte {r.get('bandbreedte_m')} "
            f"m) van incidenten uit de laatste {r.get('tijdvenster_dagen')} dagen, gewogen per "
            f"soort en naar ouderdom (halveringstijd {r.get('halveringstijd_dagen')} dagen); "
            f"Getis-Ord Gi* voor hotspots.")
    if "gecombineerd" in docs:
        methods.append("Gecombineerde kaart: 3 × 3 klassen gelegenheid × risico.")
    if "evaluatie" in docs:
        ev = docs["evaluatie"]["evaluatie"]
        out["evaluatie"] = {
            "methode": ev.get("methode"), "splitsing": ev.get("splitsing"),
            "test_tot": ev.get("test_tot"),
            "resultaten": [{"kaart": row["omschrijving"], "dekking_pct": row["dekking"] * 100,
                            "trefkans_pct": _round(row["trefkans"] * 100, 1),
                            "pai": _round(row["pai"], 2)} for row in ev.get("tabel", [])]}
    return out


def _round(value: Any, digits: int = 3) -> Any:
    return None if value is None else round(float(value), digits)


def render_markdown(entry: dict[str, Any]) -> str:
    """The entry as Markdown a gemeente can publish on its website."""
    lines = [f"# {entry['naam']}", ""]
    if entry.get("synthetisch"):
        lines += ["> **Let op:** gemaakt met synthetische demodata — geen echte gegevens.", ""]
    lines += [f"*Opgesteld volgens de {entry['standaard']}.*", "",
              "| Veld | Waarde |", "|---|---|"]
    for key in ("organisatie", "afdeling", "gebied", "domein", "status", "begin_gebruik",
                "contact", "broncode"):
        lines.append(f"| {key.replace('_', ' ').capitalize()} | {entry[key]} |")
    lines += ["", "## Korte omschrijving", "", entry["korte_omschrijving"], "",
              "## Doel en impact", ""]
    lines += [f"- **{k.capitalize()}**: {v}" for k, v in entry["doel_en_impact"].items()]
    lines += ["", "## Afwegingen", "", f"- **Proportionaliteit**: "
              f"{entry['afwegingen']['proportionaliteit']}"]
    lines += [f"- {b}" for b in entry["afwegingen"]["bekende_beperkingen"]]
    lines += ["", "## Menselijke tussenkomst", "", entry["menselijke_tussenkomst"], "",
              "## Risicobeheer", ""]
    lines += [f"- {m}" for m in entry["risicobeheer"]["maatregelen"]]
    lines += [f"- {entry['risicobeheer']['aanvullend']}", "", "## Wettelijke basis", "",
              entry["wettelijke_basis"], "", "## Impacttoetsen", "",
              f"- DPIA: {entry['impacttoets']['dpia']}",
              f"- IAMA: {entry['impacttoets']['iama']}", "", "## Technische werking", ""]
    tech = entry["technische_werking"]
    lines += [f"- {m}" for m in tech["methoden_en_modellen"]]
    lines += ["", "### Databronnen", ""]
    lines += [f"- {d['laag']}" + (f" (stand {d['datum']})" if d["datum"] else "")
              for d in tech["databronnen"]]
    if tech["indicatoren"]:
        lines += ["", "### Indicatoren en gewichten", "", "| Thema | Indicator | Gewicht | "
                  "Waarom |", "|---|---|---|---|"]
        lines += [f"| {i['thema']} | {i['indicator']} | {i['gewicht']:g} | {i['toelichting']} |"
                  for i in tech["indicatoren"]]
    if "geleerde_gewichten" in tech:
        learned = tech["geleerde_gewichten"]
        lines += ["", "### Geleerde gewichten", "",
                  f"Kruisgevalideerde D² (verklaarde deviantie): {_fmt(learned['cv_score_d2'])}.",
                  "", "| Indicator | Relatief risico | 95%-interval |", "|---|---|---|"]
        lines += [f"| {c['indicator']} | {_fmt(c['relatief_risico'])} | "
                  f"{_fmt(c['interval_95'][0])} – {_fmt(c['interval_95'][1])} |"
                  for c in learned["relatief_risico"]]
    if "evaluatie" in tech:
        ev = tech["evaluatie"]
        lines += ["", "### Evaluatie", "", f"{ev['methode']} Testperiode vanaf {ev['splitsing']}.",
                  "", "| Kaart | Dekking (%) | Trefkans (%) | PAI |", "|---|---|---|---|"]
        lines += [f"| {r['kaart']} | {r['dekking_pct']:g} | {_fmt(r['trefkans_pct'])} | "
                  f"{_fmt(r['pai'])} |" for r in ev["resultaten"]]
    lines += ["", f"*Opgesteld door kaart {entry['software']['versie']} op "
              f"{entry['opgesteld']}.*", ""]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:g}"


def write_algoritmeregister(werkmap: Werkmap, area: Area, out_dir: str | Path | None = None,
                            *, organisatie: str | None = None) -> tuple[Path, Path, dict]:
    """Write ``algoritmeregister_<gebied>.json`` and ``.md`` (atomically) and return them."""
    out = Path(out_dir) if out_dir is not None else werkmap.root / "verantwoording"
    entry = build_entry(werkmap, area, organisatie=organisatie)
    json_path = write_text_atomic(out / f"algoritmeregister_{area.id}.json",
                                  json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    md_path = write_text_atomic(out / f"algoritmeregister_{area.id}.md", render_markdown(entry))
    return json_path, md_path, entry
