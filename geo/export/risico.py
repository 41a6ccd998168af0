"""Risico and gecombineerd runs: COG + object table + kaartverantwoording → catalog.

``kaarten/<gebied>/risico/vNNNN/``: ``risicokaart.tif`` (band 1 density in weighted
incidents per km², band 2 class 1..5, band 3 Gi* z) and ``kaartverantwoording.json``.
``kaarten/<gebied>/gecombineerd/vNNNN/``: ``gecombineerde_kaart.tif`` (band 1 combined
score, band 2 bivariate class 1..9), ``objecten.gpkg`` (the gelegenheid run's objects
with their risk level) and ``kaartverantwoording.json``.

Both are confidential (:func:`geo.runs.confidentiality`): they derive from police data. Even
so no output holds an incident point or a count below *k* (see :mod:`geo.scoring.risico`).
Both are written through :mod:`geo.export.writer` and return a :class:`geo.runs.Run`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio

from geo.atomic import latest_version
from geo.errors import InputFileError, InvalidRequestError, KaartNotFoundError, UnknownLayerError
from geo.export.cog import map_tags, write_cog
from geo.export.objects import read_objects, write_objects_gpkg
from geo.export.verantwoording import config_reference, describe_inputs
from geo.export.writer import CatalogMap, RunWriter, area_grid, finish_run, open_run
from geo.layers.gemeenten import Area
from geo.legend import bivariate_levels, class_colors, class_labels
from geo.paths import Werkmap
from geo.runs import (
    GECOMBINEERD,
    GECOMBINEERD_FILE,
    GELEGENHEID,
    GELEGENHEID_FILE,
    OBJECTS_FILE,
    RISICO,
    RISICO_FILE,
    THEMES,
    TOTAL,
    VERANTWOORDING_FILE,
    Run,
    confidentiality,
    legend_scheme,
)
from geo.scoring.buurtincidenten import BuurtInput, compute_buurt_risico
from geo.scoring.gecombineerd import attach_risk, combine_maps
from geo.scoring.grid import DEFAULT_CELLSIZE, Grid
from geo.scoring.risico import DEFAULT_CONFIG, compute_risico, load_risico_config
from geo.scoring.suppression import round_count, rounding_base, rounding_note


def read_incidents(layers_path: str | Path) -> gpd.GeoDataFrame:
    """The ``incidenten`` layer of the werkmap's GeoPackage (refused when absent)."""
    from geo.layers import read_layers

    path = Path(layers_path)
    if not path.exists():
        raise InputFileError(
            f"Lagenbestand {path} bestaat niet. Maak het met 'kaart demo' of 'kaart importeer'.",
            bestand=str(path))
    layers = read_layers(path, ["incidenten"])
    if "incidenten" not in layers:
        raise InputFileError(
            f"Lagenbestand {path} heeft geen laag 'incidenten': importeer eerst incidenten "
            "met 'kaart importeer incidenten <bestand>'.", bestand=str(path), laag="incidenten")
    return layers["incidenten"]


