"""Tiny synthetic candidate tables for the planning tests (no files, no geometry)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.planning.config import PlanningConfig
from geo.planning.feedback import expected_yield

CODES = ("GM0935", "GM0981", "GM1729")


def make_candidates(n: int, *, seed: int = 0, size_m: float = 20_000.0,
                    config: PlanningConfig | None = None,
                    controls: pd.DataFrame | None = None) -> pd.DataFrame:
    """``n`` candidates in a ``size_m`` square, three gemeenten, all four themes."""
    config = config or PlanningConfig()
    rng = np.random.default_rng(seed)
    themes = rng.choice(["bedrijventerreinen", "buitengebied", "havens", "vakantieparken"], n)
    score = rng.uniform(0, 1, n)
    frame = pd.DataFrame({
        "thema": themes,
        "object_id": [f"O{i:04d}" for i in range(n)],
        "naam": [f"Object {i}" for i in range(n)],
        "soort": [None] * n,
        "gemeentecode": rng.choice(CODES, n),
        "gemeentenaam": "Testgemeente",
        "score": score,
        "score01": score,
        "klasse": np.minimum(5, 1 + (score * 5).astype(int)),
        "klasse_naam": "",
        "top_indicatoren": "",
        "x": 180_000 + rng.uniform(0, size_m, n),
        "y": 315_000 + rng.uniform(0, size_m, n),
        "lon": 5.7,
        "lat": 50.8,
        "witte_vlek": rng.choice([0.0, 0.0, 0.25, 0.5], n),
    })
    frame.insert(0, "sleutel", frame["thema"] + ":" + frame["object_id"])
    frame["duur"] = [config.duration(t, None) for t in themes]
    frame["prior"] = config.kans_min + (config.kans_max - config.kans_min) * score
    return expected_yield(frame, controls, config)
