"""Spreadsheet safety: one rule against formula (CSV) injection for every table we export.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken as a formula by Excel and LibreOffice (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``,
``@SUM(1,2)``). Object names come from user files, so every text cell of every export
(plan CSV/XLSX, gebied-analyseren CSV, evaluation CSV, labels, audit export) goes through
:func:`neutralise_cell` (OWASP "CSV Injection": prefix such a cell with a single quote).

* Only text is changed: numbers (``-3.5`` as a float) stay numbers.
* XLSX cells are never formulas: :func:`write_text_cells_safe` makes every such cell a
  string cell with Excel's *quotePrefix*, so the value itself stays unchanged.
* The browser's *gebied analyseren* CSV applies the same rule in ``maps/assets/kaart.js``
  with :data:`FORMULA_TRIGGERS` passed in from Python (one source).
* :func:`restore_cell` undoes the prefix when a team re-imports our own CSV.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""
QUOTE = "'"


def is_formula_like(value: Any) -> bool:
    """True for text that a spreadsheet would evaluate as a formula.

    >>> is_formula_like("=1+1"), is_formula_like("-3"), is_formula_like(-3)
    (True, True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell: formula-like text gets a leading ``'``.

    Non-text values (numbers, dates, ``None``) are returned unchanged.

    >>> neutralise_cell('=HYPERLINK("http://x","klik")')
    '\\'=HYPERLINK("http://x","klik")'
    >>> neutralise_cell("Park de Berg"), neutralise_cell(-2.5)
    ('Park de Berg', -2.5)
    """
    return QUOTE + value if is_formula_like(value) else value


def restore_cell(value: Any) -> Any:
    """Undo :func:`neutralise_cell` (``'=x`` → ``=x``) for values read back from our CSV."""
    if isinstance(value, str) and value.startswith(QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised.

    Numeric, boolean and datetime columns are left alone, so genuine negative numbers
    stay numbers.
    """
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            result[column] = series.map(neutralise_cell)
    result.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in result.columns]
    return result


def write_safe_csv(frame: pd.DataFrame, target: Any, **options: Any) -> None:
    """``frame.to_csv(target, ...)`` with every text cell neutralised and ``\r\n`` line
    ends, so a CR or LF inside a cell is always quoted and can never start a new row
    (pandas' default ``\n`` leaves a bare CR unquoted: ``\r=1+1`` became a row ``=1+1``).
    """
    options.setdefault("index", False)
    neutralise_frame(frame).to_csv(target, lineterminator="\r\n", **options)


def write_text_cells_safe(sheet: Any) -> int:
    """Make every formula-like cell of an openpyxl worksheet a literal text cell.

    openpyxl stores any string that starts with ``=`` as a formula; this turns such cells
    back into strings (``data_type = "s"``) with *quotePrefix*, so Excel shows the text
    and never evaluates it. Returns the number of cells changed.
    """
    changed = 0
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if cell.data_type == "f" or is_formula_like(value):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed
