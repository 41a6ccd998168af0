"""Tables with coordinates (CSV, Excel) as layer sources, e.g. incident exports.

Geometry comes from coordinate columns or a WKT column:

- ``lon``/``lat`` (also ``longitude``/``latitude``, ``lng``): WGS84 (EPSG:4326);
- ``rd_x``/``rd_y`` (also ``x_rd``/``y_rd``): RD New (EPSG:28992);
- ``x``/``y`` or ``wkt``/``geometrie``: no CRS implied, so ``--neem-crs`` is required.

Decimal commas (Dutch Excel) are accepted; the delimiter (``;``, ``,`` or tab) is detected;
the encoding (UTF-8, UTF-16 with BOM, Windows-1252) by :func:`geo.layers._io.read_text`.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.errors import InputFileError, SchemaError

TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")

_PAIRS = (
    (("lon", "lat"), "EPSG:4326"), (("longitude", "latitude"), "EPSG:4326"),
    (("lng", "lat"), "EPSG:4326"), (("rd_x", "rd_y"), "EPSG:28992"),
    (("x_rd", "y_rd"), "EPSG:28992"), (("x", "y"), None),
)
_WKT = ("wkt", "geometrie", "geometry")


def read_table(path: Path, kind: str, *, text: str | None = None) -> gpd.GeoDataFrame:
    """Read a CSV/Excel table and build its geometry (CRS set only when the names imply it).

    ``text``: the decoded contents of a CSV (:func:`geo.layers._io.read_text` detects the
    encodings Dutch Excel saves); without it the file is read as UTF-8.
    """
    try:
        if path.suffix.lower() == ".xlsx":
            table = pd.read_excel(path, dtype=str)
        elif text is not None:
            table = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str)
        else:
            table = pd.read_csv(path, sep=None, engine="python", dtype=str,
                                encoding="utf-8-sig")
    except Exception as error:  # noqa: BLE001
        raise InputFileError(f"'{path.name}' is niet te lezen als tabel: {error}",
                             bestand=path.name, soort=kind) from error
    table.columns = [str(c).strip() for c in table.columns]
    lowered = {c.lower(): c for c in table.columns}
    for (xname, yname), crs in _PAIRS:
        if xname in lowered and yname in lowered:
            xcol, ycol = lowered[xname], lowered[yname]
            x = _numbers(table, xcol, path, kind)
            y = _numbers(table, ycol, path, kind)
            geometry = shapely.points(x.to_numpy(), y.to_numpy())
            rest = table.drop(columns=[xcol, ycol])
            return gpd.GeoDataFrame(rest, geometry=geometry, crs=crs)
    for name in _WKT:
        if name in lowered:
            column = lowered[name]
            try:
                geometry = shapely.from_wkt(table[column].fillna("").to_numpy(), on_invalid="raise")
            except shapely.errors.GEOSException as error:
                raise SchemaError(f"'{path.name}': kolom '{column}' bevat geen geldige WKT: "
                                  f"{error}", bestand=path.name, soort=kind,
                                  kolom=column) from error
            return gpd.GeoDataFrame(table.drop(columns=[column]), geometry=geometry, crs=None)
    raise SchemaError(
        f"'{path.name}': geen coördinaatkolommen gevonden. Gebruik lon/lat (WGS84), rd_x/rd_y "
        f"(RD New), x/y of wkt. Aanwezige kolommen: {', '.join(table.columns)}.",
        bestand=path.name, soort=kind, aanwezig=list(table.columns))


def _numbers(table: pd.DataFrame, column: str, path: Path, kind: str) -> pd.Series:
    text = table[column].astype("str").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna()
    if bad.any():
        rows = (bad[bad].index[:5] + 1).tolist()
        shown = table[column][bad].head(5).tolist()
        raise SchemaError(
            f"'{path.name}': kolom '{column}' moet een coördinaat (getal) zijn; niet te lezen: "
            + "; ".join(f"rij {r}: {v!r}" for r, v in zip(rows, shown, strict=True)) + ".",
            bestand=path.name, soort=kind, kolom=column,
            rijen=[{"rij": r} for r in rows], waarden=shown)
    return values
