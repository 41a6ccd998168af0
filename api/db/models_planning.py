"""Controle-plannen, their picks with selection probabilities, and registered controls.

Tables (revision ``0002_planning``): ``plannen``, ``plan_keuzes``, ``controles``.
The selection probability of every pick is stored: outcome feedback weights each executed
control by ``1 / selectiekans`` (see :mod:`geo.planning.feedback`). Controls hold no free
text and no personal data — only codes (bevindingen, vervolg).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db.base import Base
from api.db.models import utcnow


class Plan(Base):
    """One controle-plan (the files live in ``werkmap/plannen/<id>/``)."""

    __tablename__ = "plannen"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    gebied_id: Mapped[str] = mapped_column(String(120), index=True)
    gebied_naam: Mapped[str] = mapped_column(String(200))
    datum: Mapped[date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(Integer)
    aantal: Mapped[int] = mapped_column(Integer)
    gemeenten: Mapped[str] = mapped_column(Text)  # JSON list of GMnnnn (authorisation)
    parameters: Mapped[str] = mapped_column(Text)  # JSON of the PlanningConfig used
    bron: Mapped[str] = mapped_column(String(300))  # run dir(s) of the scored objects
    synthetisch: Mapped[bool] = mapped_column(Boolean, default=False)
    totaal_minuten: Mapped[float] = mapped_column(Float)
    map: Mapped[str] = mapped_column(String(300))  # plan directory relative to the werkmap
    gebruiker_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    keuzes: Mapped[list[PlanKeuze]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanKeuze.volgorde",
        lazy="selectin")


class PlanKeuze(Base):
    """One pick of a plan, with its selection probability."""

    __tablename__ = "plan_keuzes"
    __table_args__ = (
        UniqueConstraint("plan_id", "thema", "object_id", name="uq_plan_keuzes_plan_object"),
        CheckConstraint("selectiekans > 0 AND selectiekans <= 1", name="selectiekans"),
        CheckConstraint("soort_keuze IN ('exploitatie', 'exploratie')", name="soort_keuze"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plannen.id", ondelete="CASCADE"),
                                         index=True)
    volgorde: Mapped[int] = mapped_column(Integer)
    thema: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100), index=True)
    gemeentecode: Mapped[str] = mapped_column(String(6), index=True)
    score: Mapped[float] = mapped_column(Float)
    klasse: Mapped[int] = mapped_column(Integer)
    verwacht: Mapped[float] = mapped_column(Float)
    soort_keuze: Mapped[str] = mapped_column(String(12))
    selectiekans: Mapped[float] = mapped_column(Float)
    aankomst: Mapped[datetime] = mapped_column(DateTime)
    duur: Mapped[float] = mapped_column(Float)
    plan: Mapped[Plan] = relationship(back_populates="keuzes")


class Controle(Base):
    """One executed (or cancelled) control and its outcome codes."""

    __tablename__ = "controles"
    __table_args__ = (
        UniqueConstraint("datum", "thema", "object_id", name="uq_controles_datum_object"),
        CheckConstraint("vervolg IN ('geen', 'waarschuwing', 'bestuurlijke_maatregel', "
                        "'strafrechtelijk')", name="vervolg"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    datum: Mapped[date] = mapped_column(Date, index=True)
    thema: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100), index=True)
    gemeentecode: Mapped[str] = mapped_column(String(6), index=True)
    uitgevoerd: Mapped[bool] = mapped_column(Boolean)
    bevindingen: Mapped[str] = mapped_column(String(200))  # ';'-joined codes
    vervolg: Mapped[str] = mapped_column(String(30))
    plan_id: Mapped[str | None] = mapped_column(
        ForeignKey("plannen.id", ondelete="SET NULL"), nullable=True, index=True)
    soort_keuze: Mapped[str | None] = mapped_column(String(12), nullable=True)
    selectiekans: Mapped[float | None] = mapped_column(Float, nullable=True)
    bron: Mapped[str] = mapped_column(String(10))  # 'cli' or 'api'
    gebruiker_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    geregistreerd: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
