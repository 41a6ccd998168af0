"""Learned gelegenheidskaart (``kaart leer``) and temporal hold-out evaluation (``evalueer``).

Both start from the newest gelegenheid run of the area: its ``uitleg_<thema>.tif`` hold the
normalised indicator rasters (the model's features) and its ``gelegenheidskaart.tif`` the
expert map. Incidents only enter as counts per cell; no output holds an incident point.

``kaarten/<gebied>/gelegenheid_geleerd/vNNNN/``: ``gelegenheidskaart.tif`` (band 1 score =
expected incidents relative to the maximum, band 2 class 1..5), ``gewichten.csv`` (relative
risk per indicator with its bootstrap interval) and ``kaartverantwoording.json`` (training
period, cells, CV score, coefficients).

``kaarten/<gebied>/evaluatie/vNNNN/``: ``evaluatie.csv`` (hit rate and PAI per map and
coverage), ``trefkans.png`` and ``kaartverantwoording.json`` holding the same table.
Definitions of hit rate and PAI: :mod:`geo.scoring.evaluation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import rasterio

from geo.atomic import atomic_file
from geo.errors import InvalidRequestError
from geo.export.cog import write_map_cog
from geo.export.invloed import (
    PointFactor,
    PointFactors,
    influence_section,
    negative_indicators,
    point_factors,
)
from geo.export.risico import latest_run, read_bands, read_incidents
from geo.export.tabular import write_safe_csv
from geo.export.trefkans import MAP_LABELS, evaluation_summary, plot_hit_rates
from geo.export.verantwoording import Voorspelkracht
from geo.export.writer import CatalogMap, finish_run, open_run
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.runs import (
    EVALUATIE,
    EVALUATIE_FILE,
    GELEGENHEID,
    GELEGENHEID_FILE,
    GELEGENHEID_GELEERD,
    GEWICHTEN_FILE,
    OBJECT_RATES_FILE,
    THEMES,
    TOTAL,
    TREFKANS_FILE,
    Run,
    confidentiality,
    uitleg_file,
)
from geo.scoring.evaluation import COVERAGES, evaluate_maps, uniform_map
from geo.scoring.gecombineerd import combine_maps
from geo.scoring.grid import Grid
from geo.scoring.influence import CANDIDATES, fit_with_influence, influence_surface
from geo.scoring.kde import bin_points
from geo.scoring.learning import PoissonRiskLearner, aggregate_cells, spatial_blocks
from geo.scoring.proximity import distance
from geo.scoring.risico import (
    class_breaks,
    classify,
    compute_risico,
    load_risico_config,
)
from geo.scoring.suppression import publish_counts, publish_shares

SOORT = GELEGENHEID_GELEERD.soort
DOMAIN_FEATURE = "domein"
"""Feature ``<thema>:domein``: 1 in the theme's domain (e.g. on a bedrijventerrein), else 0."""
PERCENTILES = [50.0, 75.0, 90.0, 97.5]


@dataclass
class Features:
    """The normalised indicators and the expert map of a gelegenheid run."""

    grid: Grid
    mask: np.ndarray
    stack: np.ndarray
    names: list[str]
    expert_score: np.ndarray
    expert_klasse: np.ndarray
    run_dir: Path


