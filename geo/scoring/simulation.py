"""Simulation study of the learned map: synthetic worlds whose true intensity is known.

SYNTHETIC. Every world here is made up (its own generator, not the demo's): a roughly
elliptical area on a 50 m grid, a few *factors* and a known log-linear intensity

.. math:: \\mu_i = \\exp(\\beta_0 + \\sum_j \\beta_j s_{ij})

with :math:`s_{ij}` the true 0..1 surface of factor *j* in cell *i* and :math:`\\beta_0`
set so the area expects the chosen number of training incidents. The training counts are
one Poisson draw of :math:`\\mu`. Factor kinds:

- ``punten``: point features (havens, afritten, horeca) whose influence has a true form and
  distance from :data:`geo.scoring.influence.CANDIDATES` — the learner does not know which;
  a ``punten`` factor may belong to a theme domain (``domein``) while its effect acts over
  the whole area (the "effects outside theme domains" case);
- ``zone``: a 0/1 theme domain (bedrijventerrein), itself a factor;
- ``veld``: a smooth continuous surface (leegstand).

Factors with β = 0 are *null factors*. :func:`fit_world` learns with the pipeline's own
functions (:func:`geo.scoring.influence.fit_with_influence`: spatial influence chosen by
block CV, then :class:`geo.scoring.learning.PoissonRiskLearner`), and :func:`score_world`
compares the learned map with the noise-free truth (PAI at 5 % against :math:`\\mu` itself,
see :mod:`geo.scoring.evaluation`) and each relative risk with its true value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import ndimage

from geo.scoring.blocks import spatial_blocks
from geo.scoring.evaluation import hit_rate
from geo.scoring.influence import (
    CANDIDATES,
    Operationalisation,
    candidate_surfaces,
    fit_with_influence,
    influence_surface,
)
from geo.scoring.learning import PoissonRiskLearner

CELLSIZE = 50.0
COVERAGE = 0.05
SIGN_MIN_BETA = 0.5
"""Sign recovery is scored for true effects with |β| ≥ this value."""


@dataclass(frozen=True)
class FactorSpec:
    """One factor of a world: its kind, true effect β and (for ``punten``) its true influence."""

    naam: str
    soort: str
    beta: float
    op: Operationalisation | None = None
    bronnen: int = 0
    domein: str | None = None


@dataclass(frozen=True)
class WorldSpec:
    """A world to generate: seed, size (cells per side), expected training incidents, factors."""

    naam: str
    seed: int
    zijde: int
    incidenten: float
    factoren: tuple[FactorSpec, ...]
    cellsize: float = CELLSIZE


@dataclass
class World:
    """A generated world: area mask, true surfaces, point sources, true intensity, counts."""

    spec: WorldSpec
    mask: np.ndarray
    surfaces: dict[str, np.ndarray] = field(default_factory=dict)
    sources: dict[str, np.ndarray] = field(default_factory=dict)
    intensity: np.ndarray | None = None
    counts: np.ndarray | None = None


def generate_world(spec: WorldSpec) -> World:
    """Draw the area, every factor's surface, the true intensity and one set of counts."""
    rng = np.random.default_rng(spec.seed)
    world = World(spec, _area(spec.zijde, rng))
    for factor in spec.factoren:  # zones first below are found by name when referenced
        if factor.soort == "zone":
            world.surfaces[factor.naam] = _zone(world.mask, rng).astype("float32")
    for factor in spec.factoren:
        if factor.soort == "veld":
            world.surfaces[factor.naam] = _field(world.mask, rng)
        elif factor.soort == "punten":
            src = _points(world.mask, factor.bronnen, rng)
            world.sources[factor.naam] = src
            world.surfaces[factor.naam] = influence_surface(src, world.mask, spec.cellsize,
                                                            factor.op)
    eta = sum(f.beta * world.surfaces[f.naam].astype(float) for f in spec.factoren)
    raw = np.where(world.mask, np.exp(eta - np.max(eta)), 0.0)
    world.intensity = raw * spec.incidenten / raw.sum()
    world.counts = rng.poisson(world.intensity).astype(float)
    return world


