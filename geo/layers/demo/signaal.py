"""The known signal in the demo: incident intensity as a log-linear function of indicators.

For every object *o* of theme *t* the expected number of incidents per year is

.. math:: \\lambda_o = b_o \\exp(\\beta_{t,0} + \\sum_k \\beta_{t,k} x_{o,k})

with exposure :math:`b_o` (area in ha for polygons, 1 for points), the features
:math:`x_{o,k}` below (computed by :func:`compute_features`) and the coefficients in
:data:`TRUE_COEFFICIENTS`. The intercept :math:`\\beta_{t,0}` is calibrated so that the
expected total per year equals :data:`EXPECTED_PER_YEAR` for that theme. Incidents are
drawn independently per object per year (Poisson), so past locations carry no information
beyond this intensity.

Features (natural units; ``d`` distances in metres):

bedrijventerreinen
    ``leegstand_pct_per_10`` = leegstand_pct / 10; ``verzamelgebouwen_log1p`` =
    log(1 + verzamelgebouwen); ``woonfunctie_pct_per_10`` = woonfunctie_pct / 10;
    ``nabij_afrit`` = max(0, 1 - d_afrit / 2000) with d_afrit the distance to the nearest
    ``afrit`` line; ``geen_keurmerk_kvo``, ``geen_cameratoezicht`` (0/1).
buitengebied
    ``leegstaand``, ``stoppend_bedrijf`` (0/1); ``afstand_kern_km`` = min(d_kern, 3000) / 1000;
    ``nabij_grens`` = max(0, 1 - d_landsgrens / 5000).
vakantieparken
    ``permanente_bewoning_pct_per_10``, ``arbeidsmigranten_pct_per_10`` (pct / 10);
    ``versnipperd_eigendom``, ``geen_toegangscontrole``, ``kwetsbaar``, ``niet_vitaal`` (0/1).
havens
    ``jachthaven``, ``airstrip`` (0/1, against binnenhaven/luchthaven);
    ``geen_nachtregister``, ``geen_toezicht_24_7`` (0/1).

True coefficients (:data:`TRUE_COEFFICIENTS`, also in the ``demo_model`` metadata of the
``incidenten`` layer), largest first:

- bedrijventerreinen: nabij_afrit 0.9, geen_keurmerk_kvo 0.6, verzamelgebouwen_log1p 0.5,
  leegstand_pct_per_10 0.4, geen_cameratoezicht 0.3, woonfunctie_pct_per_10 -0.15
- buitengebied: leegstaand 1.2, nabij_grens 1.0, stoppend_bedrijf 0.8, afstand_kern_km 0.4
- vakantieparken: niet_vitaal 0.9, versnipperd_eigendom 0.6, geen_toegangscontrole 0.45,
  kwetsbaar 0.35, arbeidsmigranten_pct_per_10 0.25, permanente_bewoning_pct_per_10 0.2
- havens: airstrip 1.0, geen_nachtregister 0.7, geen_toezicht_24_7 0.6, jachthaven 0.5

Decoys: attributes and distances the expert indicator set also uses but that have **no**
effect on the intensity (true coefficient 0): ``bouwjaar_mediaan`` (bedrijventerreinen),
``ligplaatsen`` and distance to the landsgrens (havens), distance to the nearest woning and
to motorways (buitengebied). A learner should give them weights near zero.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

TRUE_COEFFICIENTS: dict[str, dict[str, float]] = {
    "bedrijventerreinen": {
        "nabij_afrit": 0.9,
        "geen_keurmerk_kvo": 0.6,
        "verzamelgebouwen_log1p": 0.5,
        "leegstand_pct_per_10": 0.4,
        "geen_cameratoezicht": 0.3,
        "woonfunctie_pct_per_10": -0.15,
    },
    "buitengebied": {
        "leegstaand": 1.2,
        "nabij_grens": 1.0,
        "stoppend_bedrijf": 0.8,
        "afstand_kern_km": 0.4,
    },
    "vakantieparken": {
        "niet_vitaal": 0.9,
        "versnipperd_eigendom": 0.6,
        "geen_toegangscontrole": 0.45,
        "kwetsbaar": 0.35,
        "arbeidsmigranten_pct_per_10": 0.25,
        "permanente_bewoning_pct_per_10": 0.2,
    },
    "havens": {
        "airstrip": 1.0,
        "geen_nachtregister": 0.7,
        "geen_toezicht_24_7": 0.6,
        "jachthaven": 0.5,
    },
}
"""True log-linear coefficients per theme (per unit of each feature), largest first."""

EXPECTED_PER_YEAR: dict[str, float] = {
    "bedrijventerreinen": 190.0,
    "buitengebied": 210.0,
    "vakantieparken": 130.0,
    "havens": 20.0,
    "achtergrond": 130.0,
}
"""Expected incidents per year per theme; ``achtergrond`` = meldingen in kernen by inhabitants."""

EXIT_REACH_M = 2_000.0
BORDER_REACH_M = 5_000.0
REMOTE_CAP_M = 3_000.0


def compute_features(kind: str, frame: gpd.GeoDataFrame, *,
                     wegen: gpd.GeoDataFrame | None = None,
                     kernen: gpd.GeoDataFrame | None = None,
                     landsgrens: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The intensity features of one theme layer (columns as in :data:`TRUE_COEFFICIENTS`).

    Parameters
    ----------
    kind : str
        ``bedrijventerreinen``, ``buitengebied``, ``vakantieparken`` or ``havens``.
    frame : GeoDataFrame
        The theme layer (EPSG:28992).
    wegen : GeoDataFrame, optional
        Roads; the ``afrit`` lines are the exits (bedrijventerreinen).
    kernen, landsgrens : GeoDataFrame, optional
        Needed for buitengebied (remoteness and border distance).

    Examples
    --------
    A terrain 500 m from the nearest afrit line gets ``nabij_afrit = 1 - 500 / 2000 = 0.75``.
    """
    if kind == "bedrijventerreinen":
        afritten = (np.empty(0, dtype=object) if wegen is None
                    else wegen.loc[wegen["soort"] == "afrit"].geometry.values)
        if len(afritten) == 0:
            near = np.zeros(len(frame))
        else:
            tree = shapely.STRtree(afritten)
            _, dist = tree.query_nearest(frame.geometry.values, return_distance=True,
                                         all_matches=False)
            near = np.clip(1.0 - dist / EXIT_REACH_M, 0.0, 1.0)
        return pd.DataFrame({
            "nabij_afrit": near,
            "geen_keurmerk_kvo": (~frame["keurmerk_kvo"].astype(bool)).astype(float).to_numpy(),
            "verzamelgebouwen_log1p": np.log1p(frame["verzamelgebouwen"].to_numpy(float)),
            "leegstand_pct_per_10": frame["leegstand_pct"].to_numpy(float) / 10.0,
            "geen_cameratoezicht": (~frame["cameratoezicht"].astype(bool)).astype(float)
            .to_numpy(),
            "woonfunctie_pct_per_10": frame["woonfunctie_pct"].to_numpy(float) / 10.0,
        }, index=frame.index)
    if kind == "buitengebied":
        tree = shapely.STRtree(kernen.geometry.values)
        _, d_kern = tree.query_nearest(frame.geometry.values, return_distance=True,
                                       all_matches=False)
        border = shapely.union_all(landsgrens.geometry.values)
        d_border = shapely.distance(frame.geometry.values, border)
        return pd.DataFrame({
            "leegstaand": frame["leegstaand"].astype(float).to_numpy(),
            "nabij_grens": np.clip(1.0 - d_border / BORDER_REACH_M, 0.0, 1.0),
            "stoppend_bedrijf": frame["stoppend_bedrijf"].astype(float).to_numpy(),
            "afstand_kern_km": np.minimum(d_kern, REMOTE_CAP_M) / 1000.0,
        }, index=frame.index)
    if kind == "vakantieparken":
        vitaliteit = frame["vitaliteit"].astype(str)
        return pd.DataFrame({
            "niet_vitaal": (vitaliteit == "niet_vitaal").astype(float).to_numpy(),
            "versnipperd_eigendom": frame["versnipperd_eigendom"].astype(float).to_numpy(),
            "geen_toegangscontrole": (~frame["toegangscontrole"].astype(bool)).astype(float)
            .to_numpy(),
            "kwetsbaar": (vitaliteit == "kwetsbaar").astype(float).to_numpy(),
            "arbeidsmigranten_pct_per_10": frame["arbeidsmigranten_pct"].to_numpy(float) / 10,
            "permanente_bewoning_pct_per_10": frame["permanente_bewoning_pct"]
            .to_numpy(float) / 10,
        }, index=frame.index)
    if kind == "havens":
        soort = frame["soort"].astype(str)
        return pd.DataFrame({
            "airstrip": (soort == "airstrip").astype(float).to_numpy(),
            "geen_nachtregister": (~frame["nachtregister"].astype(bool)).astype(float)
            .to_numpy(),
            "geen_toezicht_24_7": (~frame["toezicht_24_7"].astype(bool)).astype(float)
            .to_numpy(),
            "jachthaven": (soort == "jachthaven").astype(float).to_numpy(),
        }, index=frame.index)
    raise ValueError(f"geen signaal voor laag {kind}")


def exposure(kind: str, frame: gpd.GeoDataFrame) -> np.ndarray:
    """Exposure per object: area in ha for polygon themes, 1 for point themes."""
    if kind in ("bedrijventerreinen", "vakantieparken"):
        return frame.geometry.area.to_numpy() / 1e4
    return np.ones(len(frame))


def intensity(kind: str, features: pd.DataFrame, exposures: np.ndarray
              ) -> tuple[np.ndarray, float]:
    """Expected incidents per object per year, and the calibrated intercept.

    The intercept makes ``intensity.sum() == EXPECTED_PER_YEAR[kind]``.
    """
    beta = TRUE_COEFFICIENTS[kind]
    linear = features[list(beta)].to_numpy(float) @ np.array(list(beta.values()))
    relative = exposures * np.exp(linear)
    intercept = float(np.log(EXPECTED_PER_YEAR[kind] / relative.sum()))
    return relative * np.exp(intercept), intercept
