"""ACT! controle-plannen and control outcomes for planners (roles planner and analist).

A planner only sees and plans for gemeenten of their own organisation; a plan or area with a
gemeente outside it answers 404 (no existence leak). Plans are built by
:func:`services.plans.create_plan` (the same workflow as ``kaart plan``), stored with their
selection probabilities and written to ``werkmap/plannen/<plan_id>/``; downloads go by plan id
and a fixed file kind, never a path.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from api import audit
from api.auth import Principal
from api.db.models_planning import Plan, visible_plans
from api.deps import PlannerUser, SessionDep, WerkmapDep
from api.lazy import lazy_module
from api.urls import api_path
from geo.errors import InvalidRequestError, KaartNotFoundError

router = APIRouter(prefix="/planning", tags=["planning"])
# pandas, geopandas, folium, WeasyPrint: loaded by the first planning request, not at start
areas = lazy_module("geo.layers.gemeenten")
actiedag = lazy_module("geo.planning.actiedag")
briefing = lazy_module("services.briefing")
outcome_service = lazy_module("services.outcomes")
plan_service = lazy_module("services.plans")

FILES = {"csv": ("plan.csv", "text/csv"),
         "xlsx": ("plan.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "geojson": ("plan.geojson", "application/geo+json"),
         "html": ("plan.html", "text/html")}
OVERRIDES = ("aantal", "exploratie_aandeel", "minimale_afstand_m", "uitsluiten_maanden",
             "tijdbudget_uren", "teams", "dagen", "starttijd", "eindtijd")
"""Request fields that override the configured planning parameters as they are."""
PlanId = Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9-]+$")]


class PlanRequest(BaseModel):
    """A new plan: one area (``regio`` or ``gemeenten``) and optional parameter overrides."""

    model_config = ConfigDict(extra="forbid")

    regio: str | None = Field(None, max_length=100, examples=["Maastricht-Heuvelland"])
    gemeenten: list[str] | None = Field(None, max_length=50, examples=[["GM0981"]])
    aantal: int | None = Field(None, ge=1, le=200)
    datum: dt.date | None = Field(None, json_schema_extra={"format": "date"},
                                  description="Eerste dag (JJJJ-MM-DD); leeg: vandaag.")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    start: tuple[float, float] | None = Field(None, description="(lengtegraad, breedtegraad)")
    start_object: str | None = Field(None, max_length=140)
    themas: list[str] | None = None
    exploratie_aandeel: float | None = Field(None, ge=0, le=1)
    minimale_afstand_m: float | None = Field(None, ge=0)
    uitsluiten_maanden: int | None = Field(None, ge=0)
    tijdbudget_uren: float | None = Field(None, gt=0)
    teams: int | None = Field(None, ge=1, le=50, description="Actiedag: aantal teams")
    dagen: int | None = Field(None, ge=1, le=20)
    starttijd: str | None = Field(None, pattern=r"^\d{2}:\d{2}$", examples=["08:00"])
    eindtijd: str | None = Field(None, pattern=r"^\d{2}:\d{2}$", examples=["17:00"])


class OutcomeIn(BaseModel):
    """One control outcome (validated again with the same rules as the CLI import)."""

    datum: str = Field(json_schema_extra={"format": "date"},
                       description="JJJJ-MM-DD (DD-MM-JJJJ wordt ook aanvaard).")
    thema: str
    object: str = Field(max_length=100)
    uitgevoerd: str | bool
    bevindingen: str | list[str]
    vervolg: str
    plan: str | None = None
    gemeentecode: str | None = None


def _pick(k) -> dict[str, Any]:
    route = {} if k.team is None else {
        "team": k.team, "dag": k.dag,
        **({"gepland_vertrek": k.vertrek.isoformat()} if k.vertrek else {})}
    return {"volgorde": k.volgorde, "thema": k.thema, "object": k.object_id,
            "gemeentecode": k.gemeentecode, "score": k.score, "klasse": k.klasse,
            "verwachte_trefkans": k.verwacht, "soort_keuze": k.soort_keuze,
            "selectiekans": k.selectiekans, "geplande_aankomst": k.aankomst.isoformat(),
            "duur_min": k.duur, **route}


def plan_teams(plan: Plan) -> list[int]:
    """The plan's teams (1..``teams`` of its parameters); none for a plan without teams."""
    teams = json.loads(plan.parameters or "{}").get("teams")
    return list(range(1, int(teams) + 1)) if teams else []


