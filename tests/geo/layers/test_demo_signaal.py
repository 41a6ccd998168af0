"""The demo's known signal: incidents follow the indicators, and a model beats the past.

These tests fit simple, standard models on the demo (a Poisson GLM per theme, a Gaussian
KDE) to show the signal the risicokaart and learned weights must find is really there.
"""

import numpy as np
import pandas as pd
import pytest
import shapely
from numpy.testing import assert_allclose
from scipy.ndimage import gaussian_filter
from scipy.stats import chi2, spearmanr
from sklearn.linear_model import PoissonRegressor

from geo.layers.demo import TRUE_COEFFICIENTS, compute_features, generate_demo
from geo.layers.demo._common import points_in
from geo.layers.demo.signaal import EXPECTED_PER_YEAR, exposure, intensity

THEMES = ("bedrijventerreinen", "buitengebied", "vakantieparken", "havens")
CELL = 250.0


@pytest.fixture(scope="module")
def layers():
    return generate_demo(seed=1)


def _features(layers, kind):
    frame = layers[kind]
    features = compute_features(kind, frame, wegen=layers["wegen"], kernen=layers["kernen"],
                                landsgrens=layers["landsgrens"])
    return features[list(TRUE_COEFFICIENTS[kind])], exposure(kind, frame)


def _counts(layers, kind, years):
    """Incidents per object: inside a polygon, or within 101 m of a point object."""
    frame = layers[kind]
    incidents = layers["incidenten"]
    incidents = incidents.loc[incidents["datum"].dt.year.isin(years)].geometry.values
    tree = shapely.STRtree(frame.geometry.values)
    if frame.geom_type.iloc[0] == "Point":
        pairs = tree.query_nearest(incidents, max_distance=101.0, all_matches=False)
    else:
        pairs = tree.query(incidents, predicate="within")
    return np.bincount(pairs[1], minlength=len(frame))


def _fit(features, exposures, counts, years):
    """Poisson GLM with log(exposure) offset, via rate = counts/exposure and weights."""
    model = PoissonRegressor(alpha=1e-8, solver="newton-cholesky", max_iter=200, tol=1e-10)
    return model.fit(features.to_numpy(), counts / exposures / years,
                     sample_weight=exposures * years)


def _deviance(y, mu):
    mu = np.maximum(mu, 1e-12)
    ratio = np.where(y > 0, y / mu, 1.0)
    return 2.0 * float(np.sum(np.where(y > 0, y * np.log(ratio), 0.0) - (y - mu)))


def test_intensity_calibrated_to_expected_totals():
    features = pd.DataFrame({"airstrip": [1.0, 0.0], "geen_nachtregister": [0.0, 1.0],
                             "geen_toezicht_24_7": [0.0, 0.0], "jachthaven": [0.0, 0.0]})
    rate, intercept = intensity("havens", features, np.ones(2))
    # relative rates e^1.0 : e^0.7, scaled to 20 per year
    assert_allclose(rate.sum(), EXPECTED_PER_YEAR["havens"])
    assert_allclose(rate[0] / rate[1], np.exp(1.0 - 0.7))
    assert_allclose(intercept, np.log(20.0 / (np.exp(1.0) + np.exp(0.7))))


def test_exit_feature_decays_linearly_to_two_km():
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"keurmerk_kvo": [True, False], "cameratoezicht": [True, True],
         "verzamelgebouwen": [0, 3], "leegstand_pct": [10.0, 0.0], "woonfunctie_pct": [0.0, 50.0]},
        geometry=[shapely.Point(500, 0).buffer(1), shapely.Point(3000, 0).buffer(1)],
        crs="EPSG:28992")
    wegen = gpd.GeoDataFrame({"soort": ["afrit", "snelweg"]},
                             geometry=[shapely.LineString([(-300, 0), (0, 0)]),
                                       shapely.LineString([(2900, -500), (2900, 500)])],
                             crs="EPSG:28992")
    features = compute_features("bedrijventerreinen", frame, wegen=wegen)
    # 499 m from the afrit (the snelweg 99 m away does not count)
    assert_allclose(features["nabij_afrit"], [1 - 499 / 2000, 0.0], atol=1e-3)
    assert_allclose(features["geen_keurmerk_kvo"], [0.0, 1.0])
    assert_allclose(features["verzamelgebouwen_log1p"], [0.0, np.log(4.0)])
    assert_allclose(features["leegstand_pct_per_10"], [1.0, 0.0])
    assert_allclose(features["woonfunctie_pct_per_10"], [0.0, 5.0])


def test_most_incidents_belong_to_theme_objects(layers):
    matched = sum(_counts(layers, kind, [2023, 2024, 2025]).sum() for kind in THEMES)
    total = len(layers["incidenten"])
    expected = sum(v for k, v in EXPECTED_PER_YEAR.items() if k != "achtergrond")
    assert_allclose(matched / total, expected / sum(EXPECTED_PER_YEAR.values()), atol=0.05)


