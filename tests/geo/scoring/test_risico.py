"""Risicokaart: weights, windows, classes, k-anonymity and config errors."""

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from shapely.geometry import Point, box

from geo.errors import ConfigError, InvalidRequestError, SchemaError
from geo.scoring.grid import Grid
from geo.scoring.risico import (
    RisicoConfig,
    class_breaks,
    classify,
    compute_risico,
    count_nearby,
    incident_weights,
    load_risico_config,
)


def _incidents(rows):
    return gpd.GeoDataFrame(
        {"id": [f"i{i}" for i in range(len(rows))],
         "datum": pd.to_datetime([r[2] for r in rows]),
         "soort": [r[3] for r in rows], "bron": "politie", "vertrouwelijk": True},
        geometry=[Point(r[0], r[1]) for r in rows], crs="EPSG:28992",
    )


def test_default_config_file_is_valid():
    config = load_risico_config()
    assert config.k_anonimiteit == 3
    assert config.gewichten["drugslab"] > config.gewichten["melding"]


def test_weights_soort_half_life_and_window():
    config = RisicoConfig(gewichten={"drugslab": 3.0, "melding": 1.0},
                          tijdvenster_dagen=400, halveringstijd_dagen=100)
    inc = _incidents([(0, 0, "2024-01-01", "drugslab"), (0, 0, "2023-12-02", "drugslab"),
                      (0, 0, "2023-09-23", "melding"), (0, 0, "2022-01-01", "melding"),
                      (0, 0, "2024-02-01", "melding"), (0, 0, "2024-01-01", "overig")])
    w = incident_weights(inc, config, date(2024, 1, 1))
    # 0 days, 30 days (3 · 0.5^0.3), 100 days (1 · 0.5), outside window, future, unweighted soort
    assert_allclose(w, [3.0, 3.0 * 0.5**0.3, 0.5, 0.0, 0.0, 0.0])


def test_no_half_life_means_no_decay():
    config = RisicoConfig(halveringstijd_dagen=None, gewichten={"melding": 2.0})
    inc = _incidents([(0, 0, "2020-01-01", "melding"), (0, 0, "2022-06-01", "melding")])
    assert_allclose(incident_weights(inc, config, date(2022, 6, 1)), [2.0, 2.0])


def test_classify_and_breaks_by_hand():
    values = np.arange(1, 101, dtype=float)
    breaks = class_breaks(values, [50, 75, 90, 97.5])
    assert_allclose(breaks, np.percentile(values, [50, 75, 90, 97.5]))
    klasse = classify(values, breaks)
    assert (np.bincount(klasse)[1:] == [50, 25, 15, 7, 3]).all()  # breaks 50.5, 75.25, 90.1, 97.525


def test_count_nearby_by_hand():
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    nearby = count_nearby(np.array([55.0, 55, 15]), np.array([55.0, 45, 15]), grid, 10.0)
    assert nearby[4, 5] == 2 and nearby[5, 5] == 2 and nearby[3, 5] == 1
    assert nearby[8, 1] == 1 and nearby[0, 0] == 0


@pytest.fixture
def area():
    grid = Grid.from_bounds((0, 0, 4000, 4000), 50)
    mask = grid.mask(box(0, 0, 4000, 4000).buffer(-100))
    return grid, mask


def test_risicokaart_concentration_is_hot_and_isolated_incident_is_suppressed(area):
    grid, mask = area
    rng = np.random.default_rng(1)
    cluster = [(1000 + dx, 3000 + dy, "2024-03-01", "drugslab")
               for dx, dy in rng.normal(0, 80, (12, 2))]
    lonely = [(3000, 1000, "2024-03-01", "drugslab")]
    config = RisicoConfig(bandbreedte_m=200, gistar_afstand_m=150, buurt_m=400,
                          gewichten={"drugslab": 1.0})
    result = compute_risico(_incidents(cluster + lonely), grid, mask, config)
    r, c = grid.rowcol(np.array([1000.0]), np.array([3000.0]))
    assert result.klasse[r[0], c[0]] == 5
    assert result.z[r[0], c[0]] > 2.576
    r2, c2 = grid.rowcol(np.array([3000.0]), np.array([1000.0]))
    assert result.density[r2[0], c2[0]] == 0.0  # 1 incident < k = 3: not on the map
    assert result.klasse[r2[0], c2[0]] == 1
    assert result.suppressed_cells > 0
    assert np.isnan(result.density[~mask]).all() and (result.klasse[~mask] == 0).all()
    assert result.used == {"drugslab": 15, "totaal": 15}  # 13, rounded to a multiple of 5
    unsuppressed = compute_risico(_incidents(cluster + lonely), grid, mask, config,
                                  suppress=False)
    assert unsuppressed.density[r2[0], c2[0]] > 0


def test_small_counts_published_rounded(area):
    grid, mask = area
    inc = _incidents([(2000, 2000, "2024-01-01", "melding"),
                      (2050, 2000, "2024-01-01", "drugslab")])
    result = compute_risico(inc, grid, mask, RisicoConfig(bandbreedte_m=200))
    assert result.used == {"melding": 0, "drugslab": 0, "totaal": 0}
    assert result.verantwoording()["incidenten"]["totaal"] == 0
    assert "0 betekent 0 tot en met 4" in result.verantwoording()["aantallen"]


def test_bandwidth_below_two_cells_refused(area):
    grid, mask = area
    with pytest.raises(InvalidRequestError, match="te klein voor celgrootte"):
        compute_risico(_incidents([]), grid, mask, RisicoConfig(bandbreedte_m=60))


def test_non_point_incidents_refused(area):
    grid, mask = area
    inc = _incidents([(10, 10, "2024-01-01", "melding")])
    inc.loc[0, "geometry"] = box(0, 0, 5, 5)
    with pytest.raises(SchemaError, match="punten"):
        compute_risico(inc, grid, mask, RisicoConfig(bandbreedte_m=200))


def test_bad_config_names_file_and_key(tmp_path):
    path = tmp_path / "risico.yaml"
    path.write_text("bandbreedte_m: 300\ngewichten:\n  moord: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="gewichten|moord") as info:
        load_risico_config(path)
    assert str(path) in info.value.message
    path.write_text("bandbreedte_m: -5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bandbreedte_m"):
        load_risico_config(path)
