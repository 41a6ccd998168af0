"""Enrichment between layers: attributes of areas counted from a point layer.

Rules live in ``data/verrijking.yaml`` (read with :mod:`geo.config_yaml`)::

    regels:
      - doel: aantal_vestigingen          # target column of the area layer
        laag: bedrijventerreinen          # the area layer kind
        met: bag-verblijfsobject          # name of the point source (``--met``)
        maat: aantal                      # aantal | aandeel_pct
        kolom: gebruiksdoel               # optional filter on the points
        bevat: [industriefunctie, kantoorfunctie]
        bron: BAG verblijfsobjecten met gebruiksdoel industrie- of kantoorfunctie

``aantal`` counts the matching points inside each area; ``aandeel_pct`` is 100 × matching
points / all points inside. Unknown stays unknown: an area outside the point layer's
coverage (its convex hull, 50 m margin) gets no value, and ``aandeel_pct`` of an area
without any point is unknown, never 0. A value the enrichment cannot compute leaves the
area's existing value as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from geo.config_yaml import load_yaml_config
from geo.errors import SchemaError
from geo.paths import DATA_DIR

DEFAULT_RULES = DATA_DIR / "verrijking.yaml"
COVERAGE_MARGIN_M = 50.0
"""Areas must lie within the points' convex hull plus this margin to be counted."""


class EnrichmentRule(BaseModel):
    """One enrichment (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doel: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    laag: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    met: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    maat: Literal["aantal", "aandeel_pct"] = "aantal"
    kolom: str | None = None
    bevat: list[str] = Field(default_factory=list)
    bron: str = Field(min_length=1)


class EnrichmentConfig(BaseModel):
    """``data/verrijking.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regels: list[EnrichmentRule]

    def rules_for(self, laag: str, met: str) -> list[EnrichmentRule]:
        return [r for r in self.regels if r.laag == laag and r.met == met]

    @property
    def sources(self) -> list[str]:
        return sorted({r.met for r in self.regels})


def load_enrichment_config(path: str | os.PathLike[str] | None = None) -> EnrichmentConfig:
    """Read the enrichment rules (default ``data/verrijking.yaml``)."""
    return load_yaml_config(path if path is not None else DEFAULT_RULES, EnrichmentConfig)


@dataclass
class EnrichmentReport:
    """What an enrichment did, per target column: known values and the source."""

    met: str
    bestand: str
    punten: int
    gebieden: int
    gedekt: int
    kolommen: dict[str, dict[str, object]] = field(default_factory=dict)

    def text(self) -> str:
        """One Dutch line for the layer's provenance (kaartverantwoording)."""
        parts = [f"{name} uit {info['bron']}" for name, info in self.kolommen.items()]
        return f"{'; '.join(parts)} ({self.bestand}, {self.punten} punten)"

    def to_dict(self) -> dict[str, object]:
        return {"met": self.met, "bestand": self.bestand, "punten": self.punten,
                "gebieden": self.gebieden, "gedekt": self.gedekt, "kolommen": self.kolommen}


def enrich(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame, rules: list[EnrichmentRule],
           *, met: str, source: str) -> tuple[gpd.GeoDataFrame, EnrichmentReport]:
    """Apply ``rules`` to ``areas`` with ``points`` (both EPSG:28992); returns a copy."""
    points = _as_points(points, source)
    covered = _covered(areas, points)
    inside = _points_inside(areas, points)
    out = areas.copy()
    report = EnrichmentReport(met=met, bestand=source, punten=len(points), gebieden=len(areas),
                              gedekt=int(covered.sum()))
    for rule in rules:
        values = _measure(rule, points, inside, len(areas), source)
        values = np.where(covered, values, np.nan)
        known = ~np.isnan(values)
        column = out[rule.doel] if rule.doel in out else pd.Series(np.nan, index=out.index)
        column = column.astype("Float64")
        column[known] = values[known]
        if rule.maat == "aantal":
            column = column.round().astype("Int64")
        out[rule.doel] = column
        report.kolommen[rule.doel] = {"bron": rule.bron, "maat": rule.maat,
                                      "bekend": int(known.sum())}
    return out, report


def _as_points(points: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    not_point = points.geom_type != "Point"
    if not_point.any():  # buildings etc.: their representative point
        points = points.copy()
        points.loc[not_point, "geometry"] = points.geometry[not_point].representative_point()
    if points.empty:
        raise SchemaError(f"'{source}' bevat geen punten om mee te verrijken.", bestand=source)
    return points


def _covered(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    hull = points.geometry.union_all().convex_hull.buffer(COVERAGE_MARGIN_M)
    return areas.geometry.within(hull).to_numpy()


def _points_inside(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Pairs (point row position, area row position) of points inside areas."""
    left = gpd.GeoDataFrame(geometry=points.geometry.reset_index(drop=True), crs=points.crs)
    right = gpd.GeoDataFrame(geometry=areas.geometry.reset_index(drop=True), crs=areas.crs)
    pairs = gpd.sjoin(left, right, predicate="within", how="inner")
    return pd.DataFrame({"punt": pairs.index.to_numpy(), "gebied": pairs["index_right"]})


def _measure(rule: EnrichmentRule, points: gpd.GeoDataFrame, inside: pd.DataFrame,
             n_areas: int, source: str) -> np.ndarray:
    match = _matches(rule, points, source)[inside["punt"].to_numpy()]
    hits = np.bincount(inside["gebied"].to_numpy()[match], minlength=n_areas).astype(float)
    if rule.maat == "aantal":
        return hits
    total = np.bincount(inside["gebied"].to_numpy(), minlength=n_areas).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100.0 * hits / total, np.nan)


def _matches(rule: EnrichmentRule, points: gpd.GeoDataFrame, source: str) -> np.ndarray:
    if rule.kolom is None or not rule.bevat:
        return np.ones(len(points), bool)
    if rule.kolom not in points.columns:
        raise SchemaError(
            f"'{source}': kolom '{rule.kolom}' ontbreekt (nodig voor {rule.doel}, regel "
            f"'{rule.met}' in verrijking.yaml). Aanwezige kolommen: "
            f"{', '.join(c for c in points.columns if c != 'geometry')}.",
            bestand=source, kolom=rule.kolom)
    values = points[rule.kolom].astype("string").str.lower()
    wanted = [w.lower() for w in rule.bevat]
    return values.map(lambda v: _contains_any(v, wanted), na_action="ignore") \
        .fillna(False).to_numpy(dtype=bool)


def _contains_any(value: str, wanted: list[str]) -> bool:
    parts = {part.strip() for part in str(value).split(",")}
    return any(w in parts for w in wanted)


def read_points(source: str | os.PathLike[str], layer: str | None = None) -> gpd.GeoDataFrame:
    """A point source as read (EPSG:28992), e.g. BAG verblijfsobjecten or a KvK CSV."""
    from geo.layers._io import read_source, source_name, to_rd

    frame, chosen = read_source(source, layer, "punten")
    return to_rd(frame, None, source_name(Path(source)), chosen, "punten")
