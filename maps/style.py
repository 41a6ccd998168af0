"""Pure presentation functions: feature → style dict, properties → popup HTML, legends.

Nothing here renders a map or touches a file, so everything is unit-tested without a
browser. Colours and class names come only from :mod:`geo.legend`, so the legends, the
object colours and the tiles always agree.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from geo.legend import (
    BIVARIATE_LEVELS,
    GEEN_KENMERKEN,
    MAP_OPACITY,
    OBJECT_CLASS_PROPERTY,
    SYNTHETIC_LABEL,
    bivariate_class,
    class_colors,
    class_labels,
    shown_color,
)
from geo.runs import KINDS, MAP_KINDS, TOTAL, has_themes, legend_scheme
from geo.scoring.uitleg import SCORE_RULES

THEME_LABELS: dict[str, str] = {
    "totaal": "totaal",
    "bedrijventerreinen": "Bedrijventerreinen",
    "buitengebied": "Buitengebied",
    "havens": "Havens",
    "vakantieparken": "Vakantieparken",
}
"""Dutch display names of the themes (layer names in the map)."""

KIND_LABELS: dict[str, str] = {soort: KINDS[soort].titel for soort in MAP_KINDS}
"""Dutch display names of the map kinds (from :data:`geo.runs.KINDS`)."""

NODATA_COLOR = "#9e9e9e"
BOUNDARY_COLOR = "#1f3b57"
CONFIDENTIAL_LABEL = "Vertrouwelijk — bevat van politie-informatie afgeleide gegevens"
CLASS_COLORS_BY_CODE: dict[int, str] = class_colors("gelegenheid")
"""Class colours of the gelegenheidskaart (objects have a class of it)."""

OPACITY_NOTE = (f"Kleuren zoals getekend: vakjes met {round(100 * MAP_OPACITY)}% dekking op wit, "
                "objecten in dezelfde kleur met een donkere rand.")


def shown_colors(soort: str) -> dict[int, str]:
    """Class code → colour as the map shows it (:func:`geo.legend.shown_color`): the legend
    swatch, the object fill and the raster drawn at :data:`geo.legend.MAP_OPACITY` on white
    are one colour."""
    return {code: shown_color(colour) for code, colour in class_colors(soort).items()}


def class_text(code: int, soort: str = "gelegenheid") -> str:
    """A class as words, the cue next to the colour: ``5 – zeer hoog``, ``geen kenmerken
    (score 0)``, ``gelegenheid hoog, risico laag``; ``onbekend`` for no class."""
    kind = legend_scheme(soort)
    labels = class_labels(kind)
    if code not in labels:
        return "onbekend"
    if code == GEEN_KENMERKEN and kind == "gelegenheid":
        return f"{labels[code]} (score 0)"
    return labels[code] if kind == "gecombineerd" else f"{code} – {labels[code]}"


def kaart_title(soort: str, thema: str) -> str:
    """Layer title, e.g. ``Gelegenheidskaart — Bedrijventerreinen``."""
    base = KIND_LABELS.get(soort, soort)
    if thema in (TOTAL, "", None):
        return f"{base} — {TOTAL}" if has_themes(soort) else base
    return f"{base} — {THEME_LABELS.get(thema, thema)}"


def object_style(feature: dict[str, Any], soort: str = "gelegenheid") -> dict[str, Any]:
    """Style of an object by its class on the map kind ``soort`` that is shown: the fill is
    the colour the raster shows for that class (opaque, so one class has one colour)."""
    kind = legend_scheme(soort)
    klasse = _klasse(feature, OBJECT_CLASS_PROPERTY.get(kind, "klasse"))
    fill = shown_colors(kind).get(klasse, NODATA_COLOR)
    return {
        "color": "#222222",
        "weight": 2,
        "fillColor": fill,
        "fillOpacity": 1.0,
        "opacity": 1.0,
    }


def object_highlight(feature: dict[str, Any]) -> dict[str, Any]:
    """Style of an object under the mouse."""
    return {"weight": 3, "color": "#000000", "fillOpacity": 0.95}


def boundary_style(feature: dict[str, Any]) -> dict[str, Any]:
    """Gemeente boundary: a dark outline, no fill (the maps below stay readable)."""
    return {"color": BOUNDARY_COLOR, "weight": 2.5, "fill": False, "dashArray": "6 4"}


def _klasse(feature: dict[str, Any], column: str = "klasse") -> int:
    value = (feature.get("properties") or {}).get(column)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _number(value: Any, digits: int = 2, trim: bool = False) -> str:
    """Dutch number formatting: decimal comma, ``–`` for missing; ``trim`` drops
    trailing zeros (``41,00`` → ``41``, ``2,40`` → ``2,4``)."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, int | bool):
        return str(int(value))
    try:
        text = f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return escape(str(value))
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _percent(share: Any, score: Any) -> str:
    try:
        value = 100 * float(share) / float(score)
    except (TypeError, ValueError, ZeroDivisionError):
        return "–"
    return f"{value:.0f}%" if value == value else "–"  # no score (all unknown): no share