def _summary(plan: Plan) -> dict[str, Any]:
    return {"plan_id": plan.id, "gebied_id": plan.gebied_id, "gebied": plan.gebied_naam,
            "datum": plan.datum.isoformat(), "seed": plan.seed, "aantal": plan.aantal,
            "gemeenten": json.loads(plan.gemeenten), "synthetisch": plan.synthetisch,
            "totaal_minuten": round(plan.totaal_minuten, 1),
            "bestanden": {k: api_path(f"/planning/plannen/{plan.id}/bestanden/{k}")
                          for k in FILES},
            "briefings": {str(t): api_path(f"/planning/plannen/{plan.id}/briefings/{t}")
                          for t in plan_teams(plan)}}


def visible_plan(session, user: Principal, plan_id: str) -> Plan:
    """The plan if every gemeente of it is the user's; otherwise a 404 that does not say
    whether it exists."""
    plan = session.get(Plan, plan_id)
    if plan is None or not set(json.loads(plan.gemeenten)) <= user.gemeenten:
        raise KaartNotFoundError(f"Plan '{plan_id}' bestaat niet of is niet voor jou zichtbaar.",
                                 plan_id=plan_id)
    return plan


@router.get("/plannen", summary="Controleplannen van jouw gemeenten")
def list_plans(user: PlannerUser, session: SessionDep) -> dict[str, Any]:
    plans = visible_plans(session, user.gemeenten)
    return {"aantal": len(plans), "plannen": [_summary(p) for p in plans]}


@router.post("/plannen", status_code=201, summary="Maak een controleplan")
def create_plan(body: PlanRequest, user: PlannerUser, session: SessionDep,
                werkmap: WerkmapDep) -> dict[str, Any]:
    """Kies, orden en verklaar controles voor een gebied binnen jouw regio (zie
    ``kaart plan``); het plan en de selectiekansen worden opgeslagen."""
    if bool(body.regio) == bool(body.gemeenten):
        raise InvalidRequestError("Geef precies één van 'regio' of 'gemeenten'.")
    area = areas.select_area(regio=body.regio) if body.regio else areas.select_area(
        gemeente=body.gemeenten)
    if not set(area.codes) <= user.gemeenten:
        raise KaartNotFoundError(f"Gebied '{area.naam}' is niet voor jou zichtbaar.",
                                 gebied=area.id)
    overrides = body.model_dump(include=set(OVERRIDES))
    overrides["themas"] = tuple(body.themas) if body.themas else None
    created = plan_service.create_plan(
        session, werkmap, area, datum=body.datum or dt.date.today(), seed=body.seed,
        start=body.start, start_object=body.start_object, overrides=overrides,
        gebruiker_id=user.id)
    plan, run = created.plan, created.run
    audit.record(session, user, "plan_gemaakt", None, aantal=plan.aantal, plan_id=plan.id,
                 gebied=area.id)
    return {**_summary(plan), "tekorten": run.result.tekorten,
            "keuzes": [{**_pick(k), "reden": r.reden, **actiedag.actiedag_fields(r)}
                       for k, r in zip(plan.keuzes, run.result.picks.itertuples(index=False),
                                       strict=True)]}


@router.get("/plannen/{plan_id}", summary="Eén controleplan met keuzes en selectiekansen")
def get_plan(plan_id: PlanId, user: PlannerUser, session: SessionDep) -> dict[str, Any]:
    plan = visible_plan(session, user, plan_id)
    return {**_summary(plan), "keuzes": [_pick(k) for k in plan.keuzes]}


@router.get("/plannen/{plan_id}/bestanden/{soort}", summary="Download een planbestand",
            response_class=FileResponse, name="plan_bestand")
