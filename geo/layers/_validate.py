"""Validate a GeoDataFrame against a :class:`LayerSpec`; errors in Dutch with rows and values.

Order: empty layer → missing columns → normalise types → pandera → geometry type →
repair invalid geometries → features outside the Netherlands. Every problem raises a
:mod:`geo.errors` subclass naming file, layer, column, first rows and values.
"""

from __future__ import annotations

import warnings
from typing import Any

import geopandas as gpd
import pandas as pd
import pandera.errors
import shapely

from geo import RD_CRS
from geo.errors import GeometryError, GeometryRepairedWarning, KaartWarning, SchemaError
from geo.layers import _normalise as norm
from geo.layers._geometry import outside_netherlands, repair
from geo.layers._schema import LayerSpec

MAX_SHOWN = 5
"""How many offending rows an error message shows."""


def where(source: str, layer: str | None, kind: str) -> str:
    """``'terreinen.gpkg', laag 'bt' (bedrijventerreinen)`` for messages."""
    text = f"'{source}'"
    if layer:
        text += f", laag '{layer}'"
    return f"{text} ({kind})"


def _rows(frame: pd.DataFrame, index: pd.Index, spec: LayerSpec) -> list[dict[str, Any]]:
    """The first offending rows as ``{"rij": 1-based, "id": ...}``."""
    rows = []
    ids = spec.id_column if spec.id_column in frame.columns else None
    for position in list(index)[:MAX_SHOWN]:
        row: dict[str, Any] = {"rij": int(position) + 1}
        if ids is not None:
            value = frame[ids].iloc[int(position)]
            if pd.notna(value):
                row["id"] = str(value)
        rows.append(row)
    return rows


def _describe(rows: list[dict[str, Any]], values: list[Any] | None) -> str:
    parts = []
    for i, row in enumerate(rows):
        text = f"rij {row['rij']}"
        if "id" in row:
            text += f" (id {row['id']!r})"
        if values is not None:
            text += f": {values[i]!r}"
        parts.append(text)
    return "; ".join(parts)


def problem(frame: pd.DataFrame, spec: LayerSpec, column: str | None, index: pd.Index,
            text: str, values: list[Any] | None) -> dict[str, Any]:
    """One problem: Dutch text plus structured rows/values for ``details``."""
    rows = _rows(frame, index, spec)
    shown = None if values is None else [_plain(v) for v in values[:MAX_SHOWN]]
    count = len(index)
    more = f" (en nog {count - MAX_SHOWN})" if count > MAX_SHOWN else ""
    return {"kolom": column, "probleem": text, "aantal": count, "rijen": rows,
            "waarden": shown, "tekst": f"{text}: {_describe(rows, shown)}{more}"}


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def raise_problems(problems: list[dict[str, Any]], spec: LayerSpec, source: str,
                   layer: str | None, error: type[SchemaError] | type[GeometryError] = SchemaError,
                   ) -> None:
    if not problems:
        return
    first = problems[0]
    others = len(problems) - 1
    extra = {0: "", 1: " Nog 1 ander probleem (zie details)."}.get(
        others, f" Nog {others} andere problemen (zie details).")
    raise error(
        f"{where(source, layer, spec.kind)}: {first['tekst']}.{extra}",
        bestand=source, laag=layer, soort=spec.kind, kolom=first["kolom"],
        rijen=first["rijen"], waarden=first["waarden"], problemen=problems,
    )


