"""The informatiebeeld: one A4 PDF (and a PNG of its first page) for a gemeente or region.

Built from HTML (Jinja2 with autoescape: every data string escaped) by WeasyPrint; the maps
are rendered from the run's COGs by :mod:`services.report_maps`. Shared by ``kaart rapport``
and the API download (``GET /kaarten/{kaart_id}/rapport.pdf``). Risico and gecombineerd
maps are only added when the caller asks and has decided the user may see them.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio

from geo import __version__
from geo.atomic import atomic_file, latest_version
from geo.errors import KaartNotFoundError, OutputError
from geo.export.objects import object_layers
from geo.legend import CLASS_NAMES, SYNTHETIC_LABEL, class_codes, class_colors, class_labels
from geo.paths import Werkmap
from geo.runs import (
    GECOMBINEERD,
    GELEGENHEID,
    OBJECTS_FILE,
    RISICO,
    THEMES,
    TOTAL,
    VERANTWOORDING_FILE,
    MapKind,
    map_file,
)
from services.report_maps import render_class_map
from services.versions import CHANGES, compare_versions, list_area_versions

TOP_OBJECTS = 10
MAX_CHANGES = 25
DISCLAIMER = ("Een kaart is geen oordeel over personen. De kaart laat zien waar de "
              "gelegenheid voor ondermijning groter is, niet wie iets doet. Gebruik haar "
              "alleen samen met menselijk oordeel en lokale kennis.")
METHOD = (
    "De kaart deelt het gebied op in vakjes (cellen). Per vakje en per object kijken we naar "
    "kenmerken die criminelen kansen geven, zoals leegstand, afgelegen ligging, weinig "
    "toezicht of de nabijheid van een snelweg of de grens. Die kenmerken heten indicatoren.",
    "Elke indicator krijgt een gewicht. Samen geven ze een score van 0 tot 1. Een score van "
    "precies 0 (geen enkel kenmerk aanwezig) is een eigen klasse, 'geen kenmerken'. De "
    "overige scores verdelen we in vijf even grote klassen, van 'zeer laag' tot 'zeer "
    "hoog'. Er is een kaart per "
    "thema (bedrijventerreinen, buitengebied, havens, vakantieparken) en één kaart voor "
    "alles samen.",
    "Ontbreekt een gegeven, dan telt het niet als nul. De kolom 'volledigheid' laat zien "
    "hoeveel van de gegevens bekend was. Hoe lager, hoe voorzichtiger je moet zijn.",
    "Een hoge klasse is een reden om beter te kijken, geen bewijs. De kaartverantwoording "
    "(kaartverantwoording.json) geeft alle invoer, gewichten en klassegrenzen.",
)
_THEME_TITLES = {"totaal": "Gelegenheidskaart (alle thema's)",
                 "bedrijventerreinen": "Bedrijventerreinen", "buitengebied": "Buitengebied",
                 "havens": "Havens", "vakantieparken": "Vakantieparken"}


@dataclass
class Report:
    """What a report contains (the template's context) and where it came from."""

    gebied_id: str
    versie: int
    context: dict[str, Any] = field(default_factory=dict)


def latest_run(werkmap: Werkmap, gebied_id: str, kind: MapKind = GELEGENHEID) -> Path | None:
    """The newest complete run folder of ``kind`` for the area, or None."""
    return latest_version(werkmap.run_parent(gebied_id, kind.soort))


def collect_report(werkmap: Werkmap, gebied_id: str, *, include_risico: bool = False,
                   progress=None) -> Report:
    """Gather everything the report shows from the newest gelegenheid run of the area.

    ``include_risico`` adds the newest risico and gecombineerd maps when they exist; the
    caller decides whether the user may see them (the CLI user is an analyst; the API
    checks :func:`api.authz.may_see_confidential`).
    """
    run = latest_run(werkmap, gebied_id)
    if run is None:
        raise KaartNotFoundError(
            f"Geen gelegenheidskaart voor gebied {gebied_id}; maak die eerst met "
            "'kaart gelegenheid'.", gebied=gebied_id)
    doc = json.loads((run / VERANTWOORDING_FILE).read_text(encoding="utf-8"))
    gebied = doc.get("gebied") or {"id": gebied_id, "naam": gebied_id, "soort": "gebied"}
    codes = [g["gemeentecode"] for g in gebied.get("gemeenten", [])]
    boundaries = _boundaries(codes)
    maps = _map_specs(werkmap, gebied_id, run, include_risico)
    step = _stepper(progress, len(maps) + 3)
    kaarten = []
    for index, (title, cog, soort, confidential) in enumerate(maps):
        step(f"kaart {title}")
        png = render_class_map(cog, soort, boundaries, width_in=6.3 if index == 0 else 3.4)
        kaarten.append({"titel": title, "vertrouwelijk": confidential,
                        "afbeelding": "data:image/png;base64," + base64.b64encode(png).decode(),
                        "legenda": _legend(soort), "cog": cog, "soort": soort})
    step("objecten en veranderingen")
    versie = int(run.name[1:])
    context = {
        "titel": f"Informatiebeeld ondermijning — {gebied.get('naam', gebied_id)}",
        "gebied": gebied, "gemeenten": [g.get("gemeentenaam") or g["gemeentecode"]
                                        for g in gebied.get("gemeenten", [])],
        "versie": versie, "kaartdatum": _date(doc.get("tijdstip")),
        "datum": datetime.now(UTC).strftime("%d-%m-%Y %H:%M UTC"),
        "software": doc.get("software", {}).get("versie", __version__),
        "synthetisch": bool(doc.get("synthetisch")), "synthetisch_label": SYNTHETIC_LABEL,
        "disclaimer": DISCLAIMER, "methode": METHOD, "kaarten": kaarten,
        "klassenamen": list(class_labels(GELEGENHEID.soort).values()),
        "verdeling": [_distribution(k) for k in kaarten if k["soort"] == GELEGENHEID.soort],
        "objecten": _top_objects(run / OBJECTS_FILE),
        "veranderingen": _changes(werkmap, gebied_id, versie),
        "bronnen": _sources(doc),
    }
    step("klaar")
    return Report(gebied_id, versie, context)


def _stepper(progress, total: int):
    done = [0]

    def step(text: str) -> None:
        if progress is not None:
            progress(done[0], total, text)
        done[0] += 1
    return step


def _boundaries(codes: list[str]) -> gpd.GeoDataFrame:
    from geo.layers.gemeenten import reference_gemeenten

    frame = reference_gemeenten()
    return frame[frame["gemeentecode"].isin(codes)]


def _map_specs(werkmap: Werkmap, gebied_id: str, run: Path,
               include_risico: bool) -> list[tuple[str, Path, str, bool]]:
    specs = [(_THEME_TITLES[t], run / map_file(t), GELEGENHEID.soort, False)
             for t in (TOTAL, *THEMES) if (run / map_file(t)).is_file()]
    if include_risico:
        for kind in (RISICO, GECOMBINEERD):
            other = latest_run(werkmap, gebied_id, kind)
            if other is not None and (other / kind.cog).is_file():
                specs.append((kind.kaart.capitalize(), other / kind.cog, kind.soort, True))
    return specs


def _legend(soort: str) -> list[dict[str, str]]:
    colors, labels = class_colors(soort), class_labels(soort)
    return [{"kleur": colors[c], "naam": labels[c]} for c in class_codes(soort)]


def _distribution(kaart: dict[str, Any]) -> dict[str, Any]:
    with rasterio.open(kaart["cog"]) as src:
        classes = src.read(2)
    codes = class_codes(GELEGENHEID.soort)
    counts = [int((classes == c).sum()) for c in codes]
    total = sum(counts)
    shares = [f"{100 * n / total:.0f}%" if total else "-" for n in counts]
    return {"titel": kaart["titel"], "aandelen": shares, "cellen": total}


def _top_objects(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    frames = [pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
              for layer in object_layers(path)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return []
    frame = pd.concat(frames, ignore_index=True).sort_values("score", ascending=False)
    rows = []
    for row in frame.head(TOP_OBJECTS).to_dict(orient="records"):
        completeness = row.get("volledigheid")
        rows.append({
            "thema": _THEME_TITLES.get(row.get("thema"), row.get("thema")),
            "id": row.get("id"), "naam": _text(row.get("naam")) or "(geen naam)",
            "gemeente": _text(row.get("gemeentenaam")), "klasse": _text(row.get("klasse_naam")),
            "score": (f"{row['score']:.2f}".replace(".", ",")  # Dutch decimal comma
                      if _known(row.get("score")) else "onbekend"),
            "redenen": _text(row.get("top_indicatoren")),
            "volledigheid": (f"{100 * completeness:.0f}%" if _known(completeness)
                             else "niet vastgelegd"),
        })
    return rows


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


def _text(value: Any) -> str:
    return "" if not _known(value) else str(value)


def _changes(werkmap: Werkmap, gebied_id: str, versie: int) -> dict[str, Any] | None:
    older = [v.versie for v in list_area_versions(werkmap, gebied_id) if v.versie < versie]
    if not older:
        return None
    result = compare_versions(werkmap, gebied_id, van=older[-1], naar=versie)
    changed = result.changed()
    counts = result.counts()
    rows = [{"verandering": r["verandering"], "thema": r["thema"], "id": r["id"],
             "naam": _text(r["naam"]), "klasse_van": _class_text(r["klasse_van"]),
             "klasse_naar": _class_text(r["klasse_naar"])}
            for r in changed.head(MAX_CHANGES).to_dict(orient="records")]
    return {"van": older[-1], "naar": versie, "rijen": rows,
            "aantallen": [(c, counts[c]) for c in CHANGES],
            "meer": max(len(changed) - MAX_CHANGES, 0)}


def _class_text(value: Any) -> str:
    if not _known(value) or value is pd.NA:
        return "-"
    return f"{CLASS_NAMES.get(int(value), '?')} ({int(value)})"


def _sources(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for source in doc.get("bronnen") or []:
        synthetic = source.get("synthetisch")
        origin = source.get("bron") or ("synthetische demodata" if synthetic else "onbekend")
        licence = ", ".join(x for x in (source.get("licentie"), source.get("attributie")) if x)
        rows.append({"laag": source.get("laag", ""), "bron": origin,
                     "licentie": licence or ("n.v.t. (synthetisch)" if synthetic
                                             else "niet vastgelegd"),
                     "datum": _date(source.get("datum_bron") or source.get("datum")),
                     "aantal": source.get("aantal", "")})
    return rows


def _date(value: Any) -> str:
    if not value:
        return "onbekend"
    try:
        return datetime.fromisoformat(str(value)).strftime("%d-%m-%Y")
    except ValueError:
        return str(value)


def render_html(report: Report) -> str:
    """The report as HTML (Jinja2, autoescape on: data strings are escaped)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("services", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("rapport.html").render(**report.context)


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (WeasyPrint)."""
    return html_to_pdf(render_html(report))


def html_to_pdf(html: str) -> bytes:
    """PDF of ``html`` (WeasyPrint) that loads only embedded ``data:`` images: never a file
    on the server or a URL on the network (also used by :mod:`services.briefing`)."""
    from weasyprint import HTML, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def first_page_png(pdf: Path, target: Path, *, dpi: int = 110) -> Path:
    """PNG of the first page of ``pdf`` (poppler's ``pdftoppm``), written atomically."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise OutputError("pdftoppm ontbreekt (Debian-pakket poppler-utils); "
                          "de PNG van het rapport kan niet gemaakt worden.")
    with tempfile.TemporaryDirectory() as work, atomic_file(target) as tmp:
        prefix = Path(work) / "pagina"
        subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(prefix)], check=True, capture_output=True)
        shutil.move(str(prefix.with_suffix(".png")), tmp)
    return target


def report_name(report: Report) -> str:
    """File stem of a report: ``rapport-<gebied>-v<N>``."""
    return f"rapport-{report.gebied_id}-v{report.versie}"


def write_report(report: Report, target_dir: Path) -> list[dict[str, object]]:
    """Write the PDF and the PNG of its first page into ``target_dir``."""
    target_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = target_dir / f"{report_name(report)}.pdf"
    with atomic_file(pdf_path) as tmp:
        tmp.write_bytes(render_pdf(report))
    png_path = first_page_png(pdf_path, target_dir / f"{report_name(report)}.png")
    return [{"pad": str(pdf_path), "soort": "pdf", "aantal": None},
            {"pad": str(png_path), "soort": "png", "aantal": 1}]


def default_report_dir(werkmap: Werkmap, gebied_id: str) -> Path:
    """Default folder for reports: ``<werkmap>/rapporten/<gebied_id>/``."""
    return werkmap.root / "rapporten" / gebied_id