def build_risico(
    werkmap: Werkmap,
    area: Area,
    *,
    layers_path: str | Path | None = None,
    config_path: str | Path | None = None,
    cellsize: float = DEFAULT_CELLSIZE,
    peildatum: date | None = None,
    buurten: BuurtInput | None = None,
) -> Run:
    """Compute and write the risicokaart of ``area`` and register it (vertrouwelijk).

    With ``buurten`` the input is police open data per buurt
    (:mod:`geo.scoring.buurtincidenten`) instead of the ``incidenten`` layer.
    """
    from geo.layers import is_synthetic

    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    config = load_risico_config(config_path)
    grid, mask = area_grid(area, cellsize)
    if buurten is not None:  # police open data per buurt: counts per polygon, no points
        counts, polygons, end = buurten.load()
        result = compute_buurt_risico(counts, polygons, grid, mask, config,
                                      code_column=buurten.code_kolom, periode=buurten.periode,
                                      peildatum=peildatum or end)
        inputs = [*describe_inputs(buurten.tabel, {"buurtincidenten": int(counts.sum())}),
                  *describe_inputs(buurten.buurten, {"buurten": len(polygons)})]
        verdict, synthetic = confidentiality(RISICO.soort), False
    else:
        incidents = read_incidents(layers_path)
        result = compute_risico(incidents, grid, mask, config, peildatum=peildatum)
        inputs = describe_inputs(layers_path, {"incidenten": len(incidents)})
        verdict = confidentiality(RISICO.soort, incidents)
        synthetic = is_synthetic(layers_path)
    data = np.stack([result.density, np.where(mask, result.klasse, 0), result.z])
    with open_run(werkmap, area, RISICO, synthetisch=synthetic,
                  vertrouwelijkheid=verdict) as run:
        write_cog(run.file(RISICO_FILE, "cog", aantal=int(mask.sum()), kaart_id=run.kaart_id()),
                  data, grid, descriptions=["dichtheid", "klasse", "gi_z"],
                  tags=_tags(run, result.breaks),
                  band_tags=[{"NAAM": "dichtheid", "EENHEID": "gewogen incidenten per km2"},
                             {"NAAM": "klasse", "KLASSEN": "1-5", "KLASSE_NODATA": "0"},
                             {"NAAM": "gi_z", "METHODE": "Getis-Ord Gi*"}])
        run.write_verantwoording(run.document(
            grid=grid, cells=int(mask.sum()),
            inputs=[_suppressed_input(i, config.k_anonimiteit) for i in inputs],
            risico=result.verantwoording(), legenda=legend(RISICO.soort),
            configuratie=config_reference(config_path or DEFAULT_CONFIG),
            privacy=_privacy_text(config.k_anonimiteit, config.suppress_radius)))
    return finish_run(
        run, maps=[CatalogMap(TOTAL, RISICO_FILE, None, {"klassegrenzen": result.breaks,
                                                           "celgrootte": cellsize})],
        summary={"cellen": int(mask.sum()), "incidenten": result.used,
                 "onderdrukte_cellen": result.suppressed_cells,
                 "peildatum": result.peildatum.isoformat()})


def build_gecombineerd(
    werkmap: Werkmap, area: Area, *, layers_path: str | Path | None = None
) -> Run:
    """Combine the newest gelegenheid and risico runs of ``area`` into the 3 × 3 map."""
    from geo.layers import is_synthetic

    gel_dir = latest_run(werkmap, area.id, GELEGENHEID.soort, "kaart gelegenheid")
    ris_dir = latest_run(werkmap, area.id, RISICO.soort, "kaart risico")
    g_grid, (g_score, g_klasse) = read_bands(gel_dir / GELEGENHEID_FILE, 2)
    r_grid, (r_density, r_klasse, _z) = read_bands(ris_dir / RISICO_FILE, 3)
    if g_grid.transform != r_grid.transform or g_grid.shape != r_grid.shape:
        raise InvalidRequestError(
            f"De gelegenheidskaart ({g_grid.cellsize:g} m) en de risicokaart "
            f"({r_grid.cellsize:g} m) van {area.naam} liggen niet op hetzelfde grid: "
            f"maak de risicokaart opnieuw met --celgrootte {g_grid.cellsize:g}.", gebied=area.id)
    mask = np.isfinite(g_score) & np.isfinite(r_density)
    score, klasse = combine_maps(g_score, g_klasse, r_density, r_klasse, mask)
    ris_doc = json.loads((ris_dir / VERANTWOORDING_FILE).read_text(encoding="utf-8"))
    k = int(ris_doc["risico"]["k_anonimiteit"])
    radius = float(ris_doc["risico"]["buurt_m"])
    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    incidents = read_incidents(layers_path)
    synthetic = is_synthetic(layers_path) or bool(ris_doc.get("synthetisch"))
    tables = _objects_with_risk(gel_dir, g_grid, r_klasse, incidents, k, radius)
    labels = class_labels(GECOMBINEERD.soort)
    counts = {labels[c]: int((klasse == c).sum()) for c in range(1, 10)}
    section = {
        "gelegenheid_run": werkmap.relative(gel_dir), "risico_run": werkmap.relative(ris_dir),
        "niveaus": "klassen 1-2 = laag, 3 = midden, 4-5 = hoog (per kaart)",
        "klassecode": "(gelegenheid - 1) * 3 + risico",
        "score": "meetkundig gemiddelde van de percentielrangen van beide kaarten",
        "cellen_per_klasse": counts, "k_anonimiteit": k, "buurt_m": radius}
    with open_run(werkmap, area, GECOMBINEERD, synthetisch=synthetic,
                  vertrouwelijkheid=confidentiality(GECOMBINEERD.soort, incidents)) as run:
        write_cog(run.file(GECOMBINEERD_FILE, "cog", aantal=int(mask.sum()),
                           kaart_id=run.kaart_id()),
                  np.stack([score, klasse]), g_grid, descriptions=["score", "klasse"],
                  tags=_tags(run, []),
                  band_tags=[{"NAAM": "score", "BEREIK": "0-1"},
                             {"NAAM": "klasse", "KLASSEN": "1-9", "KLASSE_NODATA": "0"}])
        if tables:
            write_objects_gpkg(run.file(OBJECTS_FILE, "geopackage",
                                        aantal=int(sum(len(t) for t in tables.values()))),
                               tables, synthetisch=synthetic, legenda=GECOMBINEERD.soort,
                               beschrijving=f"Objecten gecombineerde kaart {area.naam}")
        run.write_verantwoording(run.document(
            grid=g_grid, cells=int(mask.sum()), gecombineerd=section,
            legenda=legend(GECOMBINEERD.soort), privacy=_privacy_text(k, radius)))
    return finish_run(
        run, maps=[CatalogMap(TOTAL, GECOMBINEERD_FILE, OBJECTS_FILE if tables else None,
                              {"celgrootte": g_grid.cellsize})],
        tables=tables, summary={"cellen_per_klasse": counts,
                                "objecten": int(sum(len(t) for t in tables.values()))})


