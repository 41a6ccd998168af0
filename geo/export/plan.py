"""Write a controle-plan as a draaiboek: CSV, XLSX (openpyxl) and GeoJSON, atomically.

The table has Dutch headers and ends with the empty outcome columns (``datum controle``,
``uitgevoerd``, ``bevindingen``, ``vervolg``): the team fills them in and imports the same
file with ``kaart uitkomsten importeer``. Locations are address-free: RD coordinates and
WGS84 lat/lon of a point on the object.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from geo.atomic import atomic_file, write_text_atomic
from geo.export.tabular import write_safe_csv, write_text_cells_safe

COLUMNS = {
    "volgorde": "volgorde",
    "object_id": "object",
    "naam": "naam",
    "thema": "thema",
    "soort": "soort",
    "gemeentenaam": "gemeente",
    "gemeentecode": "gemeentecode",
    "x": "rd_x",
    "y": "rd_y",
    "lat": "lat",
    "lon": "lon",
    "score": "score",
    "klasse": "klasse",
    "klasse_naam": "klasse naam",
    "volledigheid": "volledigheid",
    "verwacht": "verwachte trefkans",
    "soort_keuze": "soort keuze",
    "selectiekans": "selectiekans",
    "reden": "reden",
    "team": "team",
    "dag": "dag",
    "aankomst": "geplande aankomst",
    "vertrek": "gepland vertrek",
    "adres": "adres",
    "navigatie": "navigatie",
    "duur": "duur (min)",
    "reistijd": "reistijd (min)",
}
OUTCOME_COLUMNS = ("datum controle", "uitgevoerd", "bevindingen", "vervolg")
TIME_COLUMNS = ("geplande aankomst", "gepland vertrek")
"""Real datetimes in the table and XLSX; ``JJJJ-MM-DD UU:MM`` text in the CSV."""


def plan_table(picks: pd.DataFrame, plan_id: str, *, synthetisch: bool = False) -> pd.DataFrame:
    """The draaiboek table with Dutch headers (one row per pick, in visiting order)."""
    table = picks[[c for c in COLUMNS if c in picks.columns]].rename(columns=COLUMNS).copy()
    table["rd_x"] = table["rd_x"].round(1)
    table["rd_y"] = table["rd_y"].round(1)
    table["lat"] = table["lat"].round(6)
    table["lon"] = table["lon"].round(6)
    for column in ("score", "verwachte trefkans", "volledigheid"):
        table[column] = table[column].round(4)
    table["selectiekans"] = table["selectiekans"].round(6)
    table["duur (min)"] = table["duur (min)"].round(0).astype(int)
    table["reistijd (min)"] = table["reistijd (min)"].round(0).astype(int)
    for column in TIME_COLUMNS:
        if column in table.columns:
            table[column] = pd.to_datetime(table[column]).dt.floor("min")
    table["soort"] = table["soort"].astype("object").where(table["soort"].notna(), "")
    table.insert(1, "plan", plan_id)
    if synthetisch:
        table["synthetisch"] = "ja"
    for column in OUTCOME_COLUMNS:
        table[column] = ""
    return table


def write_plan_csv(table: pd.DataFrame, target: str | os.PathLike[str]) -> Path:
    """CSV (``;``-separated with Dutch decimal commas, ``0,9599``, as Dutch Excel reads
    it; UTF-8 with BOM so Excel shows accents); text cells that a spreadsheet would read
    as a formula get a leading ``'`` (:mod:`geo.export.tabular`)."""
    text = table.copy()
    for column in TIME_COLUMNS:
        if column in text.columns:
            text[column] = text[column].dt.strftime("%Y-%m-%d %H:%M")
    with atomic_file(target) as tmp:
        write_safe_csv(text, tmp)
    return Path(target)


EXPLANATION_COLUMNS = ("volgorde", "object", "naam", "indicator", "bron", "bronwaarde",
                       "richting", "gewicht", "bijdrage")


def explanation_table(picks: pd.DataFrame) -> pd.DataFrame:
    """The readable explanation: one row per stop and indicator, with the source value as
    the user knows it, the (effective) weight and the contribution to the score.

    Reads the ``uitleg`` JSON of each pick (entries of :func:`geo.scoring.uitleg.entry`);
    an unknown source value says ``onbekend``, never 0.
    """
    rows = []
    for pick in picks.sort_values("volgorde").to_dict("records"):
        for item in _items(pick.get("uitleg")):
            weight = item.get("gewicht_effectief", item.get("gewicht"))
            rows.append({
                "volgorde": int(pick["volgorde"]), "object": str(pick["object_id"]),
                "naam": str(pick.get("naam") or ""),
                "indicator": str(item.get("label") or item.get("indicator") or ""),
                "bron": str(item.get("bron") or ""), "bronwaarde": _source_value(item),
                "richting": str(item.get("richting") or ""),
                "gewicht": None if weight is None else round(float(weight), 4),
                "bijdrage": _rounded(item.get("bijdrage", item.get("aandeel")))})
    return pd.DataFrame(rows, columns=list(EXPLANATION_COLUMNS))


def _items(value: Any) -> list[dict[str, Any]]:
    try:
        items = json.loads(value) if isinstance(value, str) and value else value
    except ValueError:
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _rounded(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, 4) if number == number else None


