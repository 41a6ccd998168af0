"""Controle-plannen, their picks with selection probabilities, and registered controls.

Tables (revision ``0002_planning``): ``plannen``, ``plan_keuzes``, ``controles``.
The selection probability of every pick is stored: outcome feedback weights each executed
control by ``1 / selectiekans`` (see :mod:`geo.planning.feedback`). Controls hold no free
text and no personal data — only codes (bevindingen, vervolg).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

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
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from api.db.base import Base
from api.db.models import utcnow
from geo.errors import SchemaError

if TYPE_CHECKING:  # pandas and the planning engine load on first use (small server workers)
    import pandas as pd

    from geo.planning.run import PlanRun


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
    # action day (revision 0004_plan_team_dag): None for plans without teams
    team: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dag: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vertrek: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
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


# persistence helpers (used by ``kaart plan``/``kaart uitkomsten`` and api.routes.planning) ----

def save_plan(session: Session, run: PlanRun, *, gebruiker_id: int | None = None) -> Plan:
    """Store a plan and its picks (with selection probabilities); commits."""
    import pandas as pd

    picks = run.result.picks
    plan = Plan(
        id=run.plan_id, gebied_id=run.area.id, gebied_naam=run.area.naam, datum=run.datum,
        seed=run.seed, aantal=len(picks), gemeenten=json.dumps(run.area.codes),
        parameters=json.dumps(run.config.model_dump(mode="json"), ensure_ascii=False),
        bron=";".join(run.bronnen)[:300], synthetisch=run.synthetisch,
        totaal_minuten=float(run.result.total_minutes), map=f"plannen/{run.plan_id}",
        gebruiker_id=gebruiker_id)
    plan.keuzes = [
        PlanKeuze(volgorde=int(r.volgorde), thema=r.thema, object_id=str(r.object_id),
                  gemeentecode=r.gemeentecode, score=float(r.score), klasse=int(r.klasse),
                  verwacht=float(r.verwacht), soort_keuze=r.soort_keuze,
                  selectiekans=float(r.selectiekans),
                  aankomst=pd.Timestamp(r.aankomst).to_pydatetime(), duur=float(r.duur),
                  **_route_fields(r))
        for r in picks.itertuples(index=False)]
    session.add(plan)
    session.commit()
    return plan


def _route_fields(row: object) -> dict[str, object]:
    """Team, day and departure of an action-day pick; nothing for a plan without teams."""
    if not hasattr(row, "team"):
        return {}
    import pandas as pd

    return {"team": int(row.team), "dag": int(row.dag),
            "vertrek": pd.Timestamp(row.vertrek).to_pydatetime()}


def load_controls(session: Session, gemeenten: Iterable[str] | None = None) -> pd.DataFrame:
    """Registered controls as the table :mod:`geo.planning.feedback` expects."""
    from geo.planning.run import controls_frame

    query = select(Controle)
    if gemeenten is not None:
        query = query.where(Controle.gemeentecode.in_(list(gemeenten)))
    rows = [{"plan_id": c.plan_id, "datum": c.datum, "thema": c.thema,
             "object_id": c.object_id, "gemeentecode": c.gemeentecode,
             "uitgevoerd": c.uitgevoerd, "bevindingen": c.bevindingen, "vervolg": c.vervolg,
             "soort_keuze": c.soort_keuze, "selectiekans": c.selectiekans}
            for c in session.scalars(query.order_by(Controle.datum, Controle.id))]
    frame = controls_frame(rows)
    frame["gemeentecode"] = [r["gemeentecode"] for r in rows]
    return frame


def import_controls(session: Session, outcomes: pd.DataFrame, *, bron: str,
                    source: str = "invoer", gebruiker_id: int | None = None,
                    gemeenten: Iterable[str] | None = None) -> list[Controle]:
    """Store validated outcomes (:func:`geo.planning.outcomes.validate_outcomes`) in one
    transaction: every row or none.

    Each control is linked to its plan pick (the given ``plan_id``, else the newest plan on
    or before the control date that contains the object) and copies that pick's selection
    probability. Controls outside any plan need a ``gemeentecode`` and get no probability.

    Raises
    ------
    SchemaError
        A row names an unknown plan/object, a gemeente outside ``gemeenten``, or a control
        that is already registered (names file and row); nothing is stored.
    """
    allowed = None if gemeenten is None else set(gemeenten)
    rows, errors = [], []
    for r in outcomes.itertuples(index=False):
        where = f"rij {r.rij}"
        pick = _find_pick(session, r.thema, r.object_id, r.datum, r.plan_id)
        if r.plan_id is not None and pick is None:
            errors.append(f"{where}, kolom 'object', waarde '{r.object_id}': staat niet in "
                          f"plan '{r.plan_id}' (thema {r.thema})")
            continue
        code = pick.gemeentecode if pick is not None else r.gemeentecode
        if code is None:
            errors.append(f"{where}, kolom 'object', waarde '{r.object_id}': staat in geen "
                          f"plan; vul de kolom gemeentecode in")
            continue
        if allowed is not None and code not in allowed:
            errors.append(f"{where}, kolom 'object', waarde '{r.object_id}': hoort niet bij "
                          f"jouw gemeenten")
            continue
        exists = session.scalar(select(Controle.id).where(
            Controle.datum == r.datum, Controle.thema == r.thema,
            Controle.object_id == r.object_id))
        if exists is not None:
            errors.append(f"{where}: controle van '{r.object_id}' op {r.datum} is al "
                          f"geregistreerd")
            continue
        rows.append(Controle(
            datum=r.datum, thema=r.thema, object_id=r.object_id, gemeentecode=code,
            uitgevoerd=bool(r.uitgevoerd), bevindingen=r.bevindingen, vervolg=r.vervolg,
            plan_id=pick.plan_id if pick is not None else None,
            soort_keuze=pick.soort_keuze if pick is not None else None,
            selectiekans=pick.selectiekans if pick is not None else None,
            bron=bron, gebruiker_id=gebruiker_id))
    if errors:
        session.rollback()
        raise SchemaError(f"{source}: uitkomsten niet opgeslagen. " + "; ".join(errors[:20]),
                          bestand=source, fouten=errors[:20])
    try:
        session.add_all(rows)
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise SchemaError(f"{source}: uitkomsten niet opgeslagen (conflict in de database: "
                          f"controle dubbel geregistreerd?).", bestand=source) from error
    return rows


def _find_pick(session: Session, thema: str, object_id: str, datum: date,
               plan_id: str | None) -> PlanKeuze | None:
    query = (select(PlanKeuze).join(Plan)
             .where(PlanKeuze.thema == thema, PlanKeuze.object_id == object_id))
    if plan_id is not None:
        return session.scalar(query.where(PlanKeuze.plan_id == plan_id))
    return session.scalar(query.where(Plan.datum <= datum)
                          .order_by(Plan.datum.desc(), Plan.aangemaakt.desc()).limit(1))


def visible_plans(session: Session, gemeenten: Iterable[str]) -> list[Plan]:
    """Plans whose every gemeente is in ``gemeenten`` (newest first)."""
    allowed = set(gemeenten)
    plans = session.scalars(select(Plan).order_by(Plan.aangemaakt.desc())).all()
    return [p for p in plans if set(json.loads(p.gemeenten)) <= allowed]
