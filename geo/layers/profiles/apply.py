"""Apply an import profile to a source frame (already in EPSG:28992).

Order: check that every source column exists → row filter → column mappings (sources,
``leeg``, ``patroon``, ``waarden``, ``eenheid``) → constants → stable derived id →
points to areas → which other columns stay. Every problem raises a Dutch
:class:`geo.errors.SchemaError` naming the profile file and line, the source column and
the offending values; nothing is written by this module.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import SchemaError
from geo.layers import _normalise as norm
from geo.layers._normalise import suggest
from geo.layers._validate import MAX_SHOWN
from geo.layers.profiles.model import ColumnMap, Profile, RowFilter

_FACTORS = {"ha_naar_m2": 10_000.0, "m2_naar_ha": 1e-4, "fractie_naar_pct": 100.0,
            "pct_naar_fractie": 0.01}
_RANGES = {"fractie_naar_pct": (0.0, 1.0), "pct_naar_fractie": (0.0, 100.0)}


@dataclass
class MappingReport:
    """What a profile did: rows read/kept, derived ids, buffered points, kept columns."""

    profiel: str
    bron: str
    rijen_gelezen: int
    rijen_gefilterd: int = 0
    afgeleide_ids: int = 0
    samengevoegd: int = 0
    punten_naar_vlakken: int = 0
    straal_m: float | None = None
    punten_in_vlak: int = 0
    kolommen: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def apply_profile(profile: Profile, frame: gpd.GeoDataFrame, *, source: str,
                  polygons: bool, needs_id: bool, areas: gpd.GeoSeries | None = None,
                  ) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Map ``frame`` (a source layer in EPSG:28992) to the profile's target columns.

    Parameters
    ----------
    profile : Profile
    frame : GeoDataFrame
        The source as read; not changed.
    source : str
        Source file name for messages.
    polygons : bool
        The target kind needs polygons: points are buffered when the profile says how.
    needs_id : bool
        The target kind has an ``id`` column: derive one when the profile maps none.
    areas : GeoSeries, optional
        Polygons (EPSG:28992) to join points to (:func:`points_to_areas`).

    Returns
    -------
    (GeoDataFrame, MappingReport)
    """
    _check_sources(profile, frame, source)
    report = MappingReport(profiel=profile.profiel, bron=source, rijen_gelezen=len(frame))
    frame = _filter_rows(profile, frame, source)
    report.rijen_gefilterd = report.rijen_gelezen - len(frame)
    out = pd.DataFrame(index=frame.index)
    for target, mapping in profile.kolommen.items():
        out[target] = _map_column(profile, target, mapping, frame, source)
        report.kolommen[target] = "vast" if mapping.bron is None else " | ".join(mapping.sources)
    for target, value in profile.vast.items():
        out[target] = value
        report.kolommen[target] = f"vast: {value}"
    if needs_id and ("id" not in out.columns or out["id"].isna().any()):
        derived = derive_ids(profile, frame, out)
        report.afgeleide_ids = int(out["id"].isna().sum()) if "id" in out.columns else len(out)
        out["id"] = out["id"].where(out["id"].notna(), derived) if "id" in out.columns \
            else derived
    keep = profile.bewaar if profile.overige_kolommen == "weglaten" else \
        [c for c in frame.columns if c != frame.geometry.name]
    for column in keep:
        if column not in out.columns:
            out[column] = frame[column]
    geometry = frame.geometry
    if polygons:
        geometry = points_to_areas(profile, geometry, areas, report)
    result = gpd.GeoDataFrame(out, geometry=geometry.values, crs=frame.crs)
    if profile.samenvoegen_op is not None and profile.samenvoegen_op in result.columns:
        before = len(result)
        result = _merge_parts(result, profile.samenvoegen_op)
        report.samengevoegd = before - len(result)
    return result.reset_index(drop=True), report


