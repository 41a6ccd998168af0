"""The gelegenheidskaart engine: indicators → normalised values → theme scores → classes.

Public API (stable; the export pipeline and the API build on it)::

    config = load_gelegenheid_config()                 # data/indicatoren/gelegenheid.yaml
    result = compute_gelegenheid(config, layers, grid, mask, window=512, client=None)
    result.themes["bedrijventerreinen"].score           # float32, NaN outside the area
    result.total.klasse                                 # uint8 1..5, 0 outside the area
    result.verantwoording()                             # JSON-able, for kaartverantwoording.json

The work runs in three passes over windows of ``window`` × ``window`` cells:

1. per window (with a halo as wide as the largest influence distance, bandwidth or domain
   distance, so results do not depend on the window layout) every indicator's raw raster
   and every theme's domain are computed from the features clipped to the window;
   this pass runs on a Dask cluster when ``client`` is given;
2. normalisation statistics over the valid cells of each theme's domain in the whole
   area (min/max, exact ranks), identical for any window layout;
3. per window: normalise, combine into theme scores and the overall score, classify.

Memory is bounded by the window size: with ``workdir`` every region-sized array is an
``np.memmap`` in that directory.

Kaartverantwoording contract: the export writes ``result.verantwoording()`` as the
``"themas"`` object of ``kaartverantwoording.json`` (``{thema: {thema, label, combinatie,
intercept, indicatoren: [{naam, label, toelichting, soort, gewicht, richting, normalisatie,
parameters}], klassegrenzen, normalisatie_statistieken}}``, the overall map under
``"totaal"``); :func:`geo.scoring.explain.explain_point` reads it back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geo.errors import ConfigError
from geo.runs import TOTAL
from geo.scoring.config import GelegenheidConfig, load_gelegenheid_config
from geo.scoring.grid import Grid

__all__ = [
    "GelegenheidConfig",
    "GelegenheidResult",
    "IndicatorInfo",
    "ProgressCallback",
    "ThemeResult",
    "compute_gelegenheid",
    "load_gelegenheid_config",
    "with_learned_weights",
]


ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, description)`` — called after every window of every pass."""


@dataclass(frozen=True)
class IndicatorInfo:
    """What an indicator is, for legends, explanations and the kaartverantwoording.

    Attributes
    ----------
    name : str
        Identifier (``leegstand``), also the band description ``ruw:<name>``.
    label : str
        Dutch label (``Leegstand``).
    rationale : str
        Dutch one-line reason why it indicates opportunity.
    kind : str
        ``dekking``, ``nabijheid``, ``afstand``, ``dichtheid``, ``attribuut`` or ``thema``
        (a theme score inside the overall map).
    weight : float
        Expert weight (weighted sum) or coefficient β (relative risk).
    direction : str
        ``positief`` (more = more opportunity) or ``negatief`` (a protective factor).
    params : dict
        Kind-specific parameters (layer, filter, distance, decay, bandwidth, column ...).
    normalisation : dict
        ``{"methode": ..., "min": ..., "max": ...}``.
    """

    name: str
    label: str
    rationale: str
    kind: str
    weight: float
    direction: str = "positief"
    params: dict[str, Any] = field(default_factory=dict)
    normalisation: dict[str, Any] = field(default_factory=lambda: {"methode": "minmax"})

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form with Dutch keys (as stored in the kaartverantwoording)."""
        return {
            "naam": self.name, "label": self.label, "toelichting": self.rationale,
            "soort": self.kind, "gewicht": self.weight, "richting": self.direction,
            "normalisatie": dict(self.normalisation), "parameters": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndicatorInfo:
        """Inverse of :meth:`to_dict`."""
        return cls(
            name=data["naam"], label=data.get("label", data["naam"]),
            rationale=data.get("toelichting", ""), kind=data.get("soort", ""),
            weight=float(data["gewicht"]), direction=data.get("richting", "positief"),
            params=dict(data.get("parameters") or {}),
            normalisation=dict(data.get("normalisatie") or {"methode": "minmax"}),
        )


@dataclass
class ThemeResult:
    """One theme's (or the overall) gelegenheidskaart on the grid.

    Attributes
    ----------
    thema : str
        ``bedrijventerreinen``, ``buitengebied``, ``havens``, ``vakantieparken`` or ``totaal``.
    label : str
        Dutch display name.
    score : ndarray of float32, shape (rows, cols)
        NaN outside the area; 0 inside the area but outside the theme's domain.
    klasse : ndarray of uint8, shape (rows, cols)
        1..5 (:data:`geo.legend.CLASS_NAMES`), 0 outside the area.
    breaks : list of float
        The four upper class limits of classes 1..4 (class = 1 + number of breaks < score).
    indicators : list of IndicatorInfo
        In band order of ``raw`` / ``norm``; for ``totaal`` one pseudo-indicator per theme.
    raw, norm : ndarray of float32, shape (n, rows, cols)
        Raw and normalised indicator values (NaN outside the area or without a value).
    domain : ndarray of bool, shape (rows, cols)
        Cells of the area where the theme applies.
    combination : str
        ``gewogen_som``, ``relatief_risico`` or (``totaal`` only) ``maximum``.
    intercept : float
        β0 of the relative-risk form (0 for a weighted sum).
    stats : list of dict
        Per indicator the normalisation statistics used (``min``, ``max``, ``n``).
    """

    thema: str
    label: str
    score: np.ndarray
    klasse: np.ndarray
    breaks: list[float]
    indicators: list[IndicatorInfo]
    raw: np.ndarray
    norm: np.ndarray
    domain: np.ndarray
    combination: str = "gewogen_som"
    intercept: float = 0.0
    stats: list[dict[str, Any]] = field(default_factory=list)

    def verantwoording(self) -> dict[str, Any]:
        """JSON-able description for the kaartverantwoording (see module docstring)."""
        return {
            "thema": self.thema, "label": self.label, "combinatie": self.combination,
            "intercept": self.intercept,
            "indicatoren": [info.to_dict() for info in self.indicators],
            "klassegrenzen": [float(b) for b in self.breaks],
            "normalisatie_statistieken": self.stats,
        }


@dataclass
class GelegenheidResult:
    """Every theme's map plus the overall gelegenheidskaart (``total``, thema ``totaal``)."""

    themes: dict[str, ThemeResult]
    total: ThemeResult
    grid: Grid
    mask: np.ndarray

    def all(self) -> dict[str, ThemeResult]:
        """Themes and the overall map, keyed by thema (``totaal`` last)."""
        return {**self.themes, TOTAL: self.total}

    def verantwoording(self) -> dict[str, Any]:
        """``{thema: ThemeResult.verantwoording()}`` including ``totaal``."""
        return {name: theme.verantwoording() for name, theme in self.all().items()}


