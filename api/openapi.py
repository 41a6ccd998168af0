"""The JSON API as the NL API Design Rules 2.1 (ADR) want it: version header and document.

* :data:`API_VERSION` — the full semantic version of the API (``/core/semver``); its major
  number is the one in the path (:data:`api.urls.API_BASE`, ``/core/uri-version``).
* :func:`api_version_middleware` — ``API-Version`` on every response, errors, tiles and
  pages included (``/core/version-header``); the document is readable cross-origin.
* :func:`api_document` — the OpenAPI document published at :data:`api.urls.OPENAPI_PATH`
  (``/core/publish-openapi``): only the JSON API, paths relative to the server
  ``/api/v1``, ``info.contact``, the version header on every 2xx/3xx answer and every
  error as ``application/problem+json`` (RFC 9457, ``/core/error-handling/problem-details``).
  Tiles and HTML pages keep their own paths and are not part of this document.

``tools/spectral/adr.yaml`` lints the document (``tests/api/test_api_regels.py``).
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.urls import API_BASE, API_MAJOR, OPENAPI_PATH

API_VERSION = f"{API_MAJOR}.0.0"
"""Full API version: MAJOR is in the path; MINOR for additions, PATCH for fixes."""
VERSION_HEADER = "API-Version"

PROBLEM_MEDIA = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Probleem",
    "description": "Foutmelding volgens RFC 9457 (Problem Details for HTTP APIs).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference",
                 "description": "Soort probleem (URI)."},
        "title": {"type": "string", "description": "Korte Nederlandse omschrijving."},
        "status": {"type": "integer", "format": "int32", "minimum": 400, "maximum": 599,
                   "description": "De HTTP-statuscode."},
        "detail": {"type": "string", "description": "Wat er precies mis is (Nederlands)."},
        "instance": {"type": "string", "format": "uri-reference",
                     "description": "Het pad van het verzoek."},
        "code": {"type": "string", "description": "Vaste code van het probleem."},
        "errors": {
            "type": "array", "description": "Alle ongeldige invoer tegelijk (bij 400).",
            "items": {"type": "object", "required": ["in", "detail"], "properties": {
                "in": {"type": "string", "enum": ["query", "path", "header", "body"]},
                "location": {"type": "string", "description": "Naam of JSON-pointer."},
                "detail": {"type": "string"},
                "code": {"type": "string"},
            }},
        },
    },
}
_ERROR_TITLES = {
    "400": "Ongeldige invoer", "401": "Niet ingelogd", "403": "Geen toegang",
    "404": "Niet gevonden", "409": "Uitvoer beschadigd", "413": "Verzoek te groot",
    "429": "Te veel pogingen", "500": "Interne fout", "503": "Dienst niet beschikbaar",
}


_VERSION_PAIR = (b"api-version", API_VERSION.encode("ascii"))
_PUBLIC_DOCUMENT = (b"access-control-allow-origin", b"*")
"""``/core/publish-openapi``: other sites may read the (public, login-free) API document."""


def api_version_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware (for ``app.add_middleware``): ``API-Version: <API_VERSION>`` on every
    HTTP response, replacing one a route may have set; the API document also gets
    ``Access-Control-Allow-Origin: *``."""

    async def with_version(scope: Scope, receive: Receive, send: Send) -> None:
        extra = [_PUBLIC_DOCUMENT] if scope.get("path") == OPENAPI_PATH else []

        async def send_versioned(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [pair for pair in message.get("headers", [])
                        if pair[0].lower() != _VERSION_PAIR[0]]
                message["headers"] = [*kept, _VERSION_PAIR, *extra]
            await send(message)

        await app(scope, receive, send_versioned if scope["type"] == "http" else send)

    return with_version


def _problem_response(status: str) -> dict[str, Any]:
    return {"description": _ERROR_TITLES.get(status, "Fout"),
            "headers": {VERSION_HEADER: {"$ref": f"#/components/headers/{VERSION_HEADER}"}},
            "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Probleem"}}}}


def _operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:  # FastAPI's validation answer: this API says 400 (invalid-input)
        del responses["422"]
        responses["400"] = {}
    if operation.get("parameters") or operation.get("requestBody"):
        responses.setdefault("400", {})
    responses.setdefault("500", {})
    for status, response in list(responses.items()):
        if status[:1] in ("4", "5"):
            responses[status] = _problem_response(status)
        elif status[:1] in ("2", "3"):
            response.setdefault("headers", {})[VERSION_HEADER] = {
                "$ref": f"#/components/headers/{VERSION_HEADER}"}


def _components(components: dict[str, Any]) -> None:
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Probleem"] = copy.deepcopy(PROBLEM_SCHEMA)
    components.setdefault("headers", {})[VERSION_HEADER] = {
        "description": "Volledige versie van de API (semver), bijvoorbeeld "
                       f"{API_VERSION}.",
        "required": True,
        "schema": {"type": "string", "example": API_VERSION},
    }


def api_document(full: dict[str, Any], contact: dict[str, str]) -> dict[str, Any]:
    """The published OpenAPI document made from FastAPI's ``full`` document of the app.

    Only paths under :data:`API_BASE`, written relative to the server ``API_BASE``.
    """
    document = copy.deepcopy(full)
    document["info"]["version"] = API_VERSION
    document["info"]["contact"] = dict(contact)
    document["servers"] = [{"url": API_BASE, "description": "Deze kaartdienst"}]
    prefix = API_BASE + "/"
    document["paths"] = {path[len(API_BASE):]: item
                         for path, item in document["paths"].items() if path.startswith(prefix)}
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                _operation(operation)
    _components(document.setdefault("components", {}))
    _drop_unused_schemas(document)
    _pascal_schema_names(document)
    return document


def _pascal_schema_names(document: dict[str, Any]) -> None:
    """FastAPI names an upload's form body ``Body_<operation id>``; ``/core/naming-resources``
    wants schema names in UpperCamelCase: ``Body_upload_outcomes_...`` → ``BodyUploadOutcomes...``
    (every ``$ref`` follows)."""
    schemas = document["components"]["schemas"]
    renames = {name: "".join(part[:1].upper() + part[1:] for part in name.split("_"))
               for name in schemas if "_" in name}
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    if renames:
        _rename_refs(document, {f"#/components/schemas/{old}": f"#/components/schemas/{new}"
                                for old, new in renames.items()})


def _rename_refs(node: Any, renames: dict[str, str]) -> None:
    if isinstance(node, dict):
        if node.get("$ref") in renames:
            node["$ref"] = renames[node["$ref"]]
        for value in node.values():
            _rename_refs(value, renames)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, renames)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _drop_unused_schemas(document: dict[str, Any]) -> None:
    """Schemas only the left-out routes (pages, login form) used are not published."""
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    _refs(document["paths"], used)
    while True:
        more = set(used)
        for name in used:
            _refs(schemas.get(name, {}), more)
        if more == used:
            break
        used = more
    for name in list(schemas):
        if name not in used:
            del schemas[name]
