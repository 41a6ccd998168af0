"""The audit log as a hash chain: every record stores the hash of the one before it.

``hash = sha256(canonical(record))`` where the canonical form is sorted-key JSON of every
column (``id`` and ``vorige_hash`` included, time as UTC microseconds). Changing, removing
or inserting a record anywhere breaks the chain from there on; :func:`verify_chain` finds
the first broken record. Ids are assigned here (last id + 1), so a gap is a removed record.

Appending is safe between worker processes without a lock: two writers that read the same
last record both try the same id; the database refuses the second (primary key, and on
SQLite the ``audit_geen_vervanging`` trigger), which then retries on the new end.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.db.models import AuditRegel
from geo.errors import KaartError

GENESIS = "0" * 64
"""``vorige_hash`` of the first record."""

FIELDS = ("id", "tijd", "gebruiker_id", "gebruikersnaam", "rol", "organisatie", "actie",
          "kaart_id", "sessie", "aantal", "details", "adres", "vorige_hash")
_RETRIES = 50
_LOCAL = threading.Lock()  # writers of one process queue here; processes race via the db


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def canonical(values: dict) -> bytes:
    """The bytes that are hashed for one record (``values``: column name → value)."""
    data = {name: values.get(name) for name in FIELDS}
    data["tijd"] = _utc_text(data["tijd"])
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_hash(row: AuditRegel) -> str:
    return hashlib.sha256(canonical({name: getattr(row, name) for name in FIELDS})).hexdigest()


def _last(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditRegel.id, AuditRegel.hash)
                          .order_by(AuditRegel.id.desc()).limit(1)).first()
    return (0, GENESIS) if row is None else (row.id, row.hash or GENESIS)


def append(session: Session, rows: Sequence[AuditRegel]) -> None:
    """Add ``rows`` at the end of the chain and commit (retries when another process
    appended at the same moment). Commits whatever else is pending in ``session``."""
    if not rows:
        return
    with _LOCAL:
        for attempt in range(_RETRIES):
            last_id, last_hash = _last(session)
            for offset, row in enumerate(rows, start=1):
                row.id, row.vorige_hash = last_id + offset, last_hash
                row.tijd = row.tijd.astimezone(UTC) if row.tijd.tzinfo else row.tijd
                row.hash = last_hash = record_hash(row)
                session.add(row)
            try:
                session.commit()
                return
            except (IntegrityError, OperationalError):
                session.rollback()
                if attempt == _RETRIES - 1:
                    raise
                for row in rows:
                    session.expunge(row) if row in session else None


class AuditChainBrokenError(KaartError):
    """The audit hash chain does not verify (a record was changed, removed or inserted)."""

    code = "audit_keten_gebroken"
    exit_code = 10


@dataclass(frozen=True)
class ChainReport:
    """Outcome of :func:`verify_chain`: ``broken_id`` is the first bad record (or ``None``)."""

    checked: int
    last_id: int | None
    last_hash: str | None
    broken_id: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None

    @property
    def anchor(self) -> str | None:
        """``id:hash`` of the last good record, to keep outside the server."""
        return f"{self.last_id}:{self.last_hash}" if self.last_id else None

    def raise_if_broken(self) -> None:
        if self.broken_id is not None:
            raise AuditChainBrokenError(
                f"Auditlog is gewijzigd: regel {self.broken_id} {self.reason}. "
                f"{self.checked} regel(s) daarvoor zijn in orde (laatste goede: "
                f"{self.anchor or 'geen'}).", regel=self.broken_id, reden=self.reason,
                gecontroleerd=self.checked)


def parse_anchor(value: str) -> tuple[int, str]:
    """``"id:hash"`` (as printed by ``kaart audit --controleer``) → ``(id, hash)``."""
    number, _, digest = value.strip().partition(":")
    if not number.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef"
                                                          for c in digest):
        from geo.errors import InvalidRequestError

        raise InvalidRequestError(f"--anker '{value}' is geen 'id:hash' zoals kaart audit "
                                  "--controleer die toont.", parameter="anker", waarde=value)
    return int(number), digest


def _rows(session: Session, batch: int = 5000) -> Iterator[AuditRegel]:
    after = 0
    while True:
        chunk = list(session.scalars(select(AuditRegel).where(AuditRegel.id > after)
                                     .order_by(AuditRegel.id).limit(batch)))
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].id
        session.expunge_all()


def _problem(row: AuditRegel, expected_id: int, previous: str) -> str | None:
    if row.id != expected_id:
        return (f"regel(s) {expected_id} tot en met {row.id - 1} ontbreken (verwijderd)"
                if row.id > expected_id else "id komt dubbel voor")
    if row.vorige_hash != previous:
        return "verwijst niet naar de hash van de vorige regel (ingevoegd of vervangen)"
    if row.hash != record_hash(row):
        return "inhoud komt niet overeen met de opgeslagen hash (gewijzigd)"
    return None


def verify_chain(session: Session, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Check every record in id order; stop at the first break.

    ``anchor`` is an ``(id, hash)`` pair noted earlier (``kaart audit --controleer`` prints
    it): the record with that id must still carry that hash, which also catches a rewrite
    of the whole chain by someone who can recompute every hash.
    """
    previous, expected, count, last = GENESIS, 1, 0, None
    for row in _rows(session):
        reason = _problem(row, expected, previous)
        if reason is None and anchor is not None and row.id == anchor[0] and row.hash != anchor[1]:
            reason = "hash wijkt af van het eerder genoteerde anker (keten herschreven)"
        if reason is not None:
            return ChainReport(count, last and last[0], last and last[1], row.id, reason)
        previous, expected, count, last = row.hash, row.id + 1, count + 1, (row.id, row.hash)
    if anchor is not None and (last is None or last[0] < anchor[0]):
        return ChainReport(count, last and last[0], last and last[1], anchor[0],
                           "het ankerrecord bestaat niet meer (regels aan het eind verwijderd)")
    return ChainReport(count, last and last[0], last and last[1])
