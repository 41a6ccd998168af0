"""The API documentation (Swagger UI) served from our own origin, never from a CDN.

FastAPI's built-in ``/docs`` loads Swagger UI from jsDelivr; that page is switched off in
:func:`api.app.create_app` and replaced by this one, whose scripts and styles come from
the ``swagger-ui-py`` package and whose inline start script carries the response's
CSP nonce. In ``productie`` there is no ``/docs`` at all (``/api/v1/openapi.json`` stays).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.security_headers import add_nonce, csp_nonce
from geo.errors import KaartNotFoundError

router = APIRouter(include_in_schema=False)
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


def _asset_dir() -> Path:
    import swagger_ui  # swagger-ui-py: Swagger UI 5 (OpenAPI 3.1, which FastAPI writes)

    return Path(swagger_ui.__file__).resolve().parent / "static"


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI van de API (bestanden van deze server, geen CDN)."""
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title="kaart — API-documentatie",
        swagger_js_url="/docs/bestanden/swagger-ui-bundle.js",
        swagger_css_url="/docs/bestanden/swagger-ui.css",
        swagger_favicon_url="/docs/bestanden/favicon-32x32.png")
    html = add_nonce(page.body.decode("utf-8"), csp_nonce(request))
    html = html.replace("<html>", '<html lang="nl">', 1)  # axe: the page names its language
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/docs/bestanden/{naam}")
def docs_asset(naam: Annotated[str, PathParam(max_length=40)]) -> FileResponse:
    """Een bestand van Swagger UI (alleen de drie die de pagina gebruikt)."""
    if naam not in ASSETS:
        raise KaartNotFoundError(f"Bestand '{naam}' bestaat niet.", naam=naam)
    return FileResponse(_asset_dir() / naam, headers={"Cache-Control": "public, max-age=86400"})
