"""User management by a ``beheerder``, limited to its own organisation.

A beheerder may add ``gemeente`` and ``beheerder`` users (without the confidential grant) and
remove users of its organisation. Roles that see confidential maps (analist, planner) and the
grant are given by the system administrator with ``kaart gebruiker toevoegen``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api import audit
from api.db.models import Organisatie
from api.deps import BeheerderUser, PrincipalsDep, SessionDep
from api.users import add_user, delete_user, get_user, list_users
from geo.errors import KaartNotFoundError

router = APIRouter(prefix="/beheer", tags=["beheer"])


class GebruikerUit(BaseModel):
    gebruikersnaam: str
    rol: str
    organisatie: str
    vertrouwelijk: bool
    actief: bool


class GebruikerIn(BaseModel):
    gebruikersnaam: str = Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    wachtwoord: str = Field(min_length=12, max_length=1000)
    rol: Literal["gemeente", "beheerder"] = "gemeente"


def _out(user) -> GebruikerUit:
    return GebruikerUit(gebruikersnaam=user.gebruikersnaam, rol=user.rol,
                        organisatie=user.organisatie.naam, vertrouwelijk=user.vertrouwelijk,
                        actief=user.actief)


@router.get("/gebruikers", response_model=list[GebruikerUit],
            summary="Gebruikers van je organisatie")
def gebruikers(user: BeheerderUser, session: SessionDep) -> list[GebruikerUit]:
    """Alle gebruikers van de organisatie van de beheerder."""
    return [_out(u) for u in list_users(session, user.organisatie_id)]


@router.post("/gebruikers", response_model=GebruikerUit, status_code=201,
             summary="Gebruiker toevoegen")
def toevoegen(body: GebruikerIn, user: BeheerderUser, session: SessionDep) -> GebruikerUit:
    """Voeg een gebruiker (rol gemeente of beheerder) toe aan je eigen organisatie."""
    organisatie = session.get(Organisatie, user.organisatie_id)
    new = add_user(session, body.gebruikersnaam, body.wachtwoord, body.rol, organisatie)
    session.commit()
    audit.record(session, user, "gebruiker_toegevoegd", doel=new.gebruikersnaam, rol=new.rol)
    return _out(new)


@router.delete("/gebruikers/{gebruikersnaam}", status_code=204, response_class=Response,
               summary="Gebruiker verwijderen")
def verwijderen(gebruikersnaam: str, user: BeheerderUser, session: SessionDep,
                principals: PrincipalsDep) -> Response:
    """Verwijder een gebruiker van je eigen organisatie (auditregels blijven bewaard)."""
    try:
        target = get_user(session, gebruikersnaam)
    except KaartNotFoundError:
        target = None
    if target is None or target.organisatie_id != user.organisatie_id:
        raise KaartNotFoundError(f"Gebruiker '{gebruikersnaam}' bestaat niet in je organisatie.")
    delete_user(session, gebruikersnaam)
    session.commit()
    principals.clear()
    audit.record(session, user, "gebruiker_verwijderd", doel=gebruikersnaam)
    return Response(status_code=204)
