"""Import profiles: real sources (IBIS, BAG, OSM, CBS, NWB, police open data) → layer kinds.

A profile (:mod:`geo.layers.profiles.model`) says which source column becomes which
column of a layer kind, with value maps, units, constants, a row filter, points turned
into areas and a stable derived id. :func:`load_with_profile` reads a source, applies the
profile (:mod:`geo.layers.profiles.apply`) and validates the result against the kind's
schema, exactly like ``load_<kind>``; :func:`preview` shows what an import would give
without writing anything.

Examples
--------
>>> from geo.layers.profiles import load_profile, load_with_profile  # doctest: +SKIP
>>> frame, report = load_with_profile("ibis", "IBIS_2017.geojson")
>>> report.afgeleide_ids, len(frame)
(0, 22)
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import InvalidRequestError
from geo.layers._io import read_source, source_name, to_rd
from geo.layers._validate import validate
from geo.layers.profiles.apply import MappingReport, apply_profile, derive_ids
from geo.layers.profiles.model import (
    PROFILE_DIR,
    Profile,
    builtin_profiles,
    empty_profile,
    load_profile,
)

PREVIEW_ROWS = 5
"""Rows shown by ``kaart importeer ... --proef``."""


def resolve_profile(kind: str, profile: str | os.PathLike[str] | Profile | None, *,
                    columns: dict[str, str] | None = None,
                    constants: dict[str, str] | None = None) -> Profile | None:
    """The profile to use for ``kind``: named/file profile plus command-line overrides.

    Returns None when there is neither a profile nor an override (plain import).

    Raises
    ------
    ConfigError
        Unknown profile or invalid profile file.
    InvalidRequestError
        The profile is for another layer kind.
    """
    columns, constants = columns or {}, constants or {}
    label = " ".join([*(f"--kolom {k}={v}" for k, v in columns.items()),
                      *(f"--vast {k}={v}" for k, v in constants.items())])
    if profile is None:
        if not columns and not constants:
            return None
        return empty_profile(kind, label).with_overrides(columns, constants, label)
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    if chosen.soort != kind:
        raise InvalidRequestError(
            f"Profiel '{chosen.profiel}' ({chosen.source}) maakt laagsoort '{chosen.soort}', "
            f"niet '{kind}'. Gebruik: kaart importeer {chosen.soort} BESTAND --profiel "
            f"{chosen.profiel}.", profiel=chosen.profiel, soort=kind, verwacht=chosen.soort)
    return chosen.with_overrides(columns, constants, label)


def load_with_profile(kind: str, source: str | os.PathLike[str], profile: Profile,
                      layer: str | None = None, *, assume_crs: str | None = None,
                      areas: str | os.PathLike[str] | None = None,
                      areas_layer: str | None = None,
                      ) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Read ``source``, apply ``profile`` and validate against the schema of ``kind``.

    ``areas`` is an optional polygon file (e.g. BAG panden or OSM outlines): points inside
    one of its polygons take that polygon instead of the profile's radius.

    Returns
    -------
    (GeoDataFrame, MappingReport)
        The validated layer (EPSG:28992) and what the profile did.
    """
    from geo.layers import get_spec

    spec = get_spec(kind)
    frame, chosen = read_source(source, layer, spec.kind)
    name = source_name(source)
    frame = to_rd(frame, assume_crs, name, chosen, spec.kind)
    polygons = None
    if areas is not None:
        area_frame, area_layer = read_source(areas, areas_layer, spec.kind)
        polygons = to_rd(area_frame, assume_crs, source_name(areas), area_layer,
                         spec.kind).geometry
    mapped, report = apply_profile(profile, frame, source=name,
                                   polygons="Point" not in spec.geometry_types,
                                   needs_id=spec.id_column == "id", areas=polygons)
    return validate(spec, mapped, source=name, layer=chosen), report


def completeness(kind: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per column (declared ones of ``kind`` first, then extra ones): how many values are
    known (not NULL)."""
    from geo.layers import get_spec

    total = len(frame)
    declared = [c.name for c in get_spec(kind).columns]
    extra = [c for c in frame.columns if c not in declared and c != "geometry"]
    rows = []
    for name in declared + extra:
        known = int(frame[name].notna().sum()) if name in frame else 0
        rows.append({"kolom": name, "bekend": known, "totaal": total,
                     "aandeel": known / total if total else 0.0})
    return rows


def preview(frame: gpd.GeoDataFrame, kind: str, rows: int = PREVIEW_ROWS) -> dict[str, Any]:
    """First ``rows`` rows and per column how many values are known."""
    names = [row["kolom"] for row in completeness(kind, frame) if row["kolom"] in frame]
    head = frame[names].head(rows).astype("object")
    head = head.where(head.notna(), None)
    return {"rijen": head.to_dict(orient="records"), "kolommen": completeness(kind, frame),
            "aantal": len(frame)}


__all__ = [
    "PROFILE_DIR", "PREVIEW_ROWS", "MappingReport", "Profile", "apply_profile", "builtin_profiles",
    "completeness", "derive_ids", "load_profile", "load_with_profile", "preview",
    "resolve_profile",
]
