"""Learned spatial influence (issue 13 item 2): the operationalisation chosen by block CV.

Synthetic worlds (labelled synthetic) from :mod:`geo.scoring.simulation`.
"""

import numpy as np
import pytest

from geo.scoring.influence import (
    CANDIDATES,
    DEFAULT,
    MIN_SUPPORT_INCIDENTS,
    Operationalisation,
    candidate_surfaces,
    influence_surface,
    supported_candidates,
)
from geo.scoring.simulation import FactorSpec, WorldSpec, fit_world, generate_world


def test_surfaces_follow_the_indicator_rules():
    src = np.zeros((1, 9), bool)
    src[0, 0] = True
    mask = np.ones((1, 9), bool)
    exp = influence_surface(src, mask, 100.0, Operationalisation("nabijheid-exponentieel", 300))
    np.testing.assert_allclose(exp[0, :5], [1.0, np.exp(-1), np.exp(-2), np.exp(-3), 0.0],
                               rtol=1e-6)
    dens = influence_surface(src, mask, 100.0, Operationalisation("dichtheid", 300))
    assert dens.max() == 1.0 and dens[0, 3] == 0.0 and dens[0, 1] > dens[0, 2] > 0
    assert set(candidate_surfaces(src, mask, 100.0)) == set(CANDIDATES)
    assert CANDIDATES[0] == DEFAULT and len(CANDIDATES) == 15


def test_narrow_candidates_without_expected_incidents_are_not_tried():
    narrow, wide = Operationalisation("nabijheid-lineair", 100), DEFAULT
    values = {narrow: np.r_[np.ones(5), np.zeros(995)],
              wide: np.r_[np.ones(200), np.zeros(800)]}
    y = np.zeros(1000)
    y[:100] = 1  # 100 incidents: the narrow support (0.5 % of cells) expects 0.5 < 10
    kept = supported_candidates({"haven": values}, y)
    assert list(kept["haven"]) == [wide]
    assert 0.005 * 100 < MIN_SUPPORT_INCIDENTS <= 0.2 * 100


@pytest.fixture(scope="module")
def clear_world():
    truth = Operationalisation("nabijheid-lineair", 1000.0)
    spec = WorldSpec("test_invloed", 5, 90, 800.0, (
        FactorSpec("haven", "punten", 2.0, truth, 6),
        FactorSpec("leegstand", "veld", 1.0),
    ))
    return generate_world(spec), truth


def test_the_true_influence_is_chosen_and_reported(clear_world):
    world, truth = clear_world
    learner, chosen, _ = fit_world(world, n_bootstrap=0)
    assert chosen["haven"].vorm.startswith("nabijheid")
    assert chosen["haven"].afstand == truth.afstand
    table = learner.relative_risk_.set_index("indicator")
    assert table.loc["haven", "operationalisatie"] == chosen["haven"].label
    assert table.loc["leegstand", "operationalisatie"] == ""
    assert learner.influence_scores_["haven"][chosen["haven"].label] == max(
        learner.influence_scores_["haven"].values())
