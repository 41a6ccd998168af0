"""The gelegenheid run pipeline: layers → engine → COGs + objecten.gpkg + verantwoording → catalog.

One run writes a new version directory ``kaarten/<gebied_id>/gelegenheid/vNNNN/``
through :class:`geo.atomic.VersionedDir`: everything is written into a hidden
temporary directory that becomes ``vNNNN`` only when complete, and the catalog is
updated only after that. A run that fails halfway leaves the previous version and the
catalog exactly as they were.

Police incidents never enter a gelegenheidskaart: the ``incidenten`` layer is not read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geo.atomic import VersionedDir, work_dir
from geo.catalog import Catalog, KaartEntry, make_kaart_id
from geo.errors import InputFileError, InvalidRequestError
from geo.export.cog import write_map_cog, write_uitleg_cog
from geo.export.objects import write_objects_gpkg
from geo.export.verantwoording import build_verantwoording, describe_inputs, write_verantwoording
from geo.export.volledigheid import (
    COMPLETENESS_FILE,
    completeness_summary,
    layer_provenance,
    mixed_note,
    write_completeness_cog,
    write_status_cogs,
)
from geo.layers._store import layer_metadata
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.scoring.grid import DEFAULT_CELLSIZE, Grid, grid_for_area
from geo.scoring.objects import score_objects

SOORT = "gelegenheid"
TOTAL = "totaal"
MAP_FILE = "gelegenheidskaart.tif"
OBJECTS_FILE = "objecten.gpkg"
VERANTWOORDING_FILE = "kaartverantwoording.json"
OBJECT_THEMES = ("bedrijventerreinen", "buitengebied", "havens", "vakantieparken")
EXCLUDED_LAYERS = ("incidenten",)
"""Layers a gelegenheidskaart never reads (confidential police-derived signals)."""
LOW_MEMORY_CELLS = 6_000_000
"""Above this many cells the engine keeps its arrays memory-mapped in a work directory."""

Progress = Callable[[int, int, str], None]


@dataclass
class RunResult:
    """What one gelegenheid run wrote.

    Attributes
    ----------
    area : Area
        The area of the run.
    run_dir : Path
        The new version directory (``.../gelegenheid/vNNNN``).
    versie : int
        Its version number.
    files : list of dict
        Every file written: ``{"pad", "soort", "aantal"}`` (absolute paths).
    kaart_ids : list of str
        Catalog ids registered (``<gebied>-gelegenheid-totaal`` and one per theme).
    objects : dict of str to GeoDataFrame
        Scored objects per theme (sorted by ``rang_gebied``).
    synthetisch : bool
        Built from synthetic demo data.
    grid : Grid
        The run's grid; ``cells`` the number of cells inside the area.
    indicators : int
        Number of indicators computed (all themes).
    seconds : float
        Wall time of the run.
    """

    area: Area
    run_dir: Path
    versie: int
    files: list[dict[str, Any]]
    kaart_ids: list[str]
    objects: dict[str, gpd.GeoDataFrame]
    synthetisch: bool
    grid: Grid
    cells: int
    indicators: int
    seconds: float
    breaks: dict[str, list[float]] = field(default_factory=dict)


def read_input_layers(path: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """The werkmap's layers for a gelegenheidskaart (everything except ``incidenten``)."""
    from geo.layers import LAYER_KINDS, read_layers

    path = Path(path)
    if not path.exists():
        raise InputFileError(
            f"Lagenbestand {path} bestaat niet. Maak het met 'kaart demo' (synthetische "
            "demodata) of 'kaart importeer', of geef een bestand met --lagen.", bestand=str(path))
    kinds = [k for k in LAYER_KINDS if k not in EXCLUDED_LAYERS]
    return read_layers(path, kinds)


