"""Map tiles: ``/tiles/{kaart_id}/{z}/{x}/{y}.png`` (256 px), ``...@2x.png`` (512 px) and
``/tiles/{kaart_id}/tilejson.json``. The map comes only from the catalog."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response

from api.audit import TileAudit
from api.deps import (
    CatalogDep,
    CurrentUser,
    SettingsDep,
    TileAuditDep,
    TilesDep,
    VisibleKaart,
)
from api.http_cache import cache_headers, not_modified
from api.tiles import MAX_ZOOM, TileRenderer
from geo.errors import KaartNotFoundError

router = APIRouter(prefix="/tiles", tags=["tegels"])

Z = Annotated[int, Path(ge=0, le=24, description="Zoomniveau (WebMercatorQuad).")]
XY = Annotated[int, Path(ge=0, le=2**24 - 1)]
_PNG = {200: {"content": {"image/png": {}}, "description": "PNG-tegel"}}


def _tile(request: Request, entry, user, catalog, settings, tiles: TileRenderer,
          tile_audit: TileAudit, z: int, x: int, y: int, scale: int) -> Response:
    if entry.cog is None:
        raise KaartNotFoundError(f"Kaart '{entry.kaart_id}' heeft geen rasterbestand.",
                                 kaart_id=entry.kaart_id)
    tile_audit.add(user, entry.kaart_id, z)
    headers = cache_headers(entry, settings.tegel_max_age_s)
    if (cached := not_modified(request, headers)) is not None:
        return cached
    info = catalog.cog_info(entry)
    png = tiles.tile(info, entry.versie, entry.datum, entry.soort, z, x, y, scale)
    return Response(png, media_type="image/png", headers=headers)


@router.get("/{kaart_id}/{z}/{x}/{y}@2x.png", responses=_PNG, response_class=Response,
            summary="Tegel 512 px")
def tile_2x(request: Request, entry: VisibleKaart, user: CurrentUser, catalog: CatalogDep,
            settings: SettingsDep, tiles: TilesDep, tile_audit: TileAuditDep, z: Z, x: XY,
            y: XY) -> Response:
    """Tegel van 512×512 px (hoge resolutie)."""
    return _tile(request, entry, user, catalog, settings, tiles, tile_audit, z, x, y, 2)


@router.get("/{kaart_id}/{z}/{x}/{y}.png", responses=_PNG, response_class=Response,
            summary="Tegel 256 px")
def tile(request: Request, entry: VisibleKaart, user: CurrentUser, catalog: CatalogDep,
         settings: SettingsDep, tiles: TilesDep, tile_audit: TileAuditDep, z: Z, x: XY,
         y: XY) -> Response:
    """Tegel van 256×256 px; transparant buiten de kaart. Kleuren als in de legenda."""
    return _tile(request, entry, user, catalog, settings, tiles, tile_audit, z, x, y, 1)


ZOOM_OUT_LEVELS = 5
ZOOM_IN_LEVELS = 5


@router.get("/{kaart_id}/tilejson.json", summary="TileJSON")
def tilejson(request: Request, entry: VisibleKaart, catalog: CatalogDep) -> dict:
    """TileJSON 3.0.0 met tegel-URL, grenzen (WGS84) en zoombereik."""
    info = catalog.cog_info(entry)
    base = str(request.base_url).rstrip("/")
    west, south, east, north = info.bounds_wgs84
    return {
        "tilejson": "3.0.0",
        "name": entry.kaart_id,
        "description": f"{entry.soort} {entry.thema} — {entry.gebied_naam}",
        "version": f"{entry.versie}.0.0",
        "scheme": "xyz",
        "tiles": [f"{base}/tiles/{quote(entry.kaart_id, safe='')}/{{z}}/{{x}}/{{y}}.png"],
        # Tiles render at any zoom (overviews when zoomed out, crisp cells when zoomed in);
        # advertise a useful range around the native resolution so clients request them.
        "minzoom": max(0, info.minzoom - ZOOM_OUT_LEVELS),
        "maxzoom": min(MAX_ZOOM, max(info.maxzoom, info.minzoom) + ZOOM_IN_LEVELS),
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, info.minzoom],
    }
