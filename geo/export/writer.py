"""One way to write a run, for every kind: version folder → files → kaartverantwoording → catalog.

Every ``build_*`` run function (gelegenheid, risico, gecombineerd, gelegenheid_geleerd,
evaluatie) does the same four steps through this module::

    with open_run(werkmap, area, RISICO, synthetisch=..., vertrouwelijkheid=...) as run:
        write_cog(run.file(RISICO_FILE, "cog", aantal=cells, kaart_id=run.kaart_id()), ...)
        run.write_verantwoording(run.document(kaart=..., grid=grid, cells=cells, ...))
    return finish_run(run, maps=[CatalogMap(TOTAL, RISICO_FILE)], summary={...})

- :func:`open_run` opens a :class:`geo.atomic.VersionedDir` (a hidden folder that becomes
  ``vNNNN`` only when complete);
- :meth:`RunWriter.file` records each written file as a :class:`geo.runs.WrittenFile`;
- :meth:`RunWriter.document` builds the typed :class:`Kaartverantwoording` with the common
  header (area, grid, inputs, outputs, confidentiality and its reason, software, time,
  synthetic) and the kind's own sections;
- :func:`finish_run` registers the maps in the catalog (one shared :class:`KaartEntry`
  recipe) and returns the one result type :class:`geo.runs.Run`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.atomic import VersionedDir, list_versions
from geo.catalog import Catalog, KaartEntry, make_kaart_id
from geo.errors import InvalidRequestError
from geo.export.cog import write_qgis_copies
from geo.export.cog_source import write_cache
from geo.export.verantwoording import (
    Kaartverantwoording,
    build_verantwoording,
    plain,
    write_verantwoording,
)
from geo.export.webcog import write_web_copies
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.runs import TOTAL, VERANTWOORDING_FILE, MapKind, Run, Vertrouwelijkheid, WrittenFile
from geo.scoring.grid import Grid, grid_for_area


@dataclass(frozen=True)
class CatalogMap:
    """One map of a run to register in the catalog.

    Attributes
    ----------
    thema : str
        ``totaal`` or a theme.
    cog : str
        File name of its COG in the run folder.
    objecten : str, optional
        File name of the run's object table, if it has one.
    extra : dict
        Kind-specific catalog facts (class breaks, cell size, label, ...).
    """

    thema: str
    cog: str
    objecten: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class RunWriter:
    """A run being written: its temporary folder and the files written so far."""

    werkmap: Werkmap
    area: Area
    kind: MapKind
    synthetisch: bool
    vertrouwelijkheid: Vertrouwelijkheid
    path: Path
    stamp: datetime
    files: list[WrittenFile] = field(default_factory=list)
    verantwoording: Kaartverantwoording | None = None
    grid: Grid | None = None
    final: Path | None = None
    tagged_version: int | None = None
    threads: int = 1
    """Threads for writing independent files (:func:`geo.threads.in_threads`)."""

    def kaart_id(self, thema: str = TOTAL) -> str:
        """Catalog id of one of this run's maps."""
        return make_kaart_id(self.area.id, self.kind.soort, thema)

    def file(self, name: str, soort: str, *, aantal: int | None = None,
             kaart_id: str | None = None) -> Path:
        """Record a file of the run and return where to write it (inside the open folder)."""
        self.files.append(WrittenFile(Path(name), soort, aantal, kaart_id))
        return self.path / name

    def record(self, path: Path, soort: str, *, aantal: int | None = None) -> None:
        """Record a file a helper already wrote into the open folder under its own name."""
        self.files.append(WrittenFile(Path(Path(path).name), soort, aantal))

    def document(self, *, kaart: str | None = None, grid: Grid, cells: int,
                 inputs: Sequence[Any] = (), **sections: Any) -> Kaartverantwoording:
        """The kaartverantwoording of this run: common header plus the kind's sections."""
        self.grid = grid
        return build_verantwoording(
            area=self.area, grid=grid, cells_in_area=cells, inputs=inputs,
            synthetisch=self.synthetisch, kaart=kaart or self.kind.kaart, soort=self.kind.soort,
            vertrouwelijkheid=self.vertrouwelijkheid,
            outputs=[f.uitvoer() for f in self.files], timestamp=self.stamp, **sections)

    def expected_version(self) -> int:
        """The version number this run will get if no other run of its kind finishes first
        (the class COGs carry it; :func:`finish_run` rewrites them if it turns out wrong)."""
        versions = list_versions(self.werkmap.run_parent(self.area.id, self.kind.soort))
        return int(versions[-1].name[1:]) + 1 if versions else 1

    def write_verantwoording(self, document: Kaartverantwoording) -> None:
        """Write ``kaartverantwoording.json`` (last file of every run), after the tile-serving
        copies of the run's maps (:func:`geo.export.webcog.write_web_copies`) and their class
        COGs and QGIS styles (:func:`geo.export.cog.write_qgis_copies`)."""
        self.files += write_web_copies(self.path, self.files, threads=self.threads)
        self.tagged_version = self.expected_version()
        self.files += write_qgis_copies(self.path, self.files, soort=self.kind.soort,
                                        datum=self.stamp, versie=self.tagged_version,
                                        threads=self.threads)
        write_verantwoording(self.path / VERANTWOORDING_FILE, document)
        self.files.append(WrittenFile(Path(VERANTWOORDING_FILE), "kaartverantwoording"))
        self.verantwoording = document