def build_gelegenheid(
    werkmap: Werkmap,
    area: Area,
    *,
    layers_path: str | Path | None = None,
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    config_path: str | Path | None = None,
    config: Any = None,
    cellsize: float = DEFAULT_CELLSIZE,
    client: Any = None,
    window: int = 512,
    progress: Progress | None = None,
) -> RunResult:
    """Build the gelegenheidskaarten of one area and register them in the catalog.

    Parameters
    ----------
    werkmap : Werkmap
        Where inputs are read from and the run is written to.
    area : Area
        The gemeente or region (:func:`geo.layers.gemeenten.select_area`).
    layers_path : path, optional
        Input GeoPackage (default ``werkmap.lagen``); hashed into the kaartverantwoording.
    layers : dict, optional
        Already-read layers of ``layers_path`` (to read them once for many areas).
    config_path : path, optional
        Indicator configuration (YAML); default ``data/indicatoren/gelegenheid.yaml``.
    config : GelegenheidConfig, optional
        ``config_path`` already loaded (to load it once for many areas).
    cellsize : float
        Cell size in metres (default 25).
    client : dask.distributed.Client, optional
        Compute the indicator windows on this cluster.
    window : int
        Window size of the engine in cells.
    progress : callable, optional
        ``progress(done, total, description)``.

    Returns
    -------
    RunResult

    Examples
    --------
    >>> area = select_area(gemeente="Vaals")  # doctest: +SKIP
    >>> run = build_gelegenheid(Werkmap.open(), area)  # doctest: +SKIP
    >>> run.kaart_ids[0]  # doctest: +SKIP
    'GM0981-gelegenheid-bedrijventerreinen'
    """
    from geo.layers import is_synthetic
    from geo.scoring.engine import compute_gelegenheid, load_gelegenheid_config

    started = time.perf_counter()
    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    if layers is None:
        layers = read_input_layers(layers_path)
    layers = {k: v for k, v in layers.items() if k not in EXCLUDED_LAYERS}
    synthetic = is_synthetic(layers_path)
    if config is None:
        config = load_gelegenheid_config(config_path)
    config_file = Path(config_path) if config_path is not None else _default_config_path()
    grid = grid_for_area(area.geometry, cellsize)
    mask = grid.mask(area.geometry)
    if not mask.any():
        raise InvalidRequestError(
            f"Gebied {area.naam} bevat geen enkele cel van {cellsize:g} m.", gebied=area.id)
    parent = werkmap.run_parent(area.id, SOORT)
    parent.mkdir(parents=True, exist_ok=True)
    low_memory = grid.height * grid.width > LOW_MEMORY_CELLS
    with work_dir(parent, ".werk-") as workdir:
        result = compute_gelegenheid(
            config, layers, grid, mask, window=window, client=client,
            workdir=Path(workdir) if low_memory else None, progress=progress)
        tables = {
            thema: score_objects(layers[thema], result.themes[thema], grid, area.gemeenten)
            for thema in OBJECT_THEMES if thema in result.themes and thema in layers
        }
        stamp = datetime.now(UTC)
        with VersionedDir(parent) as run:
            written = _write_run(run.path, area=area, result=result, tables=tables, grid=grid,
                                 synthetic=synthetic)
            inputs = describe_inputs(layers_path, {k: len(v) for k, v in layers.items()})
            document = build_verantwoording(
                area=area, grid=grid, cells_in_area=int(mask.sum()), inputs=inputs,
                themas=result.verantwoording(), synthetisch=synthetic, config_path=config_file,
                outputs=[{"bestand": Path(item["pad"]).name, "soort": item["soort"],
                          **({"kaart_id": item["kaart_id"]} if "kaart_id" in item else {})}
                         for item in written],
                timestamp=stamp)
            bronnen = layer_provenance(layers, layer_metadata(layers_path))
            document = document.model_copy(update={  # unknown ≠ 0: how complete, from where
                "volledigheid": completeness_summary(result, tables), "bronnen": bronnen,
                "opmerking": mixed_note(bronnen) or document.opmerking})
            write_verantwoording(run.path / VERANTWOORDING_FILE, document)
            written.append({"pad": VERANTWOORDING_FILE, "soort": "kaartverantwoording"})
    final = run.final
    versie = int(final.name[1:])
    entries = _catalog_entries(werkmap, area, result, final, versie, stamp, synthetic, cellsize)
    Catalog(werkmap).register(entries)
    files = [{**item, "pad": str(final / Path(item["pad"]).name)} for item in written]
    return RunResult(
        area=area, run_dir=final, versie=versie, files=files,
        kaart_ids=[e.kaart_id for e in entries], objects=tables, synthetisch=synthetic,
        grid=grid, cells=int(mask.sum()),
        indicators=sum(len(t.indicators) for t in result.themes.values()),
        seconds=time.perf_counter() - started,
        breaks={k: [float(b) for b in t.breaks] for k, t in result.all().items()},
    )