@pytest.mark.parametrize("kind", ["bedrijventerreinen", "buitengebied", "vakantieparken"])
def test_glm_recovers_signs_and_order(layers, kind):
    features, exposures = _features(layers, kind)
    counts = _counts(layers, kind, [2023, 2024, 2025])
    fitted = _fit(features, exposures, counts, 3).coef_
    true = np.array(list(TRUE_COEFFICIENTS[kind].values()))
    strong = np.abs(true) >= 0.3
    assert (np.sign(fitted[strong]) == np.sign(true[strong])).all(), dict(
        zip(features.columns, fitted, strict=True))
    assert spearmanr(fitted, true).statistic > 0.6
    assert_allclose(fitted, true, atol=0.45)


@pytest.mark.parametrize(("kind", "feature"), [
    ("bedrijventerreinen", "leegstand_pct_per_10"),
    ("bedrijventerreinen", "nabij_afrit"),
    ("buitengebied", "leegstaand"),
    ("buitengebied", "nabij_grens"),
    ("vakantieparken", "niet_vitaal"),
])
def test_indicator_is_significant(layers, kind, feature):
    """Likelihood-ratio test: dropping the indicator makes the Poisson fit clearly worse."""
    features, exposures = _features(layers, kind)
    counts = _counts(layers, kind, [2023, 2024, 2025])
    full = _fit(features, exposures, counts, 3)
    reduced_features = features.drop(columns=[feature])
    reduced = _fit(reduced_features, exposures, counts, 3)
    mu_full = full.predict(features.to_numpy()) * exposures * 3
    mu_reduced = reduced.predict(reduced_features.to_numpy()) * exposures * 3
    statistic = _deviance(counts, mu_reduced) - _deviance(counts, mu_full)
    assert chi2.sf(statistic, df=1) < 0.01
    assert full.coef_[list(features.columns).index(feature)] > 0


def _raster(layers, points, weights=None):
    x0, y0, x1, y1 = layers["gemeenten"].total_bounds
    nx, ny = int((x1 - x0) // CELL) + 1, int((y1 - y0) // CELL) + 1
    ix = ((points[:, 0] - x0) // CELL).astype(int)
    iy = ((points[:, 1] - y0) // CELL).astype(int)
    counts = np.bincount(iy * nx + ix, weights=weights, minlength=nx * ny)
    return counts.reshape(ny, nx).astype(float)


def _loglik(observed, predicted):
    predicted = predicted / predicted.sum() * observed.sum()
    return float(np.sum(observed * np.log(np.maximum(predicted, 1e-12)) - predicted))


def test_indicator_model_beats_past_incident_kde(layers):
    """Fitted on 2023-2024, the indicator model predicts 2025 better than any KDE of 2023-2024.

    The model map spreads each object's fitted intensity over the object (250 m cells,
    smoothed by one cell for the point jitter) plus a KDE of the training incidents that
    belong to no object (the background); it is compared with plain KDEs (σ 250-1000 m).
    """
    incidents = layers["incidenten"]
    train = incidents.loc[incidents["datum"].dt.year < 2025]
    test = incidents.loc[incidents["datum"].dt.year == 2025]
    observed = _raster(layers, shapely.get_coordinates(test.geometry.values))
    past = _raster(layers, shapely.get_coordinates(train.geometry.values))
    rng = np.random.default_rng(0)
    objects = np.zeros_like(past)
    for kind in THEMES:
        features, exposures = _features(layers, kind)
        counts = _counts(layers, kind, [2023, 2024])
        rate = _fit(features, exposures, counts, 2).predict(features.to_numpy()) * exposures
        for geom, value in zip(layers[kind].geometry.values, rate, strict=True):
            xy = (shapely.get_coordinates(geom) if geom.geom_type == "Point"
                  else points_in(geom, 25, rng))
            objects += _raster(layers, xy, np.full(len(xy), value / len(xy)))
    matched = sum(_counts(layers, kind, [2023, 2024]).sum() for kind in THEMES)
    background = gaussian_filter(past, 4.0) * (len(train) - matched) / len(train)
    model = gaussian_filter(objects, 1.0) + background / 2 + 1e-4
    model_score = _loglik(observed, model)
    for sigma_cells in (1.0, 2.0, 4.0):
        kde = gaussian_filter(past, sigma_cells) + 1e-4
        assert model_score > _loglik(observed, kde) + 100.0, sigma_cells


def test_docstring_lists_the_true_coefficients():
    from geo.layers.demo import signaal

    for coefficients in TRUE_COEFFICIENTS.values():
        for name, value in coefficients.items():
            assert f"{name} {value:g}" in " ".join(signaal.__doc__.split()), name
