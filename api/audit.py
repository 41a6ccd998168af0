"""The append-only audit log: who saw or downloaded which map, objects or export, and when.

Only inserts exist here (no update or delete path); the migration adds database triggers
that refuse UPDATE and DELETE. Tile views are counted in memory per (session, map) and
written as one record with ``aantal`` tiles when the period ends, the buffer is full, or
the server stops.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.db.models import AuditRegel, utcnow

ACTIONS = ("inloggen", "uitloggen", "kaarten", "kaart", "tegels", "objecten", "punt",
           "verantwoording", "download", "gebruiker_toegevoegd", "gebruiker_verwijderd",
           "token_aangemaakt")


def _row(user: Principal, actie: str, kaart_id: str | None, aantal: int,
         details: dict[str, Any] | None, tijd: datetime | None = None) -> AuditRegel:
    return AuditRegel(
        tijd=tijd or utcnow(), gebruiker_id=user.id, gebruikersnaam=user.gebruikersnaam,
        rol=user.rol, organisatie=user.organisatie, actie=actie, kaart_id=kaart_id,
        sessie=user.sessie[:64] or None, aantal=aantal,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True) if details else None,
    )


def record(session: Session, user: Principal, actie: str, kaart_id: str | None = None,
           aantal: int = 1, **details: Any) -> None:
    """Append one audit record and commit it."""
    session.add(_row(user, actie, kaart_id, aantal, {k: v for k, v in details.items()
                                                     if v is not None}))
    session.commit()


@dataclass
class _Count:
    user: Principal
    first: float
    count: int
    z_min: int
    z_max: int


class TileAudit:
    """Counts tile views per (session, map) and appends aggregated records.

    Parameters
    ----------
    sessionmaker : callable
        Returns a new SQLAlchemy session.
    period_s : float
        Write a session's count at most this long after its first uncounted tile.
    max_pending : int
        Write everything when this many tiles are pending.
    """

    def __init__(self, sessionmaker: Callable[[], Session], period_s: float = 60.0,
                 max_pending: int = 1000) -> None:
        self.sessionmaker = sessionmaker
        self.period_s = period_s
        self.max_pending = max_pending
        self._counts: dict[tuple[str, int, str], _Count] = {}
        self._pending = 0
        self._lock = threading.Lock()

    def add(self, user: Principal, kaart_id: str, z: int) -> None:
        """Count one tile; flushes when the period is over or the buffer is full."""
        now = time.monotonic()
        with self._lock:
            key = (user.sessie, user.id, kaart_id)
            item = self._counts.get(key)
            if item is None:
                self._counts[key] = _Count(user, now, 1, z, z)
            else:
                item.count += 1
                item.z_min, item.z_max = min(item.z_min, z), max(item.z_max, z)
            self._pending += 1
            due = self._pending >= self.max_pending or any(
                now - c.first >= self.period_s for c in self._counts.values())
        if due:
            self.flush()

    def flush(self) -> int:
        """Write every pending count as one record per (session, map); return records written."""
        with self._lock:
            counts, self._counts, self._pending = self._counts, {}, 0
        if not counts:
            return 0
        with self.sessionmaker() as session:
            for (_, _, kaart_id), item in counts.items():
                session.add(_row(item.user, "tegels", kaart_id, item.count,
                                 {"zoom": [item.z_min, item.z_max]}))
            session.commit()
        return len(counts)


def query(
    session: Session,
    *,
    gebruiker: str | None = None,
    kaart_id: str | None = None,
    actie: str | None = None,
    organisatie: str | None = None,
    sinds: datetime | None = None,
    tot: datetime | None = None,
    limit: int = 100,
) -> list[AuditRegel]:
    """Audit records matching the filters, newest first."""
    stmt: Select = select(AuditRegel)
    if gebruiker:
        stmt = stmt.where(AuditRegel.gebruikersnaam == gebruiker)
    if kaart_id:
        stmt = stmt.where(AuditRegel.kaart_id == kaart_id)
    if actie:
        stmt = stmt.where(AuditRegel.actie == actie)
    if organisatie:
        stmt = stmt.where(AuditRegel.organisatie == organisatie)
    if sinds:
        stmt = stmt.where(AuditRegel.tijd >= sinds)
    if tot:
        stmt = stmt.where(AuditRegel.tijd < tot)
    return list(session.scalars(stmt.order_by(AuditRegel.id.desc()).limit(limit)))


def as_dict(row: AuditRegel) -> dict[str, Any]:
    """A JSON-ready view of one record."""
    return {
        "id": row.id, "tijd": row.tijd.isoformat(), "gebruiker": row.gebruikersnaam,
        "rol": row.rol, "organisatie": row.organisatie, "actie": row.actie,
        "kaart_id": row.kaart_id, "sessie": row.sessie, "aantal": row.aantal,
        "details": json.loads(row.details) if row.details else None,
    }
