"""Objects of a map as GeoJSON (WGS84) and the value of a map at a point."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import audit
from api.catalog import ServiceCatalog
from api.deps import CatalogDep, CurrentUser, SessionDep, VisibleKaart
from api.objects import select_objects, value_at
from geo.catalog import KaartEntry
from geo.errors import KaartError, KaartNotFoundError
from geo.runs import has_themes
from geo.scoring.explain import explain_point

router = APIRouter(tags=["objecten"])
logger = logging.getLogger(__name__)


@router.get("/objecten/{kaart_id}", summary="Objecten van een kaart (GeoJSON)")
def objecten(
    entry: VisibleKaart,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
    bbox: Annotated[str | None, Query(max_length=200,
                                      description="minlon,minlat,maxlon,maxlat (WGS84)")] = None,
    gemeente: Annotated[str | None, Query(pattern=r"^[Gg][Mm]\d{4}$")] = None,
    top: Annotated[int | None, Query(ge=1, le=10000, description="Alleen de N hoogste scores")]
    = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    uitleg: Annotated[bool, Query(description="Met uitleg per indicator")] = False,
) -> dict[str, Any]:
    """Objecten (bedrijventerreinen, buitengebied, havens, vakantieparken) met score, klasse,
    rang en desgewenst uitleg; gesorteerd op score (hoogste eerst)."""
    if entry.objecten is None:
        raise KaartNotFoundError(f"Kaart '{entry.kaart_id}' heeft geen objecten.",
                                 kaart_id=entry.kaart_id)
    path = catalog.file(entry, "objecten")
    result = select_objects(path, entry, bbox=bbox, gemeente=gemeente, top=top, limit=limit,
                            offset=offset, uitleg=uitleg)
    audit.record(session, user, "objecten", entry.kaart_id, aantal=result["aantal"],
                 bbox=bbox, top=top, offset=offset or None)
    return result


def _explain(entry: KaartEntry, catalog: ServiceCatalog, x: float, y: float) -> Any:
    """The explanation per indicator of the cell at RD ``(x, y)``, or ``None`` when the run
    has none (older run, missing or unreadable explanation file): the value still answers."""
    try:
        run_dir = catalog.werkmap.resolve_inside(entry.run_dir)
        return explain_point(run_dir, entry.thema, x, y)
    except KaartError:
        return None
    except OSError:  # includes rasterio's RasterioIOError (unreadable explanation COG)
        logger.warning("uitleg niet beschikbaar voor %s", entry.kaart_id, exc_info=True)
        return None


@router.get("/punt/{kaart_id}", summary="Score en klasse op een punt")
def punt(
    entry: VisibleKaart,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
    lon: Annotated[float, Query(ge=-180, le=180, description="Lengtegraad (WGS84)")],
    lat: Annotated[float, Query(ge=-90, le=90, description="Breedtegraad (WGS84)")],
) -> dict[str, Any]:
    """Score, klasse en (waar beschikbaar) uitleg per indicator op punt lon/lat."""
    result = value_at(catalog.file(entry, "cog"), entry, lon, lat)
    if result["binnen"] and has_themes(entry.soort):
        explained = _explain(entry, catalog, result["x"], result["y"])
        if explained:
            result.update(uitleg=explained.get("uitleg"), combinatie=explained.get("combinatie"),
                          binnen_domein=explained.get("binnen_domein"))
    audit.record(session, user, "punt", entry.kaart_id)
    return result
