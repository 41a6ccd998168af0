"""Control outcomes: import (file, upload, rows) and the hit-rate report.

The one workflow behind ``kaart uitkomsten importeer|rapport`` and ``/planning/uitkomsten``:
every source is validated by :mod:`geo.planning.outcomes` and stored all-or-nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.db.models_planning import Controle, import_controls, load_controls
from geo.errors import InvalidRequestError
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.planning.feedback import hit_rate_report, is_hit
from geo.planning.outcomes import read_outcomes, validate_outcomes

UPLOAD_SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD = 5_000_000
"""Largest outcome upload in bytes."""
PERIODS = ("maand", "kwartaal", "jaar")


@dataclass(frozen=True)
class ImportedOutcomes:
    """What an import stored."""

    aantal: int
    uitgevoerd: int
    met_bevinding: int
    gekoppeld_aan_plan: int


def import_outcome_file(session: Session, path: str | Path, *, bron: str,
                        gebruiker_id: int | None = None,
                        gemeenten: Iterable[str] | None = None) -> ImportedOutcomes:
    """Validate and store the outcomes in a CSV/XLSX file (the filled-in plan may be used)."""
    path = Path(path)
    return _store(session, read_outcomes(path), bron=bron, source=path.name,
                  gebruiker_id=gebruiker_id, gemeenten=gemeenten)


def import_outcome_upload(session: Session, filename: str | None, data: bytes, *, bron: str,
                          gebruiker_id: int | None = None,
                          gemeenten: Iterable[str] | None = None) -> ImportedOutcomes:
    """Like :func:`import_outcome_file` for uploaded bytes; ``filename`` only gives the format
    and the name in messages (never a path on this machine)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidRequestError("Upload een .csv- of .xlsx-bestand.", bestand=filename)
    if len(data) > MAX_UPLOAD:
        raise InvalidRequestError(f"Bestand is groter dan {MAX_UPLOAD // 1_000_000} MB.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"uitkomsten{suffix}"
        path.write_bytes(data)
        outcomes = read_outcomes(path)
    return _store(session, outcomes, bron=bron, source=PurePath(filename or "bestand").name,
                  gebruiker_id=gebruiker_id, gemeenten=gemeenten)


def import_outcome_rows(session: Session, rows: Sequence[Mapping[str, Any]],
                        columns: Sequence[str], *, bron: str, gebruiker_id: int | None = None,
                        gemeenten: Iterable[str] | None = None) -> ImportedOutcomes:
    """Validate and store outcome rows (row 1 = the first element) with ``columns``."""
    raw = pd.DataFrame(list(rows), columns=list(columns))
    outcomes = validate_outcomes(raw, source="verzoek", first_row=1)
    return _store(session, outcomes, bron=bron, source="verzoek", gebruiker_id=gebruiker_id,
                  gemeenten=gemeenten)


def _store(session: Session, outcomes: pd.DataFrame, *, bron: str, source: str,
           gebruiker_id: int | None, gemeenten: Iterable[str] | None) -> ImportedOutcomes:
    stored: list[Controle] = import_controls(session, outcomes, bron=bron, source=source,
                                             gebruiker_id=gebruiker_id, gemeenten=gemeenten)
    done = outcomes[outcomes["uitgevoerd"].astype(bool)]  # bool mask even when empty
    return ImportedOutcomes(
        aantal=len(stored), uitgevoerd=len(done),
        met_bevinding=int(is_hit(done["bevindingen"]).sum()),
        gekoppeld_aan_plan=sum(1 for c in stored if c.plan_id is not None))


def outcome_report(session: Session, gemeenten: Iterable[str] | None, *,
                   periode: str = "kwartaal") -> pd.DataFrame:
    """Hit rate per theme, period and kind of choice (see
    :func:`geo.planning.feedback.hit_rate_report`) for controls in ``gemeenten`` (all if
    ``None``)."""
    if periode not in PERIODS:
        raise InvalidRequestError(f"Periode '{periode}' bestaat niet; kies maand, kwartaal of "
                                  f"jaar.", waarde=periode)
    return hit_rate_report(load_controls(session, gemeenten), periode=periode)


def report_rows(report: pd.DataFrame) -> list[dict[str, Any]]:
    """The report as JSON-ready rows (unknown rates ``None``, not NaN)."""
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in report.to_dict("records")]


def outcome_labels(session: Session, werkmap: Werkmap, area: Area) -> pd.DataFrame:
    """Selection-corrected training labels (``label``, ``sample_weight`` = 1/selectiekans) of
    the controlled objects of ``area``; never-controlled objects get no label."""
    from geo.planning.candidates import find_object_tables, load_scored_objects
    from geo.planning.feedback import outcome_training_table

    objects = load_scored_objects([p for _, p in find_object_tables(werkmap, area)],
                                  gemeenten=area.codes)
    return outcome_training_table(load_controls(session, area.codes), objects)


def learned_object_rates(session: Session, werkmap: Werkmap, area: Area) -> pd.DataFrame:
    """Object hit rates per theme learned from the area's selection-corrected controls
    (:func:`geo.planning.feedback.fit_object_hit_rates`), for ``kaart leer --uitkomsten``."""
    from geo.planning.candidates import find_object_tables, load_scored_objects
    from geo.planning.feedback import fit_object_hit_rates, outcome_training_table

    objects = load_scored_objects([p for _, p in find_object_tables(werkmap, area)],
                                  gemeenten=area.codes)
    training = outcome_training_table(load_controls(session, area.codes), objects)
    return fit_object_hit_rates(training, objects)

