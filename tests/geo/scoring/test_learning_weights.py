"""Sample weights in the learner (the hand-off from selection-corrected control outcomes)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from geo.errors import InvalidRequestError
from geo.scoring.learning import PoissonRiskLearner


def _data(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 2))
    y = rng.poisson(np.exp(-1.0 + 1.5 * X[:, 0] - 0.8 * X[:, 1]))
    groups = np.arange(n) // 100
    return X, y, groups


def test_weight_two_equals_duplicating_the_rows():
    X, y, groups = _data()
    weights = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    twice = np.flatnonzero(weights == 2.0)
    X_dup = np.vstack([X, X[twice]])
    y_dup = np.concatenate([y, y[twice]])
    groups_dup = np.concatenate([groups, groups[twice]])

    kwargs = dict(alphas=(1e-3,), n_bootstrap=0, random_state=0)
    weighted = PoissonRiskLearner(**kwargs).fit(X, y, groups, sample_weight=weights)
    duplicated = PoissonRiskLearner(**kwargs).fit(X_dup, y_dup, groups_dup)
    assert_allclose(weighted.coef_, duplicated.coef_, rtol=1e-6)
    assert_allclose(weighted.intercept_, duplicated.intercept_, rtol=1e-6)


def test_weights_change_the_fit_and_are_used_in_the_bootstrap():
    X, y, groups = _data(seed=1)
    rng = np.random.default_rng(2)
    weights = rng.uniform(0.2, 5.0, size=len(y))
    plain = PoissonRiskLearner(alphas=(1e-3,), n_bootstrap=5, random_state=0).fit(X, y, groups)
    weighted = PoissonRiskLearner(alphas=(1e-3,), n_bootstrap=5, random_state=0).fit(
        X, y, groups, sample_weight=weights)
    assert not np.allclose(plain.coef_, weighted.coef_)
    assert np.sign(weighted.coef_).tolist() == [1.0, -1.0]
    assert np.all(np.isfinite(weighted.relative_risk_["ondergrens"]))


@pytest.mark.parametrize("bad", [np.full(5, 1.0), -np.ones(3000), np.full(3000, np.nan),
                                 np.zeros(3000)])
def test_invalid_weights_get_a_dutch_error(bad):
    X, y, groups = _data()
    with pytest.raises(InvalidRequestError, match="sample_weight"):
        PoissonRiskLearner(n_bootstrap=0).fit(X, y, groups, sample_weight=bad)
