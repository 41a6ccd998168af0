"""Why a cell scores what it scores: each indicator's raw value, normalised value, weight, share.

Shares (``aandeel``) always add up to the cell's score:

- ``gewogen_som``: ``aandeel_i = w_i · v_i / Σ w`` (``v`` = norm, or 1 − norm for a
  protective factor; no value counts 0);
- ``relatief_risico``: with ``L = Σ β_i v_i`` the score is ``exp(β0) · exp(L)``. The
  baseline ``exp(β0)`` is its own entry (``indicator = "basis"``) and the rest,
  ``exp(β0)·(exp(L) − 1)``, is divided in proportion to each indicator's term ``β_i v_i``
  on the log scale: ``aandeel_i = β_i v_i · exp(β0) · (exp(L) − 1) / L`` (the limit
  ``exp(β0) · β_i v_i`` when ``L = 0``). Shares of protective terms are negative;
- ``maximum`` (overall map): the theme with the highest score gets the whole score;
- outside the theme's domain the score is 0 and so is every share;
- an indicator whose value is unknown in the cell (``onbekend_<thema>.tif`` status 1,
  written only for themes with unknowns) is left out: share 0, ``onbekend: true``, and the
  weighted sum divides by the known weights (status 2: imputed, ``geimputeerd: true``).

:func:`explain_point` reads a stored run back (``uitleg_<thema>.tif`` + the
``kaartverantwoording.json``, see ``docs/ARCHITECTURE.md``) for a point in RD.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from geo.errors import InvalidRequestError, KaartNotFoundError, OutputError
from geo.legend import CLASS_NAMES
from geo.runs import TOTAL, VERANTWOORDING_FILE, map_file, status_file, uitleg_file
from geo.scoring.combine import values
from geo.scoring.engine import IndicatorInfo
from geo.scoring.uitleg import BASELINE, baseline_entry, entry

__all__ = ["BASELINE", "explain_cell", "explain_point"]


def _num(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def explain_cell(raw: np.ndarray, norm: np.ndarray, indicators: Sequence[IndicatorInfo],
                 combination: str, intercept: float = 0.0,
                 in_domain: bool = True, status: np.ndarray | None = None
                 ) -> list[dict[str, Any]]:
    """Explanation of one cell, in indicator order.

    Parameters
    ----------
    raw, norm : array of shape (n,)
        Raw and normalised values of the cell (NaN = no value).
    indicators : list of IndicatorInfo
        The theme's indicators (weights, directions).
    combination : str
        ``gewogen_som``, ``relatief_risico`` or ``maximum``.
    intercept : float
        β0 (``relatief_risico`` only).
    in_domain : bool
        False outside the theme's domain (score 0, all shares 0).
    status : array of shape (n,), optional
        0 known, 1 unknown and left out, 2 unknown and imputed.

    Returns
    -------
    list of dict
        ``{indicator, label, ruw, genormaliseerd, gewicht, aandeel}``; for
        ``relatief_risico`` a last entry ``indicator = "basis"`` holds ``exp(β0)``.
        The shares add up to the score.

    Examples
    --------
    >>> infos = [IndicatorInfo("a", "A", "", "attribuut", 1.0),
    ...          IndicatorInfo("b", "B", "", "attribuut", 3.0, "negatief")]
    >>> [e["aandeel"] for e in explain_cell(np.array([5.0, 1]), np.array([0.5, 1]), infos,
    ...                                      "gewogen_som")]
    [0.125, 0.0]
    """
    raw = np.asarray(raw, np.float64)
    norm = np.asarray(norm, np.float64)
    weights = np.array([i.weight for i in indicators], np.float64)
    v = values(norm, [i.direction for i in indicators])
    skip = np.zeros(len(weights), bool) if status is None else np.asarray(status) == 1
    term = np.where(skip, 0.0, weights * v)
    if combination == "gewogen_som":
        known = weights[~skip].sum()
        effective = np.where(skip, 0.0, weights / known) if known > 0 else np.zeros_like(term)
        shares = term / known if known > 0 else np.full_like(term, np.nan)
    elif combination == "relatief_risico":
        total = term.sum()
        factor = math.exp(intercept) * (math.expm1(total) / total if total != 0 else 1.0)
        shares = term * factor
        effective = weights
    elif combination == "maximum":
        shares, effective = np.zeros_like(v), np.zeros_like(v)
        if v.size and v.max() > 0:
            shares[int(np.argmax(v))] = v.max()
            effective[int(np.argmax(v))] = 1.0
    else:
        raise InvalidRequestError(f"Onbekende combinatie '{combination}'.")
    if not in_domain:
        shares = np.zeros_like(shares)
        effective = np.zeros_like(effective) if combination != "relatief_risico" else effective
    flags = np.zeros(len(weights), int) if status is None else np.asarray(status, int)
    out = [entry(info, r, n, value, w, s, flag) for info, r, n, value, w, s, flag
           in zip(indicators, raw, norm, v, effective, shares, flags, strict=True)]
    if combination == "relatief_risico":
        out.append(baseline_entry(intercept, math.exp(intercept) if in_domain else 0.0))
    return out


def explain_point(run_dir: str | Path, thema: str, x: float, y: float) -> dict[str, Any]:
    """Explain the cell at RD point ``(x, y)`` of a stored gelegenheid run.

    Reads ``uitleg_<thema>.tif`` (raw and normalised bands), the weights from
    ``kaartverantwoording.json`` (``themas.<thema>``) and the score from the map COG.

    Returns
    -------
    dict
        ``{thema, x, y, rij, kolom, score, klasse, klasse_naam, binnen_domein, combinatie,
        uitleg: [{indicator, label, ruw, genormaliseerd, gewicht, aandeel}]}``.

    Raises
    ------
    KaartNotFoundError
        Unknown theme, missing files, or a point outside the map or the area.
    """
    run_dir = Path(run_dir)
    section = _theme_section(run_dir, thema)
    indicators = [IndicatorInfo.from_dict(d) for d in section["indicatoren"]]
    raw, norm, row, col = _read_cell(run_dir, thema, indicators, x, y)
    combination = section.get("combinatie", "gewogen_som")
    intercept = float(section.get("intercept", 0.0) or 0.0)
    stored_score, klasse = _stored_score(run_dir, thema, x, y)
    status = _read_status(run_dir, thema, x, y, len(indicators))
    unknown = status is not None and bool((status == 1).any())
    if stored_score is not None and math.isnan(stored_score) and not unknown:
        raise KaartNotFoundError("Dit punt ligt buiten het gebied van de kaart.", x=x, y=y)
    explanation = explain_cell(raw, norm, indicators, combination, intercept, status=status)
    computed = sum(e["aandeel"] for e in explanation)
    in_domain = not (stored_score == 0.0 and abs(computed) > 0)
    if not in_domain:
        explanation = explain_cell(raw, norm, indicators, combination, intercept,
                                   in_domain=False, status=status)
    score = stored_score if stored_score is not None else computed
    return {"thema": thema, "x": float(x), "y": float(y), "rij": int(row), "kolom": int(col),
            "score": _num(score), "klasse": klasse,
            "klasse_naam": CLASS_NAMES.get(klasse) if klasse else None,
            "binnen_domein": in_domain, "combinatie": combination, "uitleg": explanation}


def _read_cell(run_dir: Path, thema: str, indicators: list[IndicatorInfo], x: float,
               y: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Raw and normalised values at (x, y) from ``uitleg_<thema>.tif``.

    For the overall map without ``uitleg_totaal.tif`` the values are the theme scores,
    read from each ``thema_<thema>.tif``.
    """
    import rasterio

    path = run_dir / uitleg_file(thema)
    if not path.is_file() and thema == TOTAL:
        paths = [run_dir / map_file(info.name) for info in indicators]
        bands = [1] * len(paths)
    elif not path.is_file():
        raise KaartNotFoundError(f"Uitlegbestand {path.name} ontbreekt in deze run.",
                                 thema=thema)
    else:
        paths = [path]
        bands = None
    values = []
    for file in paths:
        if not file.is_file():
            raise KaartNotFoundError(f"Kaartbestand {file.name} ontbreekt in deze run.")
        with rasterio.open(file) as src:
            if bands is None and src.count != 2 * len(indicators):
                raise OutputError(
                    f"{file.name} heeft {src.count} banden, verwacht {2 * len(indicators)} "
                    f"(2 × {len(indicators)} indicatoren).", bestand=str(file))
            row, col = src.index(x, y)
            if not (0 <= row < src.height and 0 <= col < src.width):
                raise KaartNotFoundError("Dit punt ligt buiten de kaart.", x=x, y=y)
            window = ((row, row + 1), (col, col + 1))
            cell = src.read(1 if bands else None, window=window).ravel()
            values.append(cell)
    # shortest decimal that round-trips the stored float32 (0.41, not 0.4099999964)
    cell = np.array([float(str(v)) for v in np.concatenate(values).astype(np.float32)])
    if bands is not None:  # theme scores: raw = normalised
        return cell, cell, int(row), int(col)
    n = len(indicators)
    return cell[:n], cell[n:], int(row), int(col)


