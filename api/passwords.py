"""The password policy: long enough, not one repeated character or pattern, not the user
name, and not in a public list of common passwords (``api/data``, source in ``BRON.md``)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from geo.errors import InvalidRequestError

MIN_PASSWORD = 12
MIN_DISTINCT = 5
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "veelgebruikte_wachtwoorden.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _repeated_pattern(password: str) -> bool:
    """``abcabcabcabc``: the whole password is one short piece repeated."""
    size = len(password)
    return any(size % n == 0 and password[:n] * (size // n) == password
               for n in range(1, size // 2 + 1))


def password_problem(password: str, gebruikersnaam: str = "") -> str | None:
    """Why ``password`` is refused (Dutch), or ``None``."""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD:
        return f"moet minstens {MIN_PASSWORD} tekens hebben"
    if len(set(password)) < MIN_DISTINCT or _repeated_pattern(password):
        return "bestaat uit hetzelfde teken of een herhaald patroon"
    if len(gebruikersnaam) >= 4 and gebruikersnaam.lower() in lowered:
        return "bevat de gebruikersnaam"
    if lowered in common_passwords() or lowered.strip("0123456789!?.") in common_passwords():
        return "staat in de lijst van veelgebruikte (gelekte) wachtwoorden"
    return None


def check_password(password: str, gebruikersnaam: str = "") -> None:
    """Raise a Dutch :class:`InvalidRequestError` when ``password`` breaks the policy."""
    problem = password_problem(password, gebruikersnaam)
    if problem is not None:
        raise InvalidRequestError(f"Wachtwoord {problem}. Kies een lange zin van een paar "
                                  f"woorden die je nergens anders gebruikt.",
                                  parameter="wachtwoord")
