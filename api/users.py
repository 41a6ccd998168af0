"""Managing organisations, users and tokens (used by the CLI and the beheer routes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import hash_password, new_token, token_hash
from api.db.models import (
    ROLES,
    AuditRegel,
    Gebruiker,
    Organisatie,
    OrganisatieGemeente,
    Token,
)
from api.passwords import check_password
from geo.errors import InvalidRequestError, KaartNotFoundError

_CODE = re.compile(r"^GM\d{4}$")
_NAME = re.compile(r"^[A-Za-z0-9._@-]{3,100}$")


def ensure_organisation(session: Session, naam: str, gemeenten: Iterable[str] = (), *,
                        breid_uit: bool = False) -> Organisatie:
    """The organisation ``naam`` (created if new), with ``gemeenten`` added to its codes.

    Adding gemeenten to an existing organisation widens what every one of its users sees,
    so it is refused unless ``breid_uit`` says that is intended.
    """
    naam = naam.strip()
    if not naam or len(naam) > 200:
        raise InvalidRequestError("Geef een organisatienaam van 1 tot 200 tekens.",
                                  parameter="organisatie")
    codes = {c.strip().upper() for c in gemeenten}
    wrong = sorted(c for c in codes if not _CODE.match(c))
    if wrong:
        raise InvalidRequestError(
            f"Ongeldige gemeentecode(s): {', '.join(wrong)} (verwacht GMnnnn).",
            parameter="gemeente", waarden=wrong)
    org = session.scalar(select(Organisatie).where(Organisatie.naam == naam))
    if org is None:
        org = Organisatie(naam=naam)
        session.add(org)
    elif (extra := sorted(codes - org.codes)) and not breid_uit:
        users = len(org.gebruikers)
        raise InvalidRequestError(
            f"Organisatie '{naam}' bestaat al met gemeente(n) {', '.join(sorted(org.codes))}. "
            f"Gemeente(n) {', '.join(extra)} toevoegen zou alle {users} gebruiker(s) van "
            f"'{naam}' ook die kaarten laten zien. Geef --breid-uit als dat de bedoeling is, of "
            f"kies een andere organisatie.", parameter="gemeente", waarden=extra)
    for code in sorted(codes - org.codes):
        org.gemeenten.append(OrganisatieGemeente(gemeentecode=code))
    session.flush()
    return org


def add_user(session: Session, gebruikersnaam: str, wachtwoord: str, rol: str,
             organisatie: Organisatie, *, vertrouwelijk: bool = False) -> Gebruiker:
    """Create a user; refuses bad names, weak passwords, unknown roles and duplicates."""
    if not _NAME.match(gebruikersnaam):
        raise InvalidRequestError(
            "Gebruikersnaam: 3 tot 100 tekens, alleen letters, cijfers en . _ @ -.",
            parameter="gebruikersnaam")
    if rol not in ROLES:
        raise InvalidRequestError(f"Onbekende rol '{rol}'; kies uit {', '.join(ROLES)}.",
                                  parameter="rol", waarde=rol)
    check_password(wachtwoord, gebruikersnaam)
    if vertrouwelijk and rol != "gemeente":
        raise InvalidRequestError(
            "Toegang tot vertrouwelijke kaarten toekennen kan alleen aan de rol gemeente "
            "(analist en planner hebben die al).", parameter="vertrouwelijk")
    if not organisatie.codes:
        raise InvalidRequestError(
            f"Organisatie '{organisatie.naam}' heeft geen gemeenten; geef --gemeente of --regio.",
            parameter="organisatie")
    if session.scalar(select(Gebruiker.id).where(Gebruiker.gebruikersnaam == gebruikersnaam)):
        raise InvalidRequestError(f"Gebruiker '{gebruikersnaam}' bestaat al.",
                                  parameter="gebruikersnaam")
    user = Gebruiker(gebruikersnaam=gebruikersnaam, wachtwoord_hash=hash_password(wachtwoord),
                     rol=rol, organisatie=organisatie, vertrouwelijk=vertrouwelijk, actief=True)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, gebruikersnaam: str) -> Gebruiker:
    user = session.scalar(select(Gebruiker).where(Gebruiker.gebruikersnaam == gebruikersnaam))
    if user is None:
        raise KaartNotFoundError(f"Gebruiker '{gebruikersnaam}' bestaat niet.",
                                 parameter="gebruikersnaam")
    return user


def organisation_user(session: Session, gebruikersnaam: str, organisatie_id: int) -> Gebruiker:
    """The user ``gebruikersnaam`` if it belongs to organisation ``organisatie_id``; otherwise
    the same :class:`KaartNotFoundError` as for a name that does not exist (a beheerder
    learns nothing about other organisations)."""
    user = session.scalar(select(Gebruiker).where(Gebruiker.gebruikersnaam == gebruikersnaam))
    if user is None or user.organisatie_id != organisatie_id:
        raise KaartNotFoundError(f"Gebruiker '{gebruikersnaam}' bestaat niet in je organisatie.",
                                 parameter="gebruikersnaam")
    return user


def last_logins(session: Session, user_ids: Iterable[int]) -> dict[int, datetime]:
    """When each user last logged in with the login form, from the audit log (action
    ``inloggen``); users without such a record are absent (unknown, not 'never')."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(AuditRegel.gebruiker_id, func.max(AuditRegel.tijd))
        .where(AuditRegel.actie == "inloggen", AuditRegel.gebruiker_id.in_(ids))
        .group_by(AuditRegel.gebruiker_id))
    return {uid: moment for uid, moment in rows if moment is not None}


