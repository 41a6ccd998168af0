"""Map tiles: ``/tiles/{kaart_id}/{z}/{x}/{y}.png`` (256 px), ``...@2x.png`` (512 px) and
``/tiles/{kaart_id}/tilejson.json``. The map comes only from the catalog.

Every tile is bounded: it is rendered in a worker thread (at most ``api.deps.TILE_THREADS`` at
a time per process) with a time limit of ``TILE_TIMEOUT_S`` (then 503 with a Dutch message and
``Retry-After``), and a request whose client has gone is dropped before any work starts.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from api.deps import (
    CatalogDep,
    CurrentUser,
    SettingsDep,
    TilesDep,
    TileServices,
    TileServicesDep,
    VisibleKaart,
)
from api.errors import error_problem
from api.http_cache import cache_headers, not_modified
from api.tiles import MAX_ZOOM, TileRenderer, tile_key
from api.urls import public_url
from api.webtiles import TileUnavailableError
from geo.errors import KaartNotFoundError

router = APIRouter(prefix="/tiles", tags=["tegels"])

Z = Annotated[int, Path(ge=0, le=24, description="Zoomniveau (WebMercatorQuad).")]
XY = Annotated[int, Path(ge=0, le=2**24 - 1)]
_PNG = {200: {"content": {"image/png": {}}, "description": "PNG-tegel"}}


TILE_TIMEOUT_S = 10.0
"""Hard time limit of one tile request, waiting included; then 503."""
CLIENT_GONE = 499
"""Status logged for a request dropped because its client disconnected (nginx's code)."""


def _unavailable(error: TileUnavailableError) -> JSONResponse:
    wait = int(error.details.get("wacht_s", 5))
    return error_problem(error, 503,
                         headers={"Retry-After": str(wait), "Cache-Control": "no-store"})


def _render(tiles: TileRenderer, entry, catalog, z: int, x: int, y: int, scale: int,
            key: tuple) -> bytes:
    info = catalog.cog_info(entry)
    return tiles.tile(info, entry.versie, entry.datum, entry.soort, z, x, y, scale, key)


async def _tile(request: Request, entry, user, catalog, settings, app: TileServices, z: int,
                x: int, y: int, scale: int) -> Response:
    if entry.cog is None:
        raise KaartNotFoundError(f"Kaart '{entry.kaart_id}' heeft geen rasterbestand.",
                                 kaart_id=entry.kaart_id)
    app.audit.add(user, entry.kaart_id, z)  # in memory; the audit thread writes it out
    headers = cache_headers(entry, settings.tegel_max_age_s)
    if (cached := not_modified(request, headers)) is not None:
        return cached
    key = tile_key(entry.kaart_id, entry.versie, entry.datum, entry.soort, z, x, y, scale)
    # The LRU is asked in the thread, not here: answering repeats on the event loop measured
    # worse (BENCHMARKS.md, tile load: p99 1952 against 925 ms in one run; hits on the loop
    # starve the threads rendering new tiles of the GIL).
    work = partial(_render, app.renderer, entry, catalog, z, x, y, scale, key)
    try:
        with anyio.fail_after(TILE_TIMEOUT_S):
            async with app.limiter:
                if await request.is_disconnected():
                    return Response(status_code=CLIENT_GONE)
                png = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except TimeoutError:
        return _unavailable(TileUnavailableError(
            f"Tegel {z}/{x}/{y} van '{entry.kaart_id}' duurde langer dan "
            f"{TILE_TIMEOUT_S:g} s; probeer het opnieuw.", wacht_s=5))
    except TileUnavailableError as error:
        return _unavailable(error)
    return Response(png, media_type="image/png", headers=headers)


@router.get("/{kaart_id}/{z}/{x}/{y}@2x.png", responses=_PNG, response_class=Response,
            summary="Tegel 512 px")
async def tile_2x(request: Request, entry: VisibleKaart, user: CurrentUser,
                  catalog: CatalogDep, settings: SettingsDep, app: TileServicesDep, z: Z, x: XY,
                  y: XY) -> Response:
    """Tegel van 512×512 px (hoge resolutie)."""
    return await _tile(request, entry, user, catalog, settings, app, z, x, y, 2)


@router.get("/{kaart_id}/{z}/{x}/{y}.png", responses=_PNG, response_class=Response,
            summary="Tegel 256 px")
async def tile(request: Request, entry: VisibleKaart, user: CurrentUser, catalog: CatalogDep,
               settings: SettingsDep, app: TileServicesDep, z: Z, x: XY, y: XY) -> Response:
    """Tegel van 256×256 px; transparant buiten de kaart. Kleuren als in de legenda."""
    return await _tile(request, entry, user, catalog, settings, app, z, x, y, 1)


ZOOM_OUT_LEVELS = 3
"""Zooms advertised below the serving copy's coarsest overview (read from that overview)."""
ZOOM_IN_LEVELS = 6
"""Zooms advertised above full resolution (cells enlarged, a fraction of one block read)."""


@router.get("/{kaart_id}/tilejson.json", summary="TileJSON")
def tilejson(request: Request, entry: VisibleKaart, catalog: CatalogDep, tiles: TilesDep):
    """TileJSON 3.0.0 met tegel-URL, grenzen (WGS84) en zoombereik."""
    info = catalog.cog_info(entry)
    try:
        coarsest, native = tiles.zoom_range(info, entry.versie, entry.datum)
    except TileUnavailableError as error:
        return _unavailable(error)
    west, south, east, north = info.bounds_wgs84
    return {
        "tilejson": "3.0.0",
        "name": entry.kaart_id,
        "description": f"{entry.soort} {entry.thema} — {entry.gebied_naam}",
        "version": f"{entry.versie}.0.0",
        "scheme": "xyz",
        "tiles": [public_url(request,
                             f"/tiles/{quote(entry.kaart_id, safe='')}/{{z}}/{{x}}/{{y}}.png")],
        # Only zooms served from one level of the serving copy: from a few zooms below its
        # coarsest overview (a small read of that overview) to a few above full resolution.
        "minzoom": max(0, coarsest - ZOOM_OUT_LEVELS),
        "maxzoom": min(MAX_ZOOM, native + ZOOM_IN_LEVELS),
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, min(native, max(coarsest, 0) + 2)],
    }
