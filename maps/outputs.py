"""Finished outputs of one area, gathered from the catalog: the only input of a map builder.

Builders never read the catalog or guess paths themselves; they get a :class:`MapOutputs`
(raster layers, object tables, boundaries, kaartverantwoording) from
:func:`load_outputs`, which also drops every map kind the user may not see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.catalog import Catalog, KaartEntry
from geo.errors import InputFileError, KaartNotFoundError
from geo.layers.gemeenten import reference_gemeenten
from geo.legend import OBJECT_CLASS_PROPERTY
from geo.paths import Werkmap
from geo.runs import MAP_KINDS, PUBLIC_KINDS, THEMES, TOTAL

WGS84 = "EPSG:4326"
ALL_KINDS: frozenset[str] = frozenset(MAP_KINDS)
KIND_ORDER = {kind: i for i, kind in enumerate(MAP_KINDS)}
THEME_ORDER = {TOTAL: 0, **{t: i + 1 for i, t in enumerate(THEMES)}}


@dataclass(frozen=True)
class RasterLayer:
    """One map COG of the catalog."""

    entry: KaartEntry
    path: Path

    @property
    def kaart_id(self) -> str:
        return self.entry.kaart_id


@dataclass
class MapOutputs:
    """Everything a map of one area shows.

    Attributes
    ----------
    gebied_id, gebied_naam : str
        The area (``GM0981`` / ``Vaals``).
    rasters : list of RasterLayer
        Map COGs in display order (gelegenheid totaal first).
    objects : dict of str to GeoDataFrame
        Object table per theme, EPSG:4326.
    boundaries : GeoDataFrame
        Gemeente boundaries of the area, EPSG:4326.
    verantwoording : dict
        The kaartverantwoording of the gelegenheidskaart (or the first map).
    lagen : Path or None
        The werkmap's ``invoer/lagen.gpkg`` (kernen, wegen, water for the offline
        background, :mod:`maps.achtergrond`), if the werkmap has one.
    """

    gebied_id: str
    gebied_naam: str
    rasters: list[RasterLayer]
    objects: dict[str, gpd.GeoDataFrame]
    boundaries: gpd.GeoDataFrame
    verantwoording: dict[str, Any] = field(default_factory=dict)
    lagen: Path | None = None

    @property
    def synthetisch(self) -> bool:
        return any(r.entry.synthetisch for r in self.rasters) or bool(
            self.verantwoording.get("synthetisch"))

    @property
    def vertrouwelijk(self) -> bool:
        return any(r.entry.vertrouwelijk for r in self.rasters)

    @property
    def datum(self) -> str:
        dates = sorted(r.entry.datum for r in self.rasters if r.entry.datum)
        return dates[-1] if dates else ""

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in WGS84 of the boundaries."""
        return tuple(float(v) for v in self.boundaries.total_bounds)

    def sources(self) -> list[str]:
        """Input layers with their date, grouped: ``["wegen, kernen (19-11-2026)"]``."""
        from maps.style import format_date

        by_date: dict[str, list[str]] = {}
        for item in _inputs(self.verantwoording):
            name = item.get("laag") or item.get("naam") or item.get("pad")
            if not name:
                continue
            names = by_date.setdefault(format_date(item.get("datum")), [])
            if str(name) not in names:
                names.append(str(name))
        return [f"{', '.join(names)} ({date})" for date, names in by_date.items()]


def _inputs(verantwoording: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("invoer", "bronnen", "inputs"):
        value = verantwoording.get(key)
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict)]
        if isinstance(value, dict):
            return [{"laag": k, **(v if isinstance(v, dict) else {})} for k, v in value.items()]
    return []


def area_entries(catalog: Catalog, gebied: str) -> list[KaartEntry]:
    """Catalog entries of an area, by gebied_id (``GM0981``) or name (``Vaals``).

    Raises
    ------
    KaartNotFoundError
        No maps for the area; the message names the areas that cover it, if any.
    """
    entries = catalog.entries()
    wanted = gebied.strip().lower()
    found = [e for e in entries
             if e.gebied_id.lower() == wanted or e.gebied_naam.lower() == wanted]
    if found:
        return found
    covering = sorted({(e.gebied_naam, e.gebied_id) for e in entries
                       if wanted.upper() in e.gemeenten})
    if covering:
        hint = " Deze gemeente valt in: " + ", ".join(
            f"{naam} (--gebied {gid})" for naam, gid in covering) + "."
    else:
        known = sorted({e.gebied_naam for e in entries})
        hint = (f" Beschikbare gebieden: {', '.join(known)}." if known
                else " Er zijn nog geen kaarten gemaakt (kaart gelegenheid).")
    raise KaartNotFoundError(f"Geen kaarten voor gebied '{gebied}'.{hint}", gebied=gebied)


