"""Exploration prefers objects about which little is known, at the documented rate (issue 12).

Draw weight (geo.planning.optimise._exploration_weights): with equal uncertainty an object
with volledigheid 0 has informed weight ``1 + g`` against 1 for a fully known one; with
the uniform share u the inclusion probabilities are ``π = m · ((1-u)·w_informed + u/N)``.
"""

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from planning_factories import make_candidates
from shapely.geometry import Point

from geo.planning.candidates import prepare_candidates
from geo.planning.config import PlanningConfig
from geo.planning.optimise import plan_controls

N, M = 40, 4
CONFIG = PlanningConfig(aantal=M, exploratie_aandeel=1.0, witte_vlek_gewicht=1.0,
                        exploratie_uniform=0.3, minimale_afstand_m=0, tijdbudget_uren=1000,
                        gemeente_max_aandeel=1.0, uitsluiten_maanden=0)


def candidates() -> pd.DataFrame:
    frame = make_candidates(N, seed=3, config=CONFIG)
    frame["verwacht"] = 0.2
    frame["onzekerheid"] = 0.1  # equal: only the witte vlek differs
    frame["witte_vlek"] = np.where(np.arange(N) < N // 2, 1.0, 0.0)
    return frame


def test_witte_vlek_is_one_minus_volledigheid():
    objects = gpd.GeoDataFrame({
        "id": ["a", "b", "c"], "thema": "vakantieparken", "gemeentecode": "GM0983",
        "score": [0.5, 0.5, np.nan], "klasse": [3, 3, 0], "volledigheid": [1.0, 0.25, np.nan]},
        geometry=[Point(200_000 + i * 100, 370_000) for i in range(3)], crs=28992)
    frame = prepare_candidates(objects, CONFIG)
    assert_allclose(frame["witte_vlek"], [0.0, 0.75, 1.0])


def test_exploration_prefers_white_spots_at_the_documented_rate():
    plan = plan_controls(candidates(), CONFIG, datum=dt.date(2026, 1, 5), seed=1)
    picks = plan.picks
    assert (picks["soort_keuze"] == "exploratie").all() and len(picks) == M
    u, g = CONFIG.exploratie_uniform, CONFIG.witte_vlek_gewicht
    informed = np.array([1 + g, 1.0]) / ((N // 2) * (1 + g) + (N // 2) * 1.0)
    expected = M * ((1 - u) * informed + u / N)  # [white spot, fully known]
    white = picks["object_id"].map(lambda o: int(o[1:]) < N // 2)
    assert_allclose(picks.loc[white, "selectiekans"], expected[0])
    assert_allclose(picks.loc[~white, "selectiekans"], expected[1])
    assert expected[0] / expected[1] == pytest.approx(1.6087, abs=1e-4)


def test_drawn_share_of_white_spots_matches_the_probabilities():
    frame = candidates()
    drawn = []
    for seed in range(150):
        picks = plan_controls(frame, CONFIG, datum=dt.date(2026, 1, 5), seed=seed).picks
        drawn.append((picks["object_id"].map(lambda o: int(o[1:])) < N // 2).mean())
    u, g = CONFIG.exploratie_uniform, CONFIG.witte_vlek_gewicht
    share = ((1 - u) * (1 + g) / (2 + g) + u / 2)  # expected share of white-spot picks
    assert share == pytest.approx(0.6167, abs=1e-4)
    assert np.mean(drawn) == pytest.approx(share, abs=0.05)
