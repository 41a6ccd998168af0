"""Organisations, users (roles, gemeenten, grants), API tokens and the append-only audit log.

Tables (revision ``0001_basis``): ``organisaties``, ``organisatie_gemeenten``, ``gebruikers``,
``tokens``, ``audit``. The audit table is append-only: the code has no update/delete path and
the migration installs triggers (SQLite and PostgreSQL) that refuse UPDATE and DELETE.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db.base import Base

ROLES = ("beheerder", "analist", "gemeente", "planner")
"""``beheerder`` manages its organisation's users; ``analist`` sees every map of its region;
``gemeente`` sees gelegenheidskaarten of its gemeente(n) (risicokaart only with a grant);
``planner`` makes ACT! control plans for its region (and sees its maps)."""


def utcnow() -> datetime:
    """Timezone-aware now (UTC)."""
    return datetime.now(UTC)


class Organisatie(Base):
    """A gemeente, RIEC, ACT!-team or region: its users see the maps of its gemeenten."""

    __tablename__ = "organisaties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gemeenten: Mapped[list[OrganisatieGemeente]] = relationship(
        back_populates="organisatie", cascade="all, delete-orphan", lazy="selectin"
    )
    gebruikers: Mapped[list[Gebruiker]] = relationship(back_populates="organisatie")

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(g.gemeentecode for g in self.gemeenten)


class OrganisatieGemeente(Base):
    """One CBS gemeente code an organisation covers."""

    __tablename__ = "organisatie_gemeenten"

    organisatie_id: Mapped[int] = mapped_column(
        ForeignKey("organisaties.id", ondelete="CASCADE"), primary_key=True
    )
    gemeentecode: Mapped[str] = mapped_column(String(6), primary_key=True)
    organisatie: Mapped[Organisatie] = relationship(back_populates="gemeenten")


class Gebruiker(Base):
    """A user with one role in one organisation; ``vertrouwelijk`` is the explicit grant
    that lets a ``gemeente`` user see risicokaarten."""

    __tablename__ = "gebruikers"
    __table_args__ = (
        CheckConstraint(f"rol IN ({', '.join(repr(r) for r in ROLES)})", name="rol"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gebruikersnaam: Mapped[str] = mapped_column(String(100), unique=True)
    wachtwoord_hash: Mapped[str] = mapped_column(String(255))
    rol: Mapped[str] = mapped_column(String(20))
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisaties.id"), index=True)
    vertrouwelijk: Mapped[bool] = mapped_column(Boolean, default=False)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    organisatie: Mapped[Organisatie] = relationship(back_populates="gebruikers", lazy="joined")
    tokens: Mapped[list[Token]] = relationship(
        back_populates="gebruiker", cascade="all, delete-orphan", passive_deletes=True
    )


class Token(Base):
    """An API token (Bearer) for scripts; only its SHA-256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruikers.id", ondelete="CASCADE"), index=True
    )
    naam: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verloopt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gebruiker: Mapped[Gebruiker] = relationship(back_populates="tokens", lazy="joined")


class AuditRegel(Base):
    """One audit record: who saw or downloaded what, and when. Never updated or deleted.

    ``gebruiker_id`` has no foreign key on purpose: records outlive deleted users.
    Tile views are aggregated per session: one record with ``aantal`` tiles per period.
    Records form a hash chain (revision ``0003_audit_keten``, :mod:`api.audit_chain`):
    ``hash`` = SHA-256 of the record's canonical content including ``vorige_hash``.
    ``adres`` is the client address (:func:`api.urls.client_address`).
    """

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tijd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    gebruiker_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gebruikersnaam: Mapped[str] = mapped_column(String(100), index=True)
    rol: Mapped[str] = mapped_column(String(20))
    organisatie: Mapped[str] = mapped_column(String(200))
    actie: Mapped[str] = mapped_column(String(30), index=True)
    kaart_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    sessie: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    aantal: Mapped[int] = mapped_column(Integer, default=1)
    details: Mapped[str | None] = mapped_column(Text, nullable=True)
    adres: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    vorige_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True, index=True)
