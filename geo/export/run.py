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
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.atomic import work_dir
from geo.errors import InputFileError, InvalidRequestError
from geo.export.cog import write_map_cog, write_uitleg_cog
from geo.export.objects import write_objects_gpkg
from geo.export.verantwoording import describe_inputs
from geo.export.volledigheid import (
    COMPLETENESS_FILE,
    completeness_summary,
    layer_provenance,
    mixed_note,
    write_completeness_cog,
    write_status_cogs,
)
from geo.export.writer import CatalogMap, RunWriter, area_grid, finish_run, open_run
from geo.layers._store import layer_metadata
from geo.layers.gemeenten import Area
from geo.paths import Werkmap
from geo.runs import (
    GELEGENHEID,
    OBJECTS_FILE,
    THEMES,
    TOTAL,
    Run,
    confidentiality,
    map_file,
    uitleg_file,
)
from geo.scoring.grid import DEFAULT_CELLSIZE, Grid
from geo.scoring.objects import score_objects
from geo.scoring.parallel import local_workers
from geo.threads import in_threads

SOORT = GELEGENHEID.soort
EXCLUDED_LAYERS = ("incidenten",)
"""Layers a gelegenheidskaart never reads (confidential police-derived signals)."""
LOW_MEMORY_CELLS = 6_000_000
"""Above this many cells the engine keeps its arrays memory-mapped in a work directory."""

Progress = Callable[[int, int, str], None]


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
    workers: int | None = None,
    low_memory: bool | None = None,
) -> Run:
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
    workers : int, optional
        Local worker processes of the engine and threads of the writers (default: one
        per core above :data:`geo.scoring.parallel.LOCAL_POOL_CELLS` grid cells, else 1).
    low_memory : bool, optional
        Keep the engine's arrays memory-mapped in a work directory (default: above
        :data:`LOW_MEMORY_CELLS` grid cells). The outputs are the same either way.

    Returns
    -------
    Run
        ``tables`` holds the scored objects per theme; ``summary`` the cells, indicators,
        seconds and class breaks.

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
    grid, mask = area_grid(area, cellsize)
    parent = werkmap.run_parent(area.id, SOORT)
    parent.mkdir(parents=True, exist_ok=True)
    if low_memory is None:
        low_memory = grid.height * grid.width > LOW_MEMORY_CELLS
    with work_dir(parent, ".werk-") as workdir:
        result = compute_gelegenheid(
            config, layers, grid, mask, window=window, client=client,
            workdir=Path(workdir) if low_memory else None, workers=workers, progress=progress)
        tables = {
            thema: score_objects(layers[thema], result.themes[thema], grid, area.gemeenten,
                                 mask=result.mask)
            for thema in THEMES if thema in result.themes and thema in layers
        }
        with open_run(werkmap, area, GELEGENHEID, synthetisch=synthetic,
                      vertrouwelijkheid=confidentiality(SOORT)) as run:
            run.threads = local_workers(workers, grid.height * grid.width, jobs=len(THEMES) + 1)
            _write_maps(run, result=result, tables=tables, grid=grid)
            inputs = describe_inputs(layers_path, {k: len(v) for k, v in layers.items()})
            bronnen = layer_provenance(layers, layer_metadata(layers_path))
            run.write_verantwoording(run.document(
                grid=grid, cells=int(mask.sum()), inputs=inputs, themas=result.verantwoording(),
                config_path=config_file, versie=None,
                # unknown ≠ 0: how complete, and from which sources
                volledigheid=completeness_summary(result, tables), bronnen=bronnen,
                opmerking=mixed_note(bronnen)))
    return finish_run(run, maps=_catalog_maps(result, cellsize), tables=tables,
                      summary=_summary(result, time.perf_counter() - started))


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
) -> list[Run]:
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


def _write_maps(run: RunWriter, *, result: Any, tables: dict[str, gpd.GeoDataFrame],
                grid: Grid) -> None:
    """The run's map, explanation, completeness and status COGs and its object table,
    recorded in this order, written on ``run.threads`` threads (independent files)."""
    cells = int(result.mask.sum())
    jobs: list[Callable[[], Any]] = []
    for thema, theme in result.all().items():
        target = run.file(map_file(thema), "cog", aantal=cells, kaart_id=run.kaart_id(thema))
        jobs.append(partial(write_map_cog, target, theme.score, theme.klasse, grid,
                            soort=SOORT, thema=thema, gebied_id=run.area.id,
                            synthetisch=run.synthetisch, breaks=theme.breaks))
    for thema, theme in result.themes.items():
        target = run.file(uitleg_file(thema), "uitleg-cog", aantal=len(theme.indicators))
        jobs.append(partial(write_uitleg_cog, target, theme.raw, theme.norm,
                            [i.name for i in theme.indicators], grid, thema=thema,
                            gebied_id=run.area.id, synthetisch=run.synthetisch,
                            weights=[i.weight for i in theme.indicators]))
    jobs.append(partial(write_completeness_cog,
                        run.file(COMPLETENESS_FILE, "volledigheid-cog", aantal=cells),
                        result, grid, gebied_id=run.area.id, synthetisch=run.synthetisch))
    jobs.append(partial(write_status_cogs, run.path, result, grid, gebied_id=run.area.id,
                        synthetisch=run.synthetisch))
    jobs.append(partial(write_objects_gpkg, run.path / OBJECTS_FILE, tables,
                        synthetisch=run.synthetisch,
                        beschrijving=f"Objectscores gelegenheidskaart {run.area.naam}"))
    *_, status, _ = in_threads(lambda job: job(), jobs, run.threads)
    for path in status:
        run.record(path, "onbekend-cog")
    run.file(OBJECTS_FILE, "geopackage", aantal=int(sum(len(t) for t in tables.values())))


def _summary(result: Any, seconds: float) -> dict[str, Any]:
    return {"cellen": int(result.mask.sum()),
            "indicatoren": sum(len(t.indicators) for t in result.themes.values()),
            "seconden": seconds, "meldingen": result.notices(),
            "klassegrenzen": {k: [float(b) for b in t.breaks] for k, t in result.all().items()}}


def _catalog_maps(result: Any, cellsize: float) -> list[CatalogMap]:
    maps = []
    for thema, theme in result.all().items():
        extra: dict[str, Any] = {"celgrootte": float(cellsize),
                                 "klassegrenzen": [float(b) for b in theme.breaks],
                                 "label": theme.label}
        if thema != TOTAL:
            extra["uitleg"] = uitleg_file(thema)
        maps.append(CatalogMap(thema, map_file(thema), OBJECTS_FILE, extra))
    return maps


def _default_config_path() -> Path:
    from geo.scoring.config import DEFAULT_CONFIG

    return DEFAULT_CONFIG
