"""Dependencies every route uses: database session, current user, catalog, authorisation.

How to use them (pages, planning and any other router)::

    from api.deps import CatalogDep, CurrentUser, SessionDep, VisibleKaart, require_roles

    router = APIRouter(prefix="/planning", tags=["planning"])

    @router.get("/{kaart_id}")
    def plan(entry: VisibleKaart, user: CurrentUser, session: SessionDep): ...
        # entry: the catalog entry of path parameter ``kaart_id``, already checked:
        # unknown or not visible to this user -> 404 (same answer, no existence leak)

    @router.post("/opslaan")
    def save(user: Annotated[Principal, Depends(require_roles("planner"))]): ...

* ``SessionDep`` — a SQLAlchemy ``Session`` (call ``session.commit()`` yourself).
* ``CurrentUser`` — :class:`api.auth.Principal` (id, gebruikersnaam, rol, organisatie,
  ``gemeenten`` frozenset of GMnnnn, ``vertrouwelijk`` grant, ``sessie``). Browser session
  cookie, ``Authorization: Bearer kaart_...`` or (for reading, GIS clients such as QGIS)
  ``Authorization: Basic`` with user name + token (:mod:`api.basic_auth`); none → 401.
* ``OptionalUser`` — the same or ``None`` (for pages that redirect to ``/inloggen``).
* ``PrincipalsDep``, ``ThrottleDep``, ``TilesDep``, ``TileAuditDep`` — the app's principal
  cache (``clear()`` after changing users), login throttle, tile renderer and tile audit;
  ``TileServicesDep`` bundles renderer, audit and the render limiter (``TILE_THREADS``).
  Routes take these, never ``request.app.state``.
* ``WerkmapDep`` — the served :class:`geo.paths.Werkmap` (``resolve_inside`` for stored paths).
* ``CatalogDep`` — :class:`api.catalog.ServiceCatalog` (``entries()``, ``get(kaart_id)``,
  ``file(entry, "cog"|"objecten"|"verantwoording")``); never build paths yourself.
* ``VisibleKaart`` — resolves ``kaart_id`` and applies :func:`api.authz.may_see`.
  For lists use ``visible_entries(user, catalog)``; for a gemeente parameter use
  ``check_gemeente(user, code)``.
* ``require_roles(*roles)`` — 403 ``geen_toegang`` for other roles. Aliases:
  ``BeheerderUser``, ``PlannerUser`` (planner or analist).
* CSRF: every unsafe request (POST/PUT/PATCH/DELETE) authenticated by the session cookie must
  carry the session's token, as form field ``csrf_token`` or header ``X-CSRF-Token``;
  put ``csrf_token(request)`` into every form. Bearer requests need no CSRF token.
* Audit: ``api.audit.record(session, user, actie, kaart_id=..., **details)``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import TileAudit
from api.auth import (
    LoginThrottle,
    Principal,
    PrincipalCache,
    principal_of,
    token_hash,
    user_for_token,
)
from api.authz import may_see
from api.basic_auth import basic_user, is_basic
from api.catalog import ServiceCatalog
from api.db.models import AuditRegel, Gebruiker
from api.settings import Settings
from api.tiles import TileRenderer
from geo.catalog import KaartEntry
from geo.errors import AuthenticationError, KaartNotFoundError, PermissionDeniedError
from geo.paths import Werkmap

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


async def get_settings(request: Request) -> Settings:
    # The getters of app.state and pure checks are ``async``: FastAPI runs a sync dependency
    # in a worker thread, and each hop costs a GIL hand-over (measured: ~48 thread runs per
    # tile request before, a third of a cold tile's time on a loaded 2-core machine).
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


async def get_catalog(request: Request) -> ServiceCatalog:
    return request.app.state.catalog


async def get_werkmap(request: Request) -> Werkmap:
    return request.app.state.werkmap


async def get_principals(request: Request) -> PrincipalCache:
    return request.app.state.principals


async def get_throttle(request: Request) -> LoginThrottle:
    return request.app.state.throttle


async def get_tiles(request: Request) -> TileRenderer:
    return request.app.state.tiles


async def get_tile_audit(request: Request) -> TileAudit:
    return request.app.state.tile_audit


TILE_THREADS = 4
"""Tiles rendered at the same time per worker process (the rest wait, in order)."""


@dataclass(frozen=True)
class TileServices:
    """What a tile request uses: the renderer, the tile audit and the render limiter."""

    renderer: TileRenderer
    audit: TileAudit
    limiter: anyio.CapacityLimiter


async def get_tile_services(request: Request) -> TileServices:
    """The app's tile services; the limiter is made on first use (inside the event loop)."""
    state = request.app.state
    if getattr(state, "tile_limiter", None) is None:
        state.tile_limiter = anyio.CapacityLimiter(TILE_THREADS)
    return TileServices(state.tiles, state.tile_audit, state.tile_limiter)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
CatalogDep = Annotated[ServiceCatalog, Depends(get_catalog)]
WerkmapDep = Annotated[Werkmap, Depends(get_werkmap)]
PrincipalsDep = Annotated[PrincipalCache, Depends(get_principals)]
ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]
TilesDep = Annotated[TileRenderer, Depends(get_tiles)]
TileAuditDep = Annotated[TileAudit, Depends(get_tile_audit)]
TileServicesDep = Annotated[TileServices, Depends(get_tile_services)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Ongeldige Authorization-header; gebruik 'Bearer <token>' "
                                  "(of Basic met gebruikersnaam en token).")
    return token.strip()


