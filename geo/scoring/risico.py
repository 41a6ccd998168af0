"""The risicokaart: where incidents (signals) concentrate, from the ``incidenten`` layer.

Steps (all on the area's :class:`~geo.scoring.grid.Grid`, no per-cell loops):

1. select incidents in the time window ``(peildatum - tijdvenster, peildatum]`` and weight
   each by its soort and its age: ``w = gewicht[soort] · 0.5 ** (leeftijd / halveringstijd)``;
2. kernel density of the weighted incidents (:func:`geo.scoring.kde.kernel_density`,
   binning + FFT), in weighted incidents per km²;
3. Getis-Ord Gi* z-scores of the weighted counts per cell with a distance band
   (:func:`geo.scoring.gistar.getis_ord_gistar`);
4. five classes: cells without density are class 1; the cells with a density are split at
   percentiles of their density (so the classes stay informative when most of the area
   has no incidents nearby).

Privacy (incidents from the police or marked ``vertrouwelijk``): only smoothed surfaces
leave this module. The bandwidth is at least ``min_bandbreedte_cellen`` cells, and cells
with fewer than ``k_anonimiteit`` incidents (unweighted) within ``onderdruk_straal_m``
(default twice the bandwidth, where the kernel has fallen to 14 % of its peak) get density
0, class 1 and z 0 in the published surface, so no isolated incident can be read off the
map. Counts are published only rounded (:mod:`geo.scoring.suppression`), so no count below
*k* can be read or derived; objects use ``buurt_m``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.signal import fftconvolve

from geo.config_yaml import load_yaml_config
from geo.errors import InvalidRequestError, SchemaError
from geo.paths import DATA_DIR
from geo.scoring.gistar import disc_kernel, getis_ord_gistar
from geo.scoring.grid import Grid
from geo.scoring.kde import bin_points, kernel_density
from geo.scoring.suppression import publish_counts, rounding_note

DEFAULT_CONFIG = DATA_DIR / "risico.yaml"
SOORTEN = ("drugslab", "dumping", "hennepkwekerij", "melding", "bevinding_controle", "overig")


class RisicoConfig(BaseModel):
    """Parameters of the risicokaart (``data/risico.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kern: Literal["gaussian", "epanechnikov"] = "gaussian"
    bandbreedte_m: float = Field(400.0, gt=0)
    tijdvenster_dagen: int = Field(1095, gt=0)
    halveringstijd_dagen: float | None = Field(365.0, gt=0)
    gewichten: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(SOORTEN, 1.0))
    gistar_afstand_m: float = Field(500.0, gt=0)
    klasse_percentielen: list[float] = Field(default_factory=lambda: [25, 50, 75, 90])
    k_anonimiteit: int = Field(3, ge=1)
    buurt_m: float = Field(500.0, gt=0)
    min_bandbreedte_cellen: float = Field(2.0, ge=1)
    onderdruk_straal_m: float | None = Field(None, gt=0)

    @property
    def suppress_radius(self) -> float:
        """Radius for the surface's k-anonymity: ``onderdruk_straal_m`` or 2 × bandwidth."""
        return self.onderdruk_straal_m or 2.0 * self.bandbreedte_m

    @field_validator("gewichten")
    @classmethod
    def _check_weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(SOORTEN))
        if unknown:
            raise ValueError(f"gewichten per soort uit {', '.join(SOORTEN)} "
                             f"(onbekende soort(en): {', '.join(unknown)})")
        if any(w < 0 for w in value.values()):
            raise ValueError("gewichten >= 0")
        return value

    @field_validator("klasse_percentielen")
    @classmethod
    def _check_percentiles(cls, p: list[float]) -> list[float]:
        if len(p) != 4 or not (0 < p[0] < p[1] < p[2] < p[3] < 100):
            raise ValueError("vier oplopende getallen tussen 0 en 100")
        return p

    def weight(self, soort: str) -> float:
        return float(self.gewichten.get(soort, 0.0))


def load_risico_config(path: str | Path | None = None) -> RisicoConfig:
    """Read and validate a risicokaart configuration (default ``data/risico.yaml``).

    Raises
    ------
    ConfigError
        Unreadable file, YAML syntax error or invalid value (file, line, key, expected,
        found; see :mod:`geo.config_yaml`).
    """
    return load_yaml_config(path if path is not None else DEFAULT_CONFIG, RisicoConfig)


