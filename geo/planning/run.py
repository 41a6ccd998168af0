"""One planning run: scored objects + past controls → explained plan → files in a plan directory.

No database here: the caller passes the registered controls as a DataFrame (see
:mod:`geo.planning.feedback`) and stores the returned plan itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from pyproj import Transformer

from geo import RD_CRS
from geo.atomic import make_work_dir
from geo.errors import InvalidRequestError, KaartNotFoundError, OutputError
from geo.layers import is_synthetic
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.planning.actiedag import actiedag_config, plan_actiedag
from geo.planning.candidates import find_object_tables, load_scored_objects, prepare_candidates
from geo.planning.config import PlanningConfig
from geo.planning.feedback import (
    apply_learned_rates,
    expected_yield,
    fit_hit_rates,
    outcome_training_table,
    read_object_rates,
)
from geo.planning.locations import with_road_names
from geo.planning.optimise import PlanResult, plan_controls
from geo.runs import VERANTWOORDING_FILE

CONTROL_COLUMNS = ["plan_id", "datum", "thema", "object_id", "uitgevoerd", "bevindingen",
                   "vervolg", "soort_keuze", "selectiekans"]


@dataclass
class PlanRun:
    """A finished plan with everything needed to write and store it."""

    plan_id: str
    area: Area
    config: PlanningConfig
    datum: dt.date
    seed: int
    result: PlanResult
    bronnen: list[str]
    synthetisch: bool
    rates: pd.DataFrame

    def meta(self) -> dict[str, Any]:
        """Plan metadata for the files (toelichting sheet, GeoJSON ``plan`` member)."""
        picks = self.result.picks
        return {
            "plan_id": self.plan_id, "gebied_id": self.area.id, "gebied": self.area.naam,
            "datum": self.datum.isoformat(), "seed": self.seed, "aantal": len(picks),
            "exploratie": int((picks["soort_keuze"] == "exploratie").sum()),
            "kandidaten": self.result.eligible,
            "uitgesloten_recent_gecontroleerd": self.result.excluded_recent,
            "totaal_minuten": round(self.result.total_minutes, 1),
            "reistijd_minuten": round(self.result.travel_minutes, 1),
            "tekorten": self.result.tekorten, "bronnen": self.bronnen,
            "synthetisch": self.synthetisch, "start": list(start_lonlat(self)),
            "parameters": self.config.model_dump(mode="json"),
        }


def controls_frame(records: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """An (empty) controls table with the columns :mod:`geo.planning.feedback` expects."""
    frame = pd.DataFrame(records or [], columns=CONTROL_COLUMNS)
    frame["uitgevoerd"] = frame["uitgevoerd"].astype(bool)
    frame["selectiekans"] = pd.to_numeric(frame["selectiekans"], errors="coerce").astype(float)
    return frame


def build_plan(werkmap: Werkmap, area: Area, config: PlanningConfig, *, datum: dt.date,
               seed: int = 0, start: tuple[float, float] | None = None,
               start_object: str | None = None,
               controls: pd.DataFrame | None = None) -> PlanRun:
    """Plan controls for ``area`` from the newest scored objects and the past ``controls``.

    Parameters
    ----------
    start : (lon, lat), optional
        WGS84 start point.
    start_object : str, optional
        Start at an object (``thema:id`` or an id unique across themes).
    controls : DataFrame, optional
        Registered controls (:func:`controls_frame` columns); they exclude recently
        controlled objects, relearn the class hit rates (selection-corrected) and update
        each object's expected yield.
    """
    tables = find_object_tables(werkmap, area)
    objects = load_scored_objects([p for _, p in tables], config.themas, area.codes)
    if objects.empty:
        raise KaartNotFoundError(f"Geen objecten van de thema's {', '.join(config.themas)} in "
                                 f"{area.naam}.", gebied=area.id)
    candidates = prepare_candidates(objects, config)
    # hit rates learned by 'kaart leer --uitkomsten' replace the score prior (issue 13 item 7)
    candidates = apply_learned_rates(candidates, read_object_rates(werkmap, area))
    controls = controls if controls is not None else controls_frame()
    training = outcome_training_table(controls, objects)
    rates = fit_hit_rates(training, candidates, config)
    candidates = expected_yield(candidates, controls, config, rates)
    start_xy = _start_point(candidates, start, start_object)
    config = actiedag_config(config)
    result = plan_controls(candidates, config, datum=datum, seed=seed, start=start_xy,
                           gemeenten=area.codes)
    if config.teams:
        result = replace(result, picks=with_road_names(result.picks, werkmap))
        result = plan_actiedag(result, config, datum=datum)
    synthetic = any(_synthetic(p) for _, p in tables)
    plan_id = new_plan_id(werkmap, area.id, datum, seed)
    return PlanRun(plan_id, area, config, datum, seed, result, [r for r, _ in tables],
                   synthetic, rates)


def _synthetic(path: object) -> bool:
    """Marked synthetic in the GPKG metadata or in the run's kaartverantwoording."""
    verantwoording = Path(path).parent / VERANTWOORDING_FILE
    if verantwoording.exists():
        try:
            if json.loads(verantwoording.read_text(encoding="utf-8")).get("synthetisch"):
                return True
        except ValueError:
            pass
    try:
        return bool(is_synthetic(path))
    except Exception:  # noqa: BLE001 - metadata missing: treat as not marked
        return False


