"""Outcome feedback with a guard against feedback loops.

Objects are controlled *because* they scored high, so raw outcomes over-represent
high-score objects. Two rules keep the next model honest:

1. only controlled objects get a label; objects never controlled are unlabelled, never
   negatives;
2. each labelled control is weighted by ``1 / selectiekans`` (the probability with which the
   plan selected it: 1 for exploitation picks, the drawn inclusion probability for
   exploration picks) — the Horvitz-Thompson / inverse-probability weighting of survey
   sampling, which makes weighted means estimate the population of candidates.

Controls table (``controls``) columns used here: ``thema``, ``object_id``, ``datum``
(date), ``uitgevoerd`` (bool), ``bevindingen`` (``;``-separated codes, ``geen`` = nothing
found), ``soort_keuze`` (``exploitatie``/``exploratie``/None) and ``selectiekans``
(float, NaN when the control was not part of a plan).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.atomic import latest_version
from geo.export.tabular import read_safe_csv
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.planning.candidates import indicator_table, object_key
from geo.planning.config import PlanningConfig
from geo.runs import GELEGENHEID_GELEERD, OBJECT_RATES_FILE

FINDINGS = ("geen", "hennep", "drugslab", "opslag_precursoren", "illegale_bewoning",
            "arbeidsuitbuiting", "milieu", "brandveiligheid", "overig")
FOLLOW_UPS = ("geen", "waarschuwing", "bestuurlijke_maatregel", "strafrechtelijk")
CHOICE_KINDS = ("exploitatie", "exploratie")


def is_hit(bevindingen: pd.Series) -> pd.Series:
    """True where a control found anything (a code other than ``geen``)."""
    def _hit(value: object) -> bool:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return False
        codes = [c.strip() for c in str(value).split(";") if c.strip()]
        return any(c != "geen" for c in codes)
    return bevindingen.map(_hit).astype(bool)


def _executed(controls: pd.DataFrame) -> pd.DataFrame:
    done = controls[controls["uitgevoerd"].astype(bool)].copy()
    done["treffer"] = is_hit(done["bevindingen"]).astype(int)
    done["sleutel"] = object_key(done["thema"], done["object_id"])
    return done


def outcome_training_table(controls: pd.DataFrame, objects: pd.DataFrame) -> pd.DataFrame:
    """Selection-corrected labels for the learned model (one row per executed control).

    Parameters
    ----------
    controls : DataFrame
        Registered controls (see module docstring).
    objects : DataFrame
        Scored objects (``thema``, ``id`` and optionally ``uitleg``, ``score``, ``klasse``).

    Returns
    -------
    DataFrame
        ``sleutel, thema, object_id, datum, soort_keuze, selectiekans, label`` (1 = something
        found, 0 = nothing found), ``sample_weight`` (``1 / selectiekans``), ``score``,
        ``klasse`` and one column per indicator (normalised value from ``uitleg``). Controls
        without a known selection probability (not from a plan) and objects never controlled
        are left out: they are unlabelled, never negatives.

    Examples
    --------
    A control drawn for exploration with probability 0.25 counts for four objects:
    ``sample_weight == 4.0``.
    """
    done = _executed(controls)
    done = done[pd.to_numeric(done["selectiekans"], errors="coerce") > 0]
    table = pd.DataFrame({
        "sleutel": done["sleutel"].to_numpy(),
        "thema": done["thema"].astype(str).to_numpy(),
        "object_id": done["object_id"].astype(str).to_numpy(),
        "datum": done["datum"].to_numpy(),
        "soort_keuze": done["soort_keuze"].to_numpy(),
        "selectiekans": done["selectiekans"].astype(float).to_numpy(),
        "label": done["treffer"].to_numpy(),
    })
    table["sample_weight"] = 1.0 / table["selectiekans"]
    if len(objects):
        obj = pd.DataFrame({"sleutel": object_key(objects["thema"].astype(str),
                                                  objects["id"].astype(str))})
        for column in ("score", "klasse"):
            if column in objects:
                obj[column] = objects[column].to_numpy()
        obj = pd.concat([obj, indicator_table(objects).reset_index(drop=True)
                         .set_axis(obj.index)], axis=1)
        table = table.merge(obj, on="sleutel", how="left")
    return table


def weighted_hit_rate(label: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Hajek estimate ``Σ w·y / Σ w`` and Kish's effective sample size ``(Σw)² / Σw²``."""
    label = np.asarray(label, dtype=float)
    weight = np.asarray(weight, dtype=float)
    if len(label) == 0 or weight.sum() <= 0:
        return float("nan"), 0.0
    return float((weight * label).sum() / weight.sum()), float(weight.sum() ** 2
                                                                 / (weight ** 2).sum())


