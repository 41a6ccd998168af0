"""The kaartverantwoording: how a map was made, as JSON next to the map.

It records the inputs (file, layer, feature count, SHA-256, date), the area, the grid,
every theme's indicators with parameters, rationale and weights, the class breaks,
the software version, the time of the run, whether the map was built from
synthetic demo data and whether it is confidential and why (:mod:`geo.runs`). One typed
model, :class:`Kaartverantwoording`, for every run kind: the common header plus the
kind's own sections (``themas`` for gelegenheid, ``risico``, ``gecombineerd``,
``training``/``model``, ``evaluatie``); a document holds only the sections its kind
wrote. The ``themas`` object is the engine's own
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
    """One input layer: where it came from and its fingerprint.

    ``aantal`` is ``"<k"`` when a count of confidential incidents is below the k-anonymity
    threshold (risico runs).
    """

    pad: str
    laag: str
    aantal: int | str
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


class Voorspelkracht(_Model):
    """Skill of a learned map: CV-D² with its standard error (:mod:`geo.scoring.learning`).

    ``geen_voorspelkracht`` is true when the CV-D² is ≤ 0 or within one standard error of 0;
    ``waarschuwing`` then holds the Dutch warning that the map is no better than a flat map.
    """

    cv_score_d2: float | None
    standaardfout: float | None
    geen_voorspelkracht: bool
    waarschuwing: str | None = None


class SoftwareInfo(_Model):
    naam: str = "kaart"
    versie: str = __version__


class Kaartverantwoording(_Model):
    """The JSON document ``kaartverantwoording.json`` of one run (every kind).

    Written with only the fields the run set (:func:`write_verantwoording`), so a risico
    document has no ``themas`` and a gelegenheid document no ``risico``.
    """

    kaart: str = "gelegenheidskaart"
    soort: str = "gelegenheid"
    vertrouwelijk: bool = False
    vertrouwelijk_reden: str | None = None
    versie: int | None = None
    gebied: GebiedInfo
    grid: GridInfo
    invoer: list[InvoerBestand]
    # gelegenheid
    indicatorconfiguratie: ConfiguratieBestand | None = None
    themas: dict[str, dict[str, Any]] | None = None
    klassegrenzen: dict[str, list[float]] | list[float] | None = None
    # risico, gecombineerd
    configuratie: ConfiguratieBestand | None = None
    risico: dict[str, Any] | None = None
    gecombineerd: dict[str, Any] | None = None
    legenda: list[dict[str, Any]] | None = None
    privacy: str | None = None
    # gelegenheid_geleerd, evaluatie
    gelegenheid_run: str | None = None
    training: dict[str, Any] | None = None
    model: dict[str, Any] | None = None
    voorspelkracht: Voorspelkracht | None = None
    score: str | None = None
    evaluatie: dict[str, Any] | None = None
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
    synthetisch: bool,
    themas: Mapping[str, Mapping[str, Any]] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    outputs: Sequence[Mapping[str, Any]] = (),
    versie: int | None = None,
    timestamp: datetime | None = None,
    kaart: str = "gelegenheidskaart",
    soort: str = "gelegenheid",
    vertrouwelijkheid: Any = None,
    **sections: Any,
) -> Kaartverantwoording:
    """Assemble the kaartverantwoording of a run.

    Parameters
    ----------
    area : geo.layers.gemeenten.Area
        The area the map covers.
    grid : Grid
        The run's grid; ``cells_in_area`` is the number of cells inside the area.
    inputs : sequence of InvoerBestand
        From :func:`describe_inputs`.
    synthetisch : bool
        Built from synthetic demo data; adds the Dutch note.
    themas : mapping, optional
        Gelegenheid runs: ``GelegenheidResult.verantwoording()`` (indicators, weights,
        breaks per map); also fills ``klassegrenzen``.
    config_path : path, optional
        Gelegenheid runs: the indicator configuration (YAML) used; hashed.
    outputs : sequence of mapping
        The files of the run (``bestand``, ``soort``, ``kaart_id``).
    kaart, soort : str
        Dutch map name and run kind (:mod:`geo.runs`).
    vertrouwelijkheid : geo.runs.Vertrouwelijkheid, optional
        Whether the run is confidential and why; default from ``soort``.
    **sections
        ``opmerking`` (a note that replaces the synthetic-data note) and the kind's own
        fields of :class:`Kaartverantwoording` (``risico``, ``legenda``, ``training``, ...),
        converted to plain JSON values.
    """
    from geo.runs import confidentiality

    verdict = vertrouwelijkheid or confidentiality(soort)
    note = sections.pop("opmerking", None) or (SYNTHETIC_NOTE if synthetisch else None)
    gemeenten = [
        {"gemeentecode": str(code), "gemeentenaam": str(name)}
        for code, name in area.gemeenten.sort_values("gemeentecode")[
            ["gemeentecode", "gemeentenaam"]].itertuples(index=False)
    ]
    if themas is not None:
        sections["themas"] = {str(k): plain(dict(v)) for k, v in themas.items()}
        sections["klassegrenzen"] = {k: [float(b) for b in v.get("klassegrenzen", [])]
                                     for k, v in themas.items()}
        sections["indicatorconfiguratie"] = config_reference(config_path)
    stamp = (timestamp or datetime.now(UTC)).isoformat(timespec="seconds")
    return Kaartverantwoording(
        kaart=kaart, soort=soort, vertrouwelijk=verdict.vertrouwelijk,
        vertrouwelijk_reden=verdict.reden, versie=versie,
        gebied=GebiedInfo(id=area.id, naam=area.naam, soort=area.soort, gemeenten=gemeenten),
        grid=grid_info(grid, cells_in_area),
        invoer=list(inputs),
        **{k: v if isinstance(v, BaseModel) else plain(v) for k, v in sections.items()},
        uitvoer=[dict(o) for o in outputs],
        software=SoftwareInfo(naam="kaart", versie=__version__),
        tijdstip=stamp,
        synthetisch=bool(synthetisch),
        opmerking=note,
    )


def config_reference(path: str | os.PathLike[str] | None) -> ConfiguratieBestand | None:
    """A configuration file (YAML) as the kaartverantwoording cites it: path and SHA-256."""
    if path is None:
        return None
    return ConfiguratieBestand(pad=str(Path(path).resolve()), sha256=file_sha256(path))


def write_verantwoording(target: str | os.PathLike[str], document: Kaartverantwoording) -> Path:
    """Write the kaartverantwoording as indented UTF-8 JSON, atomically."""
    return write_text_atomic(target, document.model_dump_json(indent=2, exclude_unset=True)
                             + "\n")


def read_verantwoording(path: str | os.PathLike[str]) -> Kaartverantwoording:
    """Read and validate a ``kaartverantwoording.json``."""
    try:
        return Kaartverantwoording.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputFileError(f"Kaartverantwoording {path} is niet te lezen.",
                             bestand=str(path)) from error


def plain(value: Any) -> Any:
    """Plain JSON types: numpy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
