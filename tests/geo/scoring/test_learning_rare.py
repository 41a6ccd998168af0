"""Rare events: a data-scaled α grid, ties to less shrinkage and an honest no-skill verdict.

Synthetic worlds (labelled synthetic): smooth indicator surfaces on a 120 × 120 grid and
counts drawn from a known Poisson intensity with a mean of ~0.01 incidents per cell, as in
a gemeente at 50 m over three years.
"""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from geo.export.verantwoording import Voorspelkracht
from geo.scoring.learning import PoissonRiskLearner, spatial_blocks
from geo.scoring.penalty import NO_SKILL_WARNING, alpha_grid, null_deviance_per_cell

SHAPE = (120, 120)
OLD_GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def _features(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(3):
        field = gaussian_filter(rng.normal(size=SHAPE), 5)
        layers.append((field - field.min()) / (field.max() - field.min()))
    return np.stack(layers).reshape(3, -1).T


@pytest.fixture(scope="module")
def worlds():
    X = _features(1)
    groups = spatial_blocks(SHAPE, 20).ravel()
    rng = np.random.default_rng(11)
    flat = rng.poisson(np.full(len(X), 0.01))
    strong = rng.poisson(np.exp(-6.5 + 5.0 * X[:, 0]))
    return X, groups, flat, strong


def test_alpha_grid_scales_with_the_data_and_reaches_far_below_the_old_grid():
    rare = np.r_[np.zeros(9_990), np.ones(10)]
    dense = np.random.default_rng(0).poisson(3.0, 10_000)
    assert null_deviance_per_cell(rare) < null_deviance_per_cell(dense) / 50
    for y in (rare, dense):
        grid = alpha_grid(y)
        assert min(grid) <= 1e-8  # ≥ 4 decades below the old 1e-4
        assert max(grid) / null_deviance_per_cell(y) == pytest.approx(10.0)
    assert max(alpha_grid(rare)) < max(alpha_grid(dense))


def test_no_signal_world_warns_and_flags_every_relative_risk(worlds):
    X, groups, flat, _ = worlds
    learner = PoissonRiskLearner(n_bootstrap=10, random_state=0).fit(
        X, flat, groups, ["a", "b", "c"])
    assert learner.cv_score_ - learner.cv_score_se_ <= 0
    assert learner.no_skill_
    assert learner.relative_risk_["geen_voorspelkracht"].all()
    skill = learner.voorspelkracht()
    assert skill["waarschuwing"] == NO_SKILL_WARNING == \
        "het model voorspelt niet beter dan een vlakke kaart"
    assert learner.verantwoording()["voorspelkracht"]["geen_voorspelkracht"] is True
    assert Voorspelkracht(**skill).geen_voorspelkracht  # the typed kaartverantwoording field


def test_strong_signal_world_picks_a_small_alpha_and_recovers_the_effect(worlds):
    X, groups, _, strong = worlds
    assert 150 < strong.sum() < 400  # rare: < 0.03 incidents per cell
    learner = PoissonRiskLearner(n_bootstrap=20, delta="bereik", random_state=0).fit(
        X, strong, groups, ["a", "b", "c"])
    old = PoissonRiskLearner(alphas=OLD_GRID, n_bootstrap=0, random_state=0).fit(
        X, strong, groups, ["a", "b", "c"])
    assert learner.alpha_ < 1e-4  # below anything the old grid offered
    assert not learner.no_skill_
    assert learner.voorspelkracht()["waarschuwing"] is None
    rr = learner.relative_risk_.set_index("indicator")
    true_rr = np.exp(5.0 * rr.loc["a", "delta"])
    assert rr.loc["a", "ondergrens"] <= true_rr <= rr.loc["a", "bovengrens"]
    assert abs(learner.coef_[0] - 5.0) < 1.0  # true β = 5
    assert learner.coef_[0] > old.coef_[0] + 0.5  # the old grid shrank it (3.45 here)
    assert rr.loc["a", "stap"] == "laagste → hoogste waarde"


def test_ties_go_to_less_shrinkage():
    X = np.zeros((400, 1))  # a constant feature: every α scores the same
    y = np.random.default_rng(0).poisson(0.5, 400)
    groups = np.arange(400) // 40
    learner = PoissonRiskLearner(alphas=(1.0, 1e-6, 1e-3), n_bootstrap=0,
                                 random_state=0).fit(X, y, groups)
    assert learner.alpha_ == 1e-6


def test_binary_feature_steps_from_zero_to_one():
    rng = np.random.default_rng(3)
    X = np.c_[rng.integers(0, 2, 4000), rng.uniform(0.2, 0.6, 4000)]
    y = rng.poisson(np.exp(-2 + 1.0 * X[:, 0]))
    learner = PoissonRiskLearner(n_bootstrap=0, delta="bereik", random_state=0).fit(
        X, y, np.arange(4000) // 200, ["domein", "x"])
    rr = learner.relative_risk_.set_index("indicator")
    assert rr.loc["domein", "stap"] == "0 → 1" and rr.loc["domein", "delta"] == 1.0
    assert rr.loc["x", "delta"] == pytest.approx(X[:, 1].max() - X[:, 1].min())
    assert rr.loc["domein", "relatief_risico"] == pytest.approx(np.exp(1.0), rel=0.15)


def test_feature_without_variation_says_so():
    rng = np.random.default_rng(4)
    X = np.c_[np.zeros(2000), rng.uniform(size=2000)]
    y = rng.poisson(np.exp(-1 + X[:, 1]))
    learner = PoissonRiskLearner(n_bootstrap=0, random_state=0).fit(
        X, y, np.arange(2000) // 100, ["leeg", "x"])
    row = learner.relative_risk_.set_index("indicator").loc["leeg"]
    assert row["stap"] == "geen variatie" and row["delta"] == 0 and row["relatief_risico"] == 1


def test_continuous_risk_steps_by_the_interquartile_range_by_default():
    rng = np.random.default_rng(5)
    X = np.c_[rng.uniform(size=4000), np.r_[np.zeros(3600), rng.uniform(0.5, 1, 400)]]
    y = rng.poisson(np.exp(-2 + 1.5 * X[:, 0]))
    learner = PoissonRiskLearner(n_bootstrap=0, random_state=0).fit(
        X, y, np.arange(4000) // 200, ["x", "nabij"])
    rr = learner.relative_risk_.set_index("indicator")
    q25, q75 = np.percentile(X[:, 0], [25, 75])
    assert rr.loc["x", "delta"] == pytest.approx(q75 - q25)
    assert rr.loc["x", "stap"] == (f"interkwartielafstand: {q25:.2f} → {q75:.2f}"
                                   .replace(".", ","))
    assert rr.loc["x", "relatief_risico"] == pytest.approx(
        np.exp(rr.loc["x", "beta"] * (q75 - q25)))
    # 90 % zeros: the interquartile range is 0, so the whole range, said so
    assert rr.loc["nabij", "delta"] == pytest.approx(X[:, 1].max())
    assert rr.loc["nabij", "stap"] == "laagste → hoogste waarde (interkwartielafstand 0)"
