"""CLI helpers for import profiles: ``kaart profielen`` and the ``--proef`` table."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from geo.errors import InvalidRequestError
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, command


def parse_pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``["doel=bron", ...]`` → ``{"doel": "bron"}``; a Dutch error for a malformed pair."""
    pairs: dict[str, str] = {}
    for value in values or []:
        target, sep, source = value.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise InvalidRequestError(
                f"{option} '{value}': verwacht doel=bron (bijv. {option} id=RINNUMMER).",
                optie=option, waarde=value)
        pairs[target.strip()] = source.strip()
    return pairs


def profile_info(profile: Any, report: Any) -> dict[str, str]:
    """Layer metadata recording where an imported layer came from (for the verantwoording)."""
    info = {"profiel": profile.profiel if profile is not None else ""}
    source = getattr(profile, "bron", None)
    if source is not None:
        info.update({"bron_naam": source.naam, "licentie": source.licentie,
                     "documentatie": " ".join(source.documentatie.split()),
                     "attributie": source.attributie or ""})
    if report is not None and report.straal_m:
        info["punten_straal_m"] = f"{report.straal_m:g}"
    return info


def preview_table(kind: str, result: dict[str, Any]) -> list[Table]:
    """Rich tables for ``--proef``: the first rows and per column how many values are known."""
    known = Table("kolom", "bekend", "van", "aandeel", title=f"{kind}: bekende waarden per kolom")
    for row in result["kolommen"]:
        known.add_row(row["kolom"], str(row["bekend"]), str(row["totaal"]),
                      f"{100 * row['aandeel']:.0f}%")
    names = [row["kolom"] for row in result["kolommen"]]
    head = Table(*names, title=f"Eerste {len(result['rijen'])} rijen")
    for row in result["rijen"]:
        head.add_row(*(escape("onbekend" if row.get(n) is None else str(row.get(n)))
                       for n in names))
    return [head, known]


@app.command("profielen")
def profielen(json_output: JsonOpt = False) -> None:
    """Toon de meegeleverde importprofielen (bron → laagsoort, licentie, documentatie).

    Gebruik een profiel met: kaart importeer SOORT BESTAND --profiel NAAM (of een eigen
    profielbestand: --profiel mijn_profiel.yaml; kopieer daarvoor een bestand uit
    data/profielen/).
    """
    from geo.layers.profiles import builtin_profiles, load_profile

    with command("profielen", json_output) as out:
        rows = []
        for name, path in builtin_profiles().items():
            profile = load_profile(name)
            source = profile.bron
            rows.append({"profiel": name, "soort": profile.soort, "pad": str(path),
                         "beschrijving": profile.beschrijving,
                         "bron": source.naam if source else "",
                         "licentie": source.licentie if source else "",
                         "kolommen": {k: (v.sources or ["(vast)"]) for k, v in
                                      profile.kolommen.items()}})
        table = Table("profiel", "laagsoort", "bron", "licentie", title="Importprofielen")
        for row in rows:
            table.add_row(row["profiel"], row["soort"], escape(row["bron"]),
                          escape(row["licentie"]))
        out.table(table)
        out.data(profielen=rows, aantal=len(rows))
        out.summary(f"{len(rows)} profielen. Gebruik: kaart importeer SOORT BESTAND "
                    "--profiel NAAM [--proef].")
