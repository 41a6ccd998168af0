"""The beheer page (``/beheer``, Dutch HTML) for the role beheerder.

It lists the users of the beheerder's own organisation (role, confidential grant, active,
last login from the audit log when known, number of API tokens) and offers the actions of
the JSON API (:mod:`api.routes.beheer`): add a user (gemeente or beheerder, the password
policy of :mod:`api.passwords`), deactivate/activate, revoke API tokens. Every action goes
through the same functions as the API (:func:`~api.routes.beheer.add_member`,
:func:`~api.routes.beheer.change_active`, :func:`~api.routes.beheer.revoke_member_tokens`),
which write the audit record; the page view itself is audited by the audit middleware.
Forms carry the session's CSRF token (checked app-wide by :func:`api.deps.csrf_protect`);
every name reaches the page through Jinja2's autoescape. Other roles get a Dutch 403 page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import Principal
from api.deps import OptionalUser, PrincipalsDep, SessionDep
from api.routes.beheer import MEMBER_ROLES, add_member, change_active, revoke_member_tokens
from api.routes.pages import ROLE_NAMES, _page, refuse_page
from api.users import last_logins, list_users
from geo.errors import KaartError, KaartNotFoundError

router = APIRouter(tags=["pagina's"], include_in_schema=False)

NameParam = Annotated[str, PathParam(max_length=100)]
DONE = {"toegevoegd": "Gebruiker {naam} is toegevoegd.",
        "gedeactiveerd": "Gebruiker {naam} is gedeactiveerd: inloggen, sessies en tokens werken "
                         "direct niet meer.",
        "geactiveerd": "Gebruiker {naam} is weer actief.",
        "tokens": "De API-tokens van {naam} zijn ingetrokken ({aantal})."}
"""Dutch confirmations after an action (by code: no free text travels in the URL)."""
FIELDS = ("gebruikersnaam", "wachtwoord", "rol")
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def _local(moment: datetime) -> str:
    """A stored UTC moment as Dutch local time (SQLite returns it without a zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(DUTCH_TIME):%d-%m-%Y %H:%M}"


def _refused(request: Request, user: Principal | None) -> Response | None:
    return refuse_page(request, user, ("beheerder",),
                       "Gebruikersbeheer is alleen voor beheerders van een organisatie.")


def _rows(session, user: Principal) -> list[dict]:
    members = list_users(session, user.organisatie_id)
    seen = last_logins(session, (m.id for m in members))
    return [{"naam": m.gebruikersnaam, "rol": ROLE_NAMES.get(m.rol, m.rol),
             "vertrouwelijk": m.vertrouwelijk, "actief": m.actief, "zelf": m.id == user.id,
             "tokens": len(m.tokens),
             "laatst": _local(seen[m.id]) if m.id in seen else None}
            for m in members]


def _overview(request: Request, user: Principal, session, *, status_code: int = 200,
              melding: str = "", fout: str = "", veld_fouten: dict[str, str] | None = None,
              form: dict[str, str] | None = None) -> HTMLResponse:
    return _page(request, "beheer.html", user, status_code=status_code, melding=melding,
                 fout=fout, veld_fouten=veld_fouten or {}, waarden=form or {},
                 rollen=[(r, ROLE_NAMES[r]) for r in MEMBER_ROLES],
                 gebruikers=_rows(session, user))


def _done(request: Request, code: str, naam: str, aantal: int = 0) -> RedirectResponse:
    target = request.app.url_path_for("beheer_page")
    query = urlencode({"klaar": code, "gebruiker": naam, "aantal": aantal})
    return RedirectResponse(f"{target}?{query}", status_code=303)


def _failed(request: Request, user: Principal, session, error: KaartError,
            form: dict[str, str] | None = None) -> HTMLResponse:
    """The page again with the Dutch message next to the field it is about (or on top)."""
    session.rollback()
    field = error.details.get("parameter")
    status = 404 if isinstance(error, KaartNotFoundError) else 400
    if form is not None and field in FIELDS:
        return _overview(request, user, session, status_code=status, form=form,
                         veld_fouten={field: error.message})
    return _overview(request, user, session, status_code=status, fout=error.message, form=form)


@router.get("/beheer", response_class=HTMLResponse, name="beheer_page")
def beheer_page(request: Request, user: OptionalUser, session: SessionDep,
                klaar: str | None = None, gebruiker: str = "", aantal: int = 0) -> Response:
    """Gebruikers van je organisatie beheren."""
    refused = _refused(request, user)
    if refused:
        return refused
    melding = DONE[klaar].format(naam=gebruiker[:100], aantal=aantal) if klaar in DONE else ""
    return _overview(request, user, session, melding=melding)


@router.post("/beheer", response_class=HTMLResponse)
async def add_form(request: Request, user: OptionalUser, session: SessionDep) -> Response:
    """Het formulier 'Gebruiker toevoegen'."""
    refused = _refused(request, user)
    if refused:
        return refused
    raw = await request.form()
    form = {k: str(raw.get(k, ""))[:1000] for k in FIELDS}
    try:
        add_member(session, user, form["gebruikersnaam"].strip(), form["wachtwoord"],
                   form["rol"], bron="pagina")
    except KaartError as error:
        return _failed(request, user, session, error, {**form, "wachtwoord": ""})
    return _done(request, "toegevoegd", form["gebruikersnaam"].strip())


@router.post("/beheer/actief/{gebruikersnaam}", response_class=HTMLResponse)
async def active_form(request: Request, gebruikersnaam: NameParam, user: OptionalUser,
                      session: SessionDep, principals: PrincipalsDep) -> Response:
    """Deactiveren of weer activeren (veld ``actief``: ``ja`` of ``nee``)."""
    refused = _refused(request, user)
    if refused:
        return refused
    actief = str((await request.form()).get("actief", "")) == "ja"
    try:
        change_active(session, user, principals, gebruikersnaam, actief, bron="pagina")
    except KaartError as error:
        return _failed(request, user, session, error)
    return _done(request, "geactiveerd" if actief else "gedeactiveerd", gebruikersnaam)


@router.post("/beheer/tokens-intrekken/{gebruikersnaam}",
             response_class=HTMLResponse)
async def revoke_form(request: Request, gebruikersnaam: NameParam, user: OptionalUser,
                      session: SessionDep, principals: PrincipalsDep) -> Response:
    """Alle API-tokens van een gebruiker intrekken."""
    refused = _refused(request, user)
    if refused:
        return refused
    try:
        names = revoke_member_tokens(session, user, principals, gebruikersnaam, bron="pagina")
    except KaartError as error:
        return _failed(request, user, session, error)
    return _done(request, "tokens", gebruikersnaam, len(names))
