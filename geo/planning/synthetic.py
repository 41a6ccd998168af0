"""SYNTHETIC scored objects for tests, benchmarks and demos without a gelegenheid run.

Everything here is synthetic: random points inside the real gemeente boundaries with
random scores. Never present these as real objects.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import points

from geo import RD_CRS
from geo.atomic import VersionedDir, write_text_atomic
from geo.paths import Werkmap
from geo.runs import GELEGENHEID, OBJECTS_FILE, THEMES, VERANTWOORDING_FILE

SOORTEN = {
    "bedrijventerreinen": [None],
    "buitengebied": ["agrarisch_bedrijf", "schuur", "loods", "stal", "woning", "overig"],
    "havens": ["binnenhaven", "jachthaven"],
    "vakantieparken": [None],
}
INDICATORS = ("leegstand", "afstand_snelweg", "afstand_grens", "verzamelgebouwen")


def synthetic_objects(gemeenten: gpd.GeoDataFrame, n: int, *, seed: int = 0,
                      missing_share: float = 0.1) -> gpd.GeoDataFrame:
    """``n`` SYNTHETIC scored objects spread over ``gemeenten`` (columns as ``objecten.gpkg``).

    Scores are uniform on [0, 1]; ``klasse`` is the score quintile (1..5); ``uitleg`` lists
    four indicators of which ``missing_share`` of the raw values are missing.
    """
    rng = np.random.default_rng(seed)
    shapes = gemeenten.to_crs(RD_CRS).reset_index(drop=True)
    share = shapes.area / shapes.area.sum()
    which = rng.choice(len(shapes), size=n, p=share.to_numpy())
    xs, ys, rows = np.empty(n), np.empty(n), []
    for g in range(len(shapes)):
        idx = np.flatnonzero(which == g)
        geom = shapes.geometry.iloc[g]
        minx, miny, maxx, maxy = geom.bounds
        got: list[tuple[float, float]] = []
        while len(got) < len(idx):
            cand = rng.uniform([minx, miny], [maxx, maxy], size=(4 * len(idx) + 8, 2))
            inside = gpd.GeoSeries(points(cand), crs=RD_CRS).within(geom).to_numpy()
            got.extend(map(tuple, cand[inside]))
        xs[idx], ys[idx] = np.array(got[:len(idx)]).T if len(idx) else ([], [])
    themes = rng.choice(THEMES, size=n, p=[0.2, 0.6, 0.05, 0.15])
    score = rng.uniform(0, 1, size=n)
    for _ in range(n):
        norm = rng.uniform(0, 1, size=len(INDICATORS))
        uitleg = [{"indicator": name, "label": name.replace("_", " "),
                   "ruw": None if rng.uniform() < missing_share else float(v * 100),
                   "genormaliseerd": float(v), "gewicht": 0.25, "aandeel": float(v) / 4}
                  for name, v in zip(INDICATORS, norm, strict=True)]
        rows.append(json.dumps(uitleg))
    frame = pd.DataFrame({
        "id": [f"SYN{i:05d}" for i in range(n)],
        "naam": [f"Synthetisch object {i}" for i in range(n)],
        "gemeentecode": shapes["gemeentecode"].to_numpy()[which],
        "gemeentenaam": shapes["gemeentenaam"].to_numpy()[which],
        "thema": themes,
        "soort": [SOORTEN[t][rng.integers(len(SOORTEN[t]))] for t in themes],
        "score": score,
        "klasse": np.minimum(5, 1 + (score * 5).astype(int)),
        "uitleg": rows,
    })
    frame["klasse_naam"] = frame["klasse"].map({1: "zeer laag", 2: "laag", 3: "gemiddeld",
                                                4: "hoog", 5: "zeer hoog"})
    frame["top_indicatoren"] = "leegstand, afstand snelweg (synthetisch)"
    return gpd.GeoDataFrame(frame, geometry=points(np.c_[xs, ys]), crs=RD_CRS)


def write_synthetic_run(werkmap: Werkmap, gebied_id: str,
                        objects: gpd.GeoDataFrame) -> Path:
    """Write SYNTHETIC ``objects`` as a gelegenheid run ``kaarten/<gebied>/gelegenheid/vNNNN/``.

    Only ``objecten.gpkg`` (one layer per theme) and a kaartverantwoording with
    ``synthetisch: true`` — enough for planning; not registered in the catalog.
    """
    with VersionedDir(werkmap.run_parent(gebied_id, GELEGENHEID.soort)) as run:
        for theme in THEMES:
            part = objects[objects["thema"] == theme]
            if len(part):
                part.to_file(run.path / OBJECTS_FILE, layer=theme, engine="pyogrio")
        write_text_atomic(run.path / VERANTWOORDING_FILE, json.dumps(
            {"synthetisch": True, "beschrijving": "Synthetische objecten (planning)"}))
    return run.final / OBJECTS_FILE
