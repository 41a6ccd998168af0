"""Read and validate control outcomes (CSV or XLSX) into a clean table.

One row per control: ``datum``, ``thema``, ``object`` (id), ``uitgevoerd`` (ja/nee),
``bevindingen`` (codes separated by ``;``), ``vervolg`` and optionally ``plan`` and
``gemeentecode``. The filled-in draaiboek of a plan (``plan.csv``/``plan.xlsx``) is accepted
as is: its extra columns are ignored and rows without an outcome are skipped.
Every problem is reported with file, row (as the user sees it: header = row 1), column and
value; nothing is returned unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from geo.errors import InputFileError, SchemaError
from geo.export.tabular import restore_cell
from geo.layers._io import read_text
from geo.planning.feedback import FINDINGS, FOLLOW_UPS
from geo.runs import THEMES

HEADERS = {
    "datum": "datum", "datum_controle": "datum", "controledatum": "datum",
    "thema": "thema",
    "object": "object_id", "object_id": "object_id",
    "uitgevoerd": "uitgevoerd",
    "bevindingen": "bevindingen", "bevinding": "bevindingen",
    "vervolg": "vervolg",
    "plan": "plan_id", "plan_id": "plan_id",
    "gemeentecode": "gemeentecode",
}
REQUIRED = ("datum", "thema", "object_id", "uitgevoerd", "bevindingen", "vervolg")
OUTCOME = ("datum", "uitgevoerd", "bevindingen", "vervolg")
_YES = {"ja", "j", "yes", "y", "true", "waar", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0"}
MAX_REPORTED = 20


class OutcomeRow(BaseModel):
    """One validated control outcome."""

    model_config = ConfigDict(frozen=True)

    datum: dt.date
    thema: str
    object_id: str
    uitgevoerd: bool
    bevindingen: str
    vervolg: str
    plan_id: str | None = None
    gemeentecode: str | None = None

    @field_validator("datum", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date:
        date = parse_date(value)
        if not 2000 <= date.year <= 2100:
            raise ValueError("datum ligt niet tussen 2000 en 2100")
        return date

    @field_validator("thema", mode="before")
    @classmethod
    def _theme(cls, value: Any) -> str:
        text = str(value).strip().lower()
        if text not in THEMES:
            raise ValueError(f"onbekend thema; kies uit {', '.join(THEMES)}")
        return text

    @field_validator("object_id", mode="before")
    @classmethod
    def _object(cls, value: Any) -> str:
        text = str(value).strip()
        if not text:
            raise ValueError("object-id ontbreekt")
        return text

    @field_validator("uitgevoerd", mode="before")
    @classmethod
    def _executed(cls, value: Any) -> bool:
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError("vul 'ja' of 'nee' in")

    @field_validator("bevindingen", mode="before")
    @classmethod
    def _findings(cls, value: Any) -> str:
        codes = [c.strip().lower() for c in re.split(r"[;,|]", str(value)) if c.strip()]
        if not codes:
            raise ValueError("leeg; vul 'geen' in als er niets gevonden is")
        unknown = [c for c in codes if c not in FINDINGS]
        if unknown:
            raise ValueError(f"onbekende bevinding '{unknown[0]}'; kies uit {', '.join(FINDINGS)}")
        if "geen" in codes and len(codes) > 1:
            raise ValueError("'geen' kan niet samen met andere bevindingen")
        return ";".join(sorted(set(codes)))

    @field_validator("vervolg", mode="before")
    @classmethod
    def _follow_up(cls, value: Any) -> str:
        text = str(value).strip().lower()
        if text not in FOLLOW_UPS:
            raise ValueError(f"onbekend vervolg; kies uit {', '.join(FOLLOW_UPS)}")
        return text

    @field_validator("plan_id", "gemeentecode", mode="before")
    @classmethod
    def _optional(cls, value: Any) -> str | None:
        text = "" if value is None else str(value).strip()
        return text or None

    @model_validator(mode="after")
    def _consistent(self) -> OutcomeRow:
        if not self.uitgevoerd and (self.bevindingen != "geen" or self.vervolg != "geen"):
            raise ValueError("een niet-uitgevoerde controle heeft bevindingen 'geen' en "
                             "vervolg 'geen'")
        if self.gemeentecode is not None and not re.fullmatch(r"GM\d{4}", self.gemeentecode):
            raise ValueError(f"gemeentecode '{self.gemeentecode}' heeft niet de vorm GMnnnn")
        return self


def parse_date(value: Any) -> dt.date:
    """A date from ``2026-11-23``, ``23-11-2026``, ``23/11/2026`` or an Excel date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y",
                    "%d/%m/%Y", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("geen geldige datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)")


