"""The report (PDF) and map versions over time: downloads and changes of a visible kaart."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api import audit
from api.authz import may_see_confidential
from api.deps import CurrentUser, SessionDep, VisibleKaart, WerkmapDep
from geo.errors import KaartNotFoundError, PermissionDeniedError
from geo.runs import KINDS

router = APIRouter(tags=["kaarten"])


class Versie(BaseModel):
    versie: int
    tijdstip: str | None
    synthetisch: bool | None


class Verandering(BaseModel):
    thema: str
    id: str
    naam: str | None
    gemeentenaam: str | None
    klasse_van: int | None
    klasse_naar: int | None
    verandering: str
    lon: float | None = None
    lat: float | None = None
    """A point on the object (WGS84), for the viewer's veranderingen layer."""


class Veranderingen(BaseModel):
    kaart_id: str
    gebied_id: str
    van: int | None
    naar: int | None
    aantallen: dict[str, int]
    veranderd: list[Verandering]
    melding: str | None = None


def _object_kind(soort: str) -> str:
    if KINDS[soort].legenda != "gelegenheid" or not KINDS[soort].in_catalog:
        raise KaartNotFoundError(
            f"Veranderingen per object bestaan alleen voor gelegenheidskaarten, niet voor "
            f"'{soort}'.", soort=soort)
    return soort


@router.get("/kaarten/{kaart_id}/versies", response_model=list[Versie],
            summary="Versies van een kaart")
def versies(entry: VisibleKaart, user: CurrentUser, session: SessionDep,
            werkmap: WerkmapDep) -> list[Versie]:
    """Alle versies (vNNNN) van deze kaartsoort voor het gebied, oudste eerst."""
    from services.versions import list_area_versions

    found = list_area_versions(werkmap, entry.gebied_id, entry.soort)
    audit.record(session, user, "versies", entry.kaart_id)
    return [Versie(versie=v.versie, tijdstip=v.tijdstip, synthetisch=v.synthetisch)
            for v in found]


@router.get("/kaarten/{kaart_id}/veranderingen", response_model=Veranderingen,
            summary="Veranderingen tussen twee versies")
def veranderingen(entry: VisibleKaart, user: CurrentUser, session: SessionDep,
                  werkmap: WerkmapDep, van: int | None = None,
                  naar: int | None = None) -> Veranderingen:
    """Per object de klasseverandering (omhoog, omlaag, nieuw, verdwenen) tussen twee
    versies; standaard de nieuwste en de versie daarvoor."""
    from services.versions import CHANGES, compare_versions, list_area_versions

    soort = _object_kind(entry.soort)
    found = list_area_versions(werkmap, entry.gebied_id, soort)
    if len(found) < 2 and van is None and naar is None:  # nothing to compare yet: no error
        audit.record(session, user, "veranderingen", entry.kaart_id)
        return Veranderingen(
            kaart_id=entry.kaart_id, gebied_id=entry.gebied_id, van=None,
            naar=found[-1].versie if found else None, aantallen=dict.fromkeys(CHANGES, 0),
            veranderd=[], melding="Er is nog maar één versie; er is niets om te vergelijken.")
    result = compare_versions(werkmap, entry.gebied_id, van=van, naar=naar, soort=soort)
    changed = result.changed_locations()
    audit.record(session, user, "veranderingen", entry.kaart_id, van=result.van.versie,
                 naar=result.naar.versie)
    rows = changed.astype(object).where(changed.notna(), None).to_dict(orient="records")
    return Veranderingen(kaart_id=entry.kaart_id, gebied_id=entry.gebied_id,
                         van=result.van.versie, naar=result.naar.versie,
                         aantallen=result.counts(),
                         veranderd=[Verandering(**{k: r[k] for k in Verandering.model_fields})
                                    for r in rows])


@router.get("/kaarten/{kaart_id}/rapport.pdf", summary="Rapport (PDF) van het gebied",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def rapport(entry: VisibleKaart, user: CurrentUser, session: SessionDep, werkmap: WerkmapDep,
            risico: bool = False) -> Response:
    """Het informatiebeeld (A4-PDF) van het gebied van deze kaart, met de nieuwste
    gelegenheidskaart. ``risico=true`` voegt de vertrouwelijke risicokaart en gecombineerde
    kaart toe; alleen voor wie die mag zien."""
    from services.report import collect_report, render_pdf, report_name

    if risico and not may_see_confidential(user):
        raise PermissionDeniedError(
            "Je mag de vertrouwelijke risicokaarten niet zien; vraag het rapport zonder "
            "risico aan.")
    report = collect_report(werkmap, entry.gebied_id, include_risico=risico)
    body = render_pdf(report)
    audit.record(session, user, "rapport", entry.kaart_id, versie=report.versie,
                 risico=risico)
    filename = quote(f"{report_name(report)}.pdf")
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})