def _source_value(item: dict[str, Any]) -> str:
    """``bronwaarde`` as written by :mod:`geo.scoring.uitleg`; older tables only have
    ``ruw``: a Dutch number, or ``onbekend`` when missing."""
    if item.get("bronwaarde") not in (None, ""):
        return str(item["bronwaarde"])
    raw = _rounded(item.get("ruw"))
    return "onbekend" if raw is None else f"{raw:g}".replace(".", ",")


def parameter_table(meta: dict[str, Any]) -> pd.DataFrame:
    """Plan metadata as ``onderdeel``/``waarde`` rows; nested settings get dotted names
    (``parameters.duur_thema.havens``), lists are joined with ``, ``."""
    rows: list[tuple[str, Any]] = []

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                add(f"{prefix}.{key}", item)
        elif isinstance(value, list | tuple):
            rows.append((prefix, ", ".join(str(v) for v in value)))
        else:
            rows.append((prefix, value))

    for key, value in meta.items():
        add(key, value)
    return pd.DataFrame(rows, columns=["onderdeel", "waarde"])


def write_plan_xlsx(table: pd.DataFrame, target: str | os.PathLike[str],
                    meta: dict[str, Any], explanations: pd.DataFrame | None = None) -> Path:
    """XLSX with sheets ``plan`` (the draaiboek), ``toelichting`` (per stop and indicator:
    source value, weight, contribution; :func:`explanation_table`) and ``parameters``.

    Planned times are real date/time cells; ``uitgevoerd`` only accepts ja/nee; the header
    row is frozen with an autofilter; printing is landscape, fitted to the page width.
    No cell is ever a formula: formula-like text is stored as a quote-prefixed string.
    """
    with atomic_file(target) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="plan", index=False)
            _format_plan_sheet(writer.sheets["plan"], table)
            if explanations is None:
                explanations = pd.DataFrame(columns=list(EXPLANATION_COLUMNS))
            explanations.to_excel(writer, sheet_name="toelichting", index=False)
            _format_list_sheet(writer.sheets["toelichting"], {"naam": 30, "indicator": 34,
                                                             "bronwaarde": 18})
            parameter_table(meta).to_excel(writer, sheet_name="parameters", index=False)
            _format_list_sheet(writer.sheets["parameters"], {"onderdeel": 40, "waarde": 60})
            for written in writer.sheets.values():
                write_text_cells_safe(written)
    return Path(target)


def _format_plan_sheet(sheet: Any, table: pd.DataFrame) -> None:
    """Column widths, date/time formats, ja/nee validation, filter, frozen header, print."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last_row = max(2, len(table) + 1)
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        width = 60 if column == "reden" else max(10, min(30, len(str(column)) + 4))
        sheet.column_dimensions[letter].width = width
        if column in TIME_COLUMNS:
            for (cell,) in sheet[f"{letter}2:{letter}{last_row}"]:
                cell.number_format = "dd-mm-yyyy hh:mm"
        if column == "uitgevoerd":
            rule = DataValidation(type="list", formula1='"ja,nee"', allow_blank=True,
                                  showErrorMessage=True, errorTitle="Ongeldige waarde",
                                  error="Vul ja of nee in.")
            rule.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _format_list_sheet(sheet: Any, widths: dict[str, int]) -> None:
    """Readable widths, frozen header and a filter on a list sheet."""
    from openpyxl.utils import get_column_letter

    for i, cell in enumerate(sheet[1], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(str(cell.value), 12)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def write_plan_geojson(picks: pd.DataFrame, target: str | os.PathLike[str],
                       meta: dict[str, Any]) -> Path:
    """GeoJSON (WGS84 points) of the picks; ``meta`` goes in the foreign member ``plan``."""
    features = []
    for row in picks.itertuples(index=False):
        properties = {
            "volgorde": int(row.volgorde), "object": row.object_id, "naam": row.naam,
            "thema": row.thema, "gemeentecode": row.gemeentecode,
            "gemeente": row.gemeentenaam, "score": round(float(row.score), 4),
            "klasse": int(row.klasse), "verwachte_trefkans": round(float(row.verwacht), 4),
            "soort_keuze": row.soort_keuze, "selectiekans": round(float(row.selectiekans), 6),
            "reden": row.reden, "geplande_aankomst": pd.Timestamp(row.aankomst).isoformat(),
            "duur_min": round(float(row.duur)), "rd_x": round(float(row.x), 1),
            "rd_y": round(float(row.y), 1),
            **{k: int(getattr(row, k)) for k in ("team", "dag") if hasattr(row, k)},
            **{k: str(getattr(row, k)) for k in ("adres", "navigatie") if hasattr(row, k)},
        }
        if hasattr(row, "vertrek"):
            properties["gepland_vertrek"] = pd.Timestamp(row.vertrek).isoformat()
        features.append({"type": "Feature", "properties": properties, "geometry": {
            "type": "Point", "coordinates": [round(float(row.lon), 7), round(float(row.lat), 7)]}})
    payload = {"type": "FeatureCollection", "plan": meta, "features": features}
    return write_text_atomic(target, json.dumps(payload, ensure_ascii=False, indent=1,
                                                default=str))
