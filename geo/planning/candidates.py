"""Candidate objects for a controle-plan: the scored objects of the newest gelegenheid run.

:func:`load_scored_objects` finds ``objecten.gpkg`` for an area through the catalog (or
the run directories) and stacks the theme layers; :func:`prepare_candidates` turns them
into a flat table with an RD point, lon/lat, control duration, and the expected yield and
its uncertainty (see :mod:`geo.planning.feedback`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo import RD_CRS
from geo.atomic import latest_version
from geo.catalog import Catalog
from geo.errors import KaartNotFoundError, SchemaError
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.planning.config import PlanningConfig
from geo.planning.locations import address_columns
from geo.runs import GELEGENHEID, GELEGENHEID_GELEERD, OBJECTS_FILE, THEMES

REQUIRED = ("id", "gemeentecode", "score", "klasse")
RUN_KINDS = (GELEGENHEID_GELEERD.soort, GELEGENHEID.soort)
"""Runs with object tables a plan may use, preferred first."""


def find_object_tables(werkmap: Werkmap, area: Area) -> list[tuple[str, object]]:
    """``(run_dir, objecten.gpkg path)`` of the newest run(s) covering ``area``.

    Prefers a run for the area itself (newest of ``gelegenheid_geleerd`` and
    ``gelegenheid``), else one run per gemeente of the area.

    Raises
    ------
    KaartNotFoundError
        When no gelegenheid run covers (part of) the area; says which command to run.
    """
    found = _run_for(werkmap, area.id)
    if found is not None:
        return [found]
    per_gemeente = [_run_for(werkmap, code) for code in area.codes]
    tables = [item for item in per_gemeente if item is not None]
    if len(tables) < len(area.codes):
        covering = _covering_run(werkmap, set(area.codes))
        if covering is not None:
            return [covering]
    if not tables:
        raise KaartNotFoundError(
            f"Geen gelegenheidskaart met objecten voor {area.naam}. Maak die eerst met "
            f"'kaart gelegenheid' voor dit gebied.", gebied=area.id)
    return tables


def _covering_run(werkmap: Werkmap, codes: set[str]) -> tuple[str, object] | None:
    """The newest run of the smallest area that covers all ``codes`` (e.g. the regio run)."""
    best = None
    for entry in Catalog(werkmap).entries():
        if entry.soort not in RUN_KINDS or not entry.objecten or not codes <= set(
                entry.gemeenten):
            continue
        path = entry.path(werkmap, entry.objecten)
        key = (len(entry.gemeenten), _negated(entry.datum))
        if path is not None and path.exists() and (best is None or key < best[0]):
            best = (key, entry.run_dir, path)
    return None if best is None else (best[1], best[2])


def _negated(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def _run_for(werkmap: Werkmap, gebied_id: str) -> tuple[str, object] | None:
    best: tuple[str, str, object] | None = None
    for entry in Catalog(werkmap).entries():
        if entry.gebied_id != gebied_id or entry.soort not in RUN_KINDS or not entry.objecten:
            continue
        path = entry.path(werkmap, entry.objecten)
        if path is not None and path.exists() and (best is None or entry.datum > best[0]):
            best = (entry.datum, entry.run_dir, path)
    if best is not None:
        return best[1], best[2]
    for kind in RUN_KINDS:
        run = latest_version(werkmap.run_parent(gebied_id, kind))
        if run is not None and (run / OBJECTS_FILE).exists():
            return werkmap.relative(run), run / OBJECTS_FILE
    return None


def load_scored_objects(paths: Sequence[object], themes: Sequence[str] = THEMES,
                        gemeenten: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Stack the theme layers of one or more ``objecten.gpkg`` files (EPSG:28992).

    Only layers in ``themes`` and rows in ``gemeenten`` (CBS codes) are kept.

    Raises
    ------
    SchemaError
        A layer misses a required column (names file, layer and column).
    """
    frames = []
    for path in paths:
        layers = {name for name, _ in pyogrio.list_layers(path)}
        for theme in themes:
            if theme not in layers:
                continue
            frame = gpd.read_file(path, layer=theme, engine="pyogrio")
            missing = [c for c in REQUIRED if c not in frame.columns]
            if missing:
                raise SchemaError(
                    f"{path}, laag '{theme}': kolom(men) {', '.join(missing)} ontbreken.",
                    bestand=str(path), laag=theme, kolommen=missing)
            if frame.crs is None or frame.crs.to_epsg() != 28992:
                frame = frame.set_crs(RD_CRS) if frame.crs is None else frame.to_crs(RD_CRS)
            frame["thema"] = theme
            frames.append(frame)
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in (*REQUIRED, "thema")}, geometry=[], crs=RD_CRS)
    stacked = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=RD_CRS)
    if gemeenten is not None:
        stacked = stacked[stacked["gemeentecode"].isin(list(gemeenten))]
    return stacked.reset_index(drop=True)


def object_key(thema: pd.Series | str, object_id: pd.Series | str) -> pd.Series | str:
    """The key of an object across themes: ``"<thema>:<id>"``."""
    if isinstance(thema, str):
        return f"{thema}:{object_id}"
    return thema.astype(str) + ":" + object_id.astype(str)


