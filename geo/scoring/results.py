"""What the gelegenheidskaart engine returns: per theme and overall, scores, classes, explanation.

These types are shared by the engine (:mod:`geo.scoring.engine`, which computes them
in :mod:`geo.scoring.passes`), the export, the learner and the explanation; they live
here so none of those modules has to import another to know them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geo.runs import TOTAL
from geo.scoring.grid import Grid

__all__ = ["TOTAL", "GelegenheidResult", "IndicatorInfo", "ProgressCallback", "ThemeResult"]

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
    status : ndarray of uint8, shape (n, rows, cols), optional
        Per indicator and cell: 0 known (or no object within reach), 1 unknown and left
        out of the score, 2 unknown and imputed (:mod:`geo.scoring.windows`).
    completeness : ndarray of float32, shape (rows, cols), optional
        ``volledigheid``: share of the indicator weight that was known (NaN outside the
        area; 1 outside the domain).
    disabled : list of dict
        Indicators switched off because their layer is missing
        (``naam``, ``label``, ``laag``, Dutch ``melding``).
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
    status: np.ndarray | None = None
    completeness: np.ndarray | None = None
    disabled: list[dict[str, str]] = field(default_factory=list)

    def verantwoording(self) -> dict[str, Any]:
        """JSON-able description for the kaartverantwoording (see module docstring)."""
        result = {
            "thema": self.thema, "label": self.label, "combinatie": self.combination,
            "intercept": self.intercept,
            "indicatoren": [info.to_dict() for info in self.indicators],
            "klassegrenzen": [float(b) for b in self.breaks],
            "normalisatie_statistieken": self.stats,
        }
        if self.disabled:  # indicators whose layer is missing (Dutch notices)
            result["uitgeschakeld"] = list(self.disabled)
        return result


@dataclass
class GelegenheidResult:
    """Every theme's map plus the overall gelegenheidskaart (``total``, thema ``totaal``)."""

    themes: dict[str, ThemeResult]
    total: ThemeResult
    grid: Grid
    mask: np.ndarray
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Themes not computed because a layer is missing (:mod:`geo.scoring.availability`)."""

    def all(self) -> dict[str, ThemeResult]:
        """Themes and the overall map, keyed by thema (``totaal`` last)."""
        return {**self.themes, TOTAL: self.total}

    def verantwoording(self) -> dict[str, Any]:
        """``{thema: ThemeResult.verantwoording()}`` including ``totaal``."""
        doc = {name: theme.verantwoording() for name, theme in self.all().items()}
        if self.skipped:  # the overall map was combined without these themes
            doc[TOTAL]["overgeslagen_themas"] = list(self.skipped.values())
        return doc

    def notices(self) -> list[str]:
        """Dutch notices of every skipped theme and switched-off indicator (for the screen)."""
        return ([s["melding"] for s in self.skipped.values()]
                + [d["melding"] for t in self.themes.values() for d in t.disabled])
