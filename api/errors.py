"""Map :class:`geo.errors.KaartError` subclasses to HTTP. Every error is
``application/problem+json`` (RFC 9457, NL API Design Rules
``/core/error-handling/problem-details``): ``type``, a Dutch ``title`` and ``detail``,
``status``, ``instance`` (the request path) and the stable ``code``; never a stack trace or a
server path. Invalid input is 400 with every problem in ``errors``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db.guard import DatabaseLostError
from api.openapi import API_VERSION, PROBLEM_MEDIA, VERSION_HEADER
from geo.config_messages import describe_error
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
TITLES = {
    400: "Ongeldig verzoek", 401: "Niet ingelogd", 403: "Geen toegang", 404: "Niet gevonden",
    405: "Methode niet toegestaan", 406: "Formaat niet leverbaar", 409: "Conflict",
    413: "Verzoek te groot", 415: "Mediatype niet ondersteund", 429: "Te veel verzoeken",
    500: "Interne fout", 503: "Dienst tijdelijk niet beschikbaar",
}
"""The ``title`` of a problem: one short Dutch phrase per HTTP status (RFC 9457)."""
PROBLEM_TYPE = "urn:kaart:probleem:"
"""``type`` of a problem: this prefix + the stable ``code`` (e.g. ``...:niet_gevonden``)."""
_RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "melding"})

def status_for(error: KaartError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem_response(status: int, code: str, detail: str, *, instance: str | None = None,
                     headers: dict[str, str] | None = None,
                     extra: dict[str, Any] | None = None) -> JSONResponse:
    """An ``application/problem+json`` answer (RFC 9457) with Dutch ``title``/``detail``,
    the stable ``code`` and ``extra`` members (never one of the standard names)."""
    body: dict[str, Any] = {"type": PROBLEM_TYPE + code,
                            "title": TITLES.get(status, "Fout"), "status": status,
                            "detail": detail}
    if instance:
        body["instance"] = instance[:300]
    body["code"] = code
    body.update({k: v for k, v in (extra or {}).items() if k not in _RESERVED})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA)


def error_problem(error: KaartError, status: int, *, instance: str | None = None,
                  headers: dict[str, str] | None = None,
                  werkmap_root: str | None = None) -> JSONResponse:
    """``error`` as a problem; its details (server paths made public) as extra members."""
    public = public_paths(error.to_dict(), werkmap_root)
    return problem_response(status, error.code, error.message, instance=instance,
                            headers=headers, extra=public)


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
    return error_problem(error, status, instance=request.url.path, headers=headers,
                         werkmap_root=_werkmap_root(request))


async def _unreadable_output(request: Request, error: Exception) -> JSONResponse:
    logger.error("beschadigd uitvoerbestand op %s: %s", request.url.path, error)
    extra = {}
    if kaart_id := request.path_params.get("kaart_id"):
        extra["kaart_id"] = kaart_id
    return problem_response(409, CorruptOutputError.code, CORRUPT_MESSAGE,
                            instance=request.url.path, extra=extra)


def _invalid_item(item: dict[str, Any]) -> dict[str, str]:
    """One invalid input in Dutch (:func:`geo.config_messages.describe_error`); the value sent
    is repeated only for query, path and header parameters, never from a body (passwords)."""
    loc = [str(p) for p in item.get("loc", ())]
    where = loc[0] if loc and loc[0] in ("query", "path", "header", "body") else "body"
    name = ".".join(loc[1:] if loc and loc[0] == where else loc) or where
    expected, found = describe_error(dict(item))
    detail = f"'{name}': verwacht {expected}" + (f", gevonden {found}." if where != "body"
                                                 else ".")
    return {"in": where, "location": name, "detail": detail,
            "code": str(item.get("type", "ongeldig"))}


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """Invalid input is 400 (``/core/error-handling/invalid-input``), all problems at once."""
    items = [_invalid_item(item) for item in error.errors()]
    names = ", ".join(sorted({item["location"] for item in items})) or "verzoek"
    detail = f"Ongeldige invoer: {'; '.join(item['detail'] for item in items)}" if items \
        else "Ongeldig verzoek."
    return problem_response(400, "ongeldig_verzoek", detail[:1000], instance=request.url.path,
                            extra={"errors": items, "parameters": names})


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code, text = _HTTP_CODES.get(error.status_code, ("http_fout", "Verzoek niet verwerkt."))
    return problem_response(error.status_code, code, text, instance=request.url.path,
                            headers=dict(error.headers or {}))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """500 (answered outside every middleware, so it carries API-Version itself)."""
    if isinstance(error, unreadable_output_errors()):  # pyogrio's: loaded after start-up
        return await _unreadable_output(request, error)
    logger.exception("interne fout op %s", request.url.path)
    return problem_response(500, "interne_fout", "Interne fout in de server.",
                            instance=request.url.path, headers={VERSION_HEADER: API_VERSION})


def add_exception_handlers(app: FastAPI) -> None:
    """Install the problem+json error handlers on ``app``."""
    app.add_exception_handler(KaartError, _kaart_error)
    for cls in unreadable_output_errors():
        app.add_exception_handler(cls, _unreadable_output)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
