"""Completeness and provenance of a gelegenheid run: how much of the map rests on unknowns.

Unknown is not zero (issue 12): an attribute that is NULL in the input is left out of the
score or imputed, never read as 0 or nee. This module reports what that means for a run:

- ``volledigheid.tif``: per theme and overall, the share (0..1) of the indicator weight
  that was known in each cell (band per map, same order as the map COGs);
- the kaartverantwoording's ``volledigheid``: per theme and indicator for how many
  objects the value was known, unknown or imputed, the mean object completeness, and a
  Dutch ``samenvatting`` that says so when a map is built largely on unknowns;
- the kaartverantwoording's ``bronnen``: per input layer its source, profile, licence,
  date, real or synthetic, and per attribute how many values were known.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geo.export.cog import write_cog
from geo.runs import VOLLEDIGHEID_FILE, status_file
from geo.scoring.grid import Grid

COMPLETENESS_FILE = VOLLEDIGHEID_FILE
LARGELY_UNKNOWN = 0.5
"""A map whose mean object completeness is below this is 'largely built on unknowns'."""


def write_completeness_cog(path: str | os.PathLike[str], result: Any, grid: Grid, *,
                           gebied_id: str, synthetisch: bool) -> Path:
    """One float32 band per map (themes, then ``totaal``): share of known weight per cell."""
    maps = [(name, theme) for name, theme in result.all().items()
            if theme.completeness is not None]
    data = [theme.completeness for _, theme in maps]  # tiled bands stay on disk
    return write_cog(path, data, grid, descriptions=[f"volledigheid:{name}" for name, _ in maps],
                     tags={"KAART_SOORT": "volledigheid", "GEBIED_ID": gebied_id,
                           "SYNTHETISCH": "ja" if synthetisch else "nee",
                           "BETEKENIS": "aandeel (0-1) van het indicatorgewicht waarvan de "
                                        "waarde bekend was"})


def write_status_cogs(path: str | os.PathLike[str], result: Any, grid: Grid, *,
                      gebied_id: str, synthetisch: bool) -> list[Path]:
    """The per-indicator unknown status of every theme that has unknown values (the
    explanation of a cell reads it back; themes without unknowns get no file)."""
    written = []
    for thema, theme in result.themes.items():
        if theme.status is None or not theme.status.any():  # ndarray or tiled
            continue
        data = list(theme.status)  # uint8 bands, written as float32
        written.append(write_cog(
            Path(path) / status_file(thema), data, grid,
            descriptions=[f"onbekend:{i.name}" for i in theme.indicators], nodata=None,
            tags={"KAART_SOORT": "onbekend", "KAART_THEMA": thema, "GEBIED_ID": gebied_id,
                  "SYNTHETISCH": "ja" if synthetisch else "nee",
                  "BETEKENIS": "0 bekend, 1 onbekend (overgeslagen), 2 geimputeerd"}))
    return written


def indicator_counts(table: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Per indicator of an object table: objects with a known, unknown or imputed value."""
    counts: dict[str, dict[str, Any]] = {}
    for text in table.get("uitleg", []):
        for item in json.loads(text) if isinstance(text, str) else []:
            row = counts.setdefault(item["indicator"], {
                "indicator": item["indicator"], "label": item.get("label", ""),
                "bekend": 0, "onbekend": 0, "geimputeerd": 0})
            key = ("onbekend" if item.get("onbekend") else
                   "geimputeerd" if item.get("geimputeerd") else "bekend")
            row[key] += 1
    return list(counts.values())


def mean_completeness(table: gpd.GeoDataFrame) -> float | None:
    """Mean ``volledigheid`` of an object table (None when no object has one)."""
    values = np.asarray(table.get("volledigheid", []), dtype="float64")
    return float(np.nanmean(values)) if np.isfinite(values).any() else None


def unknown_notes(tables: Mapping[str, gpd.GeoDataFrame]) -> list[str]:
    """Dutch notices for maps whose objects are mostly unknown (mean < 50% known)."""
    notes = []
    for thema, table in tables.items():
        mean = mean_completeness(table)
        if mean is not None and mean < LARGELY_UNKNOWN:
            notes.append(f"De kaart {thema} rust grotendeels op onbekende waarden: gemiddeld "
                         f"{100 * mean:.0f}% van het indicatorgewicht is bekend.")
    return notes


def completeness_summary(result: Any, tables: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """The kaartverantwoording's ``volledigheid`` section (see the module docstring)."""
    themes = {thema: {"objecten": len(table), "gemiddelde_volledigheid": mean_completeness(table),
                      "indicatoren": indicator_counts(table)}
              for thema, table in tables.items()}
    notes = unknown_notes(tables) + result.notices()
    return {"themas": themes, "samenvatting": notes or ["Alle indicatorwaarden waren bekend."
            if all(t["gemiddelde_volledigheid"] in (None, 1.0) for t in themes.values())
            else "Een deel van de indicatorwaarden was onbekend (zie per thema)."]}


def mixed_note(bronnen: list[dict[str, Any]]) -> str | None:
    """The kaartverantwoording's ``opmerking`` when real and synthetic layers are mixed."""
    real = [b["laag"] for b in bronnen if not b["synthetisch"]]
    fake = [b["laag"] for b in bronnen if b["synthetisch"]]
    if not real or not fake:
        return None
    credits = sorted({b["attributie"] for b in bronnen if b.get("attributie")})
    return (f"Deels echte, deels synthetische invoer. Echt: {', '.join(real)}"
            + (f" ({'; '.join(credits)})" if credits else "")
            + f". Synthetisch (verzonnen): {', '.join(fake)}; gebruik de kaart niet voor "
            "besluiten over echte locaties.")


def layer_provenance(layers: Mapping[str, gpd.GeoDataFrame],
                     metadata: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """Per input layer: source, profile, licence, date, real/synthetic, known values."""
    from geo.layers import SPECS

    rows = []
    for kind, frame in sorted(layers.items()):
        meta = metadata.get(kind, {})
        spec = SPECS.get(kind)
        columns = [c.name for c in spec.columns] if spec is not None else []
        rows.append({
            "laag": kind, "synthetisch": meta.get("synthetisch", "nee") == "ja",
            "bron": meta.get("bron_naam") or meta.get("bron", ""),
            "bestand": meta.get("bron", ""), "profiel": meta.get("profiel", ""),
            "licentie": meta.get("licentie", ""), "attributie": meta.get("attributie", ""),
            "datum_bron": meta.get("datum_bron", ""),
            **({"verrijking": meta["verrijking"]} if meta.get("verrijking") else {}),
            "datum": meta.get("geimporteerd") or meta.get("geschreven", ""),
            "aantal": len(frame),
            "bekend_per_kolom": {c: int(frame[c].notna().sum()) for c in columns
                                 if c in frame.columns}})
    return rows