def fit_hit_rates(training: pd.DataFrame, candidates: pd.DataFrame,
                  config: PlanningConfig) -> pd.DataFrame:
    """Relearn the hit probability per ``thema × klasse`` from selection-corrected outcomes.

    The class rate is the weighted (Hajek) hit rate shrunk towards the mean score prior of
    the class with ``kalibratie_sterkte`` pseudo-controls:
    ``r = (n_eff · hajek + K · prior) / (n_eff + K)``.

    Returns
    -------
    DataFrame
        ``thema, klasse, prior, gecorrigeerd, n_eff, factor`` (``factor = gecorrigeerd / prior``;
        multiply an object's score prior by it).
    """
    groups = candidates.groupby(["thema", "klasse"], as_index=False)["prior"].mean()
    rows = []
    for row in groups.itertuples(index=False):
        part = training[(training["thema"] == row.thema)
                        & (training["klasse"].astype("Int64") == row.klasse)] \
            if len(training) and "klasse" in training else training.iloc[0:0]
        rate, n_eff = weighted_hit_rate(part["label"], part["sample_weight"]) \
            if len(part) else (float("nan"), 0.0)
        k = config.kalibratie_sterkte
        corrected = row.prior if n_eff == 0 else (n_eff * rate + k * row.prior) / (n_eff + k)
        rows.append({"thema": row.thema, "klasse": int(row.klasse), "prior": row.prior,
                     "gecorrigeerd": corrected, "n_eff": n_eff,
                     "factor": corrected / row.prior if row.prior > 0 else 1.0})
    return pd.DataFrame(rows, columns=["thema", "klasse", "prior", "gecorrigeerd", "n_eff",
                                       "factor"])


