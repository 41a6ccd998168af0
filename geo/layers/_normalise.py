"""Normalise source columns to the schema's types before pandera checks them.

Sources spell the same value many ways: ``ja``/``1``/``true``, ``31-12-2023``/``2023-12-31``,
``981``/``GM0981``, ``Niet vitaal``/``niet_vitaal``. Each function here is vectorised,
returns the normalised Series plus a boolean mask of values it could not parse, so that
the caller can name the offending rows and values.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from geo.layers._schema import ColumnSpec

_TRUE = {"1", "ja", "j", "true", "t", "waar", "yes", "y", "1.0"}
_FALSE = {"0", "nee", "n", "false", "f", "onwaar", "no", "0.0"}
_BOOL_MAP = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")

_NS_MIN, _NS_MAX = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")

Normalised = tuple[pd.Series, pd.Series]
"""(values, unparseable mask)."""


def _missing(series: pd.Series) -> pd.Series:
    """Null cells and cells holding only whitespace."""
    missing = series.isna()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        missing |= series.astype("str").str.strip().eq("").fillna(False).astype(bool)
    return missing


def to_text(series: pd.Series) -> Normalised:
    """Text; whole-number floats (``3.0`` from a shapefile) become ``"3"``; trailing
    whitespace and leading spaces are removed."""
    missing = _missing(series)
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values)
        if np.all(values[finite] == np.round(values[finite])):
            series = pd.Series(pd.array(values, dtype="Int64"), index=series.index)
    # only spaces are stripped in front: a leading tab/CR stays, so "\t=1+1" never
    # becomes the formula "=1+1" (geo.export.tabular neutralises it on export)
    text = series.astype("str").str.lstrip(" ").str.rstrip().where(~missing)
    return text.astype("str"), pd.Series(False, index=series.index)


def to_gemeentecode(series: pd.Series) -> Normalised:
    """``GM0981``; also accepts ``981``, ``0981`` and ``gm0981``."""
    text, _ = to_text(series)
    upper = text.str.upper()
    digits = upper.str.fullmatch(r"\d{1,4}").fillna(False).astype(bool)
    fixed = upper.where(~digits, "GM" + upper.str.zfill(4))
    return fixed, pd.Series(False, index=series.index)


def to_bool(series: pd.Series) -> Normalised:
    """True/False from bools, 0/1, ja/nee, j/n, true/false, waar/onwaar, yes/no."""
    missing = _missing(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), pd.Series(False, index=series.index)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)  # few distinct values
    lookup = [_BOOL_MAP.get(str(u).strip().lower()) for u in uniques]
    known = np.array([v is not None for v in lookup] + [False], dtype=bool)
    truth = np.array([bool(v) for v in lookup] + [False], dtype=bool)
    parsed = known[codes]
    bad = pd.Series(~parsed, index=series.index) & ~missing
    values = pd.array(truth[codes], dtype="boolean")
    values[~parsed] = pd.NA
    return pd.Series(values, index=series.index), bad


def to_number(series: pd.Series, *, integer: bool) -> Normalised:
    """Numbers; a decimal comma (``12,5``) is accepted. Integers must be whole."""
    missing = _missing(series)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        numbers = series.astype("float64")
    else:
        text = series.astype("str").str.strip().str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    bad = numbers.isna() & ~missing
    if integer:
        values = numbers.to_numpy()
        fraction = np.isfinite(values) & (values != np.round(values))
        bad |= pd.Series(fraction, index=series.index)
    return numbers.where(~bad), bad


def to_date(series: pd.Series) -> Normalised:
    """Dates from datetimes, ISO text (``2023-12-31``) or Dutch text (``31-12-2023``)."""
    missing = _missing(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return values.dt.normalize().astype("datetime64[ns]"), pd.Series(False, index=series.index)
    text = series.astype("str").str.strip().where(~missing)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & ~missing
        if not todo.any():
            break
        parsed = parsed.fillna(pd.to_datetime(text.where(todo), errors="coerce", format=fmt))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.where(parsed.between(_NS_MIN, _NS_MAX))  # beyond 1677-2262: unreadable
    bad = parsed.isna() & ~missing
    return parsed.dt.normalize().astype("datetime64[ns]"), bad


def to_category(series: pd.Series) -> Normalised:
    """Lower case, spaces and hyphens as ``_`` (``Niet vitaal`` → ``niet_vitaal``)."""
    text, bad = to_text(series)
    text = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return text, bad


def normaliser(spec: ColumnSpec) -> Callable[[pd.Series], Normalised]:
    """The normalising function for a column spec."""
    if spec.type == "bool":
        return to_bool
    if spec.type == "int":
        return lambda s: to_number(s, integer=True)
    if spec.type == "float":
        return lambda s: to_number(s, integer=False)
    if spec.type == "date":
        return to_date
    if spec.type == "gemeentecode":
        return to_gemeentecode
    if spec.allowed is not None:
        return to_category
    return to_text


def finalise(series: pd.Series, spec: ColumnSpec) -> pd.Series:
    """Fill an optional column's empty cells with its default; use plain dtypes when complete."""
    if not spec.required and spec.default is not None:
        series = series.where(series.notna(), spec.default)
    if series.isna().any():
        return series  # pandera reports the empty cells
    if spec.type == "bool":
        return series.astype("bool")
    if spec.type == "int":
        return series.astype("int64")
    if spec.type in ("str", "gemeentecode"):
        return series.astype("str")
    return series


def match_columns(present: list[str], wanted: list[str]) -> dict[str, str]:
    """Rename map for columns spelled differently than the schema.

    Matches case-insensitively and recognises shapefile names cut off at 10 characters
    (``aantal_ves`` → ``aantal_vestigingen``) when that is unambiguous.
    """
    renames: dict[str, str] = {}
    taken = set(present)
    for name in wanted:
        if name in taken:
            continue
        lowered = [p for p in present if p.lower() == name.lower() and p not in renames]
        if not lowered and len(name) > 10:
            lowered = [p for p in present if len(p) == 10 and name.startswith(p.lower())
                       and p not in renames]
            others = [w for w in wanted if len(w) > 10 and lowered and
                      w.startswith(lowered[0].lower())]
            if len(others) > 1:
                lowered = []
        if len(lowered) == 1 and lowered[0] not in wanted:
            renames[lowered[0]] = name
    return renames


def suggest(name: str, candidates: list[str]) -> str:
    """`` Bedoelde je 'x'?`` for the closest candidates, or empty."""
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(name.lower(), [c.lower() for c in candidates], n=2,
                                          cutoff=0.6)
    if not close:
        return ""
    return " Bedoelde je " + " of ".join(f"'{c}'" for c in close) + "?"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
