"""The planner page (``/planning``, Dutch HTML) for the roles planner and analist.

Choose an area of your own organisation, the number of stops, teams, days and the day's
window; the plan is made by :func:`services.plans.create_plan` (the workflow of ``kaart plan``
and ``POST /planning/plannen``). The plan page shows the route map, the downloads (XLSX, CSV,
per team a briefing) and a form to enter the outcome per stop, stored all-or-nothing by
:func:`services.outcomes.import_outcome_rows` (the import rules). Forms carry the session's
CSRF token (checked app-wide by :func:`api.deps.csrf_protect`); reads are audited by the
audit middleware, making a plan and storing outcomes by :func:`api.audit.record`. Every data
string reaches the page through Jinja2's autoescape; the map is our own Folium fragment.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api import audit
from api.auth import Principal
from api.db.models_planning import Controle, Plan, visible_plans
from api.deps import PLANNER_ROLES, OptionalUser, SessionDep, WerkmapDep
from api.lazy import lazy_module
from api.routes.pages import _page, refuse_page
from api.routes.planning import (
    areas,
    outcome_service,
    plan_service,
    plan_teams,
    visible_plan,
)
from api.security_headers import add_nonce, csp_nonce
from geo.errors import InvalidRequestError, KaartError, KaartNotFoundError

router = APIRouter(tags=["pagina's"], include_in_schema=False)

MAX_STOPS = 100
"""At most this many stops from the page (4 form fields each stay under the form limit)."""
DEFAULTS = {"aantal": "12", "teams": "2", "dagen": "1", "starttijd": "08:00",
            "eindtijd": "17:00"}
PlanIdParam = Annotated[str, PathParam(max_length=120, pattern=r"^[A-Za-z0-9-]+$")]

feedback = lazy_module("geo.planning.feedback")  # pandas: on first use
plan_map = lazy_module("maps.plan")  # folium: on first use


def _refused(request: Request, user: Principal | None) -> Response | None:
    return refuse_page(request, user, PLANNER_ROLES,
                       "De planning is alleen voor ACT!-planners en RIEC-analisten.")


def area_choices(user: Principal) -> list[dict[str, str]]:
    """The regio's wholly inside the user's organisation, then its gemeenten."""
    frame = areas.reference_gemeenten()
    own = frame[frame["gemeentecode"].isin(user.gemeenten)]
    regios = [{"waarde": f"regio:{name}", "naam": f"Regio {name}"}
              for name in areas.list_groups("regio", frame)
              if set(frame.loc[frame["regio"] == name, "gemeentecode"]) <= user.gemeenten]
    gemeenten = [{"waarde": f"gemeente:{row.gemeentecode}", "naam": row.gemeentenaam}
                 for row in own.sort_values("gemeentenaam").itertuples()]
    return regios + gemeenten


def _area(user: Principal, value: str):
    kind, _, name = value.partition(":")
    if kind not in ("regio", "gemeente") or not name:
        raise InvalidRequestError("Kies een gebied uit de lijst.", waarde=value[:100])
    area = areas.select_area(**{kind: name})
    if not set(area.codes) <= user.gemeenten:
        raise KaartNotFoundError("Dit gebied bestaat niet of is niet voor jou zichtbaar.")
    return area


def _number(form: dict[str, str], key: str, low: int, high: int, label: str) -> int:
    text = form.get(key, "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidRequestError(f"{label}: geef een heel getal van {low} tot en met {high} "
                                  f"(ingevuld: '{text[:20]}').", veld=key)
    return int(text)


def _overrides(form: dict[str, str]) -> dict[str, Any]:
    return {"aantal": _number(form, "aantal", 1, MAX_STOPS, "Aantal stops"),
            "teams": _number(form, "teams", 1, 20, "Teams"),
            "dagen": _number(form, "dagen", 1, 10, "Dagen"),
            "starttijd": form.get("starttijd", "").strip()[:5] or None,
            "eindtijd": form.get("eindtijd", "").strip()[:5] or None}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequestError(f"Datum '{text[:20]}' is ongeldig; gebruik JJJJ-MM-DD.",
                                  veld="datum") from None


def _overview(request: Request, user: Principal, session, *, status_code: int = 200,
              melding: str = "", form: dict[str, str] | None = None) -> HTMLResponse:
    plans = [{"id": p.id, "gebied": p.gebied_naam, "datum": p.datum.strftime("%d-%m-%Y"),
              "aantal": p.aantal, "teams": len(plan_teams(p)), "synthetisch": p.synthetisch}
             for p in visible_plans(session, user.gemeenten)]
    values = {**DEFAULTS, "datum": dt.date.today().isoformat(), **(form or {})}
    return _page(request, "planning.html", user, status_code=status_code, melding=melding,
                 gebieden=area_choices(user), plannen=plans, waarden=values,
                 max_stops=MAX_STOPS)


@router.get("/planning", response_class=HTMLResponse)
def planning_page(request: Request, user: OptionalUser, session: SessionDep) -> Response:
    """Maak een controleplan en bekijk eerdere plannen."""
    refused = _refused(request, user)
    return refused or _overview(request, user, session)


@router.post("/planning", response_class=HTMLResponse)
async def create_plan_form(request: Request, user: OptionalUser, session: SessionDep,
                           werkmap: WerkmapDep) -> Response:
    """Het formulier 'Maak plan': maakt het plan en gaat naar de planpagina."""
    refused = _refused(request, user)
    if refused:
        return refused
    form = {k: str(v)[:200] for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        area = _area(user, form.get("gebied", ""))
        created = plan_service.create_plan(
            session, werkmap, area, datum=_date(form.get("datum", "")),
            overrides=_overrides(form), gebruiker_id=user.id, briefing=True)
    except KaartError as error:
        return _overview(request, user, session, status_code=error_status(error),
                         melding=error.message, form=form)
    audit.record(session, user, "plan_gemaakt", None, aantal=created.plan.aantal,
                 plan_id=created.plan.id, gebied=area.id, bron="pagina")
    return RedirectResponse(request.app.url_path_for("plan_page", plan_id=created.plan.id),
                            status_code=303)


def error_status(error: KaartError) -> int:
    """404 for what does not exist or is not visible, else 400."""
    return 404 if isinstance(error, KaartNotFoundError) else 400


def _plan_context(request: Request, session, werkmap, plan: Plan) -> dict[str, Any]:
    stops, meta = plan_service.load_plan_stops(werkmap, plan)
    start = tuple(meta["start"]) if meta.get("start") else None
    m = plan_map.build_plan_map(stops, start_lonlat=start, titel=f"Controleplan {plan.gebied_naam}",
                       synthetisch=plan.synthetisch, standalone=False)
    root = m.get_root()
    root.render()
    done = {(c.thema, c.object_id): c for c in session.scalars(
        select(Controle).where(Controle.plan_id == plan.id))}
    rows = [{**row, "aankomst_tekst": f"{row['aankomst']:%d-%m %H:%M}",
             "datum_standaard": f"{row['aankomst']:%Y-%m-%d}",
             "geregistreerd": done.get((row["thema"], str(row["object_id"])))}
            for row in stops.sort_values("volgorde").to_dict("records")]
    url = request.app.url_path_for
    downloads = [{"label": "Draaiboek (XLSX)", "url": url("plan_bestand", plan_id=plan.id,
                                                          soort="xlsx")},
                 {"label": "Draaiboek (CSV)", "url": url("plan_bestand", plan_id=plan.id,
                                                         soort="csv")}]
    downloads += [{"label": f"Briefing team {t} (PDF)",
                   "url": url("plan_briefing", plan_id=plan.id, team=str(t))}
                  for t in plan_teams(plan)]
    return {"plan": plan, "stops": rows, "downloads": downloads,
            "tekorten": meta.get("tekorten") or [], "bevindingen": feedback.FINDINGS,
            "vervolgen": feedback.FOLLOW_UPS,
            "titel": f"Plan {plan.gebied_naam} {plan.datum:%d-%m-%Y}",
            "kaart_kop": add_nonce(root.header.render(), csp_nonce(request)),
            "kaart_html": root.html.render(), "kaart_script": root.script.render()}


@router.get("/planning/plan/{plan_id}", response_class=HTMLResponse, name="plan_page")
def plan_page(request: Request, plan_id: PlanIdParam, user: OptionalUser,
              session: SessionDep, werkmap: WerkmapDep, opgeslagen: int | None = None,
              ) -> Response:
    """Een plan: kaart, downloads en uitkomsten invoeren."""
    refused = _refused(request, user)
    if refused:
        return refused
    try:
        plan = visible_plan(session, user, plan_id)
        context = _plan_context(request, session, werkmap, plan)
    except KaartNotFoundError as error:
        return _page(request, "fout.html", user, status_code=404, kop="Niet gevonden",
                     melding=error.message)
    melding = f"{opgeslagen} uitkomst(en) opgeslagen." if opgeslagen is not None else ""
    return _page(request, "planning_plan.html", user, melding=melding, **context)


def outcome_rows(form: dict[str, str], plan: Plan) -> list[dict[str, str]]:
    """The filled-in rows of the outcome form (a stop whose 'uitgevoerd' is empty is
    skipped), in the columns of :data:`api.routes.planning.OutcomeIn`."""
    rows = []
    for keuze in sorted(plan.keuzes, key=lambda k: k.volgorde):
        done = form.get(f"uitgevoerd-{keuze.volgorde}", "").strip()
        if not done:
            continue
        rows.append({"datum": form.get(f"datum-{keuze.volgorde}", ""), "thema": keuze.thema,
                     "object": keuze.object_id, "uitgevoerd": done,
                     "bevindingen": form.get(f"bevindingen-{keuze.volgorde}", ""),
                     "vervolg": form.get(f"vervolg-{keuze.volgorde}", ""),
                     "plan": plan.id, "gemeentecode": keuze.gemeentecode})
    return rows


@router.post("/planning/plan/{plan_id}/uitkomsten", response_class=HTMLResponse)
async def outcomes_form(request: Request, plan_id: PlanIdParam, user: OptionalUser,
                        session: SessionDep, werkmap: WerkmapDep) -> Response:
    """Sla de ingevulde uitkomsten op: alles of niets."""
    refused = _refused(request, user)
    if refused:
        return refused
    form = {k: str(v)[:200] for k, v in (await request.form()).items()}
    try:
        plan = visible_plan(session, user, plan_id)
        rows = outcome_rows(form, plan)
        if not rows:
            raise InvalidRequestError("Er is niets ingevuld: kies bij minstens één stop "
                                      "'ja' of 'nee' bij uitgevoerd.")
        result = outcome_service.import_outcome_rows(
            session, rows, list(rows[0]), bron="api", gebruiker_id=user.id,
            gemeenten=user.gemeenten)
    except KaartError as error:
        session.rollback()
        try:
            context = _plan_context(request, session, werkmap, visible_plan(
                session, user, plan_id))
        except KaartNotFoundError:
            return _page(request, "fout.html", user, status_code=404, kop="Niet gevonden",
                         melding=error.message)
        return _page(request, "planning_plan.html", user, status_code=error_status(error),
                     fout=f"Niets opgeslagen. {error.message}", ingevuld=form, **context)
    audit.record(session, user, "uitkomsten_import", None, aantal=result.aantal,
                 plan_id=plan.id, bron="pagina")
    target = request.app.url_path_for("plan_page", plan_id=plan.id)
    return RedirectResponse(f"{target}?opgeslagen={result.aantal}", status_code=303)
