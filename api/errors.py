"""Map :class:`geo.errors.KaartError` subclasses to HTTP; every error is JSON with a Dutch
``melding`` and a stable ``code`` (never a stack trace)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db.guard import DatabaseLostError
from geo.errors import (
    AuthenticationError,
    InputError,
    KaartError,
    KaartNotFoundError,
    PermissionDeniedError,
)
from maps.unreadable import unreadable_output_errors
from maps.verantwoording import public_paths

logger = logging.getLogger(__name__)


class TooManyRequestsError(KaartError):
    """Too many failed login attempts."""

    code = "te_veel_pogingen"
    exit_code = 5


class CorruptOutputError(KaartError):
    """A finished output on the server (map, objects, kaartverantwoording) is unreadable."""

    code = "uitvoer_beschadigd"
    exit_code = 70


CORRUPT_MESSAGE = ("Een bestand van deze kaart is beschadigd of onleesbaar. Vraag de beheerder "
                   "de kaart opnieuw te maken.")
STATUS: dict[type[KaartError], int] = {
    InputError: 400,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    KaartNotFoundError: 404,
    TooManyRequestsError: 429,
    CorruptOutputError: 409,
    DatabaseLostError: 503,
}
"""KaartError subclass → HTTP status (the most specific class in the MRO wins)."""

_HTTP_CODES = {
    400: ("ongeldig_verzoek", "Ongeldig verzoek."),
    401: ("niet_ingelogd", "Niet ingelogd."),
    403: ("geen_toegang", "Geen toegang."),
    404: ("niet_gevonden", "Niet gevonden."),
    405: ("methode_niet_toegestaan", "Deze methode is hier niet toegestaan."),
    406: ("niet_aanvaardbaar", "Dit formaat kan niet worden geleverd."),
    413: ("te_groot", "Verzoek te groot."),
    415: ("mediatype_onbekend", "Dit mediatype wordt niet ondersteund."),
}


def status_for(error: KaartError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _json(status: int, body: dict, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"fout": body}, status_code=status, headers=headers)


def _werkmap_root(request: Request) -> str | None:
    werkmap = getattr(request.app.state, "werkmap", None)
    return str(werkmap.root) if werkmap is not None else None


async def _kaart_error(request: Request, error: KaartError) -> JSONResponse:
    status = status_for(error)
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429 and "wacht_s" in error.details:
        headers["Retry-After"] = str(error.details["wacht_s"])
    if status >= 500 or status == 409:
        logger.error("kaart-fout %s op %s: %s", error.code, request.url.path, error.message)
    # never a server path in an answer: relative to the werkmap, or only the file name
    return _json(status, public_paths(error.to_dict(), _werkmap_root(request)), headers)


async def _unreadable_output(request: Request, error: Exception) -> JSONResponse:
    logger.error("beschadigd uitvoerbestand op %s: %s", request.url.path, error)
    body = {"code": CorruptOutputError.code, "melding": CORRUPT_MESSAGE}
    if kaart_id := request.path_params.get("kaart_id"):
        body["kaart_id"] = kaart_id
    return _json(409, body)


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        problems.append({"parameter": where, "probleem": item.get("type", "ongeldig")})
    names = ", ".join(sorted({p["parameter"] for p in problems})) or "verzoek"
    body = {"code": "ongeldig_verzoek", "melding": f"Ongeldige parameter(s): {names}.",
            "problemen": problems}
    return _json(422, body)


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code, text = _HTTP_CODES.get(error.status_code, ("http_fout", "Verzoek niet verwerkt."))
    return _json(error.status_code, {"code": code, "melding": text},
                 dict(error.headers or {}))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, unreadable_output_errors()):  # pyogrio's: loaded after start-up
        return await _unreadable_output(request, error)
    logger.exception("interne fout op %s", request.url.path)
    return _json(500, {"code": "interne_fout", "melding": "Interne fout in de server."})


def add_exception_handlers(app: FastAPI) -> None:
    """Install the JSON error handlers on ``app``."""
    app.add_exception_handler(KaartError, _kaart_error)
    for cls in unreadable_output_errors():
        app.add_exception_handler(cls, _unreadable_output)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
