"""The catalog of maps the service built: the only way from a ``kaart_id`` to a file.

``kaarten/catalogus.json`` holds one entry per map (kaart_id) pointing at its newest
version; older versions stay on disk. Writers register entries after their run
directory is complete; the file is replaced atomically under an exclusive lock.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geo.atomic import write_text_atomic
from geo.errors import KaartNotFoundError
from geo.paths import Werkmap
from geo.runs import MAP_KINDS, THEMES, TOTAL

__all__ = ["MAP_KINDS", "THEMES", "Catalog", "KaartEntry", "make_kaart_id"]


@dataclass(frozen=True)
class KaartEntry:
    """One map in the catalog.

    Attributes
    ----------
    kaart_id : str
        Stable id, ``<gebied_id>-<soort>-<thema>``, e.g. ``GM0981-gelegenheid-totaal``.
    gebied_id, gebied_naam, gebied_soort : str
        The area: ``GM0981``/``Vaals``/``gemeente``, or ``regio-parkstad``/``Parkstad``/``regio``.
    gemeenten : list of str
        CBS codes of every gemeente the map covers (used for authorisation).
    soort : str
        One of :data:`geo.runs.MAP_KINDS`.
    thema : str
        ``totaal`` (:data:`geo.runs.TOTAL`) or one of :data:`geo.runs.THEMES`.
    versie : int
        Version number of the run directory.
    datum : str
        ISO 8601 timestamp of the run.
    run_dir : str
        Run directory relative to the werkmap.
    cog, objecten, verantwoording : str or None
        File names inside ``run_dir``.
    synthetisch : bool
        True when built from synthetic demo data.
    vertrouwelijk : bool
        True when the run is confidential (:func:`geo.runs.confidentiality`).
    """

    kaart_id: str
    gebied_id: str
    gebied_naam: str
    gebied_soort: str
    gemeenten: list[str]
    soort: str
    thema: str
    versie: int
    datum: str
    run_dir: str
    cog: str | None = None
    objecten: str | None = None
    verantwoording: str | None = None
    synthetisch: bool = False
    vertrouwelijk: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def path(self, werkmap: Werkmap, name: str | None) -> Path | None:
        """Absolute path of one of this entry's files (never outside the werkmap)."""
        if name is None:
            return None
        return werkmap.resolve_inside(f"{self.run_dir}/{name}")


def make_kaart_id(gebied_id: str, soort: str, thema: str = TOTAL) -> str:
    return f"{gebied_id}-{soort}-{thema}"


class Catalog:
    """Read and update ``kaarten/catalogus.json`` of a werkmap."""

    def __init__(self, werkmap: Werkmap) -> None:
        self.werkmap = werkmap
        self.path = werkmap.catalogus

    def entries(self) -> list[KaartEntry]:
        if not self.path.exists():
            return []
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        return [KaartEntry(**item) for item in raw.get("kaarten", [])]

    def get(self, kaart_id: str) -> KaartEntry:
        for entry in self.entries():
            if entry.kaart_id == kaart_id:
                return entry
        raise KaartNotFoundError(f"Kaart '{kaart_id}' bestaat niet.", kaart_id=kaart_id)

    def register(self, new: Iterable[KaartEntry]) -> None:
        """Add or replace entries (by kaart_id) atomically."""
        new = list(new)
        with self._lock():
            current = {e.kaart_id: e for e in self.entries()}
            for entry in new:
                current[entry.kaart_id] = entry
            payload = {"kaarten": [asdict(e) for e in sorted(current.values(), key=_order)]}
            write_text_atomic(self.path, json.dumps(payload, ensure_ascii=False, indent=2))

    @contextmanager
    def _lock(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / ".catalogus.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _order(entry: KaartEntry) -> tuple[str, str, str]:
    return (entry.gebied_id, entry.soort, entry.thema)
