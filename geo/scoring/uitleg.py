"""One explanation entry per indicator, in terms that recompute the score as shown.

Used by both the cell explanation (:func:`geo.scoring.explain.explain_cell`) and the
object explanation (:func:`geo.scoring.objects.score_objects`, ``uitleg`` column), so
the popup, ``objecten.gpkg``, the CSV and the API say the same thing. An entry holds

- ``bron`` / ``bronwaarde``: the source value as the user knows it, before any
  normalisation or inversion (``cameratoezicht: ja``, not "Geen cameratoezicht: 1");
- ``richting``: ``verhogend`` (more = more opportunity) or ``beschermend`` (a protective
  factor: its *absence* adds opportunity);
- ``waarde_na_richting``: the normalised value after the direction (``1 − norm`` for a
  protective factor, 0 for "nothing within reach"), between 0 and 1;
- ``gewicht_effectief``: the weight that value gets in this score. For ``gewogen_som``
  this is ``w / Σ w`` over the *known* indicators (renormalised when some are unknown);
  for ``maximum`` 1 for the highest theme and 0 otherwise; 0 outside the theme's domain.
  For these two, ``bijdrage = waarde_na_richting × gewicht_effectief`` and the score is
  the sum of the ``bijdrage`` column. For ``relatief_risico`` it is the coefficient β
  (score ``= basis × exp(Σ β·v)``) and the ``bijdrage`` column still adds up to the score;
- ``bijdrage``: the contribution (the same number as the older key ``aandeel``).

Unknown values (status 1) show ``bronwaarde = onbekend``, effective weight 0 and
contribution 0; the other indicators' effective weights are renormalised.
"""

from __future__ import annotations

import math
from typing import Any

BASELINE = "basis"
"""The ``indicator`` of the ``relatief_risico`` baseline entry."""

DIRECTION_LABELS = {"positief": "verhogend", "negatief": "beschermend"}
"""Dutch name of each direction, as shown in explanations and the kaartverantwoording."""

SCORE_RULES = {
    "gewogen_som": ("bijdrage = waarde na richting × effectief gewicht; score = som van de "
                    "bijdragen. Effectief gewicht = eigen gewicht gedeeld door de som van de "
                    "gewichten van de bekende indicatoren; een beschermende factor telt met "
                    "1 − genormaliseerde waarde."),
    "relatief_risico": ("score = basis × e^(Σ β·waarde); de bijdragen (basis plus een deel "
                        "per indicator naar rato van β·waarde) tellen op tot de score."),
    "maximum": "score = de hoogste themascore; dat thema krijgt de hele score als bijdrage.",
}
"""How the shown parts recompute the score, per combination (Dutch, for popup and
kaartverantwoording)."""


def _finite(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def source_name(info: Any) -> str:
    """What the raw value is of: the column (``cameratoezicht``) or the indicator's layer."""
    params = getattr(info, "params", {}) or {}
    return str(params.get("kolom") or params.get("laag") or info.name)


def source_text(info: Any, raw: Any) -> str:
    """The raw value as the user knows it: ``ja``/``nee`` for a yes/no column, else a
    Dutch number (``–`` when there is none).

    Examples
    --------
    >>> from geo.scoring.results import IndicatorInfo
    >>> camera = IndicatorInfo("geen_cameratoezicht", "Geen cameratoezicht", "", "attribuut",
    ...                        1.0, "negatief", {"kolom": "cameratoezicht"},
    ...                        {"methode": "vast", "min": 0, "max": 1})
    >>> source_text(camera, 1.0), source_text(camera, 0.0), source_text(camera, 0.5)
    ('ja', 'nee', '0,5')
    """
    value = _finite(raw)
    if value is None:
        return "–"
    norm = getattr(info, "normalisation", {}) or {}
    yes_no = (getattr(info, "kind", "") == "attribuut" and norm.get("methode") == "vast"
              and float(norm.get("min", -1)) == 0 and float(norm.get("max", -1)) == 1)
    if yes_no and value in (0.0, 1.0):
        return "ja" if value == 1.0 else "nee"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def entry(info: Any, raw: Any, norm: Any, value: Any, weight: Any, share: Any,
          flag: int = 0) -> dict[str, Any]:
    """The explanation entry of one indicator (see the module docstring).

    ``value`` is the value after direction, ``weight`` the effective weight and ``share``
    the contribution; ``flag`` 1 = unknown (left out), 2 = imputed.
    """
    contribution = _finite(share)
    item: dict[str, Any] = {
        "indicator": info.name, "label": info.label, "bron": source_name(info),
        "ruw": _finite(raw), "bronwaarde": source_text(info, raw),
        "richting": DIRECTION_LABELS.get(getattr(info, "direction", "positief"), "verhogend"),
        "genormaliseerd": _finite(norm), "waarde_na_richting": _finite(value),
        "gewicht": float(info.weight), "gewicht_effectief": _finite(weight),
        "bijdrage": contribution, "aandeel": contribution,
    }
    if flag == 1:  # unknown, left out: say so instead of a value
        item.update(ruw=None, genormaliseerd=None, bronwaarde="onbekend",
                    waarde_na_richting=None, gewicht_effectief=0.0, bijdrage=0.0,
                    aandeel=0.0, onbekend=True, waarde="onbekend")
    elif flag == 2:
        item.update(geimputeerd=True, waarde="onbekend (geïmputeerd)",
                    bronwaarde=f"{item['bronwaarde']} (geïmputeerd)")
    return item


def baseline_entry(intercept: float, share: Any) -> dict[str, Any]:
    """The ``relatief_risico`` baseline ``exp(β0)`` as its own entry."""
    contribution = _finite(share)
    return {"indicator": BASELINE, "label": "Basisniveau (intercept)", "bron": None,
            "ruw": None, "bronwaarde": "–", "richting": None, "genormaliseerd": None,
            "waarde_na_richting": None, "gewicht": float(intercept),
            "gewicht_effectief": None, "bijdrage": contribution, "aandeel": contribution}


def _dutch(value: Any) -> str:
    number = _finite(value)
    return "–" if number is None else f"{number:.3f}".replace(".", ",")


def breakdown_text(items: list[dict[str, Any]]) -> str:
    """One line per explanation for a CSV cell, with the numbers the popup shows, e.g.
    ``Geen cameratoezicht (cameratoezicht: ja, beschermend): 0,000 × 0,333 = 0,000``.

    Examples
    --------
    >>> breakdown_text([{"label": "Leegstand", "bron": "leegstand_pct", "bronwaarde": "40",
    ...     "richting": "verhogend", "waarde_na_richting": 0.4, "gewicht_effectief": 0.5,
    ...     "bijdrage": 0.2}])
    'Leegstand (leegstand_pct: 40, verhogend): 0,400 × 0,500 = 0,200'
    """
    parts = []
    for item in items:
        if item.get("indicator") == BASELINE:
            parts.append(f"{item.get('label')}: {_dutch(item.get('bijdrage'))}")
            continue
        source = f"{item.get('bron')}: {item.get('bronwaarde')}" if item.get("bron") else (
            item.get("bronwaarde") or "–")
        parts.append(f"{item.get('label')} ({source}, {item.get('richting') or '–'}): "
                     f"{_dutch(item.get('waarde_na_richting'))} × "
                     f"{_dutch(item.get('gewicht_effectief'))} = "
                     f"{_dutch(item.get('bijdrage', item.get('aandeel')))}")
    return "; ".join(parts)