def validate(spec: LayerSpec, frame: gpd.GeoDataFrame, *, source: str,
             layer: str | None = None) -> gpd.GeoDataFrame:
    """Check and normalise ``frame`` (already in EPSG:28992); return a new GeoDataFrame."""
    if len(frame) == 0:
        raise GeometryError(f"{where(source, layer, spec.kind)}: de laag is leeg (0 objecten).",
                            bestand=source, laag=layer, soort=spec.kind)
    frame = frame.reset_index(drop=True)
    geometry = frame.geometry
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    attributes = attributes.rename(columns=norm.match_columns(
        list(attributes.columns), [c.name for c in spec.columns]))
    _check_missing(spec, attributes, source, layer)
    attributes = _normalise(spec, attributes, source, layer)
    _check_schema(spec, attributes, source, layer)
    geometry = _check_geometry(spec, attributes, geometry, source, layer)
    declared = [c.name for c in spec.columns]
    extra = [c for c in attributes.columns if c not in declared]
    if extra and not spec.keep_extra:
        warning = ColumnsDroppedWarning(
            f"{where(source, layer, spec.kind)}: {len(extra)} extra kolom(men) weggelaten "
            f"(dataminimalisatie): {', '.join(map(str, extra))}.")
        warning.kolommen = [str(c) for c in extra]
        warnings.warn(warning, stacklevel=3)
        extra = []
    order = declared + extra
    result = gpd.GeoDataFrame(attributes[order], geometry=geometry.values, crs=RD_CRS)
    result = result.rename_geometry("geometry") if result.geometry.name != "geometry" else result
    return _drop_outside(spec, result, source, layer)


def _check_missing(spec: LayerSpec, attributes: pd.DataFrame, source: str,
                   layer: str | None) -> None:
    missing = [name for name in spec.required if name not in attributes.columns]
    if not missing:
        return
    present = [str(c) for c in attributes.columns]
    hint = norm.suggest(missing[0], present)
    names = ", ".join(f"'{m}'" for m in missing)
    what = f"verplichte kolom {names} ontbreekt" if len(missing) == 1 else \
        f"verplichte kolommen {names} ontbreken"
    raise SchemaError(
        f"{where(source, layer, spec.kind)}: {what}.{hint} Aanwezige kolommen: "
        f"{', '.join(present) or '(geen)'}.",
        bestand=source, laag=layer, soort=spec.kind, kolom=missing[0], ontbrekend=missing,
        aanwezig=present,
    )


def _normalise(spec: LayerSpec, attributes: pd.DataFrame, source: str,
               layer: str | None) -> pd.DataFrame:
    attributes = attributes.copy()
    problems = []
    for column in spec.columns:
        if column.name not in attributes.columns:
            attributes[column.name] = column.default
            attributes[column.name] = norm.finalise(
                norm.normaliser(column)(attributes[column.name])[0], column)
            continue
        original = attributes[column.name]
        values, bad = norm.normaliser(column)(original)
        if bad.any():
            index = bad[bad].index
            problems.append(problem(
                attributes, spec, column.name, index,
                f"kolom '{column.name}' moet {column.type_name} zijn; niet te lezen",
                original.loc[index].tolist()))
        attributes[column.name] = norm.finalise(values, column)
    raise_problems(problems, spec, source, layer)
    return attributes


_CHECK_TEXT = {
    "not_nullable": "kolom '{col}' mag niet leeg zijn; lege waarden",
    "field_uniqueness": "kolom '{col}' moet uniek zijn; dubbele waarden",
    "str_matches": "kolom '{col}' moet een gemeentecode zijn (GMnnnn); ongeldig",
}


def _check_text(spec: LayerSpec, column: str | None, check: str) -> str:
    if column is None or column not in {c.name for c in spec.columns}:
        return str(check)
    col = spec.column(column)
    for custom in col.checks:
        if check in (custom.name, custom.error):
            return f"kolom '{column}' {custom.error}"
    for key, text in _CHECK_TEXT.items():
        if check.startswith(key):
            return text.format(col=column)
    if check.startswith("isin"):
        return (f"kolom '{column}' heeft niet-toegestane waarden (toegestaan: "
                f"{', '.join(col.allowed or ())})")
    if check.startswith(("in_range", "greater_than", "less_than")):
        low = "" if col.minimum is None else f"{col.minimum:g}"
        high = "" if col.maximum is None else f"{col.maximum:g}"
        return f"kolom '{column}' heeft waarden buiten het bereik {low}–{high}"
    return f"kolom '{column}' moet {col.type_name} zijn; verkeerd type ({check})"