def download(plan_id: PlanId, soort: Literal["csv", "xlsx", "geojson", "html"],
             user: PlannerUser, session: SessionDep, werkmap: WerkmapDep) -> FileResponse:
    plan = visible_plan(session, user, plan_id)
    name, media_type = FILES[soort]
    path = werkmap.resolve_inside(f"{plan.map}/{name}")
    if not path.is_file():
        raise KaartNotFoundError(f"Bestand {name} van plan '{plan_id}' ontbreekt.")
    audit.record(session, user, "plan_download", None, plan_id=plan.id, soort=soort)
    return FileResponse(path, media_type=media_type, filename=f"{plan.id}-{name}")


@router.get("/plannen/{plan_id}/briefings/{team}", summary="Download de briefing van een team",
            response_class=FileResponse, name="plan_briefing")
def download_briefing(plan_id: PlanId, team: Annotated[int, Path(ge=1, le=50)],
                      user: PlannerUser, session: SessionDep,
                      werkmap: WerkmapDep) -> FileResponse:
    """De briefing (PDF, één A4) van één team van een actiedag."""
    plan = visible_plan(session, user, plan_id)
    name = briefing.briefing_name(team)
    path = werkmap.resolve_inside(f"{plan.map}/{name}")
    if team not in plan_teams(plan) or not path.is_file():
        raise KaartNotFoundError(f"Plan '{plan_id}' heeft geen briefing voor team {team}.",
                                 plan_id=plan_id, team=team)
    audit.record(session, user, "plan_download", None, plan_id=plan.id, soort="briefing",
                 team=team)
    return FileResponse(path, media_type="application/pdf", filename=f"{plan.id}-{name}")


@router.post("/uitkomsten", status_code=201, summary="Registreer uitkomsten van controles")
def register_outcomes(body: Annotated[list[OutcomeIn], Field(max_length=5000)],
                      user: PlannerUser, session: SessionDep) -> dict[str, Any]:
    """Alles of niets: bij één ongeldige rij wordt niets opgeslagen (rij 1 = eerste element)."""
    rows = [{**o.model_dump(), "uitgevoerd": _text(o.uitgevoerd),
             "bevindingen": _text(o.bevindingen)} for o in body]
    result = outcome_service.import_outcome_rows(
        session, rows, list(OutcomeIn.model_fields), bron="api", gebruiker_id=user.id,
        gemeenten=user.gemeenten)
    return _imported(session, user, result)


@router.post("/uitkomsten/bestand", status_code=201,
             summary="Registreer uitkomsten uit een CSV- of XLSX-bestand")
def upload_outcomes(bestand: UploadFile, user: PlannerUser,
                    session: SessionDep) -> dict[str, Any]:
    """Hetzelfde bestand als bij ``kaart uitkomsten importeer`` (ook het ingevulde plan);
    alles of niets."""
    data = bestand.file.read(outcome_service.MAX_UPLOAD + 1)
    result = outcome_service.import_outcome_upload(
        session, bestand.filename, data, bron="api", gebruiker_id=user.id,
        gemeenten=user.gemeenten)
    return _imported(session, user, result)


def _imported(session, user: Principal,
              result: outcome_service.ImportedOutcomes) -> dict[str, Any]:
    audit.record(session, user, "uitkomsten_import", None, aantal=result.aantal)
    return {"aantal": result.aantal, "gekoppeld_aan_plan": result.gekoppeld_aan_plan}


@router.get("/uitkomsten/rapport", summary="Trefkans per thema en periode")
def report(user: PlannerUser, session: SessionDep,
           periode: Annotated[Literal["maand", "kwartaal", "jaar"], Query()] = "kwartaal",
           ) -> dict[str, Any]:
    """Trefkans apart voor exploitatie- en exploratiekeuzes, plus de selectiegecorrigeerde
    schatting (gewogen met 1/selectiekans) over alle kandidaat-objecten."""
    table = outcome_service.outcome_report(session, user.gemeenten, periode=periode)
    return {"periode": periode, "rijen": outcome_service.report_rows(table)}


def _text(value: str | bool | list[str]) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ";".join(value)
    return value