def _area(side: int, rng: np.random.Generator) -> np.ndarray:
    r, c = np.mgrid[0:side, 0:side] + 0.5
    a, b = side / 2 * rng.uniform(0.8, 0.98, 2)
    return ((r - side / 2) / a) ** 2 + ((c - side / 2) / b) ** 2 <= 1.0


def _zone(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A theme domain: the union of 3-6 discs, 5-25 % of the area."""
    rows, cols = mask.shape
    r, c = np.mgrid[0:rows, 0:cols]
    zone = np.zeros(mask.shape, bool)
    for _ in range(rng.integers(3, 7)):
        cr, cc = rng.uniform(0.15, 0.85, 2) * (rows, cols)
        radius = rng.uniform(0.04, 0.11) * rows
        zone |= (r - cr) ** 2 + (c - cc) ** 2 <= radius ** 2
    return zone & mask


def _field(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A smooth 0..1 surface: Gaussian-filtered noise, min-max scaled inside the area."""
    noise = ndimage.gaussian_filter(rng.normal(size=mask.shape), sigma=mask.shape[0] / 12)
    low, high = noise[mask].min(), noise[mask].max()
    return np.where(mask, (noise - low) / (high - low), 0.0).astype("float32")


def _points(mask: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` feature cells inside the area: half clustered around a few centres."""
    rows, cols = np.nonzero(mask)
    src = np.zeros(mask.shape, bool)
    picks = rng.choice(len(rows), size=max(1, n - n // 2), replace=False)
    src[rows[picks], cols[picks]] = True
    centres = rng.choice(len(rows), size=max(1, n // 8), replace=False)
    for _ in range(n // 2):
        k = rng.choice(centres)
        rr = np.clip(rows[k] + rng.integers(-6, 7), 0, mask.shape[0] - 1)
        cc = np.clip(cols[k] + rng.integers(-6, 7), 0, mask.shape[1] - 1)
        src[rr, cc] = bool(mask[rr, cc])
    return src


def world_features(world: World, *, whole_area: bool = True
                   ) -> tuple[np.ndarray, list[str], dict[str, dict]]:
    """Features as kaart builds them: the starting matrix, names and the candidates per factor.

    ``punten`` factors start at :data:`~geo.scoring.influence.DEFAULT` and get every
    candidate operationalisation; ``whole_area=False`` restricts them to their theme
    domain (the old, domain-only operationalisation) for comparison.
    """
    m = world.mask
    columns, names, candidates = [], [], {}
    for factor in world.spec.factoren:
        if factor.soort == "punten":
            surfaces = candidate_surfaces(world.sources[factor.naam], m, world.spec.cellsize)
            if not whole_area and factor.domein:
                zone = world.surfaces[factor.domein] > 0
                surfaces = {op: np.where(zone, s, 0.0) for op, s in surfaces.items()}
            candidates[factor.naam] = {op: s[m] for op, s in surfaces.items()}
            columns.append(surfaces[CANDIDATES[0]][m])
        else:
            columns.append(world.surfaces[factor.naam][m])
        names.append(factor.naam)
    return np.column_stack(columns).astype(float), names, candidates


def fit_world(world: World, *, block_m: float = 1000.0, n_bootstrap: int = 50,
              select: bool = True, whole_area: bool = True, random_state: int = 0):
    """Learn the world with the pipeline functions; returns ``(learner, chosen, X)``."""
    X, names, candidates = world_features(world, whole_area=whole_area)
    groups = spatial_blocks(world.mask.shape,
                            max(1, round(block_m / world.spec.cellsize)))[world.mask]
    return fit_with_influence(X, names, candidates if select else {},
                              world.counts[world.mask], groups,
                              n_bootstrap=n_bootstrap, random_state=random_state)


def pai(score: np.ndarray, truth: np.ndarray, mask: np.ndarray,
        coverage: float = COVERAGE) -> float:
    """PAI of ``score`` measured against the noise-free expected counts ``truth``."""
    return hit_rate(score, truth, mask, coverage) / coverage


def score_world(world: World, learner, chosen: dict, X: np.ndarray) -> tuple[dict, pd.DataFrame]:
    """Compare a fitted world with its truth: the PAI ratio and one row per factor."""
    m = world.mask
    learned = np.full(m.shape, np.nan)
    learned[m] = learner.predict(X)
    truth = world.intensity
    true_pai, learned_pai = pai(truth, truth, m), pai(learned, truth, m)
    rows = []
    table = learner.relative_risk_.set_index("indicator")
    for factor in world.spec.factoren:
        rows.append(_factor_row(factor, table.loc[factor.naam], chosen.get(factor.naam)))
    summary = {"wereld": world.spec.naam, "cellen": int(m.sum()),
               "incidenten": int(world.counts[m].sum()), "pai_waar": true_pai,
               "pai_geleerd": learned_pai, "verhouding": learned_pai / true_pai,
               "alpha": learner.alpha_, "cv_d2": learner.cv_score_}
    return summary, pd.DataFrame(rows)


def _factor_row(factor: FactorSpec, row: pd.Series, chosen: Operationalisation | None) -> dict:
    same_op = factor.op is None or factor.op == chosen
    true_rr = float(np.exp(factor.beta * row["delta"]))
    comparable = same_op or factor.beta == 0.0
    low, high = float(row["ondergrens"]), float(row["bovengrens"])
    covered = bool(low <= true_rr <= high) if comparable and np.isfinite(low) else None
    return {"factor": factor.naam, "soort": factor.soort, "beta_waar": factor.beta,
            "beta_geleerd": float(row["beta"]), "op_waar": factor.op.label if factor.op else "",
            "op_gekozen": chosen.label if chosen else "", "rr_waar": true_rr,
            "rr": float(row["relatief_risico"]), "ondergrens": low, "bovengrens": high,
            "teken_goed": (bool(np.sign(row["beta"]) == np.sign(factor.beta))
                           if abs(factor.beta) >= SIGN_MIN_BETA else None),
            "gedekt": covered,
            "sluit_1_uit": bool(low > 1.0 or high < 1.0) if np.isfinite(low) else None}


def summarise(worlds: pd.DataFrame, factors: pd.DataFrame) -> dict:
    """The study's targets: median and minimum PAI ratio, sign recovery, coverage, nulls."""
    nulls = factors[factors["beta_waar"] == 0.0]["sluit_1_uit"].dropna()
    return {
        "werelden": int(len(worlds)),
        "mediaan_verhouding": float(worlds["verhouding"].median()),
        "laagste_verhouding": float(worlds["verhouding"].min()),
        "tekens_goed": _share(factors["teken_goed"]),
        "dekking_95": _share(factors["gedekt"]),
        "nul_sluit_1_uit": float(nulls.mean()) if len(nulls) else float("nan"),
        "n_teken": int(factors["teken_goed"].notna().sum()),
        "n_dekking": int(factors["gedekt"].notna().sum()), "n_nul": int(len(nulls)),
    }


def _share(values: pd.Series) -> float:
    known = values.dropna()
    return float(known.astype(bool).mean()) if len(known) else float("nan")


SIZES = (120, 160, 200)
"""Cells per side (6, 8 and 10 km at 50 m)."""
INCIDENTS = (150, 300, 600, 1200)
"""Expected training incidents per world (the issue's worlds: ~300 over three years)."""
STRENGTHS = (0.75, 1.25, 2.0)
"""Scale of the true effects (β of a ``punten`` factor ≈ strength × U(0.8, 1.2))."""


def world_specs(n: int = 24, seed: int = 2026) -> list[WorldSpec]:
    """``n`` varied worlds: sizes, incident counts, strengths and which factors matter.

    Every world has three ``punten`` factors (one, ``afrit``, belongs to the
    ``bedrijventerrein`` domain but acts over the whole area), a ``zone`` and a ``veld``
    factor, and two null factors (β = 0). Each non-null factor is switched off (β = 0)
    with probability 1/4, so which factors matter varies.
    """
    master = np.random.default_rng(seed)
    return [_world_spec(i, int(master.integers(2**31)), SIZES[i % 3],
                        INCIDENTS[(i // 3) % 4], STRENGTHS[(i // 12 + i) % 3])
            for i in range(n)]


def _world_spec(i: int, seed: int, side: int, incidents: float, strength: float) -> WorldSpec:
    rng = np.random.default_rng(seed)

    def effect(scale: float, sign: float = 1.0) -> float:
        on = rng.uniform() >= 0.25
        return round(sign * strength * scale * rng.uniform(0.8, 1.2), 3) if on else 0.0

    def op() -> Operationalisation:
        return CANDIDATES[int(rng.integers(len(CANDIDATES)))]

    factors = (
        FactorSpec("haven", "punten", effect(1.0), op(), int(rng.integers(3, 11))),
        FactorSpec("afrit", "punten", effect(1.0), op(), int(rng.integers(2, 7)),
                   domein="bedrijventerrein"),
        FactorSpec("horeca", "punten", effect(0.8), op(), int(rng.integers(30, 121))),
        FactorSpec("bedrijventerrein", "zone", effect(0.5)),
        FactorSpec("leegstand", "veld", effect(1.0, float(rng.choice([-1.0, 1.0])))),
        FactorSpec("nul_punten", "punten", 0.0, op(), int(rng.integers(5, 41))),
        FactorSpec("nul_veld", "veld", 0.0),
    )
    return WorldSpec(f"wereld_{i + 1:02d}", seed, side, float(incidents), factors)


def redraw_study(spec: WorldSpec, n_draws: int, seed: int = 0,
                 block_m: float = 1000.0) -> pd.DataFrame:
    """Fit one world's true intensity to ``n_draws`` fresh Poisson draws of its counts.

    Per draw: the incidents, the PAI ratio of the pipeline (:func:`fit_world`, influence
    chosen by CV) and of an *oracle* learner given the true surfaces (the true forms and
    distances of every factor), both without bootstrap. It separates the sampling noise of
    a few incidents from the method: when even the oracle's ratio spreads widely, one draw's
    ratio says little about the method.
    """
    world = generate_world(spec)
    m, truth = world.mask, world.intensity
    best = pai(truth, truth, m)
    rng = np.random.default_rng(seed)
    X_true = np.column_stack([world.surfaces[f.naam][m] for f in spec.factoren]).astype(float)
    groups = spatial_blocks(m.shape, max(1, round(block_m / spec.cellsize)))[m]
    rows = []
    for draw in range(n_draws):
        world.counts = rng.poisson(truth).astype(float)
        learner, _, X = fit_world(world, block_m=block_m, n_bootstrap=0)
        oracle = PoissonRiskLearner(n_bootstrap=0, random_state=0).fit(
            X_true, world.counts[m], groups)
        rows.append({"trekking": draw + 1, "incidenten": int(world.counts[m].sum()),
                     "pijplijn": _ratio(learner.predict(X), truth, m, best),
                     "orakel": _ratio(oracle.predict(X_true), truth, m, best),
                     "cv_d2": learner.cv_score_})
    return pd.DataFrame(rows)


def _ratio(predicted: np.ndarray, truth: np.ndarray, mask: np.ndarray, best: float) -> float:
    score = np.full(mask.shape, np.nan)
    score[mask] = predicted
    return pai(score, truth, mask) / best


def run_study(specs: list[WorldSpec], **fit_options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate, fit and score every world; returns (per-world table, per-factor table)."""
    summaries, factor_tables = [], []
    for spec in specs:
        world = generate_world(spec)
        learner, chosen, X = fit_world(world, **fit_options)
        summary, factors = score_world(world, learner, chosen, X)
        summaries.append(summary)
        factor_tables.append(factors.assign(wereld=spec.naam))
    return pd.DataFrame(summaries), pd.concat(factor_tables, ignore_index=True)