def prepare_candidates(objects: gpd.GeoDataFrame, config: PlanningConfig) -> pd.DataFrame:
    """Flat candidate table with location, duration and the prior expected yield.

    Returns
    -------
    DataFrame
        ``sleutel, thema, object_id, naam, soort, gemeentecode, gemeentenaam, score,
        score01, klasse, klasse_naam, top_indicatoren, x, y, lon, lat, duur, witte_vlek,
        prior``, ``uitleg`` (the explanation JSON) and the address columns the objects have
        (:data:`geo.planning.locations.ADDRESS_COLUMNS`). ``prior`` is the hit probability
        implied by the score
        (``kans_min + (kans_max - kans_min) × score01``); ``witte_vlek`` how little is
        known about the object (:func:`white_spot`).
    """
    if len(objects) == 0:
        return pd.DataFrame(columns=_COLUMNS)
    geometry = objects.geometry
    points = geometry.where(geometry.geom_type == "Point", geometry.representative_point())
    points = gpd.GeoSeries(points, crs=objects.crs)
    lonlat = points.to_crs("EPSG:4326")
    score = pd.to_numeric(objects["score"], errors="coerce").fillna(0.0).astype(float)
    scale = 100.0 if score.max() > 1.0 + 1e-9 else 1.0
    score01 = (score / scale).clip(0.0, 1.0)
    soort = objects["soort"].astype("object") if "soort" in objects else pd.Series(
        [None] * len(objects), index=objects.index, dtype="object")
    thema = objects["thema"].astype(str)
    frame = pd.DataFrame({
        "thema": thema.to_numpy(),
        "object_id": objects["id"].astype(str).to_numpy(),
        "naam": _text(objects, "naam"),
        "soort": soort.where(soort.notna(), None).to_numpy(),
        "gemeentecode": objects["gemeentecode"].astype(str).to_numpy(),
        "gemeentenaam": _text(objects, "gemeentenaam"),
        "score": score.to_numpy(),
        "score01": score01.to_numpy(),
        "klasse": pd.to_numeric(objects["klasse"], errors="coerce").fillna(0).astype(int)
        .to_numpy(),
        "klasse_naam": _text(objects, "klasse_naam"),
        "top_indicatoren": _text(objects, "top_indicatoren"),
        "x": points.x.to_numpy(),
        "y": points.y.to_numpy(),
        "lon": lonlat.x.to_numpy(),
        "lat": lonlat.y.to_numpy(),
    })
    frame.insert(0, "sleutel", object_key(frame["thema"], frame["object_id"]))
    for column, values in address_columns(objects).items():
        frame[column] = values
    frame["uitleg"] = _text(objects, "uitleg")
    frame["duur"] = [config.duration(t, s) for t, s in zip(frame["thema"], frame["soort"],
                                                            strict=True)]
    frame["witte_vlek"] = white_spot(objects)
    frame["volledigheid"] = (pd.to_numeric(objects["volledigheid"], errors="coerce").to_numpy(float)
                             if "volledigheid" in objects else np.nan)  # unknown stays unknown
    frame["prior"] = config.kans_min + (config.kans_max - config.kans_min) * frame["score01"]
    duplicated = frame["sleutel"].duplicated()
    if duplicated.any():
        first = frame.loc[duplicated, "sleutel"].iloc[0]
        raise SchemaError(f"Object '{first}' komt meer dan eens voor in de objecttabellen.",
                          object=first)
    return frame


_COLUMNS = ["sleutel", "thema", "object_id", "naam", "soort", "gemeentecode", "gemeentenaam",
            "score", "score01", "klasse", "klasse_naam", "top_indicatoren", "x", "y", "lon",
            "lat", "duur", "witte_vlek", "volledigheid", "prior"]


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.array([""] * len(frame), dtype=object)
    return frame[column].astype("object").where(frame[column].notna(), "").astype(str).to_numpy()


def white_spot(objects: pd.DataFrame) -> np.ndarray:
    """``witte_vlek`` (0..1): ``1 - volledigheid``, the share of the indicator weight whose
    value was unknown ("witte vlekken in de informatiepositie"); for object tables without
    ``volledigheid`` the share of indicators without a raw value. An object without a
    known completeness counts as fully unknown (1)."""
    if "volledigheid" in objects:
        known = pd.to_numeric(objects["volledigheid"], errors="coerce").to_numpy(float)
        return np.clip(1.0 - np.where(np.isfinite(known), known, 0.0), 0.0, 1.0)
    uitleg = objects["uitleg"] if "uitleg" in objects else pd.Series([None] * len(objects))
    return np.array([_missing_share(v) for v in uitleg], dtype=float)


def _missing_share(value: object) -> float:
    """Share of explanation entries without a raw indicator value (0 when unknown)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except (TypeError, ValueError):
        return 0.0
    if not isinstance(items, list) or not items:
        return 0.0
    missing = 0
    for item in items:
        raw = item.get("ruw") if isinstance(item, dict) else None
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            missing += 1
    return missing / len(items)


def indicator_table(objects: pd.DataFrame) -> pd.DataFrame:
    """Normalised indicator values per object from the ``uitleg`` JSON (one column each)."""
    rows = []
    for value in objects.get("uitleg", pd.Series([None] * len(objects))):
        row: dict[str, float] = {}
        try:
            items = json.loads(value) if isinstance(value, str) else (value or [])
        except (TypeError, ValueError):
            items = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and "indicator" in item:
                norm = item.get("genormaliseerd")
                row[str(item["indicator"])] = np.nan if norm is None else float(norm)
        rows.append(row)
    return pd.DataFrame(rows, index=objects.index)