def read_features(run_dir: Path) -> Features:
    """Read ``uitleg_<thema>.tif`` (bands ``norm:<naam>``) and the expert map of a run.

    Indicators with ``richting: negatief`` (protective factors such as a keurmerk) enter as
    ``1 - norm``, the value the engine combines, so a relative risk above 1 always means
    "more of what the indicator's name says, more incidents". Besides the normalised
    indicators, each theme that covers only part of the area gets a
    0/1 feature ``<thema>:domein`` so the model has a baseline per theme (indicators are 0
    outside their theme's domain, which would otherwise be read as "low").
    """
    grid, (score, klasse) = read_bands(run_dir / GELEGENHEID_FILE, 2)
    mask = np.isfinite(score)
    negative = negative_indicators(run_dir)
    layers, names = [], []
    for thema in THEMES:
        path = run_dir / uitleg_file(thema)
        if not path.exists():
            continue
        with rasterio.open(path) as src:
            domain = None
            for band, text in enumerate(src.descriptions, start=1):
                if text and text.startswith("norm:"):
                    values = src.read(band)
                    if domain is None:  # normalised values exist exactly in the theme's domain
                        domain = mask & np.isfinite(values)
                    if (thema, text[5:]) in negative:  # as the engine combines it: 1 - norm
                        values = 1.0 - values
                    layers.append(np.where(mask, np.nan_to_num(values), 0.0))
                    names.append(f"{thema}:{text[5:]}")
        if domain is not None and 0 < domain.sum() < mask.sum():
            layers.append(domain.astype(float))  # the theme's own baseline (intercept)
            names.append(f"{thema}:{DOMAIN_FEATURE}")
    if not layers:
        raise InvalidRequestError(
            f"De gelegenheidsrun {run_dir} heeft geen indicatorrasters (uitleg_*.tif).")
    return Features(grid, mask, np.stack(layers), names, score, klasse, run_dir)


def incident_counts(incidents, grid: Grid, start: date | None, end: date) -> np.ndarray:
    """Incidents per cell with ``start <= datum < end`` (unweighted)."""
    dates = pd.to_datetime(incidents["datum"]).dt.tz_localize(None)
    keep = dates < pd.Timestamp(end)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    keep = keep.to_numpy()
    geom = incidents.geometry
    return bin_points(geom.x.to_numpy()[keep], geom.y.to_numpy()[keep], grid)


def fit_learner(features: Features, counts: np.ndarray, *, block_m: float = 2000.0,
                method: str = "poisson", n_bootstrap: int = 50, random_state: int = 0,
                max_cells: int = 100_000, factors: list[PointFactor] | None = None
                ) -> tuple[PoissonRiskLearner, int, Features]:
    """Fit on the cells inside the area (coarsened above ``max_cells``).

    With ``factors`` (:func:`geo.export.invloed.point_factors`) each point factor replaces
    its domain-only indicator columns by a whole-area surface whose form and distance are
    chosen by spatial-block CV (:func:`geo.scoring.influence.fit_with_influence`).
    Returns the learner, the coarsening factor and the features the model uses (the
    chosen surfaces at full resolution, for :func:`learned_surface`).
    """
    factor = max(1, math.ceil(math.sqrt(features.mask.sum() / max_cells)))
    features, candidates = _with_factors(features, factors or [], counts, factor)
    stack, y, mask, shape = aggregate_cells(features.stack, counts, features.mask, factor)
    block_cells = max(1, round(block_m / (features.grid.cellsize * factor)))
    inside = mask.ravel()
    groups = spatial_blocks(shape, block_cells).ravel()[inside]
    X = stack.reshape(len(features.names), -1).T[inside]
    coarse = {name: {op: values.ravel()[inside] for op, values in options.items()}
              for name, options in candidates.items()}
    learner, chosen, _ = fit_with_influence(
        X, features.names, coarse, y.ravel()[inside], groups, n_bootstrap=n_bootstrap,
        random_state=random_state, method=method)
    for f in factors or []:
        if f.naam in chosen:
            features.stack[features.names.index(f.naam)] = influence_surface(
                f.sources, features.mask, features.grid.cellsize, chosen[f.naam])
    return learner, factor, features


def _with_factors(features: Features, factors: list[PointFactor], counts: np.ndarray,
                  factor: int) -> tuple[Features, dict[str, dict]]:
    """Features with each point factor's columns replaced, and its coarse candidates."""
    if not factors:
        return features, {}
    dropped = {name for f in factors for name in f.vervangt}
    keep = [j for j, name in enumerate(features.names) if name not in dropped]
    layers, names = [features.stack[j] for j in keep], [features.names[j] for j in keep]
    candidates = {}
    cellsize, mask = features.grid.cellsize, features.mask
    for f in factors:
        dist = distance(f.sources, cellsize)
        options = {}
        for op in CANDIDATES:
            surface = influence_surface(f.sources, mask, cellsize, op, dist)
            options[op] = aggregate_cells(surface[None], counts, mask, factor)[0][0]
        layers.append(influence_surface(f.sources, mask, cellsize, CANDIDATES[0], dist))
        names.append(f.naam)
        candidates[f.naam] = options
    return replace(features, stack=np.stack(layers), names=names), candidates


