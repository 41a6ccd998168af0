"""The append-only audit log: who saw or downloaded which map, objects or export, and when.

Only inserts exist here (no update or delete path); the migrations add database triggers
that refuse UPDATE, DELETE and (SQLite) INSERT OR REPLACE, and every record is a link in a
hash chain (:mod:`api.audit_chain`, checked by ``kaart audit --controleer``).

Three ways in, one table:

* :func:`record` — a route's own record with details (``kaart``, ``download``, ...).
* :mod:`api.audit_middleware` — every other request of a known user and every refused
  request (401/403/404/429), once, without code in the routes.
* :class:`TileAudit` — tile views counted per (session, map), written at least every
  ``period_s`` seconds by a background thread and at shutdown, with first/last view time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.audit_chain import append
from api.auth import Principal
from api.db.models import AuditRegel, utcnow

ACTIONS = ("inloggen", "inloggen_mislukt", "inloggen_geremd", "uitloggen", "kaarten", "kaart",
           "tegels", "objecten", "punt", "verantwoording", "download", "gebruiker_toegevoegd",
           "gebruiker_verwijderd", "gebruiker_gedeactiveerd", "gebruiker_geactiveerd",
           "token_aangemaakt", "token_ingetrokken", "bekeken", "geweigerd")

ANONYMOUS = "(anoniem)"

_RECORDED: ContextVar[list[str] | None] = ContextVar("kaart_audit_recorded", default=None)
"""Per request (set by the middleware): the actions a route already recorded itself."""


def start_request() -> list[str]:
    """Called by the middleware at the start of a request; returns the request's list."""
    marks: list[str] = []
    _RECORDED.set(marks)
    return marks


def _mark(actie: str) -> None:
    marks = _RECORDED.get()
    if marks is not None:
        marks.append(actie)


def _row(user: Principal | None, actie: str, kaart_id: str | None, aantal: int,
         details: dict[str, Any] | None, tijd: datetime | None = None,
         gebruikersnaam: str | None = None, adres: str | None = None) -> AuditRegel:
    return AuditRegel(
        tijd=tijd or utcnow(), gebruiker_id=user.id if user else None,
        gebruikersnaam=(user.gebruikersnaam if user else gebruikersnaam or ANONYMOUS)[:100],
        rol=user.rol if user else "-", organisatie=user.organisatie if user else "-",
        actie=actie, kaart_id=kaart_id[:200] if kaart_id else None,
        sessie=(user.sessie[:64] or None) if user else None, aantal=aantal,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True) if details else None,
        adres=adres[:64] if adres else None,
    )


def record(session: Session, user: Principal | None, actie: str, kaart_id: str | None = None,
           aantal: int = 1, *, gebruikersnaam: str | None = None, adres: str | None = None,
           **details: Any) -> None:
    """Append one audit record and commit it (the request's own record: the middleware
    then adds none for this request)."""
    _mark(actie)
    append(session, [_row(user, actie, kaart_id, aantal,
                          {k: v for k, v in details.items() if v is not None},
                          gebruikersnaam=gebruikersnaam, adres=adres)])


@dataclass
class _Count:
    user: Principal
    first: float
    first_time: datetime
    last_time: datetime
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
        Write a session's count at most this long after its first uncounted tile (a
        background thread started by :meth:`start` checks every ``period_s / 4``).
    max_pending : int
        Write everything when this many tiles are pending.
    """

    def __init__(self, sessionmaker: Callable[[], Session], period_s: float = 10.0,
                 max_pending: int = 1000) -> None:
        self.sessionmaker = sessionmaker
        self.period_s = period_s
        self.max_pending = max_pending
        self._counts: dict[tuple[str, int, str], _Count] = {}
        self._pending = 0
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, user: Principal, kaart_id: str, z: int) -> None:
        """Count one tile; flushes when the buffer is full (the thread does the rest)."""
        _mark("tegels")
        now, wall = time.monotonic(), utcnow()
        with self._lock:
            key = (user.sessie, user.id, kaart_id)
            item = self._counts.get(key)
            if item is None:
                self._counts[key] = _Count(user, now, wall, wall, 1, z, z)
            else:
                item.count += 1
                item.last_time = wall
                item.z_min, item.z_max = min(item.z_min, z), max(item.z_max, z)
            self._pending += 1
            due = self._pending >= self.max_pending or (
                self._thread is None and now - min(c.first for c in self._counts.values())
                >= self.period_s)
        if due:
            self.flush()

    def flush(self, older_than_s: float = 0.0) -> int:
        """Write pending counts (those older than ``older_than_s``) as one record per
        (session, map); return the number of records written."""
        now = time.monotonic()
        with self._lock:
            due = {k: c for k, c in self._counts.items() if now - c.first >= older_than_s}
            for key in due:
                self._pending -= self._counts.pop(key).count
        if not due:
            return 0
        rows = [_row(c.user, "tegels", kaart_id, c.count,
                     {"zoom": [c.z_min, c.z_max], "van": c.first_time.isoformat(),
                      "tot": c.last_time.isoformat()}, tijd=c.first_time)
                for (_, _, kaart_id), c in due.items()]
        with self._flush_lock, self.sessionmaker() as session:
            append(session, rows)
        return len(rows)

    def _run(self) -> None:
        while not self._stop.wait(self.period_s / 4):
            try:
                self.flush(older_than_s=self.period_s * 0.75)
            except Exception:  # noqa: BLE001 - keep counting; the next round retries
                import logging

                logging.getLogger("kaart.audit").exception(
                    "Tegelweergaven konden niet in de auditlog worden geschreven.")

    def start(self) -> None:
        """Start the background thread that writes counts at least every ``period_s``."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kaart-tegelaudit",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> int:
        """Stop the thread and write everything pending (server shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        return self.flush()


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
        "adres": row.adres, "hash": row.hash,
    }