def _completeness_row(properties: dict[str, Any]) -> list[tuple[str, str]]:
    """``Volledigheid 40%`` (share of the indicator weight known); unknown is not zero."""
    value = properties.get("volledigheid")
    if value is None or (isinstance(value, float) and value != value):
        return []
    try:
        return [("Volledigheid", f"{100 * float(value):.0f}% van het gewicht bekend")]
    except (TypeError, ValueError):
        return []


def _value(item: dict[str, Any]) -> str:
    """An indicator's raw value, or ``onbekend`` / ``… (geïmputeerd)`` (issue 12)."""
    if item.get("onbekend"):
        return "onbekend"
    text = _number(item.get("ruw"), trim=True)
    return f"{text} (geïmputeerd)" if item.get("geimputeerd") else text


def parse_uitleg(value: Any) -> list[dict[str, Any]]:
    """The indicator breakdown of an object (``uitleg`` column, JSON list) as a list."""
    if isinstance(value, list):
        return value
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []


def popup_html(properties: dict[str, Any]) -> str:
    """Dutch popup of an object: name, theme, score, class, ranks and indicator breakdown.

    Every value is HTML-escaped (object names come from user files).

    Examples
    --------
    >>> "zeer hoog" in popup_html({"naam": "Park", "klasse": 5, "score": 0.9})
    True
    """
    naam = properties.get("naam") or properties.get("id") or "Object"
    thema = THEME_LABELS.get(str(properties.get("thema")), str(properties.get("thema") or ""))
    rows = [
        ("Thema", escape(thema)),
        ("Gemeente", escape(str(properties.get("gemeentenaam") or "–"))),
        ("Score", _number(properties.get("score"))),
        *_class_rows(properties),
        ("Rang in gemeente", _number(properties.get("rang_gemeente"))),
        ("Rang in gebied", _number(properties.get("rang_gebied"))),
        *_completeness_row(properties),
    ]
    head = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    parts = [
        '<div class="kaart-popup">',
        f"<h4>{escape(str(naam))}</h4>",
        f'<p class="kaart-popup-id">Kenmerk: {escape(str(properties.get("id", "")))}</p>',
        f'<table class="kaart-popup-tabel">{head}</table>',
    ]
    breakdown = parse_uitleg(properties.get("uitleg"))
    if breakdown:
        parts.append(breakdown_html(breakdown, properties.get("score")))
    elif properties.get("top_indicatoren"):
        top = escape(str(properties["top_indicatoren"]))
        parts.append(f"<p>Belangrijkste indicatoren: {top}</p>")
    parts.append("</div>")
    return "".join(parts)


def _class_rows(properties: dict[str, Any]) -> list[tuple[str, str]]:
    """Klasse (gelegenheid) and, when known, the object's risico and gecombineerde klasse:
    a swatch in the shown colour plus the class in words (never colour alone)."""
    rows = []
    for kind, title in (("gelegenheid", "Klasse"), ("risico", "Risicoklasse"),
                        ("gecombineerd", "Gecombineerd")):
        column = OBJECT_CLASS_PROPERTY[kind]
        if kind != "gelegenheid" and column not in properties:
            continue
        code = _klasse({"properties": properties}, column)
        text = class_text(code, kind)
        colour = shown_colors(kind).get(code, NODATA_COLOR)
        rows.append((title, f'<span class="kaart-swatch" style="background:{colour}"></span>'
                            f"{escape(text)}"))
    return rows