def learned_surface(learner: PoissonRiskLearner, features: Features
                    ) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Score (expected incidents / maximum, NaN outside), class 1..5 and class breaks."""
    X = features.stack.reshape(len(features.names), -1).T
    pred = learner.predict(X).reshape(features.grid.shape)
    pred = np.where(features.mask, pred, np.nan)
    score = pred / np.nanmax(pred)
    breaks = class_breaks(score[features.mask], PERCENTILES)
    return score.astype("float32"), classify(score, breaks), breaks


def build_geleerd(werkmap: Werkmap, area: Area, *, layers_path: str | Path | None = None,
                  tot: date | None = None, jaren: int | None = None, method: str = "poisson",
                  n_bootstrap: int = 50, block_m: float = 2000.0, random_state: int = 0,
                  object_rates: pd.DataFrame | None = None) -> Run:
    """Learn indicator weights from incidents and write the learned gelegenheidskaart.

    Confidential like the risicokaart (:data:`geo.runs.GELEGENHEID_GELEERD`): the weights
    come from police incidents. The fitted learner is :attr:`Run.model`, the relative risk
    per indicator ``Run.tables["gewichten"]``. ``object_rates`` (learned hit rate per object
    from control outcomes) is written beside them as ``objecttrefkansen.csv``.
    """
    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    incidents = read_incidents(layers_path)
    features = read_features(latest_run(werkmap, area.id, GELEGENHEID.soort,
                                        "kaart gelegenheid"))
    end, start = _period(incidents, tot, jaren)
    counts = incident_counts(incidents, features.grid, start, end)
    found = point_factors(features.run_dir, layers_path, features.grid, features.names)
    learner, factor, features = fit_learner(
        features, counts, block_m=block_m, method=method, n_bootstrap=n_bootstrap,
        random_state=random_state, factors=found.factors)
    fit = LearnedFit(learner, factor, features, found, start, end, block_m, object_rates)
    return _write_geleerd(werkmap, area, layers_path, incidents, fit)


@dataclass
class LearnedFit:
    """A fitted learned map and what its run documents (see :func:`_write_geleerd`)."""

    learner: PoissonRiskLearner
    factor: int
    features: Features
    found: PointFactors
    start: date | None
    end: date
    block_m: float
    object_rates: pd.DataFrame | None = None


def _write_geleerd(werkmap: Werkmap, area: Area, layers_path: Path, incidents,
                   fit: LearnedFit) -> Run:
    """Write ``gelegenheid_geleerd/vNNNN/`` (map, gewichten.csv, verantwoording) and register it."""
    from geo.layers import is_synthetic

    learner, features = fit.learner, fit.features
    score, klasse, breaks = learned_surface(learner, features)
    # no incident counts in its verantwoording, whoever may see it
    training = {"van": fit.start.isoformat() if fit.start else None, "tot": fit.end.isoformat(),
                "cellen": learner.n_cells_,
                "celgrootte_model_m": features.grid.cellsize * fit.factor,
                "incidenten": "niet gepubliceerd (vertrouwelijk)", "blokgrootte_m": fit.block_m,
                "ruimtelijke_invloed": influence_section(learner, fit.found)}
    table = learner.relative_risk_.copy()
    cells = int(features.mask.sum())
    with open_run(werkmap, area, GELEGENHEID_GELEERD, synthetisch=is_synthetic(layers_path),
                  vertrouwelijkheid=confidentiality(SOORT, incidents)) as run:
        write_map_cog(run.file(GELEGENHEID_FILE, "cog", aantal=cells, kaart_id=run.kaart_id()),
                      score, klasse, features.grid, soort=SOORT, thema=TOTAL,
                      gebied_id=area.id, synthetisch=run.synthetisch, breaks=breaks,
                      vertrouwelijk=run.vertrouwelijkheid.vertrouwelijk)
        with atomic_file(run.file(GEWICHTEN_FILE, "csv", aantal=len(table))) as tmp:
            write_safe_csv(table, tmp)
        if fit.object_rates is not None:
            training["objecttrefkansen"] = len(fit.object_rates)
            with atomic_file(run.file(OBJECT_RATES_FILE, "csv",
                                      aantal=len(fit.object_rates))) as tmp:
                write_safe_csv(fit.object_rates, tmp)  # object ids come from user files
        run.write_verantwoording(run.document(
            grid=features.grid, cells=cells, training=training, model=learner.verantwoording(),
            voorspelkracht=Voorspelkracht(**learner.voorspelkracht()),
            gelegenheid_run=werkmap.relative(features.run_dir), klassegrenzen=breaks,
            score="verwacht aantal incidenten per cel gedeeld door het maximum in het gebied"))
    return finish_run(
        run, maps=[CatalogMap(TOTAL, GELEGENHEID_FILE, None,
                              {"klassegrenzen": breaks, "cv_score_d2": learner.cv_score_,
                               "geen_voorspelkracht": learner.no_skill_})],
        summary={"cv_score_d2": learner.cv_score_, "alpha": learner.alpha_,
                 "vergroving": fit.factor, "meldingen": fit.found.meldingen,
                 "voorspelkracht": learner.voorspelkracht(), "training": training},
        tables={"gewichten": table}, model=learner)


def compute_evaluatie(werkmap: Werkmap, area: Area, *, layers_path: str | Path | None = None,
                      split: date | None = None, test_dagen: int = 365, jaren: int | None = None,
                      method: str = "poisson", random_state: int = 0,
                      coverages: tuple[float, ...] = COVERAGES, n_bootstrap: int = 50,
                      fits: list[LearnedFit] | None = None) -> tuple[pd.DataFrame, dict]:
    """Temporal hold-out: maps from incidents before ``split``, scored on the test period.

    Computes only (like :func:`geo.scoring.engine.compute_gelegenheid`);
    :func:`build_evaluatie` computes and writes the run. The learned map it scores is
    appended to ``fits`` (when given) to be written as scored, with ``n_bootstrap`` intervals.
    """
    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    incidents = read_incidents(layers_path)
    features = read_features(latest_run(werkmap, area.id, GELEGENHEID.soort,
                                        "kaart gelegenheid"))
    if split is None:
        split = date(pd.to_datetime(incidents["datum"]).max().year, 1, 1)
    test_end = split + timedelta(days=test_dagen)
    train_start = _years_before(split, jaren) if jaren else None
    grid, mask = features.grid, features.mask
    train = incident_counts(incidents, grid, train_start, split)
    test = incident_counts(incidents, grid, split, test_end)
    if test[mask].sum() == 0 or train[mask].sum() == 0:
        raise InvalidRequestError(
            f"Geen incidenten in de trainings- of testperiode binnen {area.naam} "
            f"(splitsing {split.isoformat()}); kies een andere --splitsing.", gebied=area.id)
    found = point_factors(features.run_dir, layers_path, features.grid, features.names)
    learner, factor, features = fit_learner(features, train, method=method, factors=found.factors,
                                            n_bootstrap=n_bootstrap if fits is not None else 0,
                                            random_state=random_state)
    learned, _, _ = learned_surface(learner, features)
    if fits is not None:
        fits.append(LearnedFit(learner, factor, features, found, train_start, split, 2000.0))
    dates = pd.to_datetime(incidents["datum"]).dt.tz_localize(None)
    before = incidents[(dates < pd.Timestamp(split)).to_numpy()]
    kde = compute_risico(before, grid, mask, load_risico_config(),
                         peildatum=split - timedelta(days=1), suppress=False)
    combined, _ = combine_maps(features.expert_score, features.expert_klasse, kde.density,
                               kde.klasse, mask)
    maps = {"deskundig": features.expert_score, "geleerd": learned,
            "risicokaart": kde.density, "eerdere_incidenten": np.where(mask, train, np.nan),
            "gecombineerd": combined, "uniform": uniform_map(mask)}
    table = evaluate_maps(maps, test, mask, coverages)
    table.insert(1, "omschrijving", table["kaart"].map(MAP_LABELS))
    k = load_risico_config().k_anonimiteit
    counted = table["kaart"] != "uniform"  # the uniform reference's hit rate is its coverage
    table.loc[counted, "trefkans"] = publish_shares(table.loc[counted, "trefkans"],
                                                    int(test[mask].sum()), k)
    table["pai"] = table["trefkans"] / table["dekking"]
    info = {"training_van": train_start.isoformat() if train_start else None,
            "splitsing": split.isoformat(), "test_tot": test_end.isoformat(),
            "cellen": int(mask.sum()), "cv_score_d2_geleerd": learner.cv_score_,
            "vergroving": factor, "celgrootte_model_m": grid.cellsize * factor,
            "meldingen": list(found.meldingen),
            **publish_counts({"incidenten_training": int(train[mask].sum()),
                              "incidenten_test": int(test[mask].sum())}, k, total=None),
            "gelegenheid_run": werkmap.relative(features.run_dir)}
    return table, info


def build_evaluatie(werkmap: Werkmap, area: Area, **options: Any) -> Run:
    """Run :func:`compute_evaluatie` and write ``evaluatie/vNNNN/`` (CSV, PNG, verantwoording).

    The table is ``Run.tables["evaluatie"]``, the facts of :func:`compute_evaluatie`
    ``Run.summary["evaluatie"]``. The learned map it scored is written and registered as a
    ``gelegenheid_geleerd`` run with block-bootstrap intervals (as ``kaart leer --tot``):
    ``Run.summary["evaluatie"]["geleerde_kaart"]`` says which, ``Run.model`` is its Run.
    """
    from geo.layers import is_synthetic

    fits: list[LearnedFit] = []
    table, info = compute_evaluatie(werkmap, area, fits=fits, **options)
    layers_path = Path(options.get("layers_path") or werkmap.lagen)
    learned_run = _write_geleerd(werkmap, area, layers_path, read_incidents(layers_path),
                                 fits[0])
    info["geleerde_kaart"] = {"kaart_id": learned_run.kaart_ids[0],
                              "versie": learned_run.versie,
                              "map": werkmap.relative(learned_run.run_dir)}
    section = {**info, "methode": (
        "Temporele hold-out: kaarten gemaakt met incidenten vóór de splitsingsdatum, getoetst "
        "op incidenten in de testperiode. Trefkans = aandeel testincidenten in de hoogst "
        "scorende cellen; PAI = trefkans / aandeel oppervlakte."),
        "tabel": table.to_dict("records")}
    gel_dir = latest_run(werkmap, area.id, GELEGENHEID.soort, "kaart gelegenheid")
    grid, (score,) = read_bands(gel_dir / GELEGENHEID_FILE, 1)
    with open_run(werkmap, area, EVALUATIE, synthetisch=is_synthetic(layers_path),
                  vertrouwelijkheid=confidentiality(EVALUATIE.soort)) as run:
        with atomic_file(run.file(EVALUATIE_FILE, "csv", aantal=len(table))) as tmp:
            write_safe_csv(table, tmp)
        plot_hit_rates(table, run.file(TREFKANS_FILE, "png"),
                       title=f"Trefkans — {area.naam}", synthetic=run.synthetisch)
        run.write_verantwoording(run.document(grid=grid, cells=int(np.isfinite(score).sum()),
                                              evaluatie=section))
    return finish_run(run, summary={"evaluatie": info}, tables={"evaluatie": table},
                      model=learned_run)


def _period(incidents, tot: date | None, jaren: int | None) -> tuple[date, date | None]:
    if tot is None:
        tot = pd.to_datetime(incidents["datum"]).max().date() + timedelta(days=1)
    start = _years_before(tot, jaren) if jaren else None
    return tot, start


def _years_before(day: date, years: int) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(years=years)).date()


__all__ = ["Features", "build_evaluatie", "build_geleerd", "compute_evaluatie", "fit_learner",
           "evaluation_summary", "incident_counts", "learned_surface", "plot_hit_rates",
           "read_features"]
