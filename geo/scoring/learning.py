"""Learned weights: a Poisson model of incident counts per cell on the gelegenheid indicators.

The expected number of incidents in cell *i* is modelled as

.. math:: \\mu_i = \\exp(\\beta_0 + \\sum_j \\beta_j x_{ij})

with :math:`x_{ij}` the normalised indicator values (the ``norm`` rasters of the
gelegenheidskaart), fitted by L2-regularised Poisson regression
(:class:`sklearn.linear_model.PoissonRegressor`). The penalty α is chosen by spatial block
cross-validation: cells are grouped into square blocks (``block_m``) and
:class:`~sklearn.model_selection.GroupKFold` keeps every block in one fold, so the score
is not flattered by spatial autocorrelation between neighbouring train and test cells
(Roberts et al. 2017). The score is the out-of-fold D² (fraction of Poisson deviance
explained, :func:`sklearn.metrics.d2_tweedie_score` with power 1), averaged over the folds,
with its standard error (standard deviation over the folds / √folds).

The α grid is scaled to the data (:func:`alpha_grid`): sklearn's objective is the *mean*
deviance plus α/2·‖β‖², so for rare events (a mean count of ~0.004 per cell) a fixed
α = 10⁻⁴ already shrinks everything to a flat map. The grid runs from 10⁻⁷ to 10 times
the null deviance per cell, one value per decade (and always down to ≤ 10⁻⁸). Ties in the
CV score go to the *smaller* α (less shrinkage); no one-standard-error rule is applied,
because with rare events that rule picks the flat map far too often.

When the CV-D² is ≤ 0 or within one standard error of 0 the model predicts no better than
a flat map (:data:`NO_SKILL_WARNING`): :attr:`PoissonRiskLearner.no_skill_` is set, every
relative risk is flagged (column ``geen_voorspelkracht``) and the learned map says so in its
kaartverantwoording (``voorspelkracht``) and the CLI summary.

Per indicator the relative risk :math:`RR_j = \\exp(\\beta_j \\Delta_j)` says how many times
more incidents are expected when the indicator rises by :math:`\\Delta_j`, all else equal:
for a 0/1 feature (such as ``<thema>:domein``) from 0 to 1; for a continuous one by its
interquartile range over the training cells (the default; the whole range when that is 0),
or on request its range or one standard deviation; a feature without variation in the area
gets Δ = 0 (RR 1, "geen variatie"). The step, with its values, is written per row in the
column ``stap`` (:func:`geo.scoring.steps.relative_risk_steps`). This is the risk terrain modelling
reading of a Poisson coefficient (Caplan & Kennedy 2016). Its 95 % interval comes from a
spatial block bootstrap: whole blocks (the same blocks as the cross-validation, not single
cells) are resampled with replacement and the model is refitted; the interval is
exp((β ± 1.96·SE)·Δ) with SE the larger of the bootstrap's standard deviation and the
model-based (Fisher information) standard error. With few blocks the bootstrap alone
underestimates the spread (its percentile intervals covered 82 % in the small simulation);
residual spatial dependence, which the model-based error ignores, widens the bootstrap's.

The relative-risk table (``beta``, the risks and their intervals) is estimated at the
smallest α whose CV-D² lies within one standard error of the best
(:attr:`PoissonRiskLearner.table_alpha_`; a one-standard-error rule towards *less*
shrinkage), the map at the α the cross-validation chose: that α is right for prediction but
shrinks every effect, and a bootstrap around a shrunk estimate misses the true value (in the
simulation study, :mod:`geo.scoring.simulation`, 71 % of the 95 % intervals covered the true
relative risk at the CV α). Going all the way to the smallest α is not safe on real data: a
feature whose cells hold no incident then gets an effect near −∞ and an interval without
meaning.

Optionally ``method="boosting"`` fits a
:class:`~sklearn.ensemble.HistGradientBoostingRegressor` with Poisson loss (non-linear,
interactions); it has no coefficients, so only its CV score and map are reported.

References
----------
Caplan, J. M. & Kennedy, L. W. (2016). *Risk Terrain Modeling*. University of California Press.
Roberts, D. R. et al. (2017). Cross-validation strategies for data with temporal, spatial,
hierarchical, or phylogenetic structure. *Ecography* 40, 913-929.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import d2_tweedie_score

from geo.errors import InvalidRequestError, NotFittedError
from geo.scoring.blocks import aggregate_cells, block_folds, spatial_blocks
from geo.scoring.penalty import NO_SKILL_WARNING, alpha_grid
from geo.scoring.steps import STEPS, relative_risk_steps

METHODS = ("poisson", "boosting")

__all__ = ["NO_SKILL_WARNING", "METHODS", "PoissonRiskLearner", "aggregate_cells",
           "alpha_grid", "block_folds", "cv_d2", "cv_fold_scores", "poisson_model",
           "spatial_blocks", "stack_features"]


class PoissonRiskLearner:
    """Learn indicator weights from incident counts per cell.

    Parameters
    ----------
    alphas : sequence of float, optional
        Candidate L2 penalties for :class:`~sklearn.linear_model.PoissonRegressor`;
        default :func:`alpha_grid` of the training counts.
    n_splits : int
        Folds of the spatial block cross-validation.
    n_bootstrap : int
        Block-bootstrap refits for the relative-risk intervals (0: no intervals).
    method : {"poisson", "boosting"}
        Model family for the map; coefficients always come from the Poisson model.
    delta : {"iqr", "bereik", "sd"}
        Step Δ of a continuous indicator's relative risk exp(β·Δ): its interquartile range
        over the training cells (the whole range when that is 0), its whole range, or one
        standard deviation (:mod:`geo.scoring.steps`). 0/1 features always step 0 → 1.
    random_state : int or None
        Seed for the fold shuffling, the bootstrap and the boosting model.

    Attributes
    ----------
    coef_ : ndarray
        β per indicator (scale of the input features).
    intercept_ : float
    alpha_ : float
        The penalty with the best cross-validated D² (ties: the smaller α); the map's.
    table_alpha_ : float
        The penalty of the relative-risk table and its bootstrap: the smallest α within one
        standard error of the best CV-D².
    cv_scores_ : dict
        Mean out-of-fold D² per α (and ``"boosting"`` when fitted).
    cv_score_ : float
        Cross-validated D² of the chosen model.
    cv_score_se_ : float
        Its standard error over the folds.
    no_skill_ : bool
        CV-D² ≤ 0 or within one standard error of 0 (:data:`NO_SKILL_WARNING`).
    relative_risk_ : DataFrame
        ``indicator, beta, stap, delta, relatief_risico, ondergrens, bovengrens,
        geen_voorspelkracht``.
    feature_names_ : list of str
    n_cells_, n_incidents_ : int

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(4000, 2))
    >>> y = rng.poisson(np.exp(-1 + 2 * X[:, 0] - X[:, 1]))
    >>> groups = np.arange(4000) // 100
    >>> learner = PoissonRiskLearner(n_bootstrap=0, random_state=0).fit(X, y, groups)
    >>> np.round(learner.coef_, 1).tolist()
    [2.0, -1.0]
    """

    def __init__(
        self,
        *,
        alphas: Sequence[float] | None = None,
        n_splits: int = 5,
        n_bootstrap: int = 50,
        method: str = "poisson",
        delta: str = "iqr",
        random_state: int | None = None,
    ) -> None:
        self.alphas = alphas
        self.delta = delta
        self.n_splits = n_splits
        self.n_bootstrap = n_bootstrap
        self.method = method
        self.random_state = random_state

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        groups: np.ndarray,
        feature_names: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> PoissonRiskLearner:
        """Choose α by spatial block CV, fit, and bootstrap the relative risks.

        ``sample_weight`` (optional, one non-negative weight per row) is used in the CV,
        the final fit and the bootstrap: e.g. ``1 / selectiekans`` for control outcomes
        (see :func:`geo.planning.feedback.outcome_training_table`), which corrects for
        objects having been controlled because they scored high.
        """
        X, y, groups = _check_xy(X, y, groups)
        sw = _check_weights(sample_weight, len(y))
        if self.method not in METHODS:
            raise InvalidRequestError(
                f"Onbekende leermethode '{self.method}'; kies uit {', '.join(METHODS)}.")
        n_groups = len(np.unique(groups))
        if n_groups < 2 or self.n_splits < 2:
            raise InvalidRequestError(
                f"Ruimtelijke kruisvalidatie vraagt minstens 2 blokken en 2 folds "
                f"(nu {n_groups} blokken, {self.n_splits} folds); kies kleinere blokken.")
        names = list(feature_names) if feature_names is not None else [
            f"x{j}" for j in range(X.shape[1])]
        folds = block_folds(groups, self.n_splits, self.random_state)
        if self.delta not in STEPS:
            raise InvalidRequestError(
                f"Onbekende delta '{self.delta}'; kies uit {', '.join(STEPS)}.")
        self._select_alpha(X, y, folds, sw)
        model = _fit(poisson_model(self.alpha_), X, y, sw)
        self.coef_ = model.coef_.copy()
        self.intercept_ = float(model.intercept_)
        self.model_ = model
        if self.method == "boosting":
            booster = HistGradientBoostingRegressor(
                loss="poisson", max_iter=100, max_leaf_nodes=15, min_samples_leaf=50,
                random_state=self.random_state)
            self.cv_score_, self.cv_score_se_ = cv_d2(booster, X, y, folds, sw)
            self.cv_scores_["boosting"] = self.cv_score_
            self.model_ = _fit(booster, X, y, sw)
        self.no_skill_ = bool(not np.isfinite(self.cv_score_)
                              or self.cv_score_ - self.cv_score_se_ <= 0)
        self.feature_names_ = names
        self.n_cells_ = int(len(y))
        self.n_incidents_ = int(round(float(y.sum())))
        self.relative_risk_ = self._relative_risks(X, y, groups, sw, names)
        return self

    def _select_alpha(self, X, y, folds, sw) -> None:
        """CV score (mean, se) per α; the best mean wins, ties go to the smaller α."""
        alphas = alpha_grid(y, sw) if self.alphas is None else tuple(self.alphas)
        scores = {float(a): cv_d2(poisson_model(a), X, y, folds, sw) for a in alphas}
        self.alpha_ = max(scores, key=lambda a: (round(scores[a][0], 10), -a))
        self.alphas_ = tuple(sorted(scores))
        self.cv_scores_: dict[str, float] = {f"{a:g}": m for a, (m, _) in scores.items()}
        self.cv_score_, self.cv_score_se_ = scores[self.alpha_]
        floor = self.cv_score_ - (self.cv_score_se_ if np.isfinite(self.cv_score_se_) else 0.0)
        close = [a for a, (m, _) in scores.items() if a <= self.alpha_ and m >= floor]
        self.table_alpha_ = min(close, default=self.alpha_)

    def _relative_risks(self, X, y, groups, sw, names) -> pd.DataFrame:
        """The table is estimated at :attr:`table_alpha_`, not at the map's α (module docstring)."""
        delta, stap = relative_risk_steps(X, self.delta)
        table_model = _fit(poisson_model(self.table_alpha_), X, y, sw)
        beta = table_model.coef_.copy()
        se = np.maximum(self._bootstrap_sd(X, y, groups, sw),
                        _wald_se(X, table_model.predict(X), sw))
        low, high = (np.exp((beta + k * 1.959964 * se) * delta) for k in (-1, 1))
        return pd.DataFrame({
            "indicator": names, "beta": beta, "stap": stap, "delta": delta,
            "relatief_risico": np.exp(beta * delta), "ondergrens": low, "bovengrens": high,
            "geen_voorspelkracht": self.no_skill_,
        })

    def voorspelkracht(self) -> dict:
        """CV-D² with its standard error and, without skill, the Dutch warning."""
        self._check_fitted()
        return {"cv_score_d2": _finite(self.cv_score_),
                "standaardfout": _finite(self.cv_score_se_),
                "geen_voorspelkracht": self.no_skill_,
                "waarschuwing": NO_SKILL_WARNING if self.no_skill_ else None}

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Expected incident count per row of ``X``."""
        self._check_fitted()
        X = np.nan_to_num(np.asarray(X, float))
        return self.model_.predict(X)

    def verantwoording(self) -> dict:
        """JSON-able summary for the kaartverantwoording."""
        self._check_fitted()
        return {
            "methode": self.method, "model": type(self.model_).__name__,
            "alpha": self.alpha_, "alpha_rooster": list(self.alphas_),
            "alpha_tabel": self.table_alpha_,
            "alpha_keuze": "hoogste gemiddelde CV-D²; bij gelijke score de kleinste α",
            "cv_scores_d2": self.cv_scores_, "cv_score_d2": self.cv_score_,
            "cv_score_d2_standaardfout": self.cv_score_se_,
            "voorspelkracht": self.voorspelkracht(),
            "kruisvalidatie": f"GroupKFold op ruimtelijke blokken, {self.n_splits} folds, "
                              "Poisson-deviantie (D²)",
            "bootstrap": self.n_bootstrap, "random_state": self.random_state,
            "intercept": self.intercept_, "cellen": self.n_cells_,
            "coefficienten": [
                {k: (v if isinstance(v, str) else float(v)) for k, v in row.items()}
                for row in self.relative_risk_.to_dict("records")
            ],
        }

    def _bootstrap_sd(self, X, y, groups, sw) -> np.ndarray:
        """Standard deviation of β over block-bootstrap refits (NaN without bootstrap)."""
        nan = np.full(X.shape[1], np.nan)
        if self.n_bootstrap <= 0:
            return nan
        rng = np.random.default_rng(self.random_state)
        blocks = np.unique(groups)
        rows_of = {b: np.flatnonzero(groups == b) for b in blocks}
        draws = []
        for _ in range(self.n_bootstrap):
            chosen = rng.choice(blocks, size=len(blocks), replace=True)
            idx = np.concatenate([rows_of[b] for b in chosen])
            if y[idx].sum() == 0:
                continue
            draws.append(_fit(poisson_model(self.table_alpha_), X[idx], y[idx],
                              sw[idx]).coef_)
        return np.std(np.array(draws), axis=0, ddof=1) if len(draws) > 1 else nan

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("Het model is nog niet getraind: roep eerst fit aan.")


def poisson_model(alpha: float) -> PoissonRegressor:
    """The Poisson GLM every fit of the learner uses (Newton-Cholesky, penalty ``alpha``)."""
    return PoissonRegressor(alpha=alpha, solver="newton-cholesky", max_iter=300, tol=1e-6)


def _fit(model, X, y, sw):
    """Fit quietly: at tiny α a feature without events may not converge (CV then rejects it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return model.fit(X, y, sample_weight=sw)


def _wald_se(X: np.ndarray, mu: np.ndarray, sw: np.ndarray) -> np.ndarray:
    """Model-based standard errors of β: the inverse Fisher information of the Poisson GLM."""
    design = np.column_stack([np.ones(len(X)), X])
    info = design.T @ (design * (sw * mu)[:, None])
    try:
        cov = np.linalg.pinv(info)
    except np.linalg.LinAlgError:
        return np.full(X.shape[1], np.nan)
    return np.sqrt(np.clip(np.diag(cov)[1:], 0.0, None))


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _check_weights(sample_weight: np.ndarray | None, n: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n)
    sw = np.asarray(sample_weight, dtype=float)
    if sw.shape != (n,) or not np.all(np.isfinite(sw)) or np.any(sw < 0) or sw.sum() <= 0:
        raise InvalidRequestError(
            f"sample_weight moet {n} eindige, niet-negatieve gewichten bevatten "
            f"(niet allemaal 0); kreeg vorm {sw.shape}.")
    return sw


def cv_d2(model, X, y, folds, sw) -> tuple[float, float]:
    """Mean out-of-fold D² and its standard error (sd over folds / √folds)."""
    scores = cv_fold_scores(model, X, y, folds, sw)
    scores = scores[np.isfinite(scores)]
    if not len(scores):
        return float("nan"), float("nan")
    se = float(np.std(scores, ddof=1) / np.sqrt(len(scores))) if len(scores) > 1 else float("nan")
    return float(np.mean(scores)), se


def cv_fold_scores(model, X, y, folds, sw) -> np.ndarray:
    """Out-of-fold D² per fold (NaN for a fold without incidents in train or test)."""
    scores = np.full(len(folds), np.nan)
    for k, (train, test) in enumerate(folds):
        if y[train].sum() == 0 or y[test].sum() == 0:
            continue
        fitted = _fit(clone(model), X[train], y[train], sw[train])
        pred = np.clip(np.nan_to_num(fitted.predict(X[test]), nan=1e-12, posinf=1e12),
                       1e-12, 1e12)
        scores[k] = d2_tweedie_score(y[test], pred, power=1, sample_weight=sw[test])
    return scores


def _check_xy(X, y, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.nan_to_num(np.asarray(X, float))
    y = np.asarray(y, float)
    groups = np.asarray(groups)
    if X.ndim != 2 or len(X) != len(y) or len(y) != len(groups):
        raise InvalidRequestError(
            f"Leerdata hebben ongelijke lengtes: {len(X)} cellen, {len(y)} aantallen, "
            f"{len(groups)} blokken.")
    if (y < 0).any() or not np.isfinite(y).all():
        raise InvalidRequestError("Incidentaantallen per cel moeten eindig en ≥ 0 zijn.")
    if y.sum() == 0:
        raise InvalidRequestError(
            "Geen incidenten in de trainingsperiode: er valt niets te leren.")
    return X, y, groups


def stack_features(
    themes: dict, mask: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """All themes' normalised indicator rasters as one ``(n, rows, cols)`` stack.

    ``themes`` maps thema → an object with ``norm`` (n, rows, cols) and ``indicators``
    (each with ``name``), like :class:`geo.scoring.engine.ThemeResult`. Values outside a
    theme's domain or the area are 0; ``negatief`` indicators enter as ``1 - norm`` (as the
    engine combines them). Names are ``<thema>:<indicator>``.
    """
    layers, names = [], []
    for thema, result in themes.items():
        for band, info in enumerate(result.indicators):
            values = result.norm[band]
            if getattr(info, "direction", "positief") == "negatief":
                values = 1.0 - values  # a protective factor enters as its absence
            layers.append(np.where(mask, np.nan_to_num(values), 0.0))
            names.append(f"{thema}:{info.name}")
    if not layers:
        raise InvalidRequestError("De gelegenheidskaart heeft geen indicatoren om op te leren.")
    return np.stack(layers).astype("float32"), names
