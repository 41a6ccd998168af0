"""The FastAPI application: ``create_app(settings)`` builds everything; nothing runs at import."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from api.audit import TileAudit
from api.audit_middleware import AuditMiddleware
from api.auth import ACCESS_STAMP, LoginThrottle, PrincipalCache
from api.catalog import ServiceCatalog
from api.db.session import open_database
from api.deps import csrf_protect
from api.errors import add_exception_handlers
from api.openapi import api_document, api_version_middleware
from api.routes import (
    auth,
    beheer,
    beheer_pages,
    health,
    kaarten,
    objecten,
    pages,
    planning,
    planning_pages,
    rapport,
    tiles,
    vector_tiles,
)
from api.security_headers import add_security_headers
from api.settings import Settings
from api.tiles import TileRenderer
from api.urls import API_BASE, OPENAPI_PATH
from geo import __version__
from maps.tile_background import image_hosts

SESSION_COOKIE = "kaart_sessie"
GIL_SWITCH_S = 0.0005
"""GIL switch interval of a server process (Python's default 5 ms): a tile thread back from
GDAL waited up to 5 ms for the busy event loop per GIL hand-over (see BENCHMARKS.md, tile load)."""
PAGE_ROUTERS = (pages.router, planning_pages.router, beheer_pages.router, auth.router)
"""HTML pages and the login/logout forms: their own paths (pages first: they own /inloggen)."""
API_ROUTERS = (health.router, auth.api_router, kaarten.router, rapport.router, objecten.router,
               beheer.router, planning.router)
"""The JSON API, mounted under :data:`api.urls.API_BASE` (NL API Design Rules)."""
TILE_ROUTERS = (tiles.router, vector_tiles.router)
"""Tiles keep ``/tiles/...`` (XYZ/TileJSON conventions; not part of the API document)."""


def _use_api_document(app: FastAPI, settings: Settings) -> None:
    """``app.openapi()`` is the published API document (:func:`api.openapi.api_document`)."""
    full = app.openapi

    def openapi() -> dict:
        if getattr(app.state, "api_document", None) is None:
            app.state.api_document = api_document(full(), settings.api_contact())
        return app.state.api_document

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the kaart service for ``settings`` (default: from ``KAART_...`` variables).

    The database is migrated to the newest revision unless ``settings.migreer`` is false.
    """
    settings = settings or Settings()
    werkmap = settings.open_werkmap()
    engine, sessionmaker = open_database(settings.resolved_database_url(), settings.migreer,
                                         werkmap.root)  # guarded: api.db.guard
    tile_audit = TileAudit(sessionmaker, settings.audit_tegels_flush_s, settings.audit_tegels_max)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sys.setswitchinterval(GIL_SWITCH_S)
        tile_audit.start()
        yield
        tile_audit.stop()
        engine.dispose()

    app = FastAPI(
        title="kaart",
        version=__version__,
        description=(
            "Gelegenheids- en risicokaarten tegen ondermijning: tegels, objecten, "
            "kaartverantwoording en downloads. Toegang per organisatie, rol en gemeente; "
            "alles wordt gelogd."
        ),
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
        openapi_url=OPENAPI_PATH,
        docs_url=None,  # api.routes.docs serves Swagger UI locally (not in productie)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.werkmap = werkmap
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker
    app.state.catalog = ServiceCatalog(werkmap)
    app.state.principals = PrincipalCache(settings.auth_cache_s,
                                          stamp=werkmap.root / ACCESS_STAMP)
    app.state.throttle = LoginThrottle(settings.max_inlogpogingen, settings.inlog_venster_s,
                                       settings.max_inlogpogingen_adres)
    app.state.tiles = TileRenderer(settings.tegel_cache, settings.tegel_schijfcache,
                                   werkmap.kaarten / ".tegelcache" / "web")
    app.state.tile_audit = tile_audit

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.sessie_duur_s,
        same_site="lax",
        https_only=settings.secure_cookie,
    )
    app.add_middleware(AuditMiddleware)
    app.add_middleware(api_version_middleware)
    add_exception_handlers(app)
    add_security_headers(app, image_hosts(settings.background()))

    for router in PAGE_ROUTERS + TILE_ROUTERS:
        app.include_router(router)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_BASE)
    _use_api_document(app, settings)
    if settings.omgeving != "productie":
        from api.routes import docs

        app.include_router(docs.router)
    return app