def points_to_areas(profile: Profile, geometry: gpd.GeoSeries, areas: gpd.GeoSeries | None,
                    report: MappingReport) -> gpd.GeoSeries:
    """Points become the smallest given polygon that contains them (``areas``, e.g. BAG or
    OSM outlines); points in no polygon become circles of the profile's documented radius
    (``punten_naar_vlakken.straal_m``), or stay points when the profile has none."""
    points = np.array(geometry.geom_type == "Point", dtype=bool)
    if areas is not None and points.any():
        polygons = areas[areas.geom_type.isin(["Polygon", "MultiPolygon"])].reset_index(drop=True)
        left = gpd.GeoDataFrame(geometry=geometry[points].reset_index(drop=True), crs=geometry.crs)
        right = gpd.GeoDataFrame({"opp": polygons.area}, geometry=polygons, crs=geometry.crs)
        pairs = gpd.sjoin(left, right, predicate="within", how="inner")
        smallest = pairs.sort_values("opp").groupby(level=0)["index_right"].first()
        joined = np.flatnonzero(points)[smallest.index.to_numpy()]
        values = geometry.to_numpy().copy()
        values[joined] = polygons.to_numpy()[smallest.to_numpy()]
        geometry = gpd.GeoSeries(values, index=geometry.index, crs=geometry.crs)
        report.punten_in_vlak = len(joined)
        points[joined] = False
    if profile.punten_naar_vlakken is not None and points.any():
        radius = profile.punten_naar_vlakken.straal_m
        report.punten_naar_vlakken, report.straal_m = int(points.sum()), radius
        geometry = geometry.where(~points, geometry.buffer(radius, quad_segs=8))
    return geometry


