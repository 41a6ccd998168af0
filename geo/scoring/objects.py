"""Object scores: every bedrijventerrein, vakantiepark, haven and buitengebied object.

An object's score is the mean of its theme's score over the cells whose centre lies in
the object; points and polygons too small to contain a cell centre take the cell under
their representative point. The class uses the map's own breaks, so an object and the
cells around it share one legend. Objects are ranked within their gemeente and within
the whole area (1 = highest score).

The explanation is additive: every cell's score is split over the indicators exactly as
:func:`geo.scoring.explain.explain_cell` does (weighted sum: ``w·v / Σw``; relative
risk: a baseline ``exp(β0)`` plus shares in proportion to ``β·v``), and the object's
share of an indicator is the mean of its cell shares. The shares therefore add up to the object's
score.

Unknown is not zero: an indicator whose value is unknown for the object (its attribute is
NULL, ``onbekend: overslaan``) is left out and the other weights are renormalised; its
explanation entry says ``onbekend``. An imputed value is marked ``geimputeerd``.
``volledigheid`` is the share of the indicator weight that was known (mean over the
object's cells); NaN when the object has no cells in the area.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio import features
from rasterio.windows import Window, from_bounds
from shapely.geometry import box

from geo.errors import SchemaError
from geo.legend import CLASS_NAMES
from geo.scoring.classify import classify
from geo.scoring.combine import known_weight
from geo.scoring.combine import terms as combine_terms
from geo.scoring.combine import values as direction_values
from geo.scoring.grid import Grid
from geo.scoring.uitleg import BASELINE, baseline_entry, entry

RESULT_COLUMNS = (
    "id", "naam", "gemeentecode", "gemeentenaam", "thema", "score", "klasse", "klasse_naam",
    "rang_gemeente", "rang_gebied", "volledigheid", "top_indicatoren", "uitleg",
)
"""The columns every object table starts with (``naam`` only when the layer has one)."""


def classify_scores(scores: np.ndarray, breaks: list[float]) -> np.ndarray:
    """Class of each score with the map's breaks (:func:`geo.scoring.classify.classify`):
    1..5, geen kenmerken (6) for score 0, 0 for NaN.

    Scores and breaks are compared in float32, the precision of the map COGs.

    Examples
    --------
    >>> classify_scores(np.array([0.1, 0.5, 0.0, np.nan]), [0.2, 0.4, 0.6, 0.8]).tolist()
    [1, 3, 6, 0]
    """
    return classify(np.asarray(scores, dtype="float32"),  # the maps store float32 scores
                    np.asarray(breaks, dtype="float32"))


def object_cells(geometries: gpd.GeoSeries, grid: Grid) -> list[np.ndarray]:
    """Flat cell indices (``row * width + col``) of each geometry on ``grid``.

    Polygons: cells whose centre lies inside; if none, the cell of the representative
    point. Points and lines: the cell of the representative point. Cells outside the
    grid are dropped.
    """
    rows_total, cols_total = grid.shape
    result: list[np.ndarray] = []
    for geom in geometries:
        cells = np.empty(0, dtype=np.int64)
        if geom is None or geom.is_empty:
            result.append(cells)
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            cells = _polygon_cells(geom, grid)
        if cells.size == 0:
            point = geom.representative_point()
            row, col = grid.rowcol(np.array([point.x]), np.array([point.y]))
            if 0 <= row[0] < rows_total and 0 <= col[0] < cols_total:
                cells = np.array([row[0] * cols_total + col[0]], dtype=np.int64)
        result.append(cells)
    return result


def _polygon_cells(geom: Any, grid: Grid) -> np.ndarray:
    window = from_bounds(*geom.bounds, transform=grid.transform)
    row0 = max(int(np.floor(window.row_off)), 0)
    col0 = max(int(np.floor(window.col_off)), 0)
    row1 = min(int(np.ceil(window.row_off + window.height)), grid.height)
    col1 = min(int(np.ceil(window.col_off + window.width)), grid.width)
    if row1 <= row0 or col1 <= col0:
        return np.empty(0, dtype=np.int64)
    sub = grid.window_grid(Window(col0, row0, col1 - col0, row1 - row0))
    inside = features.geometry_mask([geom], out_shape=sub.shape, transform=sub.transform,
                                    invert=True)
    rows, cols = np.nonzero(inside)
    return (rows + row0).astype(np.int64) * grid.width + (cols + col0)


def cell_shares(score: np.ndarray, norm: np.ndarray, indicators: list[Any],
                combination: str = "gewogen_som", intercept: float = 0.0,
                skip: np.ndarray | None = None) -> np.ndarray:
    """Each cell's score split over the indicators, as :func:`geo.scoring.explain.explain_cell`.

    ``score`` has shape (cells,), ``norm`` (n, cells). Returns shape (n, cells), or
    (n + 1, cells) for ``relatief_risico`` whose last row is the baseline ``exp(β0)``.
    Cells outside the theme's domain (score 0 while the terms are not) get shares 0;
    cells without a score get NaN. The shares of a cell add up to its score. ``skip``
    (n, cells) marks unknown values left out of the score (share 0, weights renormalised).
    """
    weights = np.array([i.weight for i in indicators], dtype="float64")
    terms = combine_terms(norm, weights, [i.direction for i in indicators])
    unknown = skip is not None and bool(np.any(skip))
    if unknown:
        terms = np.where(skip, 0.0, terms)
    if combination == "relatief_risico":
        total = terms.sum(axis=0)
        safe = np.where(total != 0, total, 1.0)
        factor = np.exp(intercept) * np.where(total != 0, np.expm1(total) / safe, 1.0)
        shares = np.vstack([terms * factor, np.full((1, terms.shape[1]), np.exp(intercept))])
    elif unknown:
        shares = terms / known_weight(weights, skip)
    else:
        shares = terms / weights.sum()
    outside = (score == 0) & (np.abs(shares.sum(axis=0)) > 0)
    shares = np.where(outside[None, :], 0.0, shares)
    return np.where(np.isfinite(score)[None, :], shares, np.nan)


def assign_gemeente(objects: gpd.GeoDataFrame, gemeenten: gpd.GeoDataFrame) -> pd.DataFrame:
    """``gemeentecode``/``gemeentenaam`` of the gemeente holding each object's representative point.

    Objects outside every gemeente get no row (they belong to another area).
    """
    near = objects.sindex.query(box(*gemeenten.total_bounds), predicate="intersects")
    objects = objects.iloc[np.sort(near)]  # a gemeente run skips the province's other objects
    points = gpd.GeoDataFrame(geometry=objects.geometry.representative_point(), crs=objects.crs)
    joined = gpd.sjoin(points, gemeenten[["gemeentecode", "gemeentenaam", "geometry"]],
                       how="inner", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return pd.DataFrame(joined[["gemeentecode", "gemeentenaam"]])


def score_objects(
    objects: gpd.GeoDataFrame,
    theme: Any,
    grid: Grid,
    gemeenten: gpd.GeoDataFrame,
    *,
    top: int = 3,
    layer: str | None = None,
    mask: np.ndarray | None = None,
) -> gpd.GeoDataFrame:
    """Score, class, ranks and explanation of every object of one theme.

    Parameters
    ----------
    objects : GeoDataFrame
        The theme's layer (EPSG:28992) with an ``id`` column and optionally ``naam``.
    theme : geo.scoring.engine.ThemeResult
        The theme's map: ``score``, ``breaks``, ``indicators`` (weights), ``raw``, ``norm``.
    grid : Grid
        The grid of ``theme``.
    gemeenten : GeoDataFrame
        The area's gemeenten (``gemeentecode``, ``gemeentenaam``); objects outside them
        are left out.
    top : int
        Number of indicators named in ``top_indicatoren``.
    layer : str, optional
        Layer name for error messages (defaults to the theme).
    mask : ndarray of bool, optional
        The area's cells; an object's cells outside it are left out.

    Returns
    -------
    GeoDataFrame
        :data:`RESULT_COLUMNS`, then the layer's own attributes, sorted by ``rang_gebied``.

    Examples
    --------
    >>> table = score_objects(layers["havens"], result.themes["havens"], grid,
    ...                       area.gemeenten)  # doctest: +SKIP
    >>> table[["id", "score", "klasse", "rang_gemeente"]].head(3)  # doctest: +SKIP
    """
    layer = layer or theme.thema
    if "id" not in objects.columns:
        raise SchemaError(f"Laag '{layer}' mist de kolom 'id'; objecten zijn niet te scoren.",
                          laag=layer, kolom="id")
    where = assign_gemeente(objects, gemeenten)
    chosen = objects.loc[where.index]
    combination = getattr(theme, "combination", "gewogen_som")
    intercept = float(getattr(theme, "intercept", 0.0) or 0.0)
    cells = object_cells(chosen.geometry, grid)
    if mask is not None:
        inside = np.asarray(mask, bool).reshape(-1)
        cells = [c[inside[c]] for c in cells]
    values = _object_values(theme, cells, combination, intercept)
    scores, raws, norms, shares, status, complete, after, effective = values
    score = np.array(scores, dtype="float64")
    klasse = classify_scores(score, theme.breaks)
    table = pd.DataFrame(index=chosen.index)
    table["id"] = chosen["id"].astype(str)
    if "naam" in chosen.columns:
        table["naam"] = chosen["naam"]
    table["gemeentecode"] = where["gemeentecode"]
    table["gemeentenaam"] = where["gemeentenaam"]
    table["thema"] = theme.thema
    table["score"] = score
    table["klasse"] = klasse
    table["klasse_naam"] = [CLASS_NAMES.get(int(k), "onbekend") for k in klasse]
    series = pd.Series(score, index=chosen.index)
    table["rang_gemeente"] = (series.groupby(table["gemeentecode"])
                              .rank(ascending=False, method="min").astype("Int64"))
    table["rang_gebied"] = series.rank(ascending=False, method="min").astype("Int64")
    table["volledigheid"] = complete
    uitleg = [_explanation(theme.indicators, parts, intercept) for parts in
              zip(raws, norms, after, effective, shares, status, strict=True)]
    table["top_indicatoren"] = [_top_text(items, s, top) for items, s in zip(uitleg, score,
                                                                            strict=True)]
    table["uitleg"] = [json.dumps(items, ensure_ascii=False) for items in uitleg]
    own = [c for c in chosen.columns if c not in table.columns and c != chosen.geometry.name]
    result = pd.concat([table, chosen[own]], axis=1)
    result = gpd.GeoDataFrame(result, geometry=chosen.geometry, crs=objects.crs)
    return result.sort_values(["rang_gebied", "id"], na_position="last").reset_index(drop=True)


def _object_values(theme: Any, cells_per_object: list[np.ndarray], combination: str,
                   intercept: float) -> tuple[list, ...]:
    """Per object: score, raw, norm, shares, unknown status per indicator, completeness,
    value after direction and effective weight (see :mod:`geo.scoring.uitleg`).

    Status per indicator: 1 when the value is unknown (left out) in every cell of the
    object, 2 when it was imputed in any cell, else 0.
    """
    n = len(theme.indicators)
    n_shares = n + 1 if combination == "relatief_risico" else n
    # views, no float64 copies of the area: an object's cells are cast when gathered
    # (the same float64 values; the country's arrays are memory-mapped and tens of GB)
    score_flat = _Flat(theme.score)
    raw_flat = _Flat(theme.raw, n)
    norm_flat = _Flat(theme.norm, n)
    status = getattr(theme, "status", None)
    status_flat = None if status is None else _Flat(status, n)
    completeness = getattr(theme, "completeness", None)
    complete_flat = None if completeness is None else _Flat(completeness)
    out: tuple[list, ...] = ([], [], [], [], [], [], [], [])
    for cells in cells_per_object:
        valid = cells[np.isfinite(score_flat[cells])] if cells.size else cells
        if valid.size == 0:  # outside the area, or (all unknown) no score: completeness says
            known = _cell_mean(complete_flat, cells)
            for part, value in zip(out, (np.nan, np.full(n, np.nan), np.full(n, np.nan),
                                         np.full(n_shares, np.nan), _all_unknown(
                                             status_flat, cells, n), known,
                                         np.full(n, np.nan), np.zeros(n)), strict=True):
                part.append(value)
            continue
        cell_status = None if status_flat is None else status_flat[:, valid]
        skip = None if cell_status is None else cell_status == 1
        cell_score = score_flat[valid]
        out[0].append(cell_score.mean())
        out[1].append(_nanmean(raw_flat[:, valid]))
        out[2].append(_nanmean(norm_flat[:, valid]))
        share = cell_shares(cell_score, norm_flat[:, valid], theme.indicators, combination,
                            intercept, skip).mean(axis=1)
        out[3].append(share)
        out[4].append(np.zeros(n, int) if cell_status is None else
                      np.where(skip.all(axis=1), 1, np.where((cell_status == 2).any(axis=1),
                                                             2, 0)))
        out[5].append(1.0 if complete_flat is None else float(complete_flat[valid].mean()))
        after, effective = _after_and_weight(theme.indicators, norm_flat[:, valid], skip,
                                             share, combination)
        out[6].append(after)
        out[7].append(effective)
    return out


class _Flat:
    """A raster as flat cells (a view); ``flat[cells]`` / ``flat[:, cells]`` gather float64."""

    def __init__(self, array: Any, bands: int | None = None) -> None:
        self.lazy = array if hasattr(array, "gather") else None  # tiled, or a NormalisedView
        if self.lazy is None:
            array = np.asarray(array)
            self.values = array.reshape(-1) if bands is None else array.reshape(bands, -1)

    def __getitem__(self, index: Any) -> np.ndarray:
        if self.lazy is not None:  # only flat[cells] and flat[:, cells] are read
            cells = index[1] if isinstance(index, tuple) else index
            return np.asarray(self.lazy.gather(cells), dtype="float64")
        return np.asarray(self.values[index], dtype="float64")


def _after_and_weight(indicators: list[Any], norm: np.ndarray, skip: np.ndarray | None,
                      share: np.ndarray, combination: str) -> tuple[np.ndarray, np.ndarray]:
    """The object's mean value after direction and its effective weight per indicator.

    The effective weight is ``bijdrage / waarde_na_richting`` (for ``gewogen_som`` the
    value-weighted mean of the cells' ``w / Σ w_bekend``), so the shown value times the
    shown weight is the shown contribution; where the value is 0 it is the plain mean of
    the cells' effective weights. ``relatief_risico``: the coefficient β.
    """
    weights = np.array([i.weight for i in indicators], dtype="float64")
    v = direction_values(norm, [i.direction for i in indicators])
    if skip is not None:
        v = np.where(skip, 0.0, v)
    after = v.mean(axis=1)
    if combination == "relatief_risico":
        return after, weights
    known = (weights[:, None] * (~skip if skip is not None else np.ones_like(v, bool))).sum(
        axis=0)
    plain = np.where(skip if skip is not None else False, 0.0,
                     weights[:, None] / np.where(known > 0, known, np.nan)).mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = np.where(after > 0, share[:len(indicators)] / after, plain)
    return after, np.nan_to_num(effective, nan=0.0)


def _cell_mean(values: np.ndarray | None, cells: np.ndarray) -> float:
    """Mean of ``values`` over ``cells`` where finite (NaN if none; 1 without values)."""
    if values is None:
        return 1.0 if cells.size else np.nan
    finite = values[cells][np.isfinite(values[cells])] if cells.size else cells
    return float(finite.mean()) if finite.size else np.nan


def _all_unknown(status: np.ndarray | None, cells: np.ndarray, n: int) -> np.ndarray:
    """Status 1 for indicators unknown in every cell of an object without a score."""
    if status is None or cells.size == 0:
        return np.zeros(n, int)
    return np.where((status[:, cells] == 1).all(axis=1), 1, 0)


def _nanmean(values: np.ndarray) -> np.ndarray:
    counts = np.isfinite(values).sum(axis=1)
    sums = np.nansum(values, axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _explanation(indicators: list[Any], parts: tuple, intercept: float
                 ) -> list[dict[str, Any]]:
    """Entries (:func:`geo.scoring.uitleg.entry`) of one object, plus the baseline."""
    raw, norm, after, effective, share, status = parts
    flags = status if status is not None else np.zeros(len(indicators), int)
    items = [entry(info, r, m, a, w, s, int(f)) for info, r, m, a, w, s, f in
             zip(indicators, raw, norm, after, effective, share[:len(indicators)], flags,
                 strict=True)]
    if len(share) > len(indicators):  # relatief_risico: the baseline exp(β0), as explain_cell
        items.append(baseline_entry(intercept, share[-1]))
    return items


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _top_text(items: list[dict[str, Any]], score: float, top: int) -> str:
    """Dutch text naming the indicators with the largest shares, e.g.
    ``Leegstand (45% van de score), Nabijheid snelweg (30%)``, then the unknown ones
    (``Onbekend: Vitaliteit, Toegangscontrole.``)."""
    unknown = [i["label"] for i in items if i.get("onbekend")]
    suffix = f" Onbekend: {', '.join(unknown)}." if unknown else ""
    return _top_shares(items, score, top) + suffix


def _top_shares(items: list[dict[str, Any]], score: float, top: int) -> str:
    if not np.isfinite(score) or score <= 0:
        return "Geen indicatoren dragen bij aan de score."
    ranked = sorted((i for i in items if (i["aandeel"] or 0) > 0 and i["indicator"] != BASELINE),
                    key=lambda i: i["aandeel"], reverse=True)[:top]
    parts = []
    for position, item in enumerate(ranked):
        pct = 100.0 * item["aandeel"] / score
        suffix = "% van de score" if position == 0 else "%"
        parts.append(f"{item['label']} ({pct:.0f}{suffix})")
    return ", ".join(parts) if parts else "Geen indicatoren dragen bij aan de score."
