"""The kaartverantwoording: how a map was made, as JSON next to the map.

It records the inputs (file, layer, feature count, SHA-256, date), the area, the grid,
every theme's indicators with parameters, rationale and weights, the class breaks,
the software version, the time of the run, and whether the map was built from
synthetic demo data. The ``themas`` object is the engine's own
:meth:`geo.scoring.engine.GelegenheidResult.verantwoording`, so
:func:`geo.scoring.explain.explain_point` can read it back.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from geo import __version__
from geo.atomic import write_text_atomic
from geo.errors import InputFileError
from geo.legend import SYNTHETIC_LABEL
from geo.scoring.grid import Grid

SYNTHETIC_NOTE = (
    f"{SYNTHETIC_LABEL}. Deze kaart is gemaakt met synthetische demodata (kaart demo); "
    "gebruik haar niet voor besluiten over echte locaties."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InvoerBestand(_Model):
    """One input layer: where it came from and its fingerprint."""

    pad: str
    laag: str
    aantal: int
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    datum: str = Field(description="Wijzigingsdatum van het bestand (ISO 8601).")


class ConfiguratieBestand(_Model):
    pad: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class GebiedInfo(_Model):
    id: str
    naam: str
    soort: str
    gemeenten: list[dict[str, str]]


class GridInfo(_Model):
    celgrootte: float
    transform: list[float] = Field(min_length=6, max_length=6)
    vorm: list[int] = Field(min_length=2, max_length=2)
    crs: str
    grenzen: list[float] = Field(min_length=4, max_length=4)
    cellen_in_gebied: int


class SoftwareInfo(_Model):
    naam: str = "kaart"
    versie: str = __version__


class Kaartverantwoording(_Model):
    """The JSON document ``kaartverantwoording.json`` of one run."""

    kaart: str = "gelegenheidskaart"
    soort: str = "gelegenheid"
    versie: int | None = None
    gebied: GebiedInfo
    grid: GridInfo
    invoer: list[InvoerBestand]
    indicatorconfiguratie: ConfiguratieBestand | None = None
    themas: dict[str, dict[str, Any]]
    klassegrenzen: dict[str, list[float]]
    uitvoer: list[dict[str, Any]] = Field(default_factory=list)
    software: SoftwareInfo = Field(default_factory=SoftwareInfo)
    tijdstip: str
    synthetisch: bool
    opmerking: str | None = None
    volledigheid: dict[str, Any] | None = None
    bronnen: list[dict[str, Any]] | None = None


def file_sha256(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
    except OSError as error:
        raise InputFileError(f"Bestand {path} is niet te lezen: {error.strerror}.",
                             bestand=str(path)) from error
    return digest.hexdigest()


def describe_inputs(path: str | os.PathLike[str], counts: Mapping[str, int]) -> list[InvoerBestand]:
    """One :class:`InvoerBestand` per layer of the GeoPackage ``path`` (one hash per file)."""
    path = Path(path)
    sha = file_sha256(path)
    date = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return [InvoerBestand(pad=str(path.resolve()), laag=layer, aantal=int(count), sha256=sha,
                          datum=date) for layer, count in sorted(counts.items())]


def grid_info(grid: Grid, cells_in_area: int) -> GridInfo:
    t = grid.transform
    return GridInfo(celgrootte=grid.cellsize, transform=[t.a, t.b, t.c, t.d, t.e, t.f],
                    vorm=list(grid.shape), crs=grid.crs, grenzen=list(grid.bounds),
                    cellen_in_gebied=int(cells_in_area))


def build_verantwoording(
    *,
    area: Any,
    grid: Grid,
    cells_in_area: int,
    inputs: Sequence[InvoerBestand],
    themas: Mapping[str, Mapping[str, Any]],
    synthetisch: bool,
    config_path: str | os.PathLike[str] | None = None,
    outputs: Sequence[Mapping[str, Any]] = (),
    versie: int | None = None,
    timestamp: datetime | None = None,
) -> Kaartverantwoording:
    """Assemble the kaartverantwoording of a gelegenheid run.

    Parameters
    ----------
    area : geo.layers.gemeenten.Area
        The area the map covers.
    grid : Grid
        The run's grid; ``cells_in_area`` is the number of cells inside the area.
    inputs : sequence of InvoerBestand
        From :func:`describe_inputs`.
    themas : mapping
        ``GelegenheidResult.verantwoording()`` (indicators, weights, breaks per map).
    synthetisch : bool
        Built from synthetic demo data; adds the Dutch note.
    config_path : path, optional
        The indicator configuration (YAML) used; hashed.
    outputs : sequence of mapping
        The files of the run (``bestand``, ``soort``, ``kaart_id``).
    """
    gemeenten = [
        {"gemeentecode": str(code), "gemeentenaam": str(name)}
        for code, name in area.gemeenten.sort_values("gemeentecode")[
            ["gemeentecode", "gemeentenaam"]].itertuples(index=False)
    ]
    config = None
    if config_path is not None:
        config = ConfiguratieBestand(pad=str(Path(config_path).resolve()),
                                     sha256=file_sha256(config_path))
    stamp = (timestamp or datetime.now(UTC)).isoformat(timespec="seconds")
    return Kaartverantwoording(
        versie=versie,
        gebied=GebiedInfo(id=area.id, naam=area.naam, soort=area.soort, gemeenten=gemeenten),
        grid=grid_info(grid, cells_in_area),
        invoer=list(inputs),
        indicatorconfiguratie=config,
        themas={str(k): _plain(dict(v)) for k, v in themas.items()},
        klassegrenzen={k: [float(b) for b in v.get("klassegrenzen", [])]
                       for k, v in themas.items()},
        uitvoer=[dict(o) for o in outputs],
        tijdstip=stamp,
        synthetisch=bool(synthetisch),
        opmerking=SYNTHETIC_NOTE if synthetisch else None,
    )


def write_verantwoording(target: str | os.PathLike[str], document: Kaartverantwoording) -> Path:
    """Write the kaartverantwoording as indented UTF-8 JSON, atomically."""
    return write_text_atomic(target, document.model_dump_json(indent=2) + "\n")


def read_verantwoording(path: str | os.PathLike[str]) -> Kaartverantwoording:
    """Read and validate a ``kaartverantwoording.json``."""
    try:
        return Kaartverantwoording.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(f"Kaartverantwoording {path} is niet te lezen.",
                             bestand=str(path)) from error


def _plain(value: Any) -> Any:
    """Plain JSON types: numpy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