@dataclass
class RisicoResult:
    """A risicokaart on a grid.

    Attributes
    ----------
    density : ndarray of float32
        Published density (weighted incidents per km², suppressed below *k*), NaN outside.
    klasse : ndarray of uint8
        1..5 (:data:`geo.legend.CLASS_NAMES`), 0 outside the area.
    z : ndarray of float32
        Gi* z-scores (0 where suppressed), NaN outside.
    breaks : list of float
        Upper limits of classes 1..4 (class = 1 + number of breaks < density).
    peildatum : date
        End of the time window.
    used : dict
        Incidents inside the area per soort and ``totaal``, rounded with
        :func:`geo.scoring.suppression.publish_counts` (multiples of 5 that add up);
        incidents just outside still contribute to the density near the edge.
    """

    density: np.ndarray
    klasse: np.ndarray
    z: np.ndarray
    breaks: list[float]
    peildatum: date
    used: dict[str, Any]
    config: RisicoConfig
    suppressed_cells: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def verantwoording(self) -> dict[str, Any]:
        c = self.config
        return {
            "peildatum": self.peildatum.isoformat(),
            "tijdvenster_dagen": c.tijdvenster_dagen,
            "halveringstijd_dagen": c.halveringstijd_dagen,
            "kern": c.kern, "bandbreedte_m": c.bandbreedte_m,
            "gewichten": dict(c.gewichten), "gistar_afstand_m": c.gistar_afstand_m,
            "klasse_percentielen": list(c.klasse_percentielen),
            "klassegrenzen": [float(b) for b in self.breaks],
            "k_anonimiteit": c.k_anonimiteit, "buurt_m": c.buurt_m,
            "onderdruk_straal_m": c.suppress_radius,
            "onderdrukte_cellen": int(self.suppressed_cells),
            "incidenten": self.used, "aantallen": rounding_note(c.k_anonimiteit),
            "eenheid": "gewogen incidenten per km²",
            **self.extra,  # e.g. the buurt input (geo.scoring.buurtincidenten)
        }


def incident_weights(
    incidents: pd.DataFrame, config: RisicoConfig, peildatum: date
) -> np.ndarray:
    """Weight of every incident: soort weight × recency decay; 0 outside the time window.

    Examples
    --------
    A drugslab (weight 3) exactly one half-life old weighs 1.5.
    """
    dates = _dates(incidents)
    age = (pd.Timestamp(peildatum) - dates).dt.days.to_numpy(dtype=float)
    inside = (age >= 0) & (age < config.tijdvenster_dagen)
    base = incidents["soort"].astype(str).map(config.weight).to_numpy(dtype=float)
    decay = 1.0 if config.halveringstijd_dagen is None else 0.5 ** (
        np.clip(age, 0, None) / config.halveringstijd_dagen)
    return np.where(inside, base * decay, 0.0)


