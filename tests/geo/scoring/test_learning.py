"""Learned weights: the Poisson learner recovers known coefficients on synthetic data."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.ndimage import gaussian_filter

from geo.errors import InvalidRequestError, NotFittedError
from geo.scoring.learning import (
    PoissonRiskLearner,
    aggregate_cells,
    spatial_blocks,
    stack_features,
)

TRUE_BETA = np.array([1.5, 0.6, -0.8, 0.0])


@pytest.fixture(scope="module")
def synthetic():
    """Smooth indicator surfaces on a 100 × 100 grid, counts from a known Poisson intensity."""
    rng = np.random.default_rng(7)
    shape = (100, 100)
    layers = []
    for _ in TRUE_BETA:
        field = gaussian_filter(rng.normal(size=shape), 4)
        layers.append((field - field.min()) / (field.max() - field.min()))
    features = np.stack(layers)
    X = features.reshape(len(TRUE_BETA), -1).T
    mu = np.exp(-2.0 + X @ TRUE_BETA)
    y = rng.poisson(mu)
    groups = spatial_blocks(shape, 20).ravel()
    return X, y, groups


def test_recovers_signs_order_and_values(synthetic):
    X, y, groups = synthetic
    learner = PoissonRiskLearner(n_bootstrap=20, delta="sd", random_state=0)
    assert learner.fit(X, y, groups, feature_names=["a", "b", "c", "ruis"]) is learner
    assert np.sign(learner.coef_[:3]).tolist() == [1, 1, -1]
    assert np.argsort(-learner.coef_).tolist() == [0, 1, 3, 2]
    assert_allclose(learner.coef_, TRUE_BETA, atol=0.35)
    rr = learner.relative_risk_.set_index("indicator")
    # the table is estimated at the grid's smallest α (the map at the CV α)
    assert learner.table_alpha_ == min(learner.alphas_)
    assert_allclose(rr["beta"], learner.coef_, atol=0.05)
    assert_allclose(rr["relatief_risico"], np.exp(rr["beta"] * X.std(axis=0)))
    true_rr = np.exp(TRUE_BETA * X.std(axis=0))
    assert ((rr["ondergrens"] <= true_rr) & (true_rr <= rr["bovengrens"])).sum() >= 3
    assert rr.loc["a", "ondergrens"] > 1 > rr.loc["c", "bovengrens"]
    assert 0 < learner.cv_score_ < 1
    assert learner.alpha_ in learner.alphas_ and min(learner.alphas_) <= 1e-8
    assert learner.n_incidents_ == int(y.sum())
    ranged = PoissonRiskLearner(alphas=(learner.alpha_,), n_bootstrap=0, delta="bereik",
                                random_state=0).fit(X, y, groups)
    span = X.max(axis=0) - X.min(axis=0)
    assert_allclose(ranged.relative_risk_["relatief_risico"], np.exp(ranged.coef_ * span))


def test_same_random_state_same_result(synthetic):
    X, y, groups = synthetic
    a = PoissonRiskLearner(alphas=(1e-3,), n_splits=2, n_bootstrap=5, random_state=3).fit(
        X, y, groups)
    b = PoissonRiskLearner(alphas=(1e-3,), n_splits=2, n_bootstrap=5, random_state=3).fit(
        X, y, groups)
    assert_allclose(a.relative_risk_[["ondergrens", "bovengrens"]],
                    b.relative_risk_[["ondergrens", "bovengrens"]])


def test_strong_penalty_loses_in_spatial_cv(synthetic):
    X, y, groups = synthetic
    learner = PoissonRiskLearner(alphas=(1e-4, 100.0), n_bootstrap=0, random_state=0).fit(
        X, y, groups)
    assert learner.alpha_ == 1e-4
    assert learner.cv_scores_["0.0001"] > learner.cv_scores_["100"]


@pytest.mark.slow
def test_boosting_option_predicts_counts(synthetic):
    X, y, groups = (part[:5000] for part in synthetic)  # top half of the grid
    learner = PoissonRiskLearner(method="boosting", alphas=(1e-3,), n_splits=2, n_bootstrap=0,
                                 random_state=0).fit(
        X, y, groups)
    pred = learner.predict(X)
    assert pred.shape == y.shape and (pred > 0).all()
    assert np.corrcoef(pred, np.exp(X @ TRUE_BETA))[0, 1] > 0.6
    assert "boosting" in learner.cv_scores_


def test_unfitted_and_bad_input():
    with pytest.raises(NotFittedError, match="niet getraind"):
        PoissonRiskLearner().predict(np.zeros((2, 2)))
    with pytest.raises(InvalidRequestError, match="Geen incidenten"):
        PoissonRiskLearner().fit(np.zeros((4, 1)), np.zeros(4), np.arange(4))
    with pytest.raises(InvalidRequestError, match="leermethode"):
        PoissonRiskLearner(method="bos").fit(np.zeros((4, 1)), np.ones(4), np.arange(4))
    with pytest.raises(InvalidRequestError, match="2 blokken"):
        PoissonRiskLearner().fit(np.zeros((4, 1)), np.ones(4), np.zeros(4))


def test_aggregate_cells_by_hand():
    features = np.arange(16, dtype=float).reshape(1, 4, 4)
    counts = np.ones((4, 4))
    mask = np.ones((4, 4), bool)
    mask[0, 0] = False
    feats, cnt, msk, shape = aggregate_cells(features, counts, mask, 2)
    assert shape == (2, 2)
    assert_allclose(feats[0], [[(1 + 4 + 5) / 3, 4.5], [10.5, 12.5]])
    assert_allclose(cnt, [[4, 4], [4, 4]])
    assert msk.all()


def test_stack_features_names_and_zero_outside():
    class Info:
        def __init__(self, name):
            self.name = name

    class Theme:
        indicators = [Info("leegstand"), Info("snelweg"), Info("keurmerk")]
        indicators[2].direction = "negatief"
        norm = np.stack([np.full((2, 2), 0.5), np.full((2, 2), np.nan),
                         np.array([[1.0, 1.0], [0.0, 1.0]])])

    mask = np.array([[True, False], [True, True]])
    stack, names = stack_features({"bedrijventerreinen": Theme()}, mask)
    assert names == ["bedrijventerreinen:leegstand", "bedrijventerreinen:snelweg",
                     "bedrijventerreinen:keurmerk"]
    assert_allclose(stack[0], [[0.5, 0], [0.5, 0.5]])
    assert_allclose(stack[1], 0)
    assert_allclose(stack[2], [[0, 0], [1, 0]])  # negatief: 1 - norm
