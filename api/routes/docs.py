"""The API documentation (Swagger UI) served from our own origin, never from a CDN.

FastAPI's built-in ``/docs`` loads Swagger UI from jsDelivr; that page is switched off in
:func:`api.app.create_app` and replaced by this one, whose scripts and styles come from
the ``swagger-ui-py`` package and whose inline start script carries the response's
CSP nonce. In ``productie`` there is no ``/docs`` at all (``/api/v1/openapi.json`` stays).

Accessibility (axe, WCAG 2.1 AA, tests/browser/test_a11y.py): ``deepLinking`` is off, because
with it Swagger puts a link inside each operation's header button (nested-interactive);
``syntaxHighlight`` is off (its colours on the dark example blocks are below 4.5:1);
``api/static/docs/kaart-docs.css`` gives Swagger's light colours at least 4.5:1 contrast and
``kaart-docs.js`` names the server choice and the enum parameters' value choices
(select-name). Both are served with the local assets.
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
OWN_ASSETS = ("kaart-docs.css", "kaart-docs.js")
"""Our accessibility fixes for Swagger UI (``api/static/docs``)."""
OWN_DIR = Path(__file__).resolve().parent.parent / "static" / "docs"
SWAGGER_PARAMETERS = {"deepLinking": False, "syntaxHighlight": False, "showExtensions": True,
                      "showCommonExtensions": True}


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
        swagger_favicon_url="/docs/bestanden/favicon-32x32.png",
        swagger_ui_parameters=SWAGGER_PARAMETERS)
    html = add_nonce(page.body.decode("utf-8"), csp_nonce(request))
    html = html.replace("<html>", '<html lang="nl">', 1)  # axe: the page names its language
    html = html.replace("</head>", '<link type="text/css" rel="stylesheet" '
                        'href="/docs/bestanden/kaart-docs.css">\n'
                        '<script src="/docs/bestanden/kaart-docs.js"></script>\n</head>', 1)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/docs/bestanden/{naam}")
def docs_asset(naam: Annotated[str, PathParam(max_length=40)]) -> FileResponse:
    """Een bestand van Swagger UI (alleen de bestanden die de pagina gebruikt)."""
    if naam not in ASSETS + OWN_ASSETS:
        raise KaartNotFoundError(f"Bestand '{naam}' bestaat niet.", naam=naam)
    folder = OWN_DIR if naam in OWN_ASSETS else _asset_dir()
    return FileResponse(folder / naam, headers={"Cache-Control": "public, max-age=86400"})