def _merge_parts(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    """One row per value of ``column``: the union of the parts, attributes of the first."""
    key = frame[column]
    parts = key.notna() & key.duplicated(keep=False)
    if not parts.any():
        return frame
    merged = frame.loc[parts].groupby(key[parts], sort=False).geometry.agg(
        lambda g: shapely.union_all(g.to_numpy()))
    first = frame.loc[parts & ~key.duplicated(keep="first")].copy()
    first = first.set_geometry(merged.loc[first[column]].to_numpy(), crs=frame.crs)
    return pd.concat([frame.loc[~parts], first]).sort_index()


def _check_sources(profile: Profile, frame: pd.DataFrame, source: str) -> None:
    present = [str(c) for c in frame.columns if c != frame.geometry.name]
    wanted: list[tuple[tuple[Any, ...], str]] = []
    for target, mapping in profile.kolommen.items():
        wanted += [(("kolommen", target), name) for name in mapping.sources]
    wanted += [(("filter", i, "kolom"), f.kolom) for i, f in enumerate(profile.filter)]
    wanted += [(("bewaar", i), name) for i, name in enumerate(profile.bewaar)]
    if profile.afgeleide_id is not None:
        wanted += [(("afgeleide_id", "velden", i), name)
                   for i, name in enumerate(profile.afgeleide_id.velden)
                   if name not in profile.kolommen]
    missing = [(path, name) for path, name in wanted if name not in present]
    if not missing:
        return
    path, name = missing[0]
    others = ", ".join(f"'{n}'" for _, n in missing[1:])
    also = f" Ook ontbreken: {others}." if others else ""
    raise SchemaError(
        f"{profile.where(*path)}: bronkolom '{name}' ontbreekt in '{source}'."
        f"{suggest(name, present)}{also} Aanwezige kolommen: {', '.join(present) or '(geen)'}.",
        profiel=profile.source, bestand=source, kolom=name,
        ontbrekend=[n for _, n in missing], aanwezig=present)


def _text(series: pd.Series) -> pd.Series:
    """Trimmed text (object dtype); empty cells and whitespace are NA."""
    text = series.astype("object").where(series.notna(), None)
    text = text.map(lambda v: _plain_text(v).strip(), na_action="ignore")
    return text.where(text.notna() & (text != ""), None).astype("object")


def _lower(text: pd.Series) -> pd.Series:
    return text.map(str.lower, na_action="ignore")


def _first_group(pattern: re.Pattern[str], value: str) -> str | None:
    match = pattern.search(value)
    return None if match is None else match.group(1)


def _plain_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _filter_rows(profile: Profile, frame: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    keep = np.ones(len(frame), bool)
    for item in profile.filter:
        keep &= _filter_mask(item, frame[item.kolom])
    if profile.filter and not keep.any():
        raise SchemaError(
            f"{profile.where('filter')}: geen enkele rij van '{source}' ({len(frame)} rijen) "
            "voldoet aan het filter; is dit het goede bestand?", profiel=profile.source,
            bestand=source)
    return frame[keep]


def _filter_mask(item: RowFilter, series: pd.Series) -> np.ndarray:
    text = _text(series)
    if item.gevuld is not None:
        return (text.notna() == item.gevuld).to_numpy()
    values = {str(v).strip().lower() for v in (item.in_ or item.niet_in or [])}
    hit = _lower(text).isin(values).to_numpy(dtype=bool)
    return hit if item.in_ is not None else ~hit


def _map_column(profile: Profile, target: str, mapping: ColumnMap, frame: pd.DataFrame,
                source: str) -> pd.Series:
    if mapping.bron is None:
        return pd.Series([mapping.vast] * len(frame), index=frame.index, dtype="object")
    values = _coalesce([frame[name] for name in mapping.sources])
    column = mapping.sources[0]
    if mapping.leeg:
        empty = {v.strip().lower() for v in mapping.leeg}
        values = values.where(~_lower(_text(values)).isin(empty).to_numpy(dtype=bool))
    if mapping.patroon is not None:
        values = _extract(profile, target, mapping, values, column, source)
    if mapping.waarden is not None:
        values = _value_map(profile, target, mapping, values, column, source)
    if mapping.eenheid is not None:
        values = _convert_unit(profile, target, mapping.eenheid, values, column, source)
    if mapping.type is not None:
        values = _as_type(profile, target, mapping.type, values, column, source)
    return values


def _as_type(profile: Profile, target: str, kind: str, values: pd.Series, column: str,
             source: str) -> pd.Series:
    if kind == "tekst":
        return _text(values)
    if kind == "ja_nee":
        parsed, bad = norm.to_bool(values)
    else:
        parsed, bad = norm.to_number(values, integer=kind == "geheel_getal")
    if bad.any():
        raise _bad(profile, target, "type", f"moet {kind.replace('_', ' ')} zijn; niet te lezen",
                   values, bad, column, source)
    return parsed


def _coalesce(columns: list[pd.Series]) -> pd.Series:
    result = columns[0].astype("object").where(_text(columns[0]).notna())
    for other in columns[1:]:
        result = result.where(result.notna(), other.astype("object").where(_text(other).notna()))
    return result


def _bad(profile: Profile, target: str, key: str, text: str, values: pd.Series,
         bad: pd.Series, column: str, source: str) -> SchemaError:
    rows = list(bad[bad].index[:MAX_SHOWN])
    shown = [values.loc[r] for r in rows]
    listed = "; ".join(f"rij {int(r) + 1}: {v!r}" for r, v in zip(rows, shown, strict=True))
    more = f" (en nog {int(bad.sum()) - len(rows)})" if bad.sum() > len(rows) else ""
    return SchemaError(
        f"{profile.where('kolommen', target, key)}: bronkolom '{column}' in '{source}' {text}: "
        f"{listed}{more}.", profiel=profile.source, bestand=source, kolom=column, doel=target,
        rijen=[int(r) + 1 for r in rows], waarden=[_json(v) for v in shown],
        aantal=int(bad.sum()))


def _json(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _extract(profile: Profile, target: str, mapping: ColumnMap, values: pd.Series,
             column: str, source: str) -> pd.Series:
    text = _text(values)
    pattern = re.compile(mapping.patroon)
    found = text.map(lambda v: _first_group(pattern, v), na_action="ignore")
    bad = text.notna() & found.isna()
    if bad.any() and mapping.anders == "fout":
        raise _bad(profile, target, "patroon", f"heeft waarden die niet passen bij patroon "
                   f"{mapping.patroon!r}", values, bad, column, source)
    if mapping.anders == "behouden":
        return found.where(~bad, text)
    return found


def _value_map(profile: Profile, target: str, mapping: ColumnMap, values: pd.Series,
               column: str, source: str) -> pd.Series:
    lookup = {str(k).strip().lower(): v for k, v in (mapping.waarden or {}).items()}
    text = _text(values)
    keys = _lower(text)
    known = keys.isin(lookup).fillna(False).astype(bool)
    bad = text.notna() & ~known
    if mapping.overig is not None:
        return keys.map(lambda k: lookup.get(k, mapping.overig), na_action="ignore") \
            .astype("object").where(text.notna())
    if bad.any() and mapping.anders == "fout":
        allowed = ", ".join(map(str, mapping.waarden or {}))
        raise _bad(profile, target, "waarden", f"heeft waarden die niet in 'waarden' staan "
                   f"(bekend: {allowed}; of zet 'anders: onbekend')", values, bad, column,
                   source)
    mapped = keys.map(lambda k: lookup.get(k), na_action="ignore").astype("object")
    mapped = mapped.where(known)
    if mapping.anders == "behouden":
        mapped = mapped.where(known, values.astype("object"))
    return mapped


def _convert_unit(profile: Profile, target: str, unit: str, values: pd.Series, column: str,
                  source: str) -> pd.Series:
    text = _text(values)
    numbers = pd.to_numeric(text.map(lambda v: v.replace(",", "."), na_action="ignore"),
                            errors="coerce")
    bad = text.notna() & numbers.isna()
    if bad.any():
        raise _bad(profile, target, "eenheid", f"moet getallen bevatten voor eenheid '{unit}'",
                   values, bad, column, source)
    if unit in _RANGES:
        low, high = _RANGES[unit]
        outside = numbers.notna() & ~numbers.between(low, high)
        if outside.any():
            raise _bad(profile, target, "eenheid", f"heeft waarden buiten {low:g}–{high:g}, "
                       f"dus niet de eenheid van '{unit}'", values, outside, column, source)
    return numbers * _FACTORS[unit]


def derive_ids(profile: Profile, frame: gpd.GeoDataFrame, mapped: pd.DataFrame) -> pd.Series:
    """Stable ids: ``<voorvoegsel>-<12 hex>`` of the rounded geometry plus the name fields.

    The geometry is snapped to a grid of ``precisie_m`` metres in EPSG:28992, so the id
    survives re-exports and tiny coordinate noise; identical objects get ``-2``, ``-3``.
    """
    spec = profile.afgeleide_id
    prefix = spec.voorvoegsel if spec else profile.profiel
    precision = spec.precisie_m if spec else 1.0
    fields = spec.velden if spec else [c for c in ("naam",) if c in mapped.columns]
    snapped = shapely.set_precision(frame.geometry.to_numpy(), precision)
    wkb = shapely.to_wkb(snapped, hex=True, output_dimension=2)
    parts = [pd.Series(wkb, index=frame.index)]
    for name in fields:
        series = mapped[name] if name in mapped.columns else frame[name]
        parts.append(_text(series).fillna(""))
    keys = parts[0].astype(str)
    for part in parts[1:]:
        keys = keys + "|" + part.astype(str)
    ids = keys.map(lambda k: f"{prefix}-{hashlib.sha1(k.encode()).hexdigest()[:12]}")
    rank = ids.groupby(ids).cumcount()
    return ids.where(rank == 0, ids + "-" + (rank + 1).astype(str))
