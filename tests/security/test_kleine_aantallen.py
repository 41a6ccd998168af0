"""Issue 11 item 3: no published number lets anyone derive an incident count below k.

Failure reproduced: the risico kaartverantwoording published
``{"melding": 12, "hennepkwekerij": 9, "bevinding_controle": 5, "dumping": 4, "overig": 3,
"drugslab": "<3", "totaal": 34}``, so drugslab = 34 - 33 = 1.

Two audits of a publication (synthetic counts throughout):

- arithmetic: every sum and difference (coefficients -1, 0, +1) of the published numbers,
  compared with every true count between 1 and k - 1;
- an attacker who knows the algorithm: every table in the range the rounding allows is
  rounded again, and the ones that give the same publication are the tables consistent
  with it; a small cell must keep at least two possible values.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo.export.tabular import read_safe_csv
from geo.scoring.grid import Grid
from geo.scoring.risico import RisicoConfig, compute_risico
from geo.scoring.suppression import publish_counts, round_count, rounding_base

K = 3
EXAMPLE = {"melding": 12, "hennepkwekerij": 9, "bevinding_controle": 5, "dumping": 4,
           "overig": 3, "drugslab": 1, "totaal": 34}


def numbers(published: dict) -> list[int]:
    """The published values that are numbers (a text such as '<3' is not a number)."""
    return [v for v in published.values() if isinstance(v, int | np.integer)]


def derived_small_values(published: dict, true: dict, k: int = K) -> set[int]:
    """True counts in 1..k-1 that some sum/difference of published numbers equals."""
    small = {v for key, v in true.items() if 0 < v < k and published.get(key) != v}
    values = numbers(published)
    hits = set()
    for signs in itertools.product((-1, 0, 1), repeat=len(values)):
        total = sum(s * v for s, v in zip(signs, values, strict=True))
        if total in small:
            hits.add(total)
    return hits


def published_below_k(published: dict, k: int = K) -> list:
    return [v for v in numbers(published) if 0 < v < k]


def test_old_example_drugslab_is_not_derivable():
    published = publish_counts(EXAMPLE, K)
    assert derived_small_values(published, EXAMPLE) == set()
    assert published_below_k(published) == []
    cells = {key: v for key, v in published.items() if key != "totaal"}
    assert sum(cells.values()) == published["totaal"]  # margins stay consistent
    assert published == {"melding": 10, "hennepkwekerij": 10, "bevinding_controle": 5,
                         "dumping": 5, "overig": 5, "drugslab": 0, "totaal": 35}


def test_the_old_publication_fails_the_audit():
    """The audit itself finds the leak of the old '<3' publication."""
    old = {key: ("<3" if 0 < v < K else v) for key, v in EXAMPLE.items()}
    assert derived_small_values(old, EXAMPLE) == {1}


tables = st.dictionaries(
    st.sampled_from(["melding", "hennepkwekerij", "drugslab", "dumping", "overig"]),
    st.integers(0, 40), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(tables, st.integers(0, 6), st.integers(1, 7))
def test_no_sum_or_difference_of_published_numbers_is_a_small_count(cells, extra, k):
    true = {**cells, "totaal": sum(cells.values()) + extra}  # extra: categories not shown
    published = publish_counts(true, k)
    assert published_below_k(published, k) == []
    assert derived_small_values(published, true, k) == set()
    base = rounding_base(k)
    assert all(v % base == 0 for v in numbers(published))
    for key, value in true.items():  # every number stays within one base of the truth
        assert abs(published[key] - value) < base
    assert sum(v for key, v in published.items() if key != "totaal") <= published["totaal"]


def consistent_tables(published: dict[str, int], base: int) -> list[dict[str, int]]:
    """Every table without hidden cells that the rounding maps to ``published``."""
    keys = [key for key in published if key != "totaal"]
    ranges = [range(max(0, published[key] - base + 1), published[key] + base) for key in keys]
    found = []
    for combo in itertools.product(*ranges):
        table = dict(zip(keys, combo, strict=True))
        table["totaal"] = sum(combo)
        if publish_counts(table, base) == published:
            found.append(table)
    return found


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=4))
def test_an_attacker_who_knows_the_algorithm_cannot_pin_a_small_count(values):
    true = {f"c{i}": v for i, v in enumerate(values)}
    true["totaal"] = sum(values)
    published = publish_counts(true, K)
    candidates = consistent_tables(published, rounding_base(K))
    assert true in candidates
    for key, value in true.items():
        if 0 < value < K:
            possible = {table[key] for table in candidates}
            assert len(possible) >= 2, (key, value, published)


def test_single_counts_are_rounded():
    assert [round_count(v, 5) for v in (0, 1, 2, 3, 4, 5, 12, 13)] == [0, 0, 0, 5, 5, 5, 10, 15]
    with pytest.raises(ValueError):
        publish_counts({"melding": 5, "totaal": 3}, K)
    with pytest.raises(ValueError):
        publish_counts({"melding": -1}, K)


def _incidents(counts: dict[str, int]) -> gpd.GeoDataFrame:
    rows = [(soort, i) for soort, n in counts.items() for i in range(n)]
    rng = np.random.default_rng(0)
    xy = rng.uniform(1500, 2500, (len(rows), 2))
    return gpd.GeoDataFrame(
        {"id": [f"i{i}" for i in range(len(rows))], "datum": pd.Timestamp("2024-03-01"),
         "soort": [s for s, _ in rows], "bron": "politie", "vertrouwelijk": True},
        geometry=[Point(x, y) for x, y in xy], crs="EPSG:28992")


def test_risicokaart_verantwoording_publishes_no_derivable_count():
    """The counts of the issue, through compute_risico: the old code leaks drugslab = 1."""
    grid = Grid.from_bounds((0, 0, 4000, 4000), 50)
    mask = grid.mask(box(0, 0, 4000, 4000))
    true = {key: v for key, v in EXAMPLE.items() if key != "totaal"}
    result = compute_risico(_incidents(true), grid, mask, RisicoConfig(bandbreedte_m=200),
                            peildatum=date(2024, 3, 1))
    published = result.verantwoording()["incidenten"]
    assert published_below_k(published) == []
    assert derived_small_values(published, EXAMPLE) == set()


def test_counts_near_overlapping_objects_do_not_difference_to_a_small_count():
    """Two neighbouring objects: 4 and 3 incidents nearby told that 1 lies only near the first."""
    from geo.scoring.gecombineerd import attach_risk

    grid = Grid.from_bounds((0, 0, 1000, 1000), 50)
    objects = gpd.GeoDataFrame({"id": ["a", "b"], "klasse": [3, 3]},
                               geometry=[box(400, 400, 450, 450), box(500, 400, 550, 450)],
                               crs="EPSG:28992")
    points = [Point(470, 420), Point(475, 430), Point(480, 425), Point(320, 425)]
    incidents = gpd.GeoDataFrame(geometry=points, crs="EPSG:28992")
    out = attach_risk(objects, grid, np.ones(grid.shape, "uint8"), "klasse", incidents,
                      k=K, radius=100.0)
    published = {key: int(v) for key, v in zip(out["id"], out["incidenten_nabij"], strict=True)}
    true = {"a": 4, "b": 3, "alleen_a": 1}
    assert published_below_k(published) == []
    assert derived_small_values(published, true) == set()


def test_evaluation_publishes_no_small_count(werkmap):
    """Hit rate × test total gave the exact number of test incidents in the top cells."""
    import importlib.util

    from geo.export.geleerd import build_evaluatie
    from geo.layers import write_layers
    from geo.layers.gemeenten import select_area
    from geo.paths import Werkmap

    path = Path(__file__).resolve().parents[1] / "geo" / "export" / "_risico_helpers.py"
    spec = importlib.util.spec_from_file_location("_risico_helpers_kleine_aantallen", path)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    wm = Werkmap.open(werkmap)
    area = select_area(gemeente="Venlo")
    grid, mask, east = helpers.make_gelegenheid_run(wm, area, 200.0)
    incidents = helpers.incidents_from_intensity(grid, mask, east, per_year=40)
    write_layers(wm.lagen, {"incidenten": incidents}, synthetic=True,
                 description="Synthetische testdata met bekend signaal")
    run = build_evaluatie(wm, area, split=date(2025, 1, 1))
    run_dir, table, info = run.run_dir, run.tables["evaluatie"], run.summary["evaluatie"]
    total = info["incidenten_test"]
    assert total % 5 == 0 and total > 0
    counted = table[table["kaart"] != "uniform"]
    derived = (counted["trefkans"] * total).dropna().to_numpy()
    np.testing.assert_allclose(derived, np.round(derived / 5) * 5, atol=1e-6)
    csv = read_safe_csv(run_dir / "evaluatie.csv")
    np.testing.assert_allclose(csv["trefkans"], table["trefkans"])
    np.testing.assert_allclose(table["pai"], table["trefkans"] / table["dekking"])