def breakdown_html(breakdown: list[dict[str, Any]], score: Any) -> str:
    """The "Opbouw van de score" table: per indicator the source value as the user knows
    it, the direction, the value after direction, the effective weight and the
    contribution, so that the shown numbers recompute the score (see
    :mod:`geo.scoring.uitleg`); a last row gives the sum of the contributions."""
    if not all("bijdrage" in item for item in breakdown):
        return _legacy_breakdown_html(breakdown, score)
    risk = any(item.get("indicator") == "basis" for item in breakdown)
    lines = "".join(_breakdown_row(item, score) for item in breakdown)
    total = sum(float(item.get("bijdrage", item.get("aandeel")) or 0) for item in breakdown)
    rule = SCORE_RULES["relatief_risico" if risk else "gewogen_som"]
    return (
        '<h5>Opbouw van de score</h5><div class="kaart-popup-rol" tabindex="0">'
        '<table class="kaart-popup-uitleg"><tr><th>Indicator</th><th>Bronwaarde</th>'
        "<th>Richting</th>"
        '<th title="Genormaliseerde waarde na richting (0-1): bij een beschermende factor '
        '1 − genormaliseerd">Waarde</th>'
        f'<th title="{"Coëfficiënt β" if risk else "Effectief gewicht"}">'
        f'{"β" if risk else "Gewicht"}</th><th>Bijdrage</th></tr>'
        f'{lines}<tr class="kaart-popup-som"><th colspan="5">Som van de bijdragen</th>'
        f"<th>{_number(total, 3)}</th></tr></table></div>"
        f'<p class="kaart-popup-regel">{escape(rule[:1].upper() + rule[1:])}</p>'
    )


def _legacy_breakdown_html(breakdown: list[dict[str, Any]], score: Any) -> str:
    """An ``uitleg`` written before the parts were stored (raw, norm, weight, share)."""
    lines = "".join(
        "<tr>"
        f"<td>{escape(str(item.get('label') or item.get('indicator') or ''))}</td>"
        f"<td>{_value(item)}</td>"
        f"<td>{_number(item.get('genormaliseerd'))}</td>"
        f"<td>{_number(item.get('gewicht'), trim=True)}</td>"
        f"<td>{_percent(item.get('aandeel'), score)}</td>"
        "</tr>"
        for item in breakdown
    )
    return ("<h5>Opbouw van de score</h5>"
            '<table class="kaart-popup-uitleg"><tr><th>Indicator</th><th>Waarde</th>'
            '<th title="Genormaliseerde waarde (0-1)">Norm.</th><th>Gewicht</th>'
            f"<th>Aandeel</th></tr>{lines}</table>")


def _breakdown_row(item: dict[str, Any], score: Any) -> str:
    label = escape(str(item.get("label") or item.get("indicator") or ""))
    source = escape(str(item.get("bronwaarde") or "–"))
    if item.get("bron") and source != "–":
        source = f"{escape(str(item['bron']))}: {source}"
    share = _percent(item.get("bijdrage"), score)
    return (f"<tr><td>{label}</td><td>{source}</td>"
            f"<td>{escape(str(item.get('richting') or '–'))}</td>"
            f"<td>{_number(item.get('waarde_na_richting'), 3)}</td>"
            f"<td>{_number(item.get('gewicht_effectief'), 3)}</td>"
            f'<td title="{share} van de score">{_number(item.get("bijdrage"), 3)}</td></tr>')


def legend_entries(soort: str) -> list[tuple[int, str, str]]:
    """(class code, colour, Dutch label) for a map kind, straight from :mod:`geo.legend`."""
    colors = class_colors(soort)
    labels = class_labels(soort)
    return [(code, colors[code], labels[code]) for code in colors]  # legend order


