"""``/gezond``: liveness and readiness (database reachable, catalog readable)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import CatalogDep, SessionDep
from geo import __version__

router = APIRouter(tags=["status"])


class Gezond(BaseModel):
    status: str
    versie: str
    database: bool
    catalogus: bool


@router.get("/gezond", response_model=Gezond, summary="Gezondheid van de dienst")
def gezond(session: SessionDep, catalog: CatalogDep) -> Gezond:
    """Status zonder inloggen (database bereikbaar, catalogus leesbaar); toont geen inhoud."""
    session.execute(text("SELECT 1"))
    catalog.entries()
    return Gezond(status="ok", versie=__version__, database=True, catalogus=True)
