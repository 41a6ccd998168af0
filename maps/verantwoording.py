"""The kaartverantwoording (JSON) as readable Dutch sections for the web page.

:func:`describe_verantwoording` turns the document written by ``geo.export`` into a list
of :class:`Section` (key/value rows or a table) that a template renders without knowing
the JSON layout. Unknown keys are still shown, generically, so nothing is hidden.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from geo.atomic import latest_version
from geo.legend import CLASS_NAMES, GEEN_KENMERKEN
from geo.paths import Werkmap
from geo.runs import EVALUATIE, VERANTWOORDING_FILE
from geo.scoring.uitleg import DIRECTION_LABELS, SCORE_RULES
from maps.style import KIND_LABELS, THEME_LABELS, format_date

_DONE = {"kaart", "soort", "versie", "gebied", "grid", "invoer", "indicatorconfiguratie",
         "themas", "klassegrenzen", "uitvoer", "software", "tijdstip", "synthetisch",
         "opmerking", "vertrouwelijk", "configuratie"}
_LABELS = {
    "peildatum": "Peildatum", "tijdvenster_dagen": "Tijdvenster (dagen)",
    "halveringstijd_dagen": "Halveringstijd (dagen)", "kern": "Kern (KDE)",
    "bandbreedte_m": "Bandbreedte (m)", "gewichten": "Gewichten per soort",
    "gistar_afstand_m": "Gi*-afstand (m)", "klasse_percentielen": "Klassen (percentielen)",
    "klassegrenzen": "Klassegrenzen", "k_anonimiteit": "k-anonimiteit",
    "buurt_m": "Buurt (m)", "onderdrukte_cellen": "Onderdrukte cellen",
    "incidenten": "Gebruikte incidenten", "aantallen": "Afronding aantallen",
    "eenheid": "Eenheid", "privacy": "Privacy",
    "niveaus": "Niveaus", "klassecode": "Klassecode", "score": "Score",
    "cellen_per_klasse": "Cellen per klasse", "methode": "Methode", "splitsing": "Splitsing",
    "training_van": "Training vanaf", "test_tot": "Test tot", "cellen": "Cellen",
    "incidenten_training": "Incidenten training", "incidenten_test": "Incidenten test",
    "cv_score_d2_geleerd": "Kruisvalidatie D² (geleerd)", "combinatie": "Combinatie",
    "evaluatie": "Evaluatie", "gelegenheid_run": "Gelegenheidsrun",
}


_ABSOLUTE = re.compile(r"(?<![\w:/.~-])(?:/(?:[\w.@+~-]+/)+[\w.@+~-]*"
                       r"|[A-Za-z]:\\(?:[^\\\s'\"<>]+\\)*[^\\\s'\"<>]*)")
"""An absolute POSIX (``/srv/x/y``) or Windows (``C:\\x\\y``) path inside a text."""


def public_path(path: str, root: str | None) -> str:
    """A server path as users may see it: relative to the werkmap ``root`` when inside it,
    otherwise only the file name. Absolute paths never leave the server (issue 11)."""
    pure = PureWindowsPath(path) if re.match(r"[A-Za-z]:\\", path) else PurePosixPath(path)
    if root:
        try:
            return pure.relative_to(PurePosixPath(str(root))).as_posix() or pure.name
        except ValueError:
            pass
    return pure.name or (pure.parent.name if pure.parent != pure else "")


def public_paths(value: Any, root: str | None = None) -> Any:
    """A copy of a JSON-like ``value`` with every absolute path in every string replaced by
    :func:`public_path` (the kaartverantwoording as served: page, API and download)."""
    if isinstance(value, str):
        return _ABSOLUTE.sub(lambda m: public_path(m.group(0), root), value)
    if isinstance(value, dict):
        return {k: public_paths(v, root) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [public_paths(v, root) for v in value]
    return value


@dataclass
class Section:
    """One block of the page: ``rows`` (label, value) and/or a table."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    note: str | None = None


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:.4g}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list):
        if all(isinstance(v, int | float) for v in value):
            return " · ".join(_fmt(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _datetime(value: Any) -> str:
    text = str(value or "")
    date = format_date(text)
    return f"{date} {text[11:16]}".strip() if len(text) >= 16 else date


def format_breaks(breaks: list[float], *, geen_kenmerken: bool = False) -> str:
    """``[0.2, 0.4, 0.6, 0.8]`` → ``zeer laag ≤ 0,2 < laag ≤ 0,4 < ... < zeer hoog``.

    A score equal to a break belongs to the lower class (:mod:`geo.scoring.classify`).
    ``geen_kenmerken`` (gelegenheid) puts the class of score 0 in front: the quantile
    classes then hold the scores above 0 only."""
    if len(breaks) != 4:
        return _fmt(breaks)
    parts = [f"{CLASS_NAMES[GEEN_KENMERKEN]} (score 0) ·"] if geen_kenmerken else []
    parts.append(CLASS_NAMES[1] + (" (score > 0)" if geen_kenmerken else ""))
    for code, value in zip(range(2, 6), breaks, strict=True):
        parts.append(f"≤ {_fmt(float(value))} < {CLASS_NAMES[code]}")
    return " ".join(parts)


def _general(doc: dict[str, Any]) -> Section:
    gebied = doc.get("gebied") or {}
    names = [g.get("gemeentenaam", "") for g in gebied.get("gemeenten") or []]
    gemeenten = ", ".join(names) if len(names) > 1 else ""
    software = doc.get("software") or {}
    rows = [
        ("Kaart", KIND_LABELS.get(str(doc.get("soort")), str(doc.get("kaart") or "–"))),
        ("Gebied", f"{gebied.get('naam', '–')}" + (f" ({gemeenten})" if gemeenten else "")),
        ("Gemaakt op", _datetime(doc.get("tijdstip"))),
        ("Versie", _fmt(doc.get("versie"))),
        ("Software", f"{software.get('naam', 'kaart')} {software.get('versie', '')}".strip()),
        ("Synthetische demodata", _fmt(bool(doc.get("synthetisch")))),
    ]
    return Section("Algemeen", rows=rows, note=doc.get("opmerking"))


def _sources(doc: dict[str, Any]) -> Section | None:
    inputs = [i for i in doc.get("invoer") or [] if isinstance(i, dict)]
    if not inputs:
        return None
    table = [[str(i.get("laag", "–")), _fmt(i.get("aantal")), format_date(i.get("datum")),
              PurePath(str(i.get("pad", ""))).name or "–", str(i.get("sha256", ""))[:12]]
             for i in inputs]
    config = doc.get("indicatorconfiguratie") or doc.get("configuratie")
    note = None
    if isinstance(config, dict) and config.get("pad"):
        note = (f"Configuratie: {PurePath(str(config['pad'])).name} "
                f"(SHA-256 {str(config.get('sha256', ''))[:12]}…)")
    return Section("Bronnen", columns=["Laag", "Aantal", "Datum", "Bestand", "SHA-256 (begin)"],
                   table=table, note=note)


def _grid(doc: dict[str, Any]) -> Section | None:
    grid = doc.get("grid")
    if not isinstance(grid, dict):
        return None
    shape = grid.get("vorm") or []
    rows = [("Celgrootte", f"{_fmt(grid.get('celgrootte'))} m"),
            ("Coördinatenstelsel", str(grid.get("crs", "–"))),
            ("Rijen × kolommen", " × ".join(str(v) for v in shape) or "–"),
            ("Cellen in het gebied", _fmt(grid.get("cellen_in_gebied")))]
    return Section("Rekenraster", rows=rows)


def _themes(doc: dict[str, Any]) -> list[Section]:
    sections = []
    for thema, info in (doc.get("themas") or {}).items():
        if not isinstance(info, dict):
            continue
        table = []
        for ind in info.get("indicatoren") or []:
            params = ind.get("parameters") or {}
            norm = (ind.get("normalisatie") or {}).get("methode", "")
            table.append([str(ind.get("label") or ind.get("naam")),
                          str(ind.get("toelichting") or ""), _fmt(ind.get("gewicht")),
                          DIRECTION_LABELS.get(str(ind.get("richting")),
                                               str(ind.get("richting") or "")),
                          str(norm), _fmt(params)])
        rows = []
        if info.get("combinatie"):
            rows.append(("Combinatie", str(info["combinatie"])))
            rows.append(("Opbouw van de score",
                         SCORE_RULES.get(str(info["combinatie"]), "–")))
        breaks = info.get("klassegrenzen") or (doc.get("klassegrenzen") or {}).get(thema)
        counts = ((doc.get("volledigheid") or {}).get("themas") or {}).get(thema) or {}
        if counts.get("objecten") == 0:  # an empty layer has no classes, not "< 0 ≤ … 0"
            rows.append(("Klassegrenzen", "geen objecten in dit gebied, dus geen klassen"))
        elif breaks:
            rows.append(("Klassegrenzen", format_breaks(list(breaks), geen_kenmerken=True)))
        title = THEME_LABELS.get(thema, thema)
        sections.append(Section(
            f"Indicatoren en gewichten — {'totaal' if thema == 'totaal' else title}",
            rows=rows, columns=["Indicator", "Toelichting", "Gewicht", "Richting",
                                "Normalisatie", "Parameters"], table=table))
    return sections


def _generic(key: str, value: Any) -> Section:
    title = _LABELS.get(key, key.replace("_", " ").capitalize())
    if isinstance(value, dict):
        rows, table, columns = [], [], []
        for k, v in value.items():
            if k == "tabel" and isinstance(v, list) and v and isinstance(v[0], dict):
                columns = list(v[0].keys())
                table = [[_fmt(r.get(c)) for c in columns] for r in v]
            else:
                rows.append((_LABELS.get(k, k.replace("_", " ")), _fmt(v)))
        return Section(title, rows=rows, columns=columns, table=table)
    return Section(title, rows=[(title, _fmt(value))])


def load_evaluation(werkmap: Werkmap, gebied_id: str) -> dict[str, Any] | None:
    """The ``evaluatie`` block of the newest evaluation run of an area (``kaart evalueer``),
    or ``None``. It derives from incidents: show it only to users who may see confidential
    maps."""
    run = latest_version(werkmap.run_parent(gebied_id, EVALUATIE.soort))
    path = run / VERANTWOORDING_FILE if run else None
    if path is None or not path.is_file():
        return None
    try:
        block = json.loads(path.read_text(encoding="utf-8")).get("evaluatie")
    except (json.JSONDecodeError, AttributeError):
        return None
    return block if isinstance(block, dict) else None


def describe_verantwoording(doc: dict[str, Any]) -> list[Section]:
    """Readable Dutch sections of a kaartverantwoording document.

    Examples
    --------
    >>> describe_verantwoording({"soort": "gelegenheid", "synthetisch": True})[0].rows[0]
    ('Kaart', 'Gelegenheidskaart')
    """
    sections: list[Section | None] = [_general(doc), _sources(doc), _grid(doc)]
    sections.extend(_themes(doc))
    if isinstance(doc.get("klassegrenzen"), list):
        sections.append(Section("Klassegrenzen", rows=[
            ("Grenzen", format_breaks(doc["klassegrenzen"]))]))
    for key, value in doc.items():
        if key not in _DONE:
            sections.append(_generic(key, value))
    return [s for s in sections if s is not None]