def compute_risico(
    incidents: gpd.GeoDataFrame,
    grid: Grid,
    mask: np.ndarray,
    config: RisicoConfig | None = None,
    *,
    peildatum: date | None = None,
    suppress: bool = True,
) -> RisicoResult:
    """Compute the risicokaart of ``incidents`` on ``grid``.

    Parameters
    ----------
    incidents : GeoDataFrame
        Layer ``incidenten`` (points, EPSG:28992) with ``datum`` and ``soort``.
    grid, mask : Grid, ndarray of bool
        The area's grid and its cells inside the area.
    config : RisicoConfig, optional
        Defaults from ``data/risico.yaml``.
    peildatum : date, optional
        End of the time window (default: the latest incident date).
    suppress : bool, default True
        Apply the k-anonymity suppression (turn off only for internal evaluation).
    """
    config = config or load_risico_config()
    if config.bandbreedte_m < config.min_bandbreedte_cellen * grid.cellsize:
        raise InvalidRequestError(
            f"Bandbreedte {config.bandbreedte_m:g} m is te klein voor celgrootte "
            f"{grid.cellsize:g} m: minimaal {config.min_bandbreedte_cellen:g} cellen "
            f"({config.min_bandbreedte_cellen * grid.cellsize:g} m), zodat de risicokaart "
            "een gladgestreken oppervlak blijft.", bandbreedte=config.bandbreedte_m)
    _check_incidents(incidents)
    if peildatum is None:
        peildatum = _dates(incidents).max().date() if len(incidents) else date.today()
    weights = incident_weights(incidents, config, peildatum)
    used = weights > 0
    x = incidents.geometry.x.to_numpy()[used]
    y = incidents.geometry.y.to_numpy()[used]
    w = weights[used]
    density = kernel_density(x, y, grid, config.bandbreedte_m, weights=w, kernel=config.kern)
    counts = bin_points(x, y, grid, w)
    z = getis_ord_gistar(counts, grid.cellsize, config.gistar_afstand_m, mask)
    suppressed = np.zeros(grid.shape, bool)
    if suppress:
        nearby = count_nearby(x, y, grid, config.suppress_radius)
        suppressed = mask & (nearby < config.k_anonimiteit)
        density[suppressed] = 0.0
        z[suppressed] = 0.0
    density = np.where(mask, density, np.nan).astype("float32")
    breaks = class_breaks(density[mask], config.klasse_percentielen, positive_only=True)
    klasse = classify(density, breaks)
    row, col = grid.rowcol(x, y)
    in_grid = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    in_area = np.zeros(len(x), bool)
    in_area[in_grid] = mask[row[in_grid], col[in_grid]]
    per_soort = pd.Series(incidents["soort"].astype(str).to_numpy()[used][in_area]).value_counts()
    report = {str(k): int(v) for k, v in per_soort.items()}
    report["totaal"] = int(in_area.sum())
    return RisicoResult(
        density=density, klasse=klasse, z=np.where(mask, z, np.nan).astype("float32"),
        breaks=breaks, peildatum=peildatum, used=publish_counts(report, config.k_anonimiteit),
        config=config, suppressed_cells=int(suppressed.sum()),
    )


def count_nearby(x: np.ndarray, y: np.ndarray, grid: Grid, radius: float) -> np.ndarray:
    """Unweighted number of points within ``radius`` m of every cell (disc convolution)."""
    counts = bin_points(x, y, grid)
    if not counts.any():
        return counts
    return np.rint(fftconvolve(counts, disc_kernel(grid.cellsize, radius), mode="same"))


def class_breaks(
    values: np.ndarray, percentiles: list[float], *, positive_only: bool = False
) -> list[float]:
    """Class limits at the given percentiles of the finite (or positive) values (0s if none).

    Examples
    --------
    >>> class_breaks(np.array([0.0, 0, 0, 1, 2, 3, 4, 5]), [20, 40, 60, 80], positive_only=True)
    [1.8, 2.6, 3.4, 4.2]
    """
    finite = values[np.isfinite(values)]
    if positive_only:
        finite = finite[finite > 0]
    if finite.size == 0:
        return [0.0] * len(percentiles)
    return [float(b) for b in np.percentile(finite, percentiles)]


def classify(values: np.ndarray, breaks: list[float]) -> np.ndarray:
    """Class 1 + number of breaks strictly below the value; 0 where the value is NaN.

    Examples
    --------
    >>> classify(np.array([0.0, 0.5, 2.0, np.nan]), [0.0, 1.0, 1.5, 3.0]).tolist()
    [1, 2, 4, 0]
    """
    values = np.asarray(values, float)
    out = 1 + np.searchsorted(np.asarray(breaks, float), np.nan_to_num(values), side="left")
    return np.where(np.isfinite(values), out, 0).astype("uint8")


def _dates(incidents: pd.DataFrame) -> pd.Series:
    try:
        return pd.to_datetime(incidents["datum"]).dt.tz_localize(None)
    except (ValueError, TypeError) as error:
        raise SchemaError(f"Laag 'incidenten', kolom 'datum': ongeldige datum ({error}).",
                          laag="incidenten", kolom="datum") from error


def _check_incidents(incidents: gpd.GeoDataFrame) -> None:
    missing = [c for c in ("datum", "soort") if c not in incidents.columns]
    if missing:
        raise SchemaError(f"Laag 'incidenten' mist kolom(men): {', '.join(missing)}.",
                          laag="incidenten", kolommen=missing)
    if len(incidents) and not (incidents.geom_type == "Point").all():
        bad = incidents.index[incidents.geom_type != "Point"][:5].tolist()
        raise SchemaError(f"Laag 'incidenten' moet punten bevatten; rijen {bad} zijn geen punt.",
                          laag="incidenten", rijen=bad)