BEARER = HTTPBearer(auto_error=False, description="API-token van `kaart token`.")


def _token_principal(sessionmaker, token: str) -> Principal:
    with sessionmaker() as session:
        found = user_for_token(session, token)
        if found is None:
            raise AuthenticationError("Token onbekend, verlopen of ingetrokken.")
        user, row = found
        return principal_of(user, f"token-{row.id}", "token")


def _session_principal(sessionmaker, uid: int, sid: str) -> Principal | None:
    with sessionmaker() as session:
        user = session.get(Gebruiker, uid)
        if user is None or not user.actief or _logged_out(session, sid):
            return None
        return principal_of(user, sid, "sessie")


async def optional_user(
    request: Request,
    cache: PrincipalsDep,
    _docs: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> Principal | None:
    """The logged-in user (session cookie or Bearer token), or ``None``.

    A user found in the principal cache costs no thread and no database session (every
    tile asks); only a miss looks the user up, in a worker thread. ``_docs`` only declares
    the Bearer scheme in the OpenAPI spec (the Authorize button in /docs); the header
    itself is checked strictly by :func:`_bearer`.
    """
    sessionmaker = request.app.state.sessionmaker
    header = request.headers.get("authorization")
    if header is not None and is_basic(header):  # QGIS and other GIS clients
        principal = await basic_user(request, header, cache=cache,
                                     throttle=request.app.state.throttle)
        request.state.principal = principal  # for the audit middleware
        return principal
    token = _bearer(request)
    if token is not None:
        key = ("token", token_hash(token))
        principal = cache.get(key)
        if principal is None:
            principal = await anyio.to_thread.run_sync(_token_principal, sessionmaker, token)
            cache.put(key, principal)
        request.state.principal = principal  # for the audit middleware
        return principal
    data = request.scope.get("session") or {}
    uid = data.get("uid")
    if not isinstance(uid, int):
        return None
    sid = str(data.get("sid", ""))
    key = ("sessie", f"{uid}:{sid}")
    principal = cache.get(key)
    if principal is None:
        principal = await anyio.to_thread.run_sync(_session_principal, sessionmaker, uid, sid)
        if principal is None:
            request.session.clear()
            return None
        cache.put(key, principal)
    request.state.principal = principal  # for the audit middleware
    return principal


def _logged_out(session: Session, sid: str) -> bool:
    """A replayed cookie of a session that logged out (sessions are signed cookies, so the
    logout is looked up in the audit log)."""
    return bool(session.scalar(select(AuditRegel.id).where(
        AuditRegel.sessie == sid, AuditRegel.actie == "uitloggen").limit(1)))


async def current_user(user: Annotated[Principal | None, Depends(optional_user)]) -> Principal:
    """The logged-in user; 401 otherwise."""
    if user is None:
        raise AuthenticationError("Niet ingelogd. Log in via /inloggen of gebruik een token.")
    return user


OptionalUser = Annotated[Principal | None, Depends(optional_user)]
CurrentUser = Annotated[Principal, Depends(current_user)]


def require_roles(*roles: str):
    """A dependency that admits only users with one of ``roles`` (403 otherwise)."""

    def _check(user: CurrentUser) -> Principal:
        if user.rol not in roles:
            raise PermissionDeniedError(
                f"Deze functie is alleen voor de rol {' of '.join(roles)}.", rol=user.rol)
        return user

    return _check


BeheerderUser = Annotated[Principal, Depends(require_roles("beheerder"))]
PLANNER_ROLES = ("planner", "analist")
"""Roles that make and read controle-plans (API and the /planning page)."""
PlannerUser = Annotated[Principal, Depends(require_roles(*PLANNER_ROLES))]


async def visible_kaart(
    kaart_id: Annotated[str, Path(max_length=200, description="Id uit /kaarten.")],
    user: CurrentUser,
    catalog: CatalogDep,
) -> KaartEntry:
    """The catalog entry of ``kaart_id`` if ``user`` may see it; 404 otherwise."""
    try:
        entry = catalog.get(kaart_id)
    except KaartNotFoundError:
        entry = None
    if entry is None or not may_see(user, entry):
        raise KaartNotFoundError(f"Kaart '{kaart_id}' bestaat niet of is niet voor jou zichtbaar.",
                                 kaart_id=kaart_id)
    return entry


VisibleKaart = Annotated[KaartEntry, Depends(visible_kaart)]


def visible_entries(user: Principal, catalog: ServiceCatalog) -> list[KaartEntry]:
    """Every catalog entry ``user`` may see."""
    return [e for e in catalog.entries() if may_see(user, e)]


def check_gemeente(user: Principal, gemeentecode: str) -> str:
    """``gemeentecode`` if it belongs to the user's organisation; 404 otherwise."""
    code = gemeentecode.strip().upper()
    if code not in user.gemeenten:
        raise KaartNotFoundError(f"Gemeente '{gemeentecode}' is niet voor jou zichtbaar.",
                                 gemeentecode=gemeentecode)
    return code


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); put it in every form."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """App-wide: unsafe requests on a cookie session must carry the session's CSRF token."""
    header = request.headers.get("authorization", "")
    if request.method in SAFE_METHODS or header and not is_basic(header):
        return  # (a browser resends Basic credentials by itself: no exemption for those)
    session = request.scope.get("session") or {}
    expected = session.get("csrf")
    if not session:
        return  # no cookie session: nothing a cross-site form could ride on
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise PermissionDeniedError("Ongeldig of ontbrekend CSRF-token; laad de pagina opnieuw.",
                                    code_detail="csrf")
