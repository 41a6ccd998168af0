"""The viewer's object table on the server: filter, sort, page, count and download.

The served viewer no longer holds the objects of an area (they come per viewport as vector
tiles); its object table, search, popups and *gebied analyseren* ask the server, which
reads the map's ``objecten.gpkg`` (cached per map version by :func:`api.objects._load`).
Every text comes from user files: the JSON carries it as data (the viewer shows it as
text), the popup HTML is :func:`maps.style.popup_html` (escaped), and CSV/XLSX cells go
through :mod:`geo.export.tabular`.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from api.object_filter import ObjectFilter
from api.objects import _load, _plain
from geo.catalog import KaartEntry
from geo.errors import InvalidRequestError, KaartNotFoundError
from geo.export.tabular import csv_bytes, write_text_cells_safe
from geo.scoring.uitleg import breakdown_text
from maps.style import THEME_LABELS, parse_uitleg, popup_html

COLUMNS: list[tuple[str, str]] = [
    ("id", "id"), ("naam", "naam"), ("thema", "thema"), ("gemeentenaam", "gemeente"),
    ("gemeentecode", "gemeentecode"), ("score", "score"), ("klasse", "klasse"),
    ("klasse_naam", "klasse_naam"), ("rang_gemeente", "rang_gemeente"),
    ("rang_gebied", "rang_gebied"), ("volledigheid", "volledigheid"),
    ("top_indicatoren", "top_indicatoren"), ("opbouw", "opbouw_score"),
    ("lat", "breedtegraad"), ("lon", "lengtegraad"),
]
"""(field, header) of the CSV/XLSX download, in order."""
SORT_KEYS = ("score", "naam", "thema", "gemeentenaam", "klasse", "volledigheid",
             "rang_gebied", "rang_gemeente", "id")
MAX_VERTICES = 500
_ROW_FIELDS = ("id", "naam", "thema", "gemeentenaam", "gemeentecode", "score", "klasse",
               "klasse_naam", "rang_gemeente", "rang_gebied", "volledigheid")
_PAIR = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,2}(?:\.\d+)?)\s*$")




def parse_polygon(text: str) -> shapely.Polygon:
    """``lon,lat;lon,lat;...`` (WGS84, at least 3 points) → a valid polygon.

    Raises
    ------
    InvalidRequestError
        Not that form, a coordinate out of range, too many points or an empty area.
    """
    pairs = [p for p in text.split(";") if p.strip()]
    if not 3 <= len(pairs) <= MAX_VERTICES:
        raise InvalidRequestError(
            f"veelhoek: geef 3 tot {MAX_VERTICES} punten 'lon,lat' gescheiden door ';'.",
            parameter="veelhoek", aantal=len(pairs))
    points = []
    for pair in pairs:
        match = _PAIR.match(pair)
        lon, lat = (float(v) for v in match.groups()) if match else (math.nan, math.nan)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidRequestError(
                "veelhoek: elk punt is 'lengtegraad,breedtegraad' in decimale graden (WGS84).",
                parameter="veelhoek", waarde=pair[:60])
        points.append((lon, lat))
    polygon = shapely.make_valid(shapely.Polygon(points))
    if polygon.is_empty or polygon.area == 0:
        raise InvalidRequestError("veelhoek: het getekende gebied heeft geen oppervlakte.",
                                  parameter="veelhoek")
    return polygon


@lru_cache(maxsize=16)
def object_frame(path: str, thema: str, versie: int, datum: str) -> gpd.GeoDataFrame:
    """The map's objects (WGS84, best score first) with a point inside each (``lat``,
    ``lon``), its bounds and a lower-case search text."""
    frame = _load(path, thema, versie, datum).copy()
    for column in ("naam", "gemeentenaam", "gemeentecode", "thema", "klasse_naam"):
        if column not in frame:
            frame[column] = None
    valid = frame.geometry.notna() & ~frame.geometry.is_empty
    inside = frame.geometry.where(valid).representative_point()
    frame["lat"] = np.round(inside.y.to_numpy(), 6)
    frame["lon"] = np.round(inside.x.to_numpy(), 6)
    frame[["minx", "miny", "maxx", "maxy"]] = np.round(frame.geometry.bounds.to_numpy(), 6)
    frame["_zoek"] = (frame["naam"].fillna("").astype(str) + " " +
                      frame["id"].fillna("").astype(str)).str.casefold()
    return frame


def load_objects(path: Path, entry: KaartEntry) -> gpd.GeoDataFrame:
    """:func:`object_frame` of a catalog entry."""
    return object_frame(str(path), entry.thema, entry.versie, entry.datum)


def _completeness_mask(frame: pd.DataFrame, wanted: str) -> pd.Series:
    values = pd.to_numeric(frame.get("volledigheid", pd.Series(np.nan, index=frame.index)),
                           errors="coerce")
    if wanted == "onbekend":
        return values.isna()
    if wanted == "volledig":
        return values >= 0.9995
    return values < 0.9995  # NaN compares False: unknown is not "onvolledig"


def select(frame: gpd.GeoDataFrame, wanted: ObjectFilter) -> gpd.GeoDataFrame:
    """The rows of ``frame`` that match every given part of ``wanted``."""
    mask = pd.Series(True, index=frame.index)
    if wanted.zoek:
        mask &= frame["_zoek"].str.contains(wanted.zoek.casefold(), regex=False)
    if wanted.thema:
        mask &= frame["thema"] == wanted.thema
    if wanted.klasse is not None:
        mask &= pd.to_numeric(frame["klasse"], errors="coerce") == wanted.klasse
    if wanted.gemeente:
        mask &= (frame["gemeentecode"].astype(str).str.upper() == wanted.gemeente.upper()) | \
            (frame["gemeentenaam"].astype(str).str.casefold() == wanted.gemeente.casefold())
    if wanted.volledigheid:
        mask &= _completeness_mask(frame, wanted.volledigheid)
    if wanted.veelhoek:
        area = parse_polygon(wanted.veelhoek)  # an object counts by its inside point
        mask &= shapely.contains_xy(area, frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return frame[mask.to_numpy()]


def sort(frame: gpd.GeoDataFrame, key: str, descending: bool) -> gpd.GeoDataFrame:
    """Sorted on ``key`` (text case-insensitive), unknown values last either way."""
    if key not in SORT_KEYS or key not in frame:
        raise InvalidRequestError(f"sorteer: kies uit {', '.join(SORT_KEYS)}.",
                                  parameter="sorteer", waarde=key[:40])
    column = frame[key]
    if column.dtype == object:
        column = column.map(lambda v: None if v is None else str(v).casefold())
    order = column.sort_values(ascending=not descending, kind="stable",
                               na_position="last").index
    return frame.loc[order]


def rows(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """One JSON-ready record per object: table fields, theme label, point and bounds."""
    out = []
    for record in frame.to_dict("records"):
        row = {k: _plain(record.get(k)) for k in _ROW_FIELDS}
        row["thema_naam"] = THEME_LABELS.get(str(row["thema"]), row["thema"])
        row["lat"], row["lon"] = _plain(record["lat"]), _plain(record["lon"])
        row["grenzen"] = [_plain(record[k]) for k in ("miny", "minx", "maxy", "maxx")]
        out.append(row)
    return out


def counts(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Objects per theme and class (``{"bedrijventerreinen": {"5": 2, "totaal": 3}}``);
    an object without a known class counts under ``"onbekend"``."""
    result: dict[str, dict[str, int]] = {}
    klasse = pd.to_numeric(frame["klasse"], errors="coerce")
    for thema, group in klasse.groupby(frame["thema"].fillna("onbekend")):
        per = {str(int(k)): int(n) for k, n in group.dropna().value_counts().items()}
        if unknown := int(group.isna().sum()):
            per["onbekend"] = unknown
        per["totaal"] = len(group)
        result[str(thema)] = dict(sorted(per.items()))
    return result


