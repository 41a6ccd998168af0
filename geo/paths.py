"""Where things live: shipped data, and the user's werkmap (workspace).

Werkmap layout (all relative to the werkmap root)::

    invoer/lagen.gpkg                 validated input layers (kaart demo / kaart importeer)
    kaarten/catalogus.json            catalog of every map built (see :mod:`geo.catalog`)
    kaarten/<gebied>/<soort>/vNNNN/   one run's outputs (COGs, objecten.gpkg, verantwoording)
    plannen/<plan_id>/                controle-plannen (CSV, XLSX, GeoJSON, HTML)
    kaart.db                          SQLite database (users, audit, outcomes) by default
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(os.environ.get("KAART_DATA", Path(__file__).resolve().parent.parent / "data"))
"""Shipped data and default configs (``data/`` in the source tree)."""

REFERENCE_DIR = DATA_DIR / "referentie"
BOUNDARIES_GPKG = REFERENCE_DIR / "nl_grenzen_2024.gpkg"
IBH_REGIONS_CSV = REFERENCE_DIR / "limburg_ibh_regios.csv"
INDICATOR_DIR = DATA_DIR / "indicatoren"


def default_werkmap() -> Path:
    """``$KAART_WERKMAP`` or the user's data directory (``~/.local/share/kaart``)."""
    env = os.environ.get("KAART_WERKMAP")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kaart", appauthor=False))


def no_sidecar_files() -> None:
    """Stop GDAL writing ``*.aux.xml`` (PAM) files next to the files kaart reads.

    Finished versions, ``lagen.gpkg`` and the shipped reference data are never changed by
    reading them; without this, GDAL stores what it cannot keep in the file itself (a
    GeoPackage's dataset metadata, computed statistics) in a sidecar when the file is
    closed. Set in the environment, so both GDAL copies (rasterio and pyogrio each bundle
    one) see it for every open that follows; an explicit ``GDAL_PAM_ENABLED`` is kept.
    Every :class:`Werkmap` calls it, so every command, the service and the map builders
    read without writing.
    """
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")


@dataclass(frozen=True)
class Werkmap:
    """A user's workspace with inputs and outputs (reading it never writes sidecars)."""

    root: Path

    def __post_init__(self) -> None:
        no_sidecar_files()

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Werkmap:
        path = Path(root).expanduser() if root is not None else default_werkmap()
        path.mkdir(parents=True, exist_ok=True)
        return cls(path.resolve())

    @property
    def invoer(self) -> Path:
        return self.root / "invoer"

    @property
    def lagen(self) -> Path:
        """The GeoPackage holding the validated input layers."""
        return self.invoer / "lagen.gpkg"

    @property
    def kaarten(self) -> Path:
        return self.root / "kaarten"

    @property
    def catalogus(self) -> Path:
        return self.kaarten / "catalogus.json"

    @property
    def plannen(self) -> Path:
        return self.root / "plannen"

    @property
    def database(self) -> Path:
        return self.root / "kaart.db"

    def run_parent(self, gebied_id: str, soort: str) -> Path:
        """Parent of the version directories of one area and map kind."""
        return self.kaarten / gebied_id / soort

    def relative(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the werkmap root, as stored in the catalog."""
        return Path(path).resolve().relative_to(self.root).as_posix()

    def resolve_inside(self, relative: str) -> Path:
        """Resolve a catalog path and refuse anything that escapes the werkmap."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            from geo.errors import KaartNotFoundError

            raise KaartNotFoundError("Dit bestand hoort niet bij de werkmap.")
        return path
