"""Selection-corrected feedback: labels, weights, relearned rates, report, and the
feedback-loop simulation (known true hit probabilities → plans → outcomes → estimates)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from planning_factories import make_candidates
from sklearn.linear_model import PoissonRegressor

from geo.planning.config import PlanningConfig
from geo.planning.feedback import (
    expected_yield,
    fit_hit_rates,
    hit_rate_report,
    is_hit,
    outcome_training_table,
    weighted_hit_rate,
)
from geo.planning.optimise import plan_controls
from geo.planning.run import controls_frame


def _control(object_id, *, datum="2026-01-10", found="geen", executed=True, kans=1.0,
             soort="exploitatie", thema="buitengebied"):
    return {"plan_id": "p1", "datum": dt.date.fromisoformat(datum), "thema": thema,
            "object_id": object_id, "uitgevoerd": executed, "bevindingen": found,
            "vervolg": "geen", "soort_keuze": soort, "selectiekans": kans}


def _objects(ids, klasse=None):
    return pd.DataFrame({"thema": "buitengebied", "id": ids, "score": 0.5,
                         "klasse": klasse or [3] * len(ids),
                         "uitleg": ['[{"indicator": "leegstand", "ruw": 1, '
                                    '"genormaliseerd": 0.75}]'] * len(ids)})


def test_is_hit_reads_finding_codes():
    found = pd.Series(["geen", "hennep", "drugslab;milieu", "", None])
    assert is_hit(found).tolist() == [False, True, True, False, False]


def test_training_table_weights_by_inverse_selection_probability():
    controls = controls_frame([
        _control("A", found="hennep", kans=1.0),
        _control("B", found="geen", kans=0.25, soort="exploratie"),
        _control("C", found="drugslab", executed=False, kans=1.0),  # not executed
        _control("D", found="hennep", kans=None, soort=None),  # outside any plan
    ])
    table = outcome_training_table(controls, _objects(["A", "B", "C", "D", "E"]))
    assert table["object_id"].tolist() == ["A", "B"]
    assert table["label"].tolist() == [1, 0]
    assert_allclose(table["sample_weight"], [1.0, 4.0])
    assert_allclose(table["leegstand"], [0.75, 0.75])
    # never-controlled E (and C, D) are unlabelled: absent, not negatives
    assert not {"C", "D", "E"} & set(table["object_id"])


def test_weighted_hit_rate_hajek_and_kish():
    rate, n_eff = weighted_hit_rate(np.array([1, 0]), np.array([1.0, 3.0]))
    assert_allclose(rate, 0.25)
    assert_allclose(n_eff, 16 / 10)


def test_fit_hit_rates_shrinks_the_weighted_rate_towards_the_prior():
    config = PlanningConfig(kalibratie_sterkte=10.0)
    candidates = pd.DataFrame({"thema": ["buitengebied"] * 2, "klasse": [3, 3],
                               "prior": [0.15, 0.25]})
    training = pd.DataFrame({"thema": ["buitengebied"] * 2, "klasse": [3, 3],
                             "label": [1, 0], "sample_weight": [1.0, 3.0]})
    rates = fit_hit_rates(training, candidates, config)
    # hajek 0.25, n_eff 1.6, prior 0.2: (1.6*0.25 + 10*0.2) / 11.6
    assert_allclose(rates["gecorrigeerd"], [(1.6 * 0.25 + 2.0) / 11.6])
    assert_allclose(rates["factor"], [(1.6 * 0.25 + 2.0) / 11.6 / 0.2])


def test_expected_yield_is_a_beta_binomial_update():
    config = PlanningConfig(prior_sterkte=4.0)
    candidates = pd.DataFrame({"sleutel": ["buitengebied:A", "buitengebied:B"],
                               "thema": "buitengebied", "object_id": ["A", "B"],
                               "klasse": 3, "prior": [0.2, 0.2]})
    controls = controls_frame([_control("A", found="hennep", datum="2026-01-10"),
                               _control("A", found="geen", datum="2026-03-01")])
    frame = expected_yield(candidates, controls, config)
    # A: a = 0.8 + 1, b = 3.2 + 1 -> mean 0.3, sd sqrt(1.8*4.2 / (36*7)); B: prior only
    assert_allclose(frame["verwacht"], [0.3, 0.2])
    assert_allclose(frame["onzekerheid"], [np.sqrt(1.8 * 4.2 / (36 * 7)),
                                           np.sqrt(0.8 * 3.2 / (16 * 5))])
    assert frame["controles"].tolist() == [2, 0]
    assert frame["laatste_controle"].iloc[0] == pd.Timestamp("2026-03-01")
    assert pd.isna(frame["laatste_controle"].iloc[1])


def test_report_separates_exploitation_and_exploration():
    controls = controls_frame([
        _control("A", found="hennep", datum="2026-01-10"),
        _control("B", found="geen", datum="2026-02-10"),
        _control("C", found="drugslab", datum="2026-02-11", kans=0.1, soort="exploratie"),
        _control("D", found="geen", datum="2026-02-12", kans=0.5, soort="exploratie"),
        _control("E", found="geen", datum="2026-05-01"),
    ])
    report = hit_rate_report(controls, periode="kwartaal")
    q1 = report[report["periode"] == "2026Q1"].set_index("soort_keuze")
    assert q1.loc["exploitatie", "uitgevoerd"] == 2
    assert_allclose(q1.loc["exploitatie", "trefkans"], 0.5)
    assert_allclose(q1.loc["exploratie", "trefkans"], 0.5)
    # weighted over all Q1 picks: (1*1 + 0*1 + 1*10 + 0*2) / (1 + 1 + 10 + 2)
    assert_allclose(q1["trefkans_gecorrigeerd"], 11 / 14)
    q2 = report[report["periode"] == "2026Q2"]
    assert q2["trefkans"].tolist() == [0.0]
    assert q2["trefkans_gecorrigeerd"].isna().all()  # no exploration: nothing to correct with


def _simulate(rounds: int, seed: int = 7):
    """Known truth ``p = 0.02 + 0.38·score³``; each round: relearn → plan → simulated outcomes."""
    n = 400
    config = PlanningConfig(aantal=20, exploratie_aandeel=0.5, minimale_afstand_m=0,
                            tijdbudget_uren=1000, uitsluiten_maanden=0,
                            gemeente_max_aandeel=1.0)
    base = make_candidates(n, seed=seed, size_m=5000, config=config)
    truth = 0.02 + 0.38 * base["score01"].to_numpy() ** 3
    objects = base.rename(columns={"object_id": "id"})
    position = pd.Series(np.arange(n), index=base["sleutel"])
    rng = np.random.default_rng(seed)
    records: list[dict] = []
    for r in range(rounds):
        datum = dt.date(2026, 1, 5) + dt.timedelta(weeks=r)
        controls = controls_frame(records)
        rates = fit_hit_rates(outcome_training_table(controls, objects), base, config)
        candidates = expected_yield(base, controls, config, rates)
        picks = plan_controls(candidates, config, datum=datum, seed=r).picks
        found = rng.uniform(size=len(picks)) < truth[position[picks["sleutel"]].to_numpy()]
        records += [_control(row.object_id, thema=row.thema, datum=datum.isoformat(),
                             found="hennep" if hit else "geen", kans=row.selectiekans,
                             soort=row.soort_keuze)
                    for row, hit in zip(picks.itertuples(), found, strict=True)]
    return base, truth, controls_frame(records), objects


def _score_effect(score, label, weight=None) -> float:
    """Poisson-regression coefficient of the score (what a learned model would weigh)."""
    model = PoissonRegressor(alpha=1e-6, max_iter=1000)
    model.fit(np.asarray(score, float)[:, None], label, sample_weight=weight)
    return float(model.coef_[0])


@pytest.mark.slow
def test_selection_corrected_estimate_does_not_inflate_high_score_indicators():
    base, truth, controls, objects = _simulate(rounds=15)
    training = outcome_training_table(controls, objects)
    score = base.set_index("sleutel")["score01"]
    s_controlled = training["sleutel"].map(score).to_numpy()

    # hit rate over all candidates
    true_mean = truth.mean()
    naive_mean = training["label"].mean()  # hit rate among controlled objects
    corrected_mean, _ = weighted_hit_rate(training["label"], training["sample_weight"])
    assert naive_mean > true_mean + 0.04  # the feedback loop inflates the naive estimate
    assert abs(corrected_mean - true_mean) < 0.04
    assert abs(corrected_mean - true_mean) < abs(naive_mean - true_mean)

    # the weight of the score "indicator" in a learned Poisson model
    true_effect = _score_effect(base["score01"], truth)  # fitted on the known truth
    hits = training.groupby("sleutel")["label"].max()
    negatives = base["sleutel"].map(hits).fillna(0).to_numpy()  # uncontrolled = negative
    naive_effect = _score_effect(base["score01"], negatives)
    corrected_effect = _score_effect(s_controlled, training["label"],
                                     training["sample_weight"])
    assert naive_effect > true_effect + 1.0
    assert corrected_effect < naive_effect
    assert abs(corrected_effect - true_effect) < 0.5 * abs(naive_effect - true_effect)


@pytest.mark.slow
def test_one_plan_is_a_design_unbiased_sample_of_all_candidates():
    """Horvitz-Thompson over many seeds: E[Σ p_i / π_i] / N equals the true mean."""
    config = PlanningConfig(aantal=10, exploratie_aandeel=0.5, minimale_afstand_m=0,
                            tijdbudget_uren=1000, gemeente_max_aandeel=1.0)
    base = make_candidates(150, seed=3, size_m=5000, config=config)
    truth = 0.02 + 0.38 * base["score01"].to_numpy() ** 3
    position = pd.Series(np.arange(len(base)), index=base["sleutel"])
    estimates = []
    for seed in range(150):
        picks = plan_controls(base, config, datum=dt.date(2026, 1, 5), seed=seed).picks
        p = truth[position[picks["sleutel"]].to_numpy()]
        estimates.append((p / picks["selectiekans"].to_numpy()).sum() / len(base))
    standard_error = np.std(estimates) / np.sqrt(len(estimates))
    assert abs(np.mean(estimates) - truth.mean()) < 3 * standard_error
    naive = truth[np.argsort(-base["verwacht"].to_numpy())[:5]].mean()
    assert naive > truth.mean() + 0.1  # the exploitation picks alone are far from it


def test_outcomes_change_the_next_plan():
    config = PlanningConfig(aantal=6, exploratie_aandeel=0.0, minimale_afstand_m=0,
                            tijdbudget_uren=100, gemeente_max_aandeel=1.0,
                            uitsluiten_maanden=6)
    base = make_candidates(80, seed=11, config=config)
    first = plan_controls(base, config, datum=dt.date(2026, 3, 2)).picks
    controls = controls_frame([_control(r.object_id, thema=r.thema, datum="2026-03-02")
                               for r in first.itertuples()])
    second = plan_controls(expected_yield(base, controls, config), config,
                           datum=dt.date(2026, 3, 16)).picks
    assert not set(first["sleutel"]) & set(second["sleutel"])  # recently controlled excluded
    # after the exclusion window nothing found lowers their expected yield
    later = expected_yield(base, controls, config)
    later_idx = later.set_index("sleutel").loc[first["sleutel"]]
    before_idx = base.set_index("sleutel").loc[first["sleutel"]]
    assert (later_idx["verwacht"] < before_idx["verwacht"]).all()
