"""Objects of a map as GeoJSON (WGS84) and the value of a map at a point."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from api import audit
from api.catalog import ServiceCatalog
from api.deps import CatalogDep, CurrentUser, SessionDep, VisibleKaart
from api.lazy import lazy_module
from api.object_filter import COMPLETENESS, ObjectFilter
from geo.catalog import KaartEntry
from geo.errors import KaartError, KaartNotFoundError
from geo.runs import THEMES, has_themes

if TYPE_CHECKING:
    import geopandas as gpd

router = APIRouter(tags=["objecten"])
object_table = lazy_module("api.object_table")  # pandas, geopandas: on first use
objects = lazy_module("api.objects")
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
    result = objects.select_objects(path, entry, bbox=bbox, gemeente=gemeente, top=top, limit=limit,
                            offset=offset, uitleg=uitleg)
    audit.record(session, user, "objecten", entry.kaart_id, aantal=result["aantal"],
                 bbox=bbox, top=top, offset=offset or None)
    return result


def _explain(entry: KaartEntry, catalog: ServiceCatalog, x: float, y: float) -> Any:
    """The explanation per indicator of the cell at RD ``(x, y)``, or ``None`` when the run
    has none (older run, missing or unreadable explanation file): the value still answers."""
    try:
        run_dir = catalog.werkmap.resolve_inside(entry.run_dir)
        from geo.scoring.explain import explain_point  # the engine: only when asked

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
    result = objects.value_at(catalog.file(entry, "cog"), entry, lon, lat)
    if result["binnen"] and has_themes(entry.soort):
        explained = _explain(entry, catalog, result["x"], result["y"])
        if explained:
            result.update(uitleg=explained.get("uitleg"), combinatie=explained.get("combinatie"),
                          binnen_domein=explained.get("binnen_domein"))
    audit.record(session, user, "punt", entry.kaart_id)
    return result


def _objects_of(entry: KaartEntry, catalog: ServiceCatalog) -> gpd.GeoDataFrame:
    if entry.objecten is None:
        raise KaartNotFoundError(f"Kaart '{entry.kaart_id}' heeft geen objecten.",
                                 kaart_id=entry.kaart_id)
    return object_table.load_objects(catalog.file(entry, "objecten"), entry)


def object_filter(
    zoek: Annotated[str | None, Query(max_length=100, description="Deel van naam of id")]
    = None,
    thema: Annotated[str | None, Query(pattern=f"^({'|'.join(THEMES)})$")] = None,
    klasse: Annotated[int | None, Query(ge=0, le=9)] = None,
    gemeente: Annotated[str | None, Query(max_length=100,
                                          description="Gemeentecode (GMnnnn) of naam")] = None,
    volledigheid: Annotated[str | None, Query(
        pattern=f"^({'|'.join(COMPLETENESS)})$",
        description="volledig, onvolledig of onbekend")] = None,
    veelhoek: Annotated[str | None, Query(
        max_length=20_000, description="Gebied: lon,lat;lon,lat;... (WGS84)")] = None,
) -> ObjectFilter:
    """The object filter from the query string."""
    return ObjectFilter(zoek=zoek, thema=thema, klasse=klasse, gemeente=gemeente,
                                     volledigheid=volledigheid, veelhoek=veelhoek)


FilterDep = Annotated[ObjectFilter, Depends(object_filter)]


@router.get("/objecten/{kaart_id}/tabel", summary="Objectentabel: filteren, sorteren, bladeren")
def objecten_tabel(
    entry: VisibleKaart, user: CurrentUser, session: SessionDep, catalog: CatalogDep,
    wanted: FilterDep,
    sorteer: Annotated[str, Query(max_length=40)] = "score",
    aflopend: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Rijen van de objectentabel (zonder geometrie) met het aantal gevonden objecten en
    de telling per thema en klasse van alle gevonden objecten."""
    frame = object_table.select(_objects_of(entry, catalog), wanted)
    ordered = object_table.sort(frame, sorteer, aflopend)
    page = object_table.rows(ordered.iloc[offset:offset + limit])
    audit.record(session, user, "objecten_tabel", entry.kaart_id, aantal=len(page),
                 zoek=wanted.zoek, veelhoek=bool(wanted.veelhoek) or None)
    return {"kaart_id": entry.kaart_id, "aantal_gevonden": len(frame), "offset": offset,
            "limit": limit, "telling": object_table.counts(frame), "rijen": page}


@router.get("/objecten/{kaart_id}/download", response_class=Response,
            summary="Objectentabel als CSV of XLSX")
def objecten_download(
    entry: VisibleKaart, user: CurrentUser, session: SessionDep, catalog: CatalogDep,
    wanted: FilterDep,
    formaat: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    sorteer: Annotated[str, Query(max_length=40)] = "score",
    aflopend: bool = True,
) -> Response:
    """Alle gevonden objecten (zelfde filter als de tabel) als CSV (Nederlandse Excel) of
    XLSX; tekst die een formule zou zijn wordt onschadelijk gemaakt."""
    frame = object_table.sort(object_table.select(_objects_of(entry, catalog), wanted),
                              sorteer, aflopend)
    table = object_table.download_table(frame)
    audit.record(session, user, "objecten_download", entry.kaart_id, aantal=len(table),
                 formaat=formaat, veelhoek=bool(wanted.veelhoek) or None)
    stem = "gebied_analyse" if wanted.veelhoek else "objecten"
    name = f"{stem}_{re.sub(r'[^A-Za-z0-9_-]', '_', entry.gebied_id)}.{formaat}"
    if formaat == "csv":
        data, media = object_table.to_csv(table), "text/csv; charset=utf-8"
    else:
        data = object_table.to_xlsx(table)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@router.get("/objecten/{kaart_id}/popup", summary="Pop-up van één object (HTML, ontsnapt)")
def objecten_popup(
    entry: VisibleKaart, user: CurrentUser, session: SessionDep, catalog: CatalogDep,
    thema: Annotated[str, Query(pattern=f"^({'|'.join(THEMES)})$")],
    id: Annotated[str, Query(max_length=200)],  # noqa: A002 - the object's id column
) -> dict[str, Any]:
    """De pop-up van een object zoals de kaart hem toont (alle tekst ontsnapt)."""
    html = object_table.popup(_objects_of(entry, catalog), thema, id)
    audit.record(session, user, "object_popup", entry.kaart_id, thema=thema)
    return {"kaart_id": entry.kaart_id, "thema": thema, "id": id, "html": html}
