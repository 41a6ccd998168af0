"""Learned spatial influence (RTMDx style): per factor, the operationalisation that fits best.

Risk terrain modelling (Caplan & Kennedy 2016; the RTMDx software) does not fix how far a
factor reaches: for every factor it tries *proximity* (near a feature or not) and
*density* (how many features around a cell) at several spatial influence distances, and
keeps the one that predicts best. kaart does the same with its own indicator rules
(:func:`geo.scoring.indicators.decay`, :func:`geo.scoring.indicators.quartic_kernel`):

- forms (:data:`FORMS`): ``nabijheid-exponentieel`` (exp(−d/(afstand/3)), 0 beyond the
  distance), ``nabijheid-lineair`` (1 − d/afstand) and ``dichtheid`` (quartic kernel
  density with the distance as bandwidth, divided by its maximum in the area);
- distances (:data:`DISTANCES_M`): 100, 250, 500, 1,000 and 2,000 m.

Selection (:func:`select_influence`) is greedy, one factor at a time: starting from the
default of every factor (:data:`DEFAULT`), each candidate of a factor replaces its column
and is scored by the same spatial-block cross-validated Poisson D² as the learner
(:func:`geo.scoring.learning.cv_fold_scores`), at the penalty the learner's CV picks on the
starting features. A candidate replaces the start only when its gain in D² exceeds one
standard error of the paired fold differences (otherwise a null factor finds the form that
best fits the noise: in the simulation study a third of the null point factors then got
an interval excluding 1); the best such candidate stays before the next factor is tried. The
chosen operationalisation is reported per factor (column ``operationalisatie`` of the
relative-risk table).

All surfaces are computed over the whole area, never only inside a theme's domain, so an
effect can be learned where it acts; domain membership enters the model as its own 0/1
feature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.signal import fftconvolve

from geo.scoring.blocks import block_folds
from geo.scoring.indicators import decay, quartic_kernel
from geo.scoring.learning import PoissonRiskLearner, cv_fold_scores, poisson_model
from geo.scoring.proximity import distance
from geo.scoring.reproducible import reproducible

FORMS = ("nabijheid-exponentieel", "nabijheid-lineair", "dichtheid")
DISTANCES_M = (100.0, 250.0, 500.0, 1000.0, 2000.0)


@dataclass(frozen=True)
class Operationalisation:
    """How a point factor becomes a 0..1 surface: a form and an influence distance (m)."""

    vorm: str
    afstand: float

    @property
    def label(self) -> str:
        """Dutch label for tables, e.g. ``nabijheid-exponentieel 500 m``."""
        return f"{self.vorm} {self.afstand:.0f} m"


MIN_SUPPORT_INCIDENTS = 10.0
"""A candidate is only tried when the cells it touches (value > 0) expect at least this many
training incidents under a flat map (their share of the area × all incidents). With fewer,
a factor touching few cells without any incident gets an effect near −∞ that no interval
repairs (separation); such narrow candidates are not tried."""
DEFAULT = Operationalisation("nabijheid-exponentieel", 500.0)
"""The starting point of every factor (the gelegenheid default influence distance)."""
CANDIDATES = (DEFAULT,) + tuple(
    Operationalisation(v, d) for v in FORMS for d in DISTANCES_M
    if Operationalisation(v, d) != DEFAULT)
"""All tried operationalisations; the default first, so a tie keeps it."""


def influence_surface(sources: np.ndarray, mask: np.ndarray, cellsize: float,
                      op: Operationalisation, dist: np.ndarray | None = None) -> np.ndarray:
    """The 0..1 surface of ``op`` for feature cells ``sources`` (bool raster), 0 outside ``mask``.

    ``dist`` (optional) is the distance raster of ``sources`` in m, to reuse between forms.

    Examples
    --------
    >>> src = np.zeros((1, 5), bool); src[0, 0] = True
    >>> influence_surface(src, np.ones((1, 5), bool), 100.0,
    ...                   Operationalisation("nabijheid-lineair", 400.0)).round(2).tolist()
    [[1.0, 0.75, 0.5, 0.25, 0.0]]
    """
    sources = np.asarray(sources, bool)
    if not sources.any():
        return np.zeros(sources.shape, "float32")
    if op.vorm == "dichtheid":
        kernel = quartic_kernel(op.afstand, cellsize)
        dens = fftconvolve(sources.astype(float), kernel, mode="same")
        top = dens[mask].max() if mask.any() else 0.0
        dens = np.where(dens > 1e-9 * top, dens, 0.0)  # FFT round-off is not density
        value = dens / top if top > 0 else np.zeros_like(dens)
    else:
        if dist is None:
            dist = distance(sources, cellsize)
        value = decay(dist, op.afstand, op.vorm.split("-", 1)[1])
    return np.where(mask, value, 0.0).astype("float32")


def candidate_surfaces(sources: np.ndarray, mask: np.ndarray, cellsize: float,
                       candidates: Sequence[Operationalisation] = CANDIDATES
                       ) -> dict[Operationalisation, np.ndarray]:
    """Every candidate surface of one factor (the distance transform computed once)."""
    dist = distance(np.asarray(sources, bool), cellsize) if np.any(sources) else None
    return {op: influence_surface(sources, mask, cellsize, op, dist) for op in candidates}


def select_influence(
    X: np.ndarray, columns: Mapping[str, int],
    candidates: Mapping[str, Mapping[Operationalisation, np.ndarray]],
    y: np.ndarray, folds: list, alpha: float, sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, Operationalisation], dict[str, dict[str, float]]]:
    """Greedy per-factor choice of the operationalisation by spatial-block CV D².

    Parameters
    ----------
    X : ndarray (n, k)
        Feature matrix with each selectable factor at its starting column values.
    columns : mapping
        Factor name → its column in ``X``.
    candidates : mapping
        Factor name → {operationalisation: values per row (n,)}.
    y, folds, alpha, sample_weight
        Counts, the spatial-block folds, the penalty and optional weights (as the learner).

    Returns
    -------
    (X with the chosen columns, chosen operationalisation per factor, CV D² per candidate
    label per factor).
    """
    X = np.array(X, float, copy=True)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    chosen: dict[str, Operationalisation] = {}
    scores: dict[str, dict[str, float]] = {}
    for name, col in columns.items():
        folds_of = {}
        for op, values in candidates[name].items():
            X[:, col] = values
            folds_of[op] = cv_fold_scores(poisson_model(alpha), X, y, folds, sw)
        start = next(iter(candidates[name]))
        best = _best_candidate(folds_of, start)
        X[:, col] = candidates[name][best]
        chosen[name] = best
        scores[name] = {op.label: _mean(f) for op, f in folds_of.items()}
    return X, chosen, scores


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else float("nan")


def _best_candidate(folds_of: dict[Operationalisation, np.ndarray],
                    start: Operationalisation) -> Operationalisation:
    """The best mean CV D², if it beats the start by more than one SE of the paired difference.

    Trying 15 forms and distances on noise finds one that fits the noise; moving away from
    the starting operationalisation therefore needs a gain larger than its fold-to-fold
    standard error (a one-standard-error rule towards the default).
    """
    base = folds_of[start]
    best, best_gain = start, 0.0
    for op, folds in folds_of.items():
        diff = folds - base
        diff = diff[np.isfinite(diff)]
        if len(diff) < 2:
            continue
        gain, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))
        if gain > se and gain > best_gain + 1e-10:
            best, best_gain = op, gain
    return best


def supported_candidates(
    candidates: Mapping[str, Mapping[Operationalisation, np.ndarray]], y: np.ndarray,
    sample_weight: np.ndarray | None = None,
) -> dict[str, dict[Operationalisation, np.ndarray]]:
    """Candidates whose support expects ≥ :data:`MIN_SUPPORT_INCIDENTS` incidents.

    When no candidate of a factor qualifies, the one with the widest support is kept.
    """
    y = np.asarray(y, float)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    total = float(np.sum(sw * y))
    kept: dict[str, dict[Operationalisation, np.ndarray]] = {}
    for name, options in candidates.items():
        share = {op: float(np.sum(sw[v > 0]) / np.sum(sw)) for op, v in options.items()}
        ok = {op: v for op, v in options.items() if share[op] * total >= MIN_SUPPORT_INCIDENTS}
        if not ok and options:
            widest = max(share, key=share.get)
            ok = {widest: options[widest]}
        kept[name] = ok
    return kept


@reproducible
def fit_with_influence(
    X: np.ndarray, names: Sequence[str],
    candidates: Mapping[str, Mapping[Operationalisation, np.ndarray]],
    y: np.ndarray, groups: np.ndarray, *, n_bootstrap: int = 50, n_splits: int = 5,
    random_state: int | None = 0, sample_weight: np.ndarray | None = None,
    method: str = "poisson",
) -> tuple[PoissonRiskLearner, dict[str, Operationalisation], np.ndarray]:
    """Choose each factor's spatial influence, then fit the learner on the chosen surfaces.

    The selection penalty is the α the learner's own CV picks on the starting features.
    The learner's ``relative_risk_`` gets a column ``operationalisatie`` (the chosen form
    and distance; empty for factors without a choice) and ``influence_scores_`` holds the
    CV D² of every tried candidate.

    Returns ``(learner, chosen operationalisation per factor, the feature matrix used)``.
    """
    names = list(names)
    chosen: dict[str, Operationalisation] = {}
    scores: dict[str, dict[str, float]] = {}
    candidates = supported_candidates(candidates, y, sample_weight)
    if candidates:
        X = np.array(X, float, copy=True)
        for name, options in candidates.items():  # start each factor at its first option
            X[:, names.index(name)] = next(iter(options.values()))
        start = PoissonRiskLearner(n_splits=n_splits, n_bootstrap=0,
                                   random_state=random_state)
        start.fit(X, y, groups, names, sample_weight)
        folds = block_folds(groups, n_splits, random_state)
        columns = {name: names.index(name) for name in candidates}
        X, chosen, scores = select_influence(X, columns, candidates, np.asarray(y, float),
                                             folds, start.alpha_, sample_weight)
    learner = PoissonRiskLearner(n_splits=n_splits, n_bootstrap=n_bootstrap, method=method,
                                 random_state=random_state)
    learner.fit(X, y, groups, names, sample_weight)
    learner.relative_risk_.insert(
        1, "operationalisatie", [chosen[n].label if n in chosen else "" for n in names])
    learner.influence_scores_ = scores
    return learner, chosen, X


__all__ = ["CANDIDATES", "DEFAULT", "DISTANCES_M", "FORMS", "MIN_SUPPORT_INCIDENTS",
           "Operationalisation",
           "candidate_surfaces", "fit_with_influence", "influence_surface",
           "select_influence", "supported_candidates"]