def compute_gelegenheid(
    config: GelegenheidConfig,
    layers: dict[str, gpd.GeoDataFrame],
    grid: Grid,
    mask: np.ndarray,
    *,
    window: int = 512,
    client: Any = None,
    workdir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> GelegenheidResult:
    """Compute every theme's gelegenheidskaart and the overall map.

    Parameters
    ----------
    config : GelegenheidConfig
        Indicator sets (:func:`load_gelegenheid_config`).
    layers : dict of str to GeoDataFrame
        Validated layers in EPSG:28992 keyed by kind (``bedrijventerreinen``, ``wegen``,
        ``kernen`` ...). A theme whose layers are missing raises :class:`ConfigError`.
    grid : Grid
        The area's grid.
    mask : ndarray of bool, shape ``grid.shape``
        True for cells inside the area.
    window : int, default 512
        Window size in cells; results do not depend on it.
    client : dask.distributed.Client, optional
        Run pass 1 (indicators per window) on this cluster; results are identical.
    workdir : Path, optional
        Directory for memory-mapped arrays (bounded memory for large areas).
    progress : callable, optional
        ``progress(done, total, description)``.

    Returns
    -------
    GelegenheidResult
    """
    from geo.scoring.passes import run_passes

    return run_passes(config, layers, grid, mask, window=window, client=client,
                      workdir=workdir, progress=progress)


def with_learned_weights(config: GelegenheidConfig, thema: str, betas: Mapping[str, float],
                         intercept: float = 0.0) -> GelegenheidConfig:
    """A copy of ``config`` where ``thema`` combines as ``relatief_risico`` with fitted β's.

    Parameters
    ----------
    config : GelegenheidConfig
        The expert configuration the learner's features came from.
    thema : str
        Theme to replace.
    betas : mapping of str to float
        Coefficient per indicator name, fitted on the *normalised* values (``norm:``
        bands); each indicator's direction becomes ``positief`` since β carries the sign.
    intercept : float
        β0.

    Raises
    ------
    ConfigError
        Unknown theme, or indicator names missing from / unknown in ``betas``.
    """
    if thema not in config.themas:
        raise ConfigError(f"Thema '{thema}' staat niet in {config.source}.", thema=thema)
    data = config.model_dump()
    theme = data["themas"][thema]
    names = [i["naam"] for i in theme["indicatoren"]]
    missing, unknown = sorted(set(names) - set(betas)), sorted(set(betas) - set(names))
    if missing or unknown:
        raise ConfigError(
            f"Geleerde gewichten voor thema '{thema}' passen niet bij {config.source}: "
            f"ontbrekend {missing or '-'}, onbekend {unknown or '-'}.", thema=thema)
    theme["combinatie"] = "relatief_risico"
    theme["intercept"] = float(intercept)
    for indicator in theme["indicatoren"]:
        indicator["gewicht"] = float(betas[indicator["naam"]])
        indicator["richting"] = "positief"
    learned = GelegenheidConfig.model_validate(data)
    learned._source = f"{config.source} (geleerde gewichten)"
    learned._lines = dict(config._lines)
    return learned