def list_users(session: Session, organisatie_id: int | None = None) -> list[Gebruiker]:
    query = select(Gebruiker).order_by(Gebruiker.gebruikersnaam)
    if organisatie_id is not None:
        query = query.where(Gebruiker.organisatie_id == organisatie_id)
    return list(session.scalars(query))


def delete_user(session: Session, gebruikersnaam: str) -> None:
    """Delete a user and its tokens (audit records stay)."""
    session.delete(get_user(session, gebruikersnaam))
    session.flush()


def set_active(session: Session, gebruikersnaam: str, actief: bool) -> Gebruiker:
    """(De)activate a user: an inactive user's sessions and tokens stop working at once
    (callers clear the principal cache, :meth:`api.auth.PrincipalCache.clear`)."""
    user = get_user(session, gebruikersnaam)
    user.actief = actief
    session.flush()
    return user


def revoke_tokens(session: Session, gebruikersnaam: str, naam: str | None = None) -> list[str]:
    """Remove ``gebruikersnaam``'s tokens (only those called ``naam`` if given); returns the
    names of the revoked tokens. No token to revoke is an error (a typo must not pass)."""
    user = get_user(session, gebruikersnaam)
    rows = [t for t in user.tokens if naam is None or t.naam == naam]
    if not rows:
        raise KaartNotFoundError(
            f"Gebruiker '{gebruikersnaam}' heeft geen token"
            + (f" met de naam '{naam}'." if naam else "."), parameter="naam")
    for row in rows:
        session.delete(row)
    session.flush()
    return [row.naam for row in rows]


def create_token(session: Session, user: Gebruiker, naam: str = "script",
                 dagen: int | None = 90) -> str:
    """A new API token for ``user`` (returned once, stored hashed)."""
    if dagen is not None and not 1 <= dagen <= 3650:
        raise InvalidRequestError("Geldigheid van een token: 1 tot 3650 dagen.", parameter="dagen")
    token = new_token()
    verloopt = datetime.now(UTC) + timedelta(days=dagen) if dagen else None
    session.add(Token(gebruiker=user, naam=naam[:100], token_hash=token_hash(token),
                      verloopt=verloopt))
    session.flush()
    return token