def load_outputs(werkmap: Werkmap, gebied: str, *,
                 allowed_kinds: Iterable[str] = PUBLIC_KINDS) -> MapOutputs:
    """Gather the finished outputs of an area that a user with ``allowed_kinds`` may see.

    Parameters
    ----------
    werkmap : Werkmap
        The werkmap holding ``kaarten/catalogus.json``.
    gebied : str
        ``gebied_id`` (``GM0981``, ``regio-parkstad``) or its name (``Vaals``).
    allowed_kinds : iterable of str
        Map kinds to include; by default only the public gelegenheidskaarten.

    Raises
    ------
    KaartNotFoundError
        No maps for the area, or none the user may see.
    """
    allowed = frozenset(allowed_kinds)
    entries = [e for e in area_entries(Catalog(werkmap), gebied) if e.soort in allowed]
    if not entries:
        raise KaartNotFoundError(
            f"Er zijn geen kaarten van '{gebied}' die je mag bekijken.", gebied=gebied)
    return outputs_from_entries(werkmap, entries)


def outputs_from_entries(werkmap: Werkmap, entries: Iterable[KaartEntry]) -> MapOutputs:
    """The outputs of already authorised catalog entries of one area (the pages use this)."""
    entries = sorted(entries, key=lambda e: (KIND_ORDER.get(e.soort, 99),
                                             THEME_ORDER.get(e.thema, 99)))
    if not entries:
        raise KaartNotFoundError("Geen kaarten om te tonen.")
    rasters = []
    for entry in entries:
        path = entry.path(werkmap, entry.cog)
        if path is None:
            continue
        if not path.exists():
            raise InputFileError(
                f"Kaartbestand {path} van kaart {entry.kaart_id} ontbreekt.",
                bestand=str(path), kaart_id=entry.kaart_id)
        rasters.append(RasterLayer(entry, path))
    first = entries[0]
    objects_entry = next((e for e in entries if e.objecten), None)
    objects = (load_objects(objects_entry.path(werkmap, objects_entry.objecten))
               if objects_entry else {})
    risk_entry = next((e for e in entries if e.soort == "gecombineerd" and e.objecten), None)
    if risk_entry is not None and risk_entry is not objects_entry:
        objects = add_risk_classes(objects, risk_entry.path(werkmap, risk_entry.objecten))
    codes = sorted({code for e in entries for code in e.gemeenten})
    return MapOutputs(
        gebied_id=first.gebied_id, gebied_naam=first.gebied_naam, rasters=rasters,
        objects=objects, boundaries=load_boundaries(werkmap, codes),
        verantwoording=load_verantwoording(werkmap, first),
        lagen=werkmap.lagen if werkmap.lagen.is_file() else None,
    )