def _start_point(candidates: pd.DataFrame, start: tuple[float, float] | None,
                 start_object: str | None) -> tuple[float, float] | None:
    if start is not None and start_object is not None:
        raise InvalidRequestError("Kies --start of --start-object, niet allebei.")
    if start is not None:
        lon, lat = start
        if not (2.0 <= lon <= 8.0 and 50.0 <= lat <= 54.5):
            raise InvalidRequestError(f"Startpunt {lon},{lat} ligt niet in Nederland; geef "
                                      f"'lengtegraad,breedtegraad' (bijv. 5.69,50.85).")
        x, y = Transformer.from_crs("EPSG:4326", RD_CRS, always_xy=True).transform(lon, lat)
        return float(x), float(y)
    if start_object is not None:
        hit = candidates[(candidates["sleutel"] == start_object)
                         | (candidates["object_id"] == start_object)]
        if len(hit) != 1:
            reason = "komt in meer thema's voor; gebruik thema:id" if len(hit) else "bestaat niet"
            raise InvalidRequestError(f"Startobject '{start_object}' {reason}.",
                                      object=start_object)
        return float(hit["x"].iloc[0]), float(hit["y"].iloc[0])
    return None


def parse_lonlat(text: str) -> tuple[float, float]:
    """``"5.69,50.85"`` → ``(5.69, 50.85)``; Dutch error otherwise."""
    parts = [p.strip() for p in text.split(",")]
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise InvalidRequestError(f"Startpunt '{text}' is geen 'lengtegraad,breedtegraad' "
                                  f"(bijv. 5.69,50.85).", waarde=text) from None
    return lon, lat


def new_plan_id(werkmap: Werkmap, gebied_id: str, datum: dt.date, seed: int) -> str:
    """``<gebied>-<JJJJMMDD>-s<seed>``, with ``-2``, ``-3`` ... when that directory exists."""
    base = re.sub(r"[^A-Za-z0-9-]+", "-", f"{gebied_id}-{datum:%Y%m%d}-s{seed}")
    plan_id, number = base, 1
    while (werkmap.plannen / plan_id).exists():
        number += 1
        plan_id = f"{base}-{number}"
    return plan_id


@contextmanager
def plan_directory(werkmap: Werkmap, plan_id: str) -> Iterator[Path]:
    """A temporary directory renamed to ``plannen/<plan_id>`` when the block succeeds."""
    tmp = make_work_dir(werkmap.plannen, ".bezig-")  # removes stale ones of killed runs
    try:
        yield tmp
        target = werkmap.plannen / plan_id
        try:
            os.rename(tmp, target)
        except OSError as error:
            raise OutputError(f"Plan {plan_id} bestaat al of kan niet worden geschreven.",
                              bestand=str(target)) from error
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_plan_files(run: PlanRun, directory: Path) -> dict[str, Path]:
    """Write ``plan.csv``, ``plan.xlsx`` and ``plan.geojson`` into ``directory``."""
    from geo.export.plan import (
        explanation_table,
        plan_table,
        write_plan_csv,
        write_plan_geojson,
        write_plan_xlsx,
    )

    table = plan_table(run.result.picks, run.plan_id, synthetisch=run.synthetisch)
    meta = run.meta()
    return {
        "csv": write_plan_csv(table, directory / "plan.csv"),
        "xlsx": write_plan_xlsx(table, directory / "plan.xlsx", meta,
                                explanation_table(run.result.picks)),
        "geojson": write_plan_geojson(run.result.picks, directory / "plan.geojson", meta),
    }


def start_lonlat(run: PlanRun) -> tuple[float, float]:
    """The plan's start point in WGS84 (lon, lat)."""
    x, y = run.result.start
    lon, lat = Transformer.from_crs(RD_CRS, "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)

