"""User management by a ``beheerder``, limited to its own organisation.

A beheerder may add ``gemeente`` and ``beheerder`` users (without the confidential grant),
(de)activate them, revoke their API tokens and remove them. Roles that see confidential
maps (analist, planner) and the grant are given by the system administrator with
``kaart gebruiker toevoegen``. The functions :func:`add_member`, :func:`change_active` and
:func:`revoke_member_tokens` are the one rule for these actions: the JSON routes here and the
HTML page (:mod:`api.routes.beheer_pages`) both call them; they use :mod:`api.users`, which
the CLI (``kaart gebruiker``, ``kaart token intrekken``) calls too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from api import audit
from api.auth import Principal, PrincipalCache
from api.db.models import Gebruiker, Organisatie
from api.deps import BeheerderUser, PrincipalsDep, SessionDep
from api.users import (
    add_user,
    delete_user,
    list_users,
    organisation_user,
    revoke_tokens,
    set_active,
)
from geo.errors import InvalidRequestError

router = APIRouter(prefix="/beheer", tags=["beheer"])

MEMBER_ROLES = ("gemeente", "beheerder")
"""The roles a beheerder may give (the others come from the system administrator)."""
UserName = Annotated[str, Path(max_length=100)]


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


class ActiefIn(BaseModel):
    """Zet een gebruiker aan (``true``) of uit (``false``)."""

    model_config = ConfigDict(extra="forbid")

    actief: bool


class TokensUit(BaseModel):
    gebruikersnaam: str
    ingetrokken: list[str]


def _out(user) -> GebruikerUit:
    return GebruikerUit(gebruikersnaam=user.gebruikersnaam, rol=user.rol,
                        organisatie=user.organisatie.naam, vertrouwelijk=user.vertrouwelijk,
                        actief=user.actief)


def add_member(session, beheerder: Principal, gebruikersnaam: str, wachtwoord: str,
               rol: str, *, bron: str = "api") -> Gebruiker:
    """Add a user with role gemeente or beheerder to the beheerder's own organisation
    (password policy and name rules of :func:`api.users.add_user`); audited."""
    if rol not in MEMBER_ROLES:
        raise InvalidRequestError(f"Als beheerder kun je alleen de rol {' of '.join(MEMBER_ROLES)} "
                                  f"geven.", parameter="rol")
    organisatie = session.get(Organisatie, beheerder.organisatie_id)
    new = add_user(session, gebruikersnaam, wachtwoord, rol, organisatie)
    session.commit()
    audit.record(session, beheerder, "gebruiker_toegevoegd", doel=new.gebruikersnaam,
                 rol=new.rol, bron=bron)
    return new


def change_active(session, beheerder: Principal, principals: PrincipalCache,
                  gebruikersnaam: str, actief: bool, *, bron: str = "api") -> Gebruiker:
    """(De)activate a user of the own organisation; sessions and tokens of a deactivated
    user stop working at once (every worker). A beheerder cannot deactivate itself."""
    target = organisation_user(session, gebruikersnaam, beheerder.organisatie_id)
    if not actief and target.id == beheerder.id:
        raise InvalidRequestError("Je kunt jezelf niet deactiveren; vraag een andere beheerder.",
                                  parameter="gebruikersnaam")
    set_active(session, gebruikersnaam, actief)
    session.commit()
    principals.clear()
    audit.record(session, beheerder, "gebruiker_geactiveerd" if actief else
                 "gebruiker_gedeactiveerd", doel=gebruikersnaam, bron=bron)
    return target


def revoke_member_tokens(session, beheerder: Principal, principals: PrincipalCache,
                         gebruikersnaam: str, *, bron: str = "api") -> list[str]:
    """Revoke every API token of a user of the own organisation (at once, every worker)."""
    organisation_user(session, gebruikersnaam, beheerder.organisatie_id)
    names = revoke_tokens(session, gebruikersnaam)
    session.commit()
    principals.clear()
    audit.record(session, beheerder, "token_ingetrokken", aantal=len(names),
                 doel=gebruikersnaam, bron=bron)
    return names


@router.get("/gebruikers", response_model=list[GebruikerUit],
            summary="Gebruikers van je organisatie")
def gebruikers(user: BeheerderUser, session: SessionDep) -> list[GebruikerUit]:
    """Alle gebruikers van de organisatie van de beheerder."""
    return [_out(u) for u in list_users(session, user.organisatie_id)]


@router.post("/gebruikers", response_model=GebruikerUit, status_code=201,
             summary="Gebruiker toevoegen")
def toevoegen(body: GebruikerIn, user: BeheerderUser, session: SessionDep) -> GebruikerUit:
    """Voeg een gebruiker (rol gemeente of beheerder) toe aan je eigen organisatie."""
    return _out(add_member(session, user, body.gebruikersnaam, body.wachtwoord, body.rol))


@router.patch("/gebruikers/{gebruikersnaam}", response_model=GebruikerUit,
              summary="Gebruiker activeren of deactiveren")
def activeren(gebruikersnaam: UserName, body: ActiefIn, user: BeheerderUser,
              session: SessionDep, principals: PrincipalsDep) -> GebruikerUit:
    """Zet een gebruiker van je organisatie uit of weer aan; sessies en tokens van een
    gedeactiveerde gebruiker werken direct niet meer."""
    return _out(change_active(session, user, principals, gebruikersnaam, body.actief))


@router.delete("/gebruikers/{gebruikersnaam}/tokens", response_model=TokensUit,
               summary="API-tokens van een gebruiker intrekken")
def tokens_intrekken(gebruikersnaam: UserName, user: BeheerderUser, session: SessionDep,
                     principals: PrincipalsDep) -> TokensUit:
    """Trek alle API-tokens van een gebruiker van je organisatie in (direct)."""
    names = revoke_member_tokens(session, user, principals, gebruikersnaam)
    return TokensUit(gebruikersnaam=gebruikersnaam, ingetrokken=names)


@router.delete("/gebruikers/{gebruikersnaam}", status_code=204, response_class=Response,
               summary="Gebruiker verwijderen")
def verwijderen(gebruikersnaam: UserName, user: BeheerderUser, session: SessionDep,
                principals: PrincipalsDep) -> Response:
    """Verwijder een gebruiker van je eigen organisatie (auditregels blijven bewaard)."""
    organisation_user(session, gebruikersnaam, user.organisatie_id)
    delete_user(session, gebruikersnaam)
    session.commit()
    principals.clear()
    audit.record(session, user, "gebruiker_verwijderd", doel=gebruikersnaam)
    return Response(status_code=204)
