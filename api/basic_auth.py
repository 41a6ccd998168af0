"""HTTP Basic authentication with an API token as password, for GIS clients (QGIS).

QGIS 3.22's built-in authentication can send HTTP Basic but no Bearer header or session
cookie, so ``Authorization: Basic base64(gebruikersnaam:kaart_…token)`` is accepted as a third
way in, with the same outcome as ``Bearer <token>``: the same :class:`api.auth.Principal`
(``sessie = token-<id>``, ``via = "basic"``), so the same authorisation
(:mod:`api.authz`), tile audit and request audit (:mod:`api.audit_middleware`).

Rules on top of a Bearer token:

- the user name must be the token's owner (a leaked token alone is not enough);
- only for reading (GET/HEAD/OPTIONS): a browser that once got Basic credentials sends them
  on its own with every request, including forged cross-site ones, so a state-changing
  request with Basic is refused (no CSRF token needed means none may be possible);
- in ``productie`` only over HTTPS: either the request itself (TLS at the server) or a
  trusted reverse proxy (``KAART_VERTROUWDE_PROXIES``) saying ``X-Forwarded-Proto: https``;
  Basic over plain HTTP sends the token readable to everyone on the way;
- failures count as failed logins (audit ``inloggen_mislukt``) and are throttled by the
  same :class:`api.auth.LoginThrottle` (per account and per address): 429 with
  ``Retry-After`` after too many.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from ipaddress import ip_address

import anyio
from starlette.requests import Request

from api import audit
from api.auth import (
    LoginThrottle,
    Principal,
    PrincipalCache,
    principal_of,
    token_hash,
    user_for_token,
)
from api.errors import TooManyRequestsError
from api.urls import client_address
from geo.errors import AuthenticationError

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
VIA = "basic"
_FORMAT = ("Ongeldige Basic-authenticatie: verwacht gebruikersnaam en API-token "
           "(van 'kaart token maak') als wachtwoord.")


def is_basic(header: str) -> bool:
    """Whether an ``Authorization`` header value uses the Basic scheme."""
    return header.strip().partition(" ")[0].lower() == "basic"


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(user name, password) of an ``Authorization`` header value; ``None`` if not Basic.

    Examples
    --------
    >>> basic_credentials("Basic " + base64.b64encode(b"ana:kaart_x").decode())
    ('ana', 'kaart_x')
    >>> basic_credentials("Bearer kaart_x") is None
    True
    """
    if not is_basic(header):
        return None
    data = header.strip().partition(" ")[2]
    try:
        decoded = base64.b64decode(data.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise AuthenticationError(_FORMAT) from None
    name, separator, secret = decoded.partition(":")
    if not separator or not name or not secret or len(name) > 100 or len(secret) > 200:
        raise AuthenticationError(_FORMAT)
    return name, secret


def is_https(request: Request) -> bool:
    """Whether the request reached kaart over HTTPS: TLS at the server itself, or a trusted
    proxy (:attr:`api.settings.Settings.trusted_proxies`) forwarded it as ``https``."""
    if request.url.scheme == "https":
        return True
    networks = request.app.state.settings.trusted_proxies
    peer = request.client.host if request.client else ""
    try:
        trusted = any(ip_address(peer) in network for network in networks)
    except ValueError:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return trusted and forwarded.split(",")[-1].strip().lower() == "https"


def _check_request(request: Request) -> None:
    if request.method not in READ_METHODS:
        raise AuthenticationError(
            "Basic-authenticatie geldt alleen voor opvragen (GET); gebruik voor wijzigingen "
            "'Authorization: Bearer <token>' of log in.")
    if request.app.state.settings.omgeving == "productie" and not is_https(request):
        raise AuthenticationError(
            "Basic-authenticatie alleen via HTTPS: het token gaat anders leesbaar over het "
            "netwerk. Gebruik de https-URL van kaart.")


async def basic_user(request: Request, header: str, *, cache: PrincipalCache,
                     throttle: LoginThrottle) -> Principal | None:
    """The user of a Basic ``header`` (``None`` if it is not Basic); 401 or 429 otherwise.

    A user in the principal cache costs no thread and no database session (every tile
    asks); a miss is looked up (throttle, token, audit) in a worker thread."""
    credentials = basic_credentials(header)
    if credentials is None:
        return None
    _check_request(request)
    name, token = credentials
    key = ("token", token_hash(token))
    cached = cache.get(key)
    if cached is not None and cached.gebruikersnaam == name:
        return _as_basic(cached)
    principal = await anyio.to_thread.run_sync(
        _lookup, request.app.state.sessionmaker, name, token, client_address(request), throttle)
    cache.put(key, principal)
    return _as_basic(principal)


def _lookup(sessionmaker, name: str, token: str, adres: str,
            throttle: LoginThrottle) -> Principal:
    with sessionmaker() as session:
        if wait := throttle.retry_after(session, name, adres):
            audit.record(session, None, "inloggen_geremd", gebruikersnaam=name, adres=adres,
                         via=VIA, wacht_s=wait)
            raise TooManyRequestsError(
                f"Te veel mislukte pogingen; probeer het over {wait} seconden opnieuw.",
                wacht_s=wait)
        found = user_for_token(session, token)
        if found is None or found[0].gebruikersnaam != name:
            audit.record(session, None, "inloggen_mislukt", gebruikersnaam=name, adres=adres,
                         via=VIA)
            raise AuthenticationError("Gebruikersnaam of token onjuist, verlopen of ingetrokken.")
        user, row = found
        return principal_of(user, f"token-{row.id}", "token")


def _as_basic(principal: Principal) -> Principal:
    return replace(principal, via=VIA)


__all__ = ["READ_METHODS", "basic_credentials", "basic_user", "is_basic", "is_https"]
