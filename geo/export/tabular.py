"""Spreadsheet safety and format: one rule for every CSV and XLSX table we export.

**CSV format** (every CSV kaart writes: plan, objecten download, gewichten, evaluatie,
objecttrefkansen, veranderingen, uitkomsten labels, the browser's gebied-analyseren CSV):
as Dutch Excel opens it with a double click: separator ``;`` (:data:`CSV_SEPARATOR`),
decimal comma ``0,9599`` (:data:`CSV_DECIMAL`), UTF-8 *with* a byte order mark (without it
Excel reads UTF-8 as Windows-1252 and shows ``Ã«`` for ``ë``), ``\r\n`` line ends. Write with
:func:`write_safe_csv` / :func:`csv_bytes`, read our own CSVs back with :func:`read_safe_csv`
(it also undoes the formula prefix). Booleans are written as ``True``/``False``, missing
values as an empty cell.

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

import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""
QUOTE = "'"
CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_BOM = "\ufeff"
"""Every CSV starts with this byte order mark (UTF-8: ``EF BB BF``)."""
CSV_LINE_END = "\r\n"


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


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised.

    Numeric, boolean and datetime columns are left alone, so genuine negative numbers
    stay numbers.
    """
    result = frame.copy()
    for column in result.columns:
        if _is_text(result[column]):
            result[column] = result[column].map(neutralise_cell)
    result.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in result.columns]
    return result


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """``frame`` as CSV text in kaart's one format (module docstring), BOM included.

    Text cells are neutralised; ``\r\n`` line ends make a CR or LF inside a cell always
    quoted, so it can never start a new row (pandas' default ``\n`` left a bare CR unquoted:
    ``\r=1+1`` became a row ``=1+1``).

    >>> csv_text(pd.DataFrame({"naam": ["=1+1"], "score": [0.5]}))
    "\\ufeffnaam;score\\r\\n'=1+1;0,5\\r\\n"
    """
    body = neutralise_frame(frame).to_csv(None, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL,
                                          lineterminator=CSV_LINE_END, index=index)
    return CSV_BOM + body


def csv_bytes(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """:func:`csv_text` encoded as UTF-8 (for a download)."""
    return csv_text(frame, index=index).encode("utf-8")


def write_safe_csv(frame: pd.DataFrame, target: Any, *, index: bool = False) -> None:
    """Write ``frame`` to ``target`` (a path, or a text or binary file) as :func:`csv_text`."""
    if hasattr(target, "write"):
        data: str | bytes = csv_text(frame, index=index)
        if not isinstance(target, io.TextIOBase):
            data = data.encode("utf-8")
        target.write(data)
        return
    Path(target).write_bytes(csv_bytes(frame, index=index))


def read_safe_csv(source: str | os.PathLike[str], **options: Any) -> pd.DataFrame:
    """Read a CSV that :func:`write_safe_csv` wrote (separator, decimal comma, BOM) with the
    formula prefix undone in text cells and column names (``'-12`` → ``-12``).

    A file from before this format (``,`` and decimal point, e.g. ``objecttrefkansen.csv``
    of an older ``kaart leer`` run) is recognised by its header and read as such.
    """
    with open(source, encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    legacy = CSV_SEPARATOR not in header and "," in header
    frame = pd.read_csv(source, sep="," if legacy else CSV_SEPARATOR,
                        decimal="." if legacy else CSV_DECIMAL, encoding="utf-8-sig", **options)
    for column in frame.columns:
        if _is_text(frame[column]):
            frame[column] = frame[column].map(restore_cell)
    frame.columns = [restore_cell(c) for c in frame.columns]
    return frame


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