def read_outcomes(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Validated outcomes from a CSV or XLSX file.

    Returns
    -------
    DataFrame
        ``rij, datum, thema, object_id, uitgevoerd, bevindingen, vervolg, plan_id,
        gemeentecode`` (``rij`` = row number in the file), rows without an outcome left out.

    Raises
    ------
    InputFileError
        Missing or unreadable file, unknown extension.
    SchemaError
        Missing columns or invalid values; the message names file, row, column and value.
    """
    path = Path(path)
    raw = _read_table(path)
    return validate_outcomes(raw, source=path.name)


def validate_outcomes(raw: pd.DataFrame, *, source: str = "invoer",
                      first_row: int = 2) -> pd.DataFrame:
    """Validate a table of outcomes (headers as in :data:`HEADERS`, any case/spacing)."""
    renamed = {c: HEADERS.get(_header(c)) for c in raw.columns}
    frame = raw.rename(columns={c: n for c, n in renamed.items() if n})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SchemaError(f"{source}: kolom(men) ontbreken: {', '.join(missing)} (verplicht: "
                          f"datum, thema, object, uitgevoerd, bevindingen, vervolg).",
                          bestand=source, kolommen=missing)
    rows, errors = [], []
    for position, record in enumerate(frame.to_dict("records")):
        number = first_row + position
        values = {k: ("" if _blank(v) else v) for k, v in record.items() if k in
                  (*REQUIRED, "plan_id", "gemeentecode")}
        if all(values.get(c, "") == "" for c in OUTCOME):
            continue  # a planned control without an outcome yet
        try:
            rows.append({"rij": number, **OutcomeRow.model_validate(values).model_dump()})
        except ValidationError as error:
            for item in error.errors():
                column = str(item["loc"][0]) if item["loc"] else "(rij)"
                message = item["msg"].removeprefix("Value error, ")
                shown = values.get(column, "")
                errors.append(f"rij {number}, kolom '{_display(column)}', waarde '{shown}': "
                              f"{message}" if item["loc"] else f"rij {number}: {message}")
    if errors:
        more = f" (en nog {len(errors) - MAX_REPORTED})" if len(errors) > MAX_REPORTED else ""
        raise SchemaError(f"{source}: ongeldige uitkomsten, niets opgeslagen. "
                          + "; ".join(errors[:MAX_REPORTED]) + more,
                          bestand=source, fouten=errors[:MAX_REPORTED])
    table = pd.DataFrame(rows, columns=["rij", *REQUIRED, "plan_id", "gemeentecode"])
    duplicated = table.duplicated(["datum", "thema", "object_id"], keep="first")
    if duplicated.any():
        row = table[duplicated].iloc[0]
        raise SchemaError(f"{source}: rij {row['rij']}: object '{row['object_id']}' "
                          f"({row['thema']}) staat dubbel op {row['datum']}.", bestand=source,
                          rij=int(row["rij"]))
    return table


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputFileError(f"Bestand {path} bestaat niet.", bestand=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":  # UTF-8, UTF-16 or Windows-1252, as Dutch Excel saves it
            return pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False,
                               sep=None, engine="python").map(restore_cell)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=object, engine="openpyxl")
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise InputFileError(f"Bestand {path.name} is niet te lezen: {error}",
                             bestand=str(path)) from None
    raise InputFileError(f"Bestand {path.name}: onbekend formaat '{suffix}'; gebruik .csv of "
                         f".xlsx.", bestand=str(path))


def _header(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _display(column: str) -> str:
    return {"object_id": "object", "plan_id": "plan"}.get(column, column)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip() or value is pd.NaT
