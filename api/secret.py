"""The secret that signs session cookies: never a public default, never weak.

``KAART_GEHEIME_SLEUTEL`` given → it must pass :func:`weak_secret_reason` in every mode
(ontwikkeling, test and productie alike). Not given → a random secret is generated on the
first start and kept in ``<werkmap>/.geheime_sleutel`` (mode 0600, written atomically and
race-free between worker processes); later starts reuse it, so sessions survive a restart.
"""

from __future__ import annotations

import math
import os
import secrets
import stat
import tempfile
from collections import Counter
from pathlib import Path

from geo.errors import ConfigError

SECRET_FILE = ".geheime_sleutel"
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 100
"""Shannon estimate over the characters; ``secrets.token_hex(16)`` scores ~120 bits."""

KNOWN_SECRETS = frozenset({
    "", "verander-mij", "verandermij", "changeme", "change-me", "secret", "geheim",
    "ontwikkeling", "test", "kaart", "password", "wachtwoord", "sleutel",
})
"""Public values (old defaults, documentation examples) that are always refused."""

_KNOWN_PARTS = ("veranderm", "changeme", "geheim", "secret", "wachtwoord", "password",
                "sleutel", "voorbeeld", "example", "kaart")
"""A secret that contains one of these words was typed by a person, not generated."""

_HOW = "Maak er een met: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def entropy_bits(value: str) -> float:
    """Shannon entropy of the characters of ``value`` times its length (an upper bound on
    the guessing work for a secret made of these characters)."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def weak_secret_reason(value: str) -> str | None:
    """Why ``value`` is not acceptable as a cookie secret (Dutch), or ``None`` if it is."""
    plain = "".join(ch for ch in value.lower() if ch.isalnum())
    if value.strip().lower() in KNOWN_SECRETS:
        return "is een openbare voorbeeldwaarde"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is korter dan {MIN_SECRET_LENGTH} tekens"
    if any(part in plain for part in _KNOWN_PARTS):
        return "bevat een voorspelbaar woord (zoals 'geheim' of 'verander-mij')"
    if entropy_bits(value) < MIN_SECRET_BITS:
        return (f"is te voorspelbaar (ongeveer {entropy_bits(value):.0f} bits, minimaal "
                f"{MIN_SECRET_BITS}; te veel herhaalde tekens)")
    return None


def check_secret(value: str, source: str = "KAART_GEHEIME_SLEUTEL") -> str:
    """``value`` if strong; a Dutch :class:`ConfigError` naming ``source`` otherwise."""
    reason = weak_secret_reason(value)
    if reason is not None:
        raise ConfigError(f"{source} {reason}; de dienst start niet met een zwakke sleutel "
                          f"(iedereen die hem kent kan inlogcookies vervalsen). {_HOW}",
                          sleutel=source)
    return value


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path} is leesbaar voor anderen (rechten {mode:o}); zet de rechten "
                          f"op 600 met: chmod 600 {path}", bestand=str(path))
    return check_secret(path.read_text(encoding="utf-8").strip(), str(path))


def stored_secret(root: Path) -> str:
    """The werkmap's generated secret; created (0600, atomically) on the first call.

    Two processes starting at once both end with the same secret: the file is put in place
    with ``os.link``, which fails when another process was first.
    """
    path = root / SECRET_FILE
    if path.exists():
        return _read(path)
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".geheime_sleutel-", dir=root)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return _read(path)