def load_objects(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Object layers per theme of an ``objecten.gpkg``, reprojected to EPSG:4326."""
    if not path.exists():
        raise InputFileError(f"Objectentabel {path} ontbreekt.", bestand=str(path))
    layers = [name for name, _ in pyogrio.list_layers(path)]
    result = {}
    for thema in THEMES:
        if thema not in layers:
            continue
        frame = gpd.read_file(path, layer=thema, engine="pyogrio")
        if frame.crs is None:
            raise InputFileError(f"Laag {thema} in {path} heeft geen CRS.", bestand=str(path),
                                 laag=thema)
        if len(frame):
            result[thema] = frame.to_crs(WGS84)
    return result


def load_object_classes(path: Path) -> dict[str, pd.DataFrame]:
    """Per theme the ids and class columns of an ``objecten.gpkg``, without geometry: what
    the served viewer needs (counts, legend), whose objects come as vector tiles. For the
    country (54,000 objects) a third of the page's time went to reading and reprojecting
    geometries it never used."""
    if not path.exists():
        raise InputFileError(f"Objectentabel {path} ontbreekt.", bestand=str(path))
    wanted = ("id", "thema", *dict.fromkeys(OBJECT_CLASS_PROPERTY.values()))
    result = {}
    for name, _ in pyogrio.list_layers(path):
        if name not in THEMES:
            continue
        columns = [c for c in pyogrio.read_info(path, layer=name)["fields"] if c in wanted]
        frame = pyogrio.read_dataframe(path, layer=name, columns=columns, read_geometry=False)
        if len(frame):
            result[name] = frame
    return {t: result[t] for t in THEMES if t in result}


RISK_CLASS_COLUMNS = ("risico_klasse", "gecombineerde_klasse")
"""Object classes on the risico and gecombineerde kaart (from the gecombineerd run), so the
viewer colours objects by the map that is shown. Only for entries the user may see."""


def add_risk_classes(objects: dict[str, gpd.GeoDataFrame], path: Path
                     ) -> dict[str, gpd.GeoDataFrame]:
    """``objects`` with :data:`RISK_CLASS_COLUMNS` joined by ``id`` from the gecombineerd
    run's ``objecten.gpkg``; objects it does not list keep no class there (NULL, not 0).
    Frames without geometry (:func:`load_object_classes`) stay plain tables."""
    if not path.exists():
        return objects
    layers = {name for name, _ in pyogrio.list_layers(path)}
    result = {}
    for thema, frame in objects.items():
        if thema not in layers or RISK_CLASS_COLUMNS[0] in frame.columns:
            result[thema] = frame
            continue
        risk = pyogrio.read_dataframe(path, layer=thema, read_geometry=False)
        columns = [c for c in RISK_CLASS_COLUMNS if c in risk.columns]
        risk = risk[["id", *columns]].drop_duplicates("id")
        risk["id"] = risk["id"].astype(str)
        merged = frame.assign(_id=frame["id"].astype(str)).merge(
            risk.rename(columns={"id": "_id"}), on="_id", how="left").drop(columns="_id")
        result[thema] = (gpd.GeoDataFrame(merged, geometry="geometry", crs=frame.crs)
                         if "geometry" in frame.columns else merged)
    return result


def load_boundaries(werkmap: Werkmap, codes: list[str]) -> gpd.GeoDataFrame:
    """Gemeente boundaries (EPSG:4326): the werkmap's own ``gemeenten`` layer where it has
    the gemeente, the shipped CBS reference boundaries for the others (a country map built
    from layers of a few provinces still shows, and fits, the whole country)."""
    columns = ["gemeentecode", "gemeentenaam", "geometry"]
    reference = reference_gemeenten()
    frame = reference.iloc[:0]
    if werkmap.lagen.exists() and "gemeenten" in {
            n for n, _ in pyogrio.list_layers(werkmap.lagen)}:
        frame = gpd.read_file(werkmap.lagen, layer="gemeenten", engine="pyogrio")
        frame = frame[frame["gemeentecode"].isin(codes)][columns].to_crs(reference.crs)
    missing = reference[reference["gemeentecode"].isin(codes)
                        & ~reference["gemeentecode"].isin(frame["gemeentecode"])]
    chosen = gpd.GeoDataFrame(pd.concat([frame[columns], missing[columns]], ignore_index=True),
                              geometry="geometry", crs=reference.crs)
    if chosen.empty:
        raise KaartNotFoundError(f"Geen grenzen gevonden voor gemeenten {', '.join(codes)}.",
                                 gemeenten=codes)
    return chosen.to_crs(WGS84).reset_index(drop=True)


def load_verantwoording(werkmap: Werkmap, entry: KaartEntry) -> dict[str, Any]:
    """The kaartverantwoording JSON of a catalog entry (``{}`` when it has none)."""
    path = entry.path(werkmap, entry.verantwoording)
    if path is None or not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputFileError(
            f"Kaartverantwoording {path} is geen geldige JSON (regel {error.lineno}).",
            bestand=str(path)) from error


def objects_to_frame(objects: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """All objects in one table (for counts and CSV), without geometry."""
    frames = [pd.DataFrame(f.drop(columns="geometry")) for f in objects.values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