@contextmanager
def open_run(werkmap: Werkmap, area: Area, kind: MapKind, *, synthetisch: bool,
             vertrouwelijkheid: Vertrouwelijkheid,
             stamp: datetime | None = None) -> Iterator[RunWriter]:
    """Open a new version folder ``kaarten/<gebied_id>/<soort>/vNNNN`` for writing.

    On a clean exit the folder is complete and :attr:`RunWriter.final` is set; on an
    exception nothing is left behind and the catalog is untouched. GDAL's block cache is
    bounded while the run writes (:func:`geo.export.cog_source.write_cache`).
    """
    with write_cache(), VersionedDir(werkmap.run_parent(area.id, kind.soort)) as folder:
        writer = RunWriter(werkmap, area, kind, bool(synthetisch), vertrouwelijkheid,
                           folder.path, stamp or datetime.now(UTC))
        yield writer
    writer.final = folder.final


def finish_run(writer: RunWriter, *, maps: Sequence[CatalogMap] = (),
               summary: Mapping[str, Any] | None = None,
               tables: Mapping[str, pd.DataFrame] | None = None, model: Any = None) -> Run:
    """Register the run's maps in the catalog and return its :class:`geo.runs.Run`."""
    if writer.final is None or writer.verantwoording is None:
        raise RuntimeError("finish_run na een volledig geschreven run (met verantwoording)")
    final = writer.final
    versie = int(final.name[1:])
    if versie != writer.tagged_version:  # another run of the kind took the expected number
        write_qgis_copies(final, writer.files, soort=writer.kind.soort, datum=writer.stamp,
                          versie=versie)
    if writer.verantwoording.versie is None:  # the number is only known after the rename
        writer.verantwoording = writer.verantwoording.model_copy(update={"versie": versie})
        write_verantwoording(final / VERANTWOORDING_FILE, writer.verantwoording)
    entries = [_entry(writer, item, versie) for item in maps]
    if entries:
        Catalog(writer.werkmap).register(entries)
    files = [WrittenFile(final / f.pad.name, f.soort, f.aantal, f.kaart_id)
             for f in writer.files]
    return Run(kind=writer.kind, area=writer.area, run_dir=final, versie=versie, files=files,
               kaart_ids=[e.kaart_id for e in entries], synthetisch=writer.synthetisch,
               vertrouwelijkheid=writer.vertrouwelijkheid,
               verantwoording=writer.verantwoording, grid=writer.grid,
               summary=dict(summary or {}),
               tables=dict(tables or {}), model=model)


def area_grid(area: Area, cellsize: float) -> tuple[Grid, np.ndarray]:
    """The area's CBS-aligned grid and its inside-mask (refused when empty)."""
    grid = grid_for_area(area.geometry, cellsize)
    mask = grid.mask(area.geometry)
    if not mask.any():
        raise InvalidRequestError(f"Gebied {area.naam} bevat geen enkele cel van {cellsize:g} m.",
                                  gebied=area.id)
    return grid, mask


def _entry(writer: RunWriter, item: CatalogMap, versie: int) -> KaartEntry:
    area = writer.area
    return KaartEntry(
        kaart_id=writer.kaart_id(item.thema), gebied_id=area.id, gebied_naam=area.naam,
        gebied_soort=area.soort, gemeenten=area.codes, soort=writer.kind.soort,
        thema=item.thema, versie=versie, datum=writer.stamp.isoformat(timespec="seconds"),
        run_dir=writer.werkmap.relative(writer.final), cog=item.cog, objecten=item.objecten,
        verantwoording=VERANTWOORDING_FILE, synthetisch=writer.synthetisch,
        vertrouwelijk=writer.vertrouwelijkheid.vertrouwelijk, extra=plain(dict(item.extra)))


__all__ = ["CatalogMap", "RunWriter", "area_grid", "finish_run", "open_run"]