def expected_yield(candidates: pd.DataFrame, controls: pd.DataFrame | None,
                   config: PlanningConfig, rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the posterior hit probability and its uncertainty per candidate.

    Each object's prior mean is its score prior times the relearned class factor; its own
    controls update a Beta prior of strength ``prior_sterkte`` (Beta-binomial).

    Returns
    -------
    DataFrame
        ``candidates`` plus ``controles``, ``treffers``, ``laatste_controle``, ``verwacht``
        (posterior mean) and ``onzekerheid`` (posterior standard deviation).
    """
    frame = candidates.copy()
    mean = frame["prior"].to_numpy(dtype=float)
    if rates is not None and len(rates):
        factor = frame[["thema", "klasse"]].merge(rates[["thema", "klasse", "factor"]],
                                                  on=["thema", "klasse"], how="left")["factor"]
        mean = mean * factor.fillna(1.0).to_numpy()
    mean = np.clip(mean, 1e-3, 0.999)
    n = np.zeros(len(frame))
    h = np.zeros(len(frame))
    last = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if controls is not None and len(controls):
        done = _executed(controls)
        agg = done.groupby("sleutel").agg(controles=("treffer", "size"),
                                          treffers=("treffer", "sum"))
        position = frame["sleutel"].map(agg["controles"])
        n = position.fillna(0).to_numpy(dtype=float)
        h = frame["sleutel"].map(agg["treffers"]).fillna(0).to_numpy(dtype=float)
        all_dates = pd.to_datetime(controls["datum"]).dt.as_unit("ns")
        latest = all_dates.groupby(object_key(controls["thema"], controls["object_id"])).max()
        last = pd.to_datetime(frame["sleutel"].map(latest)).astype("datetime64[ns]")
    k = config.prior_sterkte
    a = mean * k + h
    b = (1 - mean) * k + (n - h)
    frame["controles"] = n.astype(int)
    frame["treffers"] = h.astype(int)
    frame["laatste_controle"] = last.to_numpy()
    frame["verwacht"] = a / (a + b)
    frame["onzekerheid"] = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return frame


def hit_rate_report(controls: pd.DataFrame, *, periode: str = "kwartaal") -> pd.DataFrame:
    """Hit rate per theme, period and kind of pick (exploitation vs exploration).

    Parameters
    ----------
    periode : {"maand", "kwartaal", "jaar"}

    Returns
    -------
    DataFrame
        ``thema, periode, soort_keuze, uitgevoerd, treffers, trefkans`` plus
        ``trefkans_gecorrigeerd`` (the inverse-probability weighted estimate for all picks of
        that theme and period, i.e. the hit rate over the candidate population; NaN when no
        exploration pick of that theme and period exists, as it would only describe the
        exploited objects).
    """
    freq = {"maand": "M", "kwartaal": "Q", "jaar": "Y"}[periode]
    done = _executed(controls)
    if done.empty:
        return pd.DataFrame(columns=["thema", "periode", "soort_keuze", "uitgevoerd", "treffers",
                                     "trefkans", "trefkans_gecorrigeerd"])
    done["periode"] = pd.to_datetime(done["datum"]).dt.to_period(freq).astype(str)
    done["soort_keuze"] = done["soort_keuze"].fillna("buiten_plan")
    report = (done.groupby(["thema", "periode", "soort_keuze"], as_index=False)
              .agg(uitgevoerd=("treffer", "size"), treffers=("treffer", "sum")))
    report["trefkans"] = report["treffers"] / report["uitgevoerd"]
    weighted = done[pd.to_numeric(done["selectiekans"], errors="coerce") > 0]
    corrected = {  # only where exploration sampled the rest of the theme's candidates
        key: weighted_hit_rate(g["treffer"], 1.0 / g["selectiekans"].astype(float))[0]
        for key, g in weighted.groupby(["thema", "periode"])
        if (g["selectiekans"].astype(float) < 1.0).any()
    }
    report["trefkans_gecorrigeerd"] = [corrected.get((t, p), np.nan)
                                       for t, p in zip(report["thema"], report["periode"],
                                                       strict=True)]
    return report.sort_values(["thema", "periode", "soort_keuze"]).reset_index(drop=True)


MIN_LABELLED = 8
"""A theme needs this many labelled controls, with and without a finding, for learned rates."""
RATE_COLUMNS = ["thema", "object_id", "trefkans_geleerd", "controles", "treffers", "n_eff"]


def fit_object_hit_rates(training: pd.DataFrame, objects: pd.DataFrame) -> pd.DataFrame:
    """Learned hit probability of every object, per theme, from selection-corrected controls.

    Per theme a logistic regression (L2, ``C = 1``) of *something found* on the object's
    normalised indicators (``uitleg``), each labelled control weighted by ``1 / selectiekans``
    (:func:`outcome_training_table`), predicts the hit rate of every object of that theme,
    controlled or not. Objects never controlled stay unlabelled: they only receive a
    prediction. A theme with fewer than :data:`MIN_LABELLED` labelled controls, or without
    both outcomes, gets no learned rates (unknown, not zero).

    Returns
    -------
    DataFrame
        ``thema, object_id, trefkans_geleerd, controles, treffers, n_eff``.
    """
    from sklearn.linear_model import LogisticRegression

    features = indicator_table(objects)
    parts = []
    for thema, part in training.groupby("thema"):
        label = part["label"].astype(int)
        if len(part) < MIN_LABELLED or label.nunique() < 2:
            continue
        columns = [c for c in features.columns if c in part and part[c].notna().any()]
        mine = objects["thema"].astype(str) == str(thema)
        weight = part["sample_weight"].to_numpy(float)
        if columns:
            model = LogisticRegression(C=1.0, max_iter=1000).fit(
                part[columns].fillna(0.0).to_numpy(float), label, sample_weight=weight)
            rate = model.predict_proba(
                features.loc[mine, columns].fillna(0.0).to_numpy(float))[:, 1]
        else:
            rate = np.full(int(mine.sum()), weighted_hit_rate(label, weight)[0])
        parts.append(pd.DataFrame({
            "thema": str(thema), "object_id": objects.loc[mine, "id"].astype(str).to_numpy(),
            "trefkans_geleerd": rate, "controles": len(part), "treffers": int(label.sum()),
            "n_eff": weighted_hit_rate(label, weight)[1]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RATE_COLUMNS)


def read_object_rates(werkmap: Werkmap, area: Area) -> pd.DataFrame | None:
    """The learned object hit rates of the newest learned run of ``area`` (None: none)."""
    run = latest_version(werkmap.run_parent(area.id, GELEGENHEID_GELEERD.soort))
    path = None if run is None else run / OBJECT_RATES_FILE
    if path is None or not path.exists():
        return None
    return read_safe_csv(path, dtype={"thema": str, "object_id": str})


def apply_learned_rates(candidates: pd.DataFrame, rates: pd.DataFrame | None) -> pd.DataFrame:
    """Candidates whose ``prior`` is the learned hit rate where ``kaart leer`` learned one.

    Column ``prior_bron`` says which: ``geleerd`` (from controls) or ``score`` (the map).
    """
    frame = candidates.copy()
    frame["prior_bron"] = "score"
    if rates is None or not len(rates):
        return frame
    learned = pd.Series(rates["trefkans_geleerd"].to_numpy(float),
                        index=object_key(rates["thema"].astype(str), rates["object_id"]))
    learned = learned[~learned.index.duplicated()]
    value = frame["sleutel"].map(learned)
    known = value.notna().to_numpy()
    frame.loc[known, "prior"] = np.clip(value[known].to_numpy(float), 1e-3, 0.999)
    frame.loc[known, "prior_bron"] = "geleerd"
    return frame