def legend_html(soort: str, unclassed: bool = False) -> str:
    """A legend block for one map kind (gelegenheid, risico or gecombineerd).

    ``unclassed`` adds the grey swatch of objects without a class (gelegenheid only).
    """
    kind = legend_scheme(soort)
    kind = kind if kind in ("risico", "gecombineerd") else "gelegenheid"
    title = {"gelegenheid": "Gelegenheid (kans)", "risico": "Risico (signalen)",
             "gecombineerd": "Gelegenheid × risico"}[kind]
    if kind == "gecombineerd":
        return _bivariate_legend_html(title)
    colours = shown_colors(kind)
    items = "".join(
        f'<li data-klasse="{code}"><span class="kaart-swatch" '
        f'style="background:{colours[code]}"></span>{escape(class_text(code, kind))}</li>'
        for code, _, _ in legend_entries(kind)
    )
    if unclassed:
        items += (f'<li data-klasse="0"><span class="kaart-swatch" '
                  f'style="background:{NODATA_COLOR}"></span>object zonder klasse</li>')
    return (f'<div class="kaart-legenda-blok" data-soort="{kind}">'
            f"<h4>{title}</h4><ul>{items}</ul></div>")


def _bivariate_legend_html(title: str) -> str:
    """The 3×3 legend as a table with words on both axes: rows risico hoog → laag, columns
    gelegenheid laag → hoog (each cell also says its class in its title)."""
    colours = shown_colors("gecombineerd")
    rows = []
    for risico in (3, 2, 1):  # top row: high risico
        cells = []
        for gelegenheid in (1, 2, 3):
            code = bivariate_class(gelegenheid, risico)
            label = escape(class_text(code, "gecombineerd"))
            cells.append(f'<td class="kaart-bivariaat-cel" data-klasse="{code}" '
                         f'title="{label}" aria-label="{label}" '
                         f'style="background:{colours[code]}"></td>')
        rows.append(f'<tr><th scope="row">{BIVARIATE_LEVELS[risico]}</th>{"".join(cells)}</tr>')
    levels = "".join(f'<th scope="col">{BIVARIATE_LEVELS[g]}</th>' for g in (1, 2, 3))
    return (
        f'<div class="kaart-legenda-blok" data-soort="gecombineerd"><h4>{title}</h4>'
        '<table class="kaart-bivariaat"><thead><tr><th>risico ↑</th><th colspan="3"></th>'
        f'</tr></thead><tbody>{"".join(rows)}</tbody>'
        f'<tfoot><tr><th></th>{levels}</tr><tr><th></th>'
        '<th colspan="3">gelegenheid →</th></tr></tfoot></table></div>'
    )


def info_html(*, title: str, datum: str, bronnen: list[str], synthetisch: bool,
              vertrouwelijk: bool, synthetisch_label: str | None = None) -> str:
    """The map's header box: title, date, sources and the synthetic/confidential notices.

    ``synthetisch_label`` replaces the synthetic notice when only part of the input is
    synthetic (real and invented layers mixed, e.g. ``kaart demo --echt``)."""
    parts = [f'<div class="kaart-info"><h3>{escape(title)}</h3>',
             f"<p><b>Datum:</b> {escape(datum)}</p>"]
    if bronnen:
        parts.append(f"<p><b>Bronnen:</b> {escape(', '.join(bronnen))}</p>")
    if synthetisch:
        label = synthetisch_label or SYNTHETIC_LABEL
        parts.append(f'<p class="kaart-synthetisch">{escape(label)}</p>')
    if vertrouwelijk:
        parts.append(f'<p class="kaart-vertrouwelijk">{escape(CONFIDENTIAL_LABEL)}</p>')
    parts.append("</div>")
    return "".join(parts)


def format_date(iso: str | None) -> str:
    """``2026-11-20T10:00:00+00:00`` → ``20-11-2026`` (Dutch date); unknown → ``onbekend``."""
    if not iso:
        return "onbekend"
    text = str(iso)
    try:
        year, month, day = text[:10].split("-")
        return f"{int(day):02d}-{int(month):02d}-{int(year)}"
    except ValueError:
        return escape(text)
