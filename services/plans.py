"""Create a controle-plan: the one workflow behind ``kaart plan`` and ``POST /planning/plannen``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from api.db.models_planning import Plan, load_controls, save_plan
from geo.errors import KaartNotFoundError
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.planning.config import load_planning_config
from geo.planning.run import (
    PlanRun,
    build_plan,
    plan_directory,
    start_lonlat,
    write_plan_files,
)
from maps.outputs import load_boundaries
from maps.plan import write_plan_map
from services import Progress, written_file
from services.briefing import team_stops, write_briefings

STEPS = 4
BRIEFING_PREFIX = "briefing_team_"


@dataclass(frozen=True)
class CreatedPlan:
    """A plan that was built, written to ``directory`` and stored."""

    run: PlanRun
    plan: Plan
    directory: Path
    files: dict[str, Path]
    """File kind (``csv``, ``xlsx``, ``geojson``, ``html``, ``briefing_team_<n>``) → path
    in ``directory``."""

    @property
    def briefings(self) -> dict[int, Path]:
        """Team number → its briefing PDF."""
        return {int(kind.rsplit("_", 1)[1]): path for kind, path in self.files.items()
                if kind.startswith(BRIEFING_PREFIX)}

    @property
    def geschreven(self) -> list[dict[str, object]]:
        """The written files as reported to users (one entry per file, ``aantal`` = picks;
        a briefing: ``soort`` ``briefing``, ``team`` and its number of stops)."""
        picks = self.run.result.picks
        return [written_file(path, soort=kind, aantal=len(picks))
                for kind, path in self.files.items() if not kind.startswith(BRIEFING_PREFIX)
                ] + [written_file(path, soort="briefing", aantal=len(team_stops(picks, team)),
                                  team=team)
                     for team, path in sorted(self.briefings.items())]


def create_plan(
    session: Session,
    werkmap: Werkmap,
    area: Area,
    *,
    datum: dt.date,
    seed: int = 0,
    start: tuple[float, float] | None = None,
    start_object: str | None = None,
    config_path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    gebruiker_id: int | None = None,
    briefing: bool | None = None,
    progress: Progress | None = None,
) -> CreatedPlan:
    """Select, order and explain controls for ``area``; write ``plannen/<plan_id>/`` (CSV,
    XLSX, GeoJSON, route map) and store the plan with its selection probabilities.

    ``overrides`` are :meth:`geo.planning.config.PlanningConfig.with_overrides` arguments
    (``None`` values keep the configured value). ``briefing`` writes one briefing PDF per
    team (:mod:`services.briefing`); ``None``: only for an action day (``teams`` set). The
    directory appears only when every file was written; the plan is stored (and committed)
    after that.
    """
    report = progress or _quiet
    config = load_planning_config(config_path).with_overrides(**dict(overrides or {}))
    controls = load_controls(session, area.codes)
    report(1, STEPS, f"Plan voor {area.naam}: eerdere controles gelezen")
    run = build_plan(werkmap, area, config, datum=datum, seed=seed, start=start,
                     start_object=start_object, controls=controls)
    report(2, STEPS, f"Plan voor {area.naam}: objecten gekozen")
    boundaries = load_boundaries(werkmap, area.codes)
    with plan_directory(werkmap, run.plan_id) as tmp:
        files = write_plan_files(run, tmp)
        files["html"] = write_plan_map(
            run.result.picks, tmp / "plan.html", start_lonlat=start_lonlat(run),
            titel=f"Controleplan {area.naam} {datum:%d-%m-%Y}", synthetisch=run.synthetisch,
            boundaries=boundaries)
        if briefing or (briefing is None and run.config.teams):
            files.update(write_briefings(run, tmp, boundaries))
    report(3, STEPS, f"Plan voor {area.naam}: bestanden geschreven")
    plan = save_plan(session, run, gebruiker_id=gebruiker_id)
    report(4, STEPS, f"Plan voor {area.naam}: opgeslagen")
    directory = werkmap.plannen / run.plan_id
    return CreatedPlan(run=run, plan=plan, directory=directory,
                       files={kind: directory / path.name for kind, path in files.items()})


GEOJSON_COLUMNS = {"object": "object_id", "gemeente": "gemeentenaam",
                   "geplande_aankomst": "aankomst", "gepland_vertrek": "vertrek",
                   "duur_min": "duur"}


def load_plan_stops(werkmap: Werkmap, plan: Plan) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The stops of a stored plan as written to its ``plan.geojson`` (columns as the plan's
    picks: ``volgorde, object_id, naam, thema, gemeentenaam, lon, lat, aankomst, ...``)
    and the plan metadata (``start`` as (lon, lat) among it)."""
    path = werkmap.resolve_inside(f"{plan.map}/plan.geojson")
    if not path.is_file():
        raise KaartNotFoundError(f"De bestanden van plan '{plan.id}' ontbreken.",
                                 plan_id=plan.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [{**f["properties"], "lon": f["geometry"]["coordinates"][0],
             "lat": f["geometry"]["coordinates"][1]} for f in data.get("features", [])]
    stops = pd.DataFrame(rows).rename(columns=GEOJSON_COLUMNS)
    for column in ("aankomst", "vertrek"):
        if column in stops:
            stops[column] = pd.to_datetime(stops[column])
    return stops, data.get("plan", {})


def _quiet(done: int, total: int, text: str) -> None:
    """No progress reporting."""
