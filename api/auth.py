"""Passwords (argon2), API tokens, login throttling and the authenticated :class:`Principal`."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db.models import AuditRegel, Gebruiker, Token

TOKEN_PREFIX = "kaart_"
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("geen-gebruiker")


@dataclass(frozen=True)
class Principal:
    """The user behind a request, with what authorisation needs (no password, no token).

    Attributes
    ----------
    gemeenten : frozenset of str
        CBS codes of the user's organisation (own gemeente(n) or a region's).
    vertrouwelijk : bool
        Explicit grant for a ``gemeente`` user to see confidential maps (risicokaart).
    sessie : str
        Session id (browser) or ``token-<id>`` (script); tile views are aggregated per sessie.
    """

    id: int
    gebruikersnaam: str
    rol: str
    organisatie_id: int
    organisatie: str
    gemeenten: frozenset[str]
    vertrouwelijk: bool
    sessie: str
    via: str


def principal_of(user: Gebruiker, sessie: str, via: str) -> Principal:
    return Principal(
        id=user.id, gebruikersnaam=user.gebruikersnaam, rol=user.rol,
        organisatie_id=user.organisatie_id, organisatie=user.organisatie.naam,
        gemeenten=user.organisatie.codes, vertrouwelijk=bool(user.vertrouwelijk),
        sessie=sessie, via=via,
    )


HASH_SLOTS = 2
"""argon2id hashes computed at once per process (each takes ``memory_cost``, 64 MiB by
default): 200 simultaneous logins queue here instead of taking 40 × 64 MiB per worker."""
_HASH_SLOTS = threading.BoundedSemaphore(HASH_SLOTS)


def hash_password(password: str) -> str:
    """argon2id hash of ``password``."""
    with _HASH_SLOTS:
        return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        with _HASH_SLOTS:
            return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_credentials(session: Session, gebruikersnaam: str, wachtwoord: str) -> Gebruiker | None:
    """The active user with these credentials, or ``None`` (constant work either way).

    Ends the session's (read-only) transaction before hashing, so a login waiting for one
    of the :data:`HASH_SLOTS` holds no database connection (200 simultaneous logins
    exhausted the pool otherwise).
    """
    user = session.scalar(select(Gebruiker).where(Gebruiker.gebruikersnaam == gebruikersnaam))
    stored = user.wachtwoord_hash if user is not None and user.actief else None
    session.rollback()
    if stored is None:
        verify_password(_DUMMY_HASH, wachtwoord)
        return None
    return user if verify_password(stored, wachtwoord) else None


def new_token() -> str:
    """A fresh API token (shown once; only its hash is stored)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_token(session: Session, token: str) -> tuple[Gebruiker, Token] | None:
    """The active user owning an unexpired ``token``, or ``None``."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(Token).where(Token.token_hash == token_hash(token)))
    if row is None or not row.gebruiker.actief:
        return None
    if row.verloopt is not None and _aware(row.verloopt) <= datetime.now(UTC):
        return None
    return row.gebruiker, row


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class LoginThrottle:
    """At most ``max_attempts`` failed logins per account, and ``max_per_address`` (default
    four times as many: an office behind one NAT address) per client address, per window.

    The failures are the audit log's ``inloggen_mislukt`` records, so the count is shared by
    every worker process and survives a restart. Per account, a successful login starts a
    new count; per address it does not (one valid account must not reset guessing others).
    """

    def __init__(self, max_attempts: int = 5, window_s: float = 900.0,
                 max_per_address: int | None = None) -> None:
        self.max_attempts = max_attempts
        self.window_s = window_s
        self.max_per_address = max_per_address

    def _wait(self, session: Session, where, now: datetime, limit: int) -> float:
        times = list(session.scalars(
            select(AuditRegel.tijd).where(AuditRegel.actie == "inloggen_mislukt", *where)
            .order_by(AuditRegel.id.desc()).limit(limit)))
        if len(times) < limit:
            return 0.0
        return max(0.0, (_aware(times[-1]) - now).total_seconds() + self.window_s)

    def retry_after(self, session: Session, gebruikersnaam: str, adres: str,
                    now: datetime | None = None) -> int:
        """Seconds to wait before another attempt for this account or address (0 = allowed)."""
        now = now or datetime.now(UTC)
        since = now - timedelta(seconds=self.window_s)
        last_ok = session.scalar(select(func.max(AuditRegel.tijd)).where(
            AuditRegel.actie == "inloggen", AuditRegel.gebruikersnaam == gebruikersnaam))
        account_since = max(since, _aware(last_ok)) if last_ok is not None else since
        per_address = self.max_per_address or 4 * self.max_attempts
        wait = max(
            self._wait(session, (AuditRegel.gebruikersnaam == gebruikersnaam[:100],
                                 AuditRegel.tijd > account_since), now, self.max_attempts),
            self._wait(session, (AuditRegel.adres == adres[:64], AuditRegel.tijd >= since), now,
                       per_address),
        )
        return math.ceil(wait)


ACCESS_STAMP = ".toegang_gewijzigd"
"""File in the werkmap rewritten whenever access changes (user removed or deactivated,
token revoked, logout); every process's :class:`PrincipalCache` empties when it changes."""


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns)


def bump_access_stamp(root: Path) -> None:
    """Tell every server process (all workers) that access changed: caches empty at once."""
    from geo.atomic import write_text_atomic

    write_text_atomic(root / ACCESS_STAMP, secrets.token_hex(8) + "\n")


class PrincipalCache:
    """Who a token or session belongs to, remembered for ``ttl_s`` seconds.

    Saves the database lookups on every tile. With ``stamp`` (``<werkmap>/.toegang_gewijzigd``)
    every lookup first compares that file (one ``stat``): a change by any process or by the
    CLI (``kaart token intrekken``, ``kaart gebruiker deactiveer``) empties the cache, so
    revocation is immediate in every worker. ``clear()`` rewrites the stamp.
    """

    def __init__(self, ttl_s: float = 5.0, maxsize: int = 10_000,
                 stamp: Path | None = None) -> None:
        self.ttl_s = ttl_s
        self.maxsize = maxsize
        self.stamp = stamp
        self._seen = _stamp(stamp)
        self._items: dict[tuple[str, str], tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Principal | None:
        if self.ttl_s <= 0:
            return None
        if self.stamp is not None and (now := _stamp(self.stamp)) != self._seen:
            with self._lock:
                self._items.clear()
                self._seen = now
            return None
        item = self._items.get(key)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, key: tuple[str, str], principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._items) >= self.maxsize:
                now = time.monotonic()
                self._items = {k: v for k, v in self._items.items() if v[0] >= now}
                if len(self._items) >= self.maxsize:
                    self._items.clear()
            self._items[key] = (time.monotonic() + self.ttl_s, principal)

    def clear(self) -> None:
        """Forget everything here and (with a stamp) in every other process."""
        with self._lock:
            self._items.clear()
            if self.stamp is not None:
                bump_access_stamp(self.stamp.parent)
                self._seen = _stamp(self.stamp)