def _objects_with_risk(gel_dir: Path, grid: Grid, r_klasse: np.ndarray,
                       incidents: gpd.GeoDataFrame, k: int,
                       radius: float) -> dict[str, gpd.GeoDataFrame]:
    """The gelegenheid run's objects per theme with their risk level (suppressed below k)."""
    tables = {}
    for thema in THEMES:
        try:
            objects = read_objects(gel_dir / OBJECTS_FILE, thema)
        except (InputFileError, UnknownLayerError):  # no objects of this theme in the run
            continue
        tables[thema] = attach_risk(objects, grid, np.nan_to_num(r_klasse).astype(int),
                                    "klasse", incidents, k=k, radius=radius)
    return tables


def legend(soort: str) -> list[dict[str, Any]]:
    """Dutch legend of a map kind: class code, label, colour (and levels for gecombineerd).

    Examples
    --------
    >>> legend("gecombineerd")[-1]["label"]
    'gelegenheid hoog, risico hoog'
    """
    labels, colors = class_labels(soort), class_colors(soort)
    rows = []
    for code in sorted(labels):
        row: dict[str, Any] = {"klasse": code, "label": labels[code], "kleur": colors[code]}
        if legend_scheme(soort) == "gecombineerd":
            row["gelegenheid"], row["risico"] = (
                ("laag", "midden", "hoog")[level - 1] for level in bivariate_levels(code))
        rows.append(row)
    return rows


def latest_run(werkmap: Werkmap, gebied_id: str, soort: str, hint: str) -> Path:
    """Newest complete run directory of ``soort`` for an area, or a Dutch not-found error."""
    found = latest_version(werkmap.run_parent(gebied_id, soort))
    if found is None:
        raise KaartNotFoundError(
            f"Geen {soort}-kaart voor {gebied_id} in de werkmap: draai eerst '{hint}'.",
            gebied=gebied_id, soort=soort)
    return found


def read_bands(path: Path, count: int) -> tuple[Grid, list[np.ndarray]]:
    """The grid and the first ``count`` bands (float64) of a COG we wrote."""
    try:
        with rasterio.open(path) as src:
            grid = Grid(src.transform, (src.height, src.width), str(src.crs))
            bands = [src.read(i).astype(float) for i in range(1, count + 1)]
    except rasterio.errors.RasterioIOError as error:
        raise InputFileError(f"Kaart {path} is niet te lezen.", bestand=str(path)) from error
    return grid, bands


def _tags(run: RunWriter, breaks: list[float]) -> dict[str, str]:
    return map_tags(soort=run.kind.soort, thema=TOTAL, gebied_id=run.area.id,
                    synthetisch=run.synthetisch, breaks=breaks,
                    vertrouwelijk=run.vertrouwelijkheid.vertrouwelijk)


def _privacy_text(k: int, radius: float) -> str:
    return (f"Afgeleid van vertrouwelijke (politie)incidenten. De kaart is een gladgestreken "
            f"dichtheid; cellen met minder dan {k} incidenten binnen {radius:g} m worden "
            f"onderdrukt: ze tonen geen dichtheid. {rounding_note(k)} Geen incidentlocaties "
            "in deze uitvoer.")


def _suppressed_input(item: Any, k: int) -> dict[str, Any]:
    data = item.model_dump()
    data["aantal"] = round_count(int(data["aantal"]), rounding_base(k))
    return data
