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
from api.routes import (
    auth,
    beheer,
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
from geo import __version__

SESSION_COOKIE = "kaart_sessie"
GIL_SWITCH_S = 0.0005
"""GIL switch interval of a server process (Python's default 5 ms): a tile thread back from
GDAL waited up to 5 ms for the busy event loop per GIL hand-over (see BENCHMARKS.md, tile load)."""
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
    add_exception_handlers(app)
    add_security_headers(app)

    # pages first: they own /inloggen (the login form) before the auth API
    for module in (pages, planning_pages, health, auth, kaarten, rapport, tiles, vector_tiles,
                   objecten, beheer, planning):
        app.include_router(module.router)
    if settings.omgeving != "productie":
        from api.routes import docs

        app.include_router(docs.router)
    return app
