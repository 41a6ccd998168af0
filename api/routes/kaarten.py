"""The catalog as the user may see it, gemeenten, kaartverantwoording and downloads."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api import audit
from api.deps import (
    CatalogDep,
    CurrentUser,
    SessionDep,
    SettingsDep,
    VisibleKaart,
    visible_entries,
)
from api.http_cache import cache_headers, not_modified
from geo.catalog import KaartEntry
from maps.verantwoording import public_paths

router = APIRouter(tags=["kaarten"])


class Kaart(BaseModel):
    kaart_id: str
    gebied_id: str
    gebied_naam: str
    gebied_soort: str
    gemeenten: list[str]
    soort: str
    thema: str
    versie: int
    datum: str = Field(json_schema_extra={"format": "date-time"},
                       description="Moment van de run (ISO 8601, UTC).")
    synthetisch: bool
    vertrouwelijk: bool
    tegels: str
    tilejson: str
    downloads: list[str]


class Gemeente(BaseModel):
    gemeentecode: str
    gemeentenaam: str | None
    provincie: str | None
    regio: str | None
    kaarten: int


class Bestand(StrEnum):
    cog = "cog"
    objecten = "objecten"
    verantwoording = "verantwoording"


_MEDIA = {"cog": "image/tiff; application=geotiff; profile=cloud-optimized",
          "objecten": "application/geopackage+sqlite3",
          "verantwoording": "application/json"}


def _kaart(entry: KaartEntry) -> Kaart:
    quoted = quote(entry.kaart_id, safe="")
    return Kaart(
        kaart_id=entry.kaart_id, gebied_id=entry.gebied_id, gebied_naam=entry.gebied_naam,
        gebied_soort=entry.gebied_soort, gemeenten=list(entry.gemeenten), soort=entry.soort,
        thema=entry.thema, versie=entry.versie, datum=entry.datum, synthetisch=entry.synthetisch,
        vertrouwelijk=entry.vertrouwelijk, tegels=f"/tiles/{quoted}/{{z}}/{{x}}/{{y}}.png",
        tilejson=f"/tiles/{quoted}/tilejson.json",
        downloads=[b.value for b in Bestand if getattr(entry, b.value)],
    )


@router.get("/kaarten", response_model=list[Kaart], summary="Kaarten die jij mag zien")
def kaarten(user: CurrentUser, catalog: CatalogDep, soort: str | None = None,
            thema: str | None = None, gemeente: str | None = None) -> list[Kaart]:
    """De catalogus, gefilterd op wat jouw rol en organisatie mogen zien."""
    entries = visible_entries(user, catalog)
    if soort:
        entries = [e for e in entries if e.soort == soort]
    if thema:
        entries = [e for e in entries if e.thema == thema]
    if gemeente:
        entries = [e for e in entries if gemeente.upper() in e.gemeenten]
    return [_kaart(e) for e in sorted(entries, key=lambda e: e.kaart_id)]


@router.get("/kaarten/{kaart_id}", response_model=Kaart, summary="Eén kaart")
def kaart(entry: VisibleKaart, user: CurrentUser, session: SessionDep) -> Kaart:
    """Gegevens van één kaart (wordt gelogd)."""
    audit.record(session, user, "kaart", entry.kaart_id, versie=entry.versie)
    return _kaart(entry)


@lru_cache(maxsize=1)
def _gemeente_names() -> dict[str, tuple[str | None, str | None, str | None]]:
    from geo.layers.gemeenten import reference_gemeenten

    frame = reference_gemeenten()
    return {
        row.gemeentecode: (row.gemeentenaam, row.provincie,
                           row.regio if isinstance(row.regio, str) else None)
        for row in frame.itertuples()
    }


@router.get("/gemeenten", response_model=list[Gemeente], summary="Jouw gemeenten")
def gemeenten(user: CurrentUser, catalog: CatalogDep) -> list[Gemeente]:
    """De gemeenten van jouw organisatie, met het aantal zichtbare kaarten per gemeente."""
    names = _gemeente_names()
    entries = visible_entries(user, catalog)
    return [
        Gemeente(gemeentecode=code, gemeentenaam=names.get(code, (None,) * 3)[0],
                 provincie=names.get(code, (None,) * 3)[1], regio=names.get(code, (None,) * 3)[2],
                 kaarten=sum(code in e.gemeenten for e in entries))
        for code in sorted(user.gemeenten)
    ]


@router.get("/kaartverantwoording/{kaart_id}", summary="Kaartverantwoording (JSON)")
def kaartverantwoording(request: Request, entry: VisibleKaart, user: CurrentUser,
                        session: SessionDep, catalog: CatalogDep,
                        settings: SettingsDep) -> Response:
    """Invoer, indicatoren, gewichten en klassegrenzen waarmee de kaart is gemaakt."""
    path = catalog.file(entry, "verantwoording")
    headers = cache_headers(entry, settings.tegel_max_age_s, "verantwoording")
    audit.record(session, user, "verantwoording", entry.kaart_id, versie=entry.versie)
    if (cached := not_modified(request, headers)) is not None:
        return cached
    return Response(_public_json(path, catalog), media_type="application/json",
                    headers=headers)


def _public_json(path, catalog) -> str:
    """The kaartverantwoording as served: input paths relative to the werkmap (or only the
    file name), never an absolute server path. Invalid JSON → 409 (api.errors)."""
    body = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps(public_paths(body, str(catalog.werkmap.root)), ensure_ascii=False)


@router.get("/download/{kaart_id}/{bestand}", summary="Download een uitvoerbestand",
            response_class=FileResponse,
            responses={200: {"content": {m: {} for m in _MEDIA.values()}}})
def download(entry: VisibleKaart, bestand: Bestand, user: CurrentUser, session: SessionDep,
             catalog: CatalogDep, settings: SettingsDep) -> Response:
    """Download ``cog`` (GeoTIFF), ``objecten`` (GeoPackage) of ``verantwoording`` (JSON)."""
    path = catalog.file(entry, bestand.value)
    audit.record(session, user, "download", entry.kaart_id, bestand=bestand.value,
                 versie=entry.versie)
    headers = cache_headers(entry, settings.tegel_max_age_s, bestand.value)
    filename = f"{entry.kaart_id}-v{entry.versie}{path.suffix}"
    if bestand is Bestand.verantwoording:  # served without server paths, like the API
        headers["Content-Disposition"] = f'attachment; filename="{quote(filename)}"'
        return Response(_public_json(path, catalog), media_type=_MEDIA[bestand.value],
                        headers=headers)
    return FileResponse(path, media_type=_MEDIA[bestand.value], headers=headers,
                        filename=filename)
