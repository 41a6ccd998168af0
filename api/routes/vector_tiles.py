"""Objects as vector tiles: ``/tiles/{kaart_id}/objecten/{z}/{x}/{y}.mvt``.

Same rules as the raster tiles (:mod:`api.routes.tiles`): the map comes from the catalog
through the visible-kaart dependency (404 for a map the user may not see, confidential
kinds included), every tile is counted in the tile audit, rendering is bounded (thread
limiter and time limit). ``X-Kaart-Weggelaten`` says how many objects the tile's caps left
out (lowest scores first).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response

from api.deps import CatalogDep, CurrentUser, SettingsDep, TileServicesDep, VisibleKaart
from api.http_cache import cache_headers, not_modified
from api.routes.tiles import CLIENT_GONE, TILE_TIMEOUT_S, XY, Z, _unavailable
from api.webtiles import TileUnavailableError
from geo.errors import KaartNotFoundError
from geo.runs import THEMES

router = APIRouter(prefix="/tiles", tags=["tegels"])
MVT = "application/vnd.mapbox-vector-tile"


@router.get("/{kaart_id}/objecten/{z}/{x}/{y}.mvt", response_class=Response,
            responses={200: {"content": {MVT: {}}, "description": "Vectortegel (MVT)"}},
            summary="Objecten als vectortegel")
async def objecten_mvt(request: Request, entry: VisibleKaart, user: CurrentUser,
                       catalog: CatalogDep, settings: SettingsDep, app: TileServicesDep,
                       z: Z, x: XY, y: XY,
                       thema: Annotated[str | None, Query(
                           pattern=f"^({'|'.join(THEMES)})$",
                           description="Alleen objecten van dit thema")] = None) -> Response:
    """Objecten van de kaart in tegel z/x/y (laag ``objecten``), vereenvoudigd per zoomniveau."""
    if entry.objecten is None:
        raise KaartNotFoundError(f"Kaart '{entry.kaart_id}' heeft geen objecten.",
                                 kaart_id=entry.kaart_id)
    app.audit.add(user, entry.kaart_id, z)
    headers = cache_headers(entry, settings.tegel_max_age_s)
    if (cached := not_modified(request, headers)) is not None:
        return cached
    from api.vector_tiles import vector_tile  # geopandas: on first use (small workers)

    work = partial(vector_tile, catalog.file(entry, "objecten"), entry, z, x, y, thema)
    try:
        with anyio.fail_after(TILE_TIMEOUT_S):
            async with app.limiter:
                if await request.is_disconnected():
                    return Response(status_code=CLIENT_GONE)
                data, left_out = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except TimeoutError:
        return _unavailable(TileUnavailableError(
            f"Vectortegel {z}/{x}/{y} van '{entry.kaart_id}' duurde langer dan "
            f"{TILE_TIMEOUT_S:g} s; probeer het opnieuw.", wacht_s=5))
    return Response(data, media_type=MVT,
                    headers={**headers, "X-Kaart-Weggelaten": str(left_out)})