def popup(frame: gpd.GeoDataFrame, thema: str, object_id: str) -> str:
    """The popup HTML of one object (the same as the standalone map's)."""
    hit = frame[(frame["thema"] == thema) & (frame["id"].astype(str) == object_id)]
    if hit.empty:
        raise KaartNotFoundError(f"Object '{object_id}' ({thema}) bestaat niet op deze kaart.",
                                 thema=thema, id=object_id)
    record = {k: _plain(v) for k, v in hit.iloc[0].drop(labels="geometry").items()}
    return popup_html(record)


def download_table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The download's columns (Dutch headers; the score breakdown as text)."""
    table = pd.DataFrame({header: frame[field] if field in frame else None
                          for field, header in COLUMNS if field != "opbouw"})
    opbouw = [breakdown_text(parse_uitleg(v)) for v in frame.get(
        "uitleg", pd.Series(None, index=frame.index))]
    table.insert([h for _, h in COLUMNS].index("opbouw_score"), "opbouw_score", opbouw)
    return table.reset_index(drop=True)


def to_csv(table: pd.DataFrame) -> bytes:
    """Dutch Excel CSV (the one format of :mod:`geo.export.tabular`)."""
    return csv_bytes(table)


def to_xlsx(table: pd.DataFrame, sheet: str = "objecten") -> bytes:
    """An XLSX workbook with one sheet; no cell is ever a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        write_text_cells_safe(writer.sheets[sheet])
    return buffer.getvalue()
