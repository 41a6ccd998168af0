"""Browser login (session cookie, CSRF-safe form, throttled), logout and ``/api/v1/ik``.

``GET /inloggen`` here is a minimal fallback form; the pages router (included first) may
serve its own template at the same path, posting ``gebruikersnaam``, ``wachtwoord``,
``csrf_token`` (from :func:`api.deps.csrf_token`) and optionally ``volgende`` to
``POST /inloggen``. Success → 303 to ``volgende`` (same-site paths only) or ``/``;
failure → 303 to ``/inloggen?fout=1`` (``fout=te_veel`` when throttled).
"""

from __future__ import annotations

import hmac
import html
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from api import audit
from api.auth import check_credentials, principal_of
from api.deps import CurrentUser, PrincipalsDep, SessionDep, ThrottleDep, csrf_token
from api.urls import client_address
from geo.errors import PermissionDeniedError

router = APIRouter(tags=["inloggen"], include_in_schema=False)
"""The browser forms (HTML pages, their own paths)."""
api_router = APIRouter(tags=["inloggen"])
"""``/ik``: part of the JSON API (mounted under ``/api/v1``)."""

_MESSAGES = {"1": "Onjuiste gebruikersnaam of wachtwoord.",
             "te_veel": "Te veel mislukte pogingen; probeer het later opnieuw."}


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith(("//", "/\\")) and len(value) < 500:
        return value
    return "/"


@router.get("/inloggen", response_class=HTMLResponse, summary="Inlogformulier")
def login_form(request: Request, fout: str | None = None, volgende: str | None = None) -> str:
    """Eenvoudig inlogformulier (HTML)."""
    message = _MESSAGES.get(fout or "", "")
    return (
        "<!doctype html><html lang='nl'><meta charset='utf-8'><title>Inloggen — kaart</title>"
        "<h1>Inloggen</h1>"
        + (f"<p role='alert'>{html.escape(message)}</p>" if message else "")
        + "<form method='post' action='/inloggen'>"
        f"<input type='hidden' name='csrf_token' value='{html.escape(csrf_token(request))}'>"
        f"<input type='hidden' name='volgende' value='{html.escape(_safe_next(volgende))}'>"
        "<label>Gebruikersnaam <input name='gebruikersnaam' autocomplete='username' required>"
        "</label><label>Wachtwoord <input type='password' name='wachtwoord' "
        "autocomplete='current-password' required></label><button>Inloggen</button></form>"
    )


@router.post("/inloggen", summary="Inloggen (formulier)", status_code=303,
             response_class=RedirectResponse)
def login(
    request: Request,
    session: SessionDep,
    throttle: ThrottleDep,
    gebruikersnaam: Annotated[str, Form(max_length=100)],
    wachtwoord: Annotated[str, Form(max_length=1000)],
    csrf_token_field: Annotated[str, Form(alias="csrf_token", max_length=200)] = "",
    volgende: Annotated[str | None, Form(max_length=500)] = None,
) -> RedirectResponse:
    """Controleer gebruikersnaam en wachtwoord en zet een sessiecookie."""
    expected = request.session.get("csrf")
    if not expected or not hmac.compare_digest(str(expected), csrf_token_field):
        raise PermissionDeniedError("Ongeldig of ontbrekend CSRF-token; laad de pagina opnieuw.")
    adres = client_address(request)
    if wait := throttle.retry_after(session, gebruikersnaam, adres):
        audit.record(session, None, "inloggen_geremd", gebruikersnaam=gebruikersnaam,
                     adres=adres, wacht_s=wait)
        return RedirectResponse("/inloggen?fout=te_veel", status_code=303)
    user = check_credentials(session, gebruikersnaam, wachtwoord)
    if user is None:
        audit.record(session, None, "inloggen_mislukt", gebruikersnaam=gebruikersnaam,
                     adres=adres)
        return RedirectResponse("/inloggen?fout=1", status_code=303)
    request.session.clear()  # new session id on login (no session fixation)
    sid = secrets.token_hex(16)
    request.session.update({"uid": user.id, "sid": sid, "csrf": secrets.token_urlsafe(32)})
    audit.record(session, principal_of(user, sid, "sessie"), "inloggen", adres=adres)
    return RedirectResponse(_safe_next(volgende), status_code=303)


@router.post("/uitloggen", summary="Uitloggen", status_code=303,
             response_class=RedirectResponse)
def logout(request: Request, user: CurrentUser, session: SessionDep,
           principals: PrincipalsDep) -> RedirectResponse:
    """Beëindig de sessie (CSRF-token vereist)."""
    audit.record(session, user, "uitloggen")
    principals.clear()
    request.session.clear()
    return RedirectResponse("/inloggen", status_code=303)


class Ik(BaseModel):
    gebruikersnaam: str
    rol: str
    organisatie: str
    gemeenten: list[str]
    vertrouwelijk: bool
    csrf_token: str | None


@api_router.get("/ik", response_model=Ik, summary="De ingelogde gebruiker")
def me(request: Request, user: CurrentUser) -> Ik:
    """Wie ben ik, welke gemeenten zie ik; ``csrf_token`` voor formulieren (alleen met sessie)."""
    return Ik(gebruikersnaam=user.gebruikersnaam, rol=user.rol, organisatie=user.organisatie,
              gemeenten=sorted(user.gemeenten), vertrouwelijk=user.vertrouwelijk,
              csrf_token=csrf_token(request) if user.via == "sessie" else None)