def _read_status(run_dir: Path, thema: str, x: float, y: float, n: int) -> np.ndarray | None:
    """The unknown status of the indicators at (x, y), if the run wrote one for ``thema``."""
    import rasterio

    path = run_dir / status_file(thema)
    if not path.is_file():
        return None
    with rasterio.open(path) as src:
        row, col = src.index(x, y)
        if src.count != n or not (0 <= row < src.height and 0 <= col < src.width):
            return None
        return src.read(window=((row, row + 1), (col, col + 1))).ravel().astype(int)


def _theme_section(run_dir: Path, thema: str) -> dict[str, Any]:
    path = run_dir / VERANTWOORDING_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise KaartNotFoundError(f"{path.name} ontbreekt in {run_dir.name}.") from error
    except json.JSONDecodeError as error:
        raise OutputError(f"{path.name} is geen geldige JSON (regel {error.lineno}).",
                          bestand=str(path)) from error
    themes = data.get("themas") or {}
    if thema not in themes:
        raise KaartNotFoundError(
            f"Thema '{thema}' staat niet in deze run (wel: {', '.join(sorted(themes))}).",
            thema=thema)
    return themes[thema]


def _stored_score(run_dir: Path, thema: str, x: float, y: float) -> tuple[float | None, int]:
    import rasterio

    path = run_dir / map_file(thema)
    if not path.is_file():
        return None, 0
    with rasterio.open(path) as src:
        row, col = src.index(x, y)
        if not (0 <= row < src.height and 0 <= col < src.width):
            return float("nan"), 0
        cell = src.read(window=((row, row + 1), (col, col + 1)))[:, 0, 0]
    klasse = int(cell[1]) if cell.size > 1 else 0
    return float(str(np.float32(cell[0]))), klasse
