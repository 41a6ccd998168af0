"""Point factors of a gelegenheid run over the whole area, for the learned map (issue 13 items 2-3).

The expert map computes a proximity (``nabijheid``) or density (``dichtheid``) indicator
only inside its theme's domain and at one configured distance. For ``kaart leer`` each such
indicator becomes a *factor*: the features of its layer (with its filter) as a raster of
source cells, from which every candidate operationalisation of
:mod:`geo.scoring.influence` is computed over the whole area. The learner then chooses per
factor by spatial-block cross-validation, and domain membership enters as its own feature
(``<thema>:domein``), so an effect can be learned where it acts.

Indicators of several themes that use the same layer and filter are one factor, named
after the indicators without their theme (``nabijheid_snelwegafrit / nabijheid_snelweg``);
their domain-only columns are replaced by it. A layer that is missing from the werkmap
leaves its indicators as they were in the gelegenheid run, with a notice
(:attr:`PointFactors.meldingen`); so do the indicators and themes the gelegenheid run itself
had to do without (:func:`availability_notices`, the rule of
:mod:`geo.scoring.availability`): the learned map cannot learn what was never computed.
Features just outside the area's grid are not counted
(the expert map pads its grid; the learned factors do not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geo.runs import VERANTWOORDING_FILE
from geo.scoring.grid import Grid
from geo.scoring.indicators import feature_mask, select_features

POINT_KINDS = ("nabijheid", "dichtheid")


@dataclass
class PointFactor:
    """One layer + filter: its source cells and the feature names it replaces."""

    naam: str
    laag: str
    sources: np.ndarray
    vervangt: list[str] = field(default_factory=list)


@dataclass
class PointFactors:
    """The point factors of a run and the Dutch notices of what could not be used."""

    factors: list[PointFactor]
    meldingen: list[str]


def _factor_name(laag: str, replaced: list[str]) -> str:
    """The indicator name(s) without theme, e.g. ``nabijheid_snelwegafrit``; else the layer."""
    bases = list(dict.fromkeys(name.split(":", 1)[1] for name in replaced))
    return " / ".join(bases) if bases else laag


def negative_indicators(run_dir: Path) -> set[tuple[str, str]]:
    """(thema, indicator) pairs with ``richting: negatief`` in the run's kaartverantwoording."""
    path = run_dir / VERANTWOORDING_FILE
    if not path.exists():
        return set()
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {(thema, ind["naam"]) for thema, info in doc.get("themas", {}).items()
            for ind in info.get("indicatoren", []) if ind.get("richting") == "negatief"}


def availability_notices(run_dir: Path) -> list[str]:
    """The notices of the run's switched-off indicators and skipped themes (missing layers)."""
    path = run_dir / VERANTWOORDING_FILE
    if not path.exists():
        return []
    themas = json.loads(path.read_text(encoding="utf-8")).get("themas", {})
    skipped = [s.get("melding", "") for info in themas.values()
               for s in info.get("overgeslagen_themas", [])]
    off = [d.get("melding", "") for info in themas.values() for d in info.get("uitgeschakeld", [])]
    return [note for note in skipped + off if note]


def _point_indicators(run_dir: Path) -> dict[tuple[str, str], list[tuple[str, dict]]]:
    """(laag, filter as JSON) → [(feature name, filter)] of every nabijheid/dichtheid indicator."""
    path = run_dir / VERANTWOORDING_FILE
    if not path.exists():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], list[tuple[str, dict]]] = {}
    for thema, info in doc.get("themas", {}).items():
        for ind in info.get("indicatoren", []):
            params = ind.get("parameters") or {}
            if ind.get("soort") not in POINT_KINDS or "laag" not in params:
                continue
            where = params.get("filter") or {}
            key = (params["laag"], json.dumps(where, sort_keys=True))
            found.setdefault(key, []).append((f"{thema}:{ind['naam']}", where))
    return found


def point_factors(run_dir: Path, layers_path: Path, grid: Grid,
                  names: list[str]) -> PointFactors:
    """The whole-area point factors of the run whose features are among ``names``."""
    from geo.layers import read_layers

    wanted = {key: [(n, w) for n, w in items if n in names]
              for key, items in _point_indicators(run_dir).items()}
    wanted = {key: items for key, items in wanted.items() if items}
    kinds = sorted({laag for laag, _ in wanted})
    layers = read_layers(layers_path, kinds) if kinds else {}
    factors, notices = [], availability_notices(run_dir)
    for (laag, _), items in sorted(wanted.items()):
        replaced = [n for n, _ in items]
        if laag not in layers:
            notices.append(f"Laag '{laag}' ontbreekt: {', '.join(replaced)} blijft zoals in de "
                           "gelegenheidskaart (alleen binnen het domein, vaste afstand).")
            continue
        where = items[0][1]
        frame = select_features(layers[laag], where, layer=laag, context="kaart leer")
        sources = feature_mask(frame, grid) if len(frame) else np.zeros(grid.shape, bool)
        if not sources.any():
            notices.append(f"Laag '{laag}' heeft geen objecten in het gebied: "
                           f"{', '.join(replaced)} blijft zoals in de gelegenheidskaart.")
            continue
        factors.append(PointFactor(_factor_name(laag, replaced), laag, sources, replaced))
    return PointFactors(factors, notices)


def influence_section(learner, found: PointFactors) -> dict:
    """What the kaartverantwoording says about the learned spatial influence."""
    return {"methode": "per puntfactor (laag + filter) over het hele gebied: nabijheid "
                       "(exponentieel, lineair) of dichtheid op 100, 250, 500, 1.000 en "
                       "2.000 m, gekozen met ruimtelijke blok-kruisvalidatie (CV-D²); "
                       "domeinlidmaatschap is een eigen kenmerk",
            "gekozen": {row.indicator: row.operationalisatie
                        for row in learner.relative_risk_.itertuples()
                        if row.operationalisatie},
            "meldingen": list(found.meldingen)}


__all__ = ["POINT_KINDS", "PointFactor", "PointFactors", "availability_notices",
           "influence_section",
           "negative_indicators", "point_factors"]