def build_gelegenheid_many(
    werkmap: Werkmap,
    areas: list[Area],
    *,
    layers_path: str | Path | None = None,
    config_path: str | Path | None = None,
    cellsize: float = DEFAULT_CELLSIZE,
    client: Any = None,
    window: int = 512,
    progress: Callable[[Area, int, int, str], None] | None = None,
) -> list[RunResult]:
    """One run per area (e.g. every gemeente of a provincie), reading the layers once.

    ``progress(area, done, total, description)`` reports the engine's progress per area.
    Each run is atomic on its own: if area *k* fails, runs 1..k-1 stay written.
    """
    from geo.scoring.engine import load_gelegenheid_config

    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    layers = read_input_layers(layers_path)
    config = load_gelegenheid_config(config_path)
    results = []
    for area in areas:
        def report(done: int, total: int, text: str, _area: Area = area) -> None:
            if progress is not None:
                progress(_area, done, total, text)

        results.append(build_gelegenheid(
            werkmap, area, layers_path=layers_path, layers=layers, config_path=config_path,
            config=config, cellsize=cellsize, client=client, window=window, progress=report))
    return results


@contextmanager
def dask_client(address: str | None) -> Iterator[Any]:
    """A dask.distributed Client for ``address``; ``"local"`` starts a 2-worker LocalCluster.

    ``None`` or ``""`` yields ``None`` (run in this process). The cluster and client are
    closed on exit.
    """
    if not address:
        yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - dask is a dependency
        raise InvalidRequestError(
            "Dask is niet geïnstalleerd: pip install 'dask[distributed]'.") from error
    if address == "local":
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InvalidRequestError(
            f"Geen verbinding met de Dask-scheduler op '{address}': {error}. Geef een adres "
            "als tcp://host:8786 of gebruik --dask local.", dask=address) from error
    try:
        yield client
    finally:
        client.close()


def _write_run(path: Path, *, area: Area, result: Any, tables: dict[str, gpd.GeoDataFrame],
               grid: Grid, synthetic: bool) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    cells = int(result.mask.sum())
    for thema, theme in result.all().items():
        name = map_file(thema)
        write_map_cog(path / name, theme.score, theme.klasse, grid, soort=SOORT, thema=thema,
                      gebied_id=area.id, synthetisch=synthetic, breaks=theme.breaks)
        written.append({"pad": name, "soort": "cog", "aantal": cells,
                        "kaart_id": make_kaart_id(area.id, SOORT, thema)})
    for thema, theme in result.themes.items():
        name = f"uitleg_{thema}.tif"
        write_uitleg_cog(path / name, np.asarray(theme.raw), np.asarray(theme.norm),
                         [i.name for i in theme.indicators], grid, thema=thema,
                         gebied_id=area.id, synthetisch=synthetic,
                         weights=[i.weight for i in theme.indicators])
        written.append({"pad": name, "soort": "uitleg-cog", "aantal": len(theme.indicators)})
    write_completeness_cog(path / COMPLETENESS_FILE, result, grid, gebied_id=area.id,
                           synthetisch=synthetic)
    written.append({"pad": COMPLETENESS_FILE, "soort": "volledigheid-cog", "aantal": cells})
    for status in write_status_cogs(path, result, grid, gebied_id=area.id,
                                    synthetisch=synthetic):
        written.append({"pad": status.name, "soort": "onbekend-cog"})
    write_objects_gpkg(path / OBJECTS_FILE, tables, synthetisch=synthetic,
                       beschrijving=f"Objectscores gelegenheidskaart {area.naam}")
    written.append({"pad": OBJECTS_FILE, "soort": "geopackage",
                    "aantal": int(sum(len(t) for t in tables.values()))})
    return written


def map_file(thema: str) -> str:
    """File name of a map COG: ``gelegenheidskaart.tif`` or ``thema_<thema>.tif``."""
    return MAP_FILE if thema == TOTAL else f"thema_{thema}.tif"


def _catalog_entries(werkmap: Werkmap, area: Area, result: Any, final: Path, versie: int,
                     stamp: datetime, synthetic: bool, cellsize: float) -> list[KaartEntry]:
    entries = []
    for thema, theme in result.all().items():
        extra: dict[str, Any] = {"celgrootte": float(cellsize),
                                 "klassegrenzen": [float(b) for b in theme.breaks],
                                 "label": theme.label}
        if thema != TOTAL:
            extra["uitleg"] = f"uitleg_{thema}.tif"
        entries.append(KaartEntry(
            kaart_id=make_kaart_id(area.id, SOORT, thema), gebied_id=area.id,
            gebied_naam=area.naam, gebied_soort=area.soort, gemeenten=area.codes, soort=SOORT,
            thema=thema, versie=versie, datum=stamp.isoformat(timespec="seconds"),
            run_dir=werkmap.relative(final), cog=map_file(thema), objecten=OBJECTS_FILE,
            verantwoording=VERANTWOORDING_FILE, synthetisch=synthetic, vertrouwelijk=False,
            extra=extra))
    return entries


def _default_config_path() -> Path:
    from geo.scoring.config import DEFAULT_CONFIG

    return DEFAULT_CONFIG