def _check_schema(spec: LayerSpec, attributes: pd.DataFrame, source: str,
                  layer: str | None) -> None:
    try:
        spec.schema.validate(attributes, lazy=True)
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
        empty = set(cases.loc[cases["check"].astype(str) == "not_nullable", "column"])
        problems = []
        for (column, check), group in cases.groupby(["column", "check"], sort=False,
                                                    dropna=False):
            column = None if pd.isna(column) else str(column)
            check = str(check)
            if column in empty and check.startswith("dtype("):
                continue  # an empty cell also fails the dtype; report it once, as empty
            index = pd.Index(group["index"].dropna().astype("int64").unique())
            if column is None or column not in attributes.columns:
                # dataframe-wide check: its ``error`` text is already Dutch
                problems.append(problem(attributes, spec, None, index, check, None))
                continue
            values = None
            if len(index) and check != "not_nullable":
                values = attributes[column].loc[index].tolist()
            found = problem(attributes, spec, column, index, _check_text(spec, column, check),
                            values)
            found["check"] = check
            problems.append(found)
        problems.sort(key=lambda p: p.get("check") != "not_nullable")
        raise_problems(problems, spec, source, layer)


def _check_geometry(spec: LayerSpec, attributes: pd.DataFrame, geometry: gpd.GeoSeries,
                    source: str, layer: str | None) -> gpd.GeoSeries:
    values = geometry.values
    empty = shapely.is_missing(values) | shapely.is_empty(values)
    problems = []
    if empty.any():
        index = pd.Index(empty.nonzero()[0])
        problems.append(problem(attributes, spec, "geometry", index,
                                "objecten zonder geometrie", None))
    kinds = pd.Series(geometry.geom_type, index=attributes.index)
    wrong = ~kinds.isin(spec.geometry_types) & ~pd.Series(empty, index=attributes.index)
    if wrong.any():
        index = wrong[wrong].index
        problems.append(problem(
            attributes, spec, "geometry", index,
            f"verkeerd geometrietype (verwacht {' of '.join(spec.geometry_types)})",
            kinds.loc[index].tolist()))
    raise_problems(problems, spec, source, layer, GeometryError)
    if shapely.has_z(values).any():
        values = shapely.force_2d(values)  # heights play no role; keeps GPKG types simple
    repaired, count = repair(values, spec.geometry)
    collapsed = shapely.is_empty(repaired)
    if collapsed.any():
        index = pd.Index(collapsed.nonzero()[0])
        raise_problems([problem(attributes, spec, "geometry", index,
                                "geometrie is ongeldig en blijft na herstel leeg "
                                "(bijv. een vlak zonder oppervlakte)", None)],
                       spec, source, layer, GeometryError)
    if count:
        warning = GeometryRepairedWarning(
            f"{where(source, layer, spec.kind)}: {count} ongeldige geometrie(ën) hersteld "
            "met make_valid.")
        warning.aantal = count
        warnings.warn(warning, stacklevel=4)
    return gpd.GeoSeries(repaired, index=attributes.index, crs=RD_CRS)


def _drop_outside(spec: LayerSpec, frame: gpd.GeoDataFrame, source: str,
                  layer: str | None) -> gpd.GeoDataFrame:
    outside = outside_netherlands(frame.geometry.values)
    if not outside.any():
        return frame
    index = pd.Index(outside.nonzero()[0])
    found = problem(frame, spec, "geometry", index, "objecten liggen helemaal buiten Nederland",
                    None)
    if outside.all():
        bounds = ", ".join(f"{v:.0f}" for v in frame.total_bounds)
        raise GeometryError(
            f"{where(source, layer, spec.kind)}: alle {len(frame)} objecten liggen buiten "
            f"Nederland (grenzen {bounds} in EPSG:28992). Klopt het coördinatenstelsel? "
            "Gebruik eventueel --neem-crs.",
            bestand=source, laag=layer, soort=spec.kind, rijen=found["rijen"],
            aantal=len(frame))
    if spec.outside == "verwijder":
        warning = OutsideNetherlandsWarning(
            f"{where(source, layer, spec.kind)}: {len(index)} object(en) buiten Nederland "
            "weggelaten.")
        warning.aantal = len(index)
        warnings.warn(warning, stacklevel=4)
        return frame.loc[~outside].reset_index(drop=True)
    raise_problems([found], spec, source, layer, GeometryError)
    return frame


class OutsideNetherlandsWarning(KaartWarning):
    """Features entirely outside the Netherlands were dropped (roads, borders)."""


class ColumnsDroppedWarning(KaartWarning):
    """Undeclared columns of a confidential layer were dropped (data minimisation)."""
