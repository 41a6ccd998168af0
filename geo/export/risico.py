"""Risico and gecombineerd runs: COG + object table + kaartverantwoording → catalog.

``kaarten/<gebied>/risico/vNNNN/``: ``risicokaart.tif`` (band 1 density in weighted
incidents per km², band 2 class 1..5, band 3 Gi* z) and ``kaartverantwoording.json``.
``kaarten/<gebied>/gecombineerd/vNNNN/``: ``gecombineerde_kaart.tif`` (band 1 combined
score, band 2 bivariate class 1..9), ``objecten.gpkg`` (the gelegenheid run's objects
with their risk level) and ``kaartverantwoording.json``.

Both are registered with ``vertrouwelijk=True``: they derive from police data. Even so no
output holds an incident point or a count below *k* (see :mod:`geo.scoring.risico`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio

from geo.atomic import VersionedDir, latest_version, write_text_atomic
from geo.catalog import Catalog, KaartEntry, make_kaart_id
from geo.errors import InputFileError, InvalidRequestError, KaartNotFoundError, UnknownLayerError
from geo.export.cog import write_cog
from geo.export.verantwoording import (
    SYNTHETIC_NOTE,
    _plain,
    describe_inputs,
    file_sha256,
    grid_info,
)
from geo.layers.gemeenten import Area
from geo.legend import bivariate_levels, class_colors, class_labels
from geo.paths import Werkmap
from geo.scoring.gecombineerd import attach_risk, combine_maps
from geo.scoring.grid import DEFAULT_CELLSIZE, Grid, grid_for_area
from geo.scoring.risico import DEFAULT_CONFIG, compute_risico, load_risico_config
from geo.scoring.suppression import round_count, rounding_base, rounding_note

RISICO_FILE = "risicokaart.tif"
GECOMBINEERD_FILE = "gecombineerde_kaart.tif"
VERANTWOORDING_FILE = "kaartverantwoording.json"
OBJECTS_FILE = "objecten.gpkg"
GELEGENHEID_FILE = "gelegenheidskaart.tif"
OBJECT_THEMES = ("bedrijventerreinen", "buitengebied", "havens", "vakantieparken")


@dataclass
class RiskRun:
    """What a risico, gecombineerd or gelegenheid_geleerd run wrote."""

    area: Area
    soort: str
    run_dir: Path
    versie: int
    files: list[dict[str, Any]]
    kaart_ids: list[str]
    synthetisch: bool
    summary: dict[str, Any] = field(default_factory=dict)


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


def area_grid(area: Area, cellsize: float) -> tuple[Grid, np.ndarray]:
    """The area's CBS-aligned grid and its inside-mask (refused when empty)."""
    grid = grid_for_area(area.geometry, cellsize)
    mask = grid.mask(area.geometry)
    if not mask.any():
        raise InvalidRequestError(f"Gebied {area.naam} bevat geen enkele cel van {cellsize:g} m.",
                                  gebied=area.id)
    return grid, mask


def build_risico(
    werkmap: Werkmap,
    area: Area,
    *,
    layers_path: str | Path | None = None,
    config_path: str | Path | None = None,
    cellsize: float = DEFAULT_CELLSIZE,
    peildatum: date | None = None,
) -> RiskRun:
    """Compute and write the risicokaart of ``area`` and register it (vertrouwelijk)."""
    from geo.layers import is_synthetic

    layers_path = Path(layers_path) if layers_path is not None else werkmap.lagen
    incidents = read_incidents(layers_path)
    synthetic = is_synthetic(layers_path)
    config = load_risico_config(config_path)
    grid, mask = area_grid(area, cellsize)
    result = compute_risico(incidents, grid, mask, config, peildatum=peildatum)
    tags = _tags("risico", area.id, synthetic, result.breaks)
    data = np.stack([result.density, np.where(mask, result.klasse, 0), result.z])
    body = {"risico": result.verantwoording(), "legenda": legend("risico"),
            "configuratie": _config_ref(config_path or DEFAULT_CONFIG),
            "privacy": _privacy_text(config.k_anonimiteit, config.suppress_radius)}
    inputs = describe_inputs(layers_path, {"incidenten": len(incidents)})
    with VersionedDir(werkmap.run_parent(area.id, "risico")) as run:
        write_cog(run.path / RISICO_FILE, data, grid,
                  descriptions=["dichtheid", "klasse", "gi_z"], tags=tags,
                  band_tags=[{"NAAM": "dichtheid", "EENHEID": "gewogen incidenten per km2"},
                             {"NAAM": "klasse", "KLASSEN": "1-5", "KLASSE_NODATA": "0"},
                             {"NAAM": "gi_z", "METHODE": "Getis-Ord Gi*"}])
        doc = _document("risicokaart", "risico", area, grid, mask, synthetic, body,
                        [{"bestand": RISICO_FILE, "soort": "cog",
                          "kaart_id": make_kaart_id(area.id, "risico")}],
                        invoer=[_suppressed_input(i, config.k_anonimiteit) for i in inputs])
        write_text_atomic(run.path / VERANTWOORDING_FILE, _dump(doc))
    return _finish(werkmap, area, "risico", run.final, synthetic, RISICO_FILE, None,
                   {"klassegrenzen": result.breaks, "celgrootte": cellsize},
                   summary={"cellen": int(mask.sum()), "incidenten": result.used,
                            "onderdrukte_cellen": result.suppressed_cells,
                            "peildatum": result.peildatum.isoformat()},
                   aantal=int(mask.sum()))


def build_gecombineerd(
    werkmap: Werkmap, area: Area, *, layers_path: str | Path | None = None
) -> RiskRun:
    """Combine the newest gelegenheid and risico runs of ``area`` into the 3 × 3 map."""
    from geo.export.objects import read_objects, write_objects_gpkg
    from geo.layers import is_synthetic

    gel_dir = latest_run(werkmap, area.id, "gelegenheid", "kaart gelegenheid")
    ris_dir = latest_run(werkmap, area.id, "risico", "kaart risico")
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
    tables = {}
    for thema in OBJECT_THEMES:
        try:
            objects = read_objects(gel_dir / OBJECTS_FILE, thema)
        except (InputFileError, UnknownLayerError):  # no objects of this theme in the run
            continue
        tables[thema] = attach_risk(objects, g_grid, np.nan_to_num(r_klasse).astype(int),
                                    "klasse", incidents, k=k, radius=radius)
    labels = class_labels("gecombineerd")
    counts = {labels[c]: int((klasse == c).sum()) for c in range(1, 10)}
    body = {"gecombineerd": {
        "gelegenheid_run": werkmap.relative(gel_dir), "risico_run": werkmap.relative(ris_dir),
        "niveaus": "klassen 1-2 = laag, 3 = midden, 4-5 = hoog (per kaart)",
        "klassecode": "(gelegenheid - 1) * 3 + risico",
        "score": "meetkundig gemiddelde van de percentielrangen van beide kaarten",
        "cellen_per_klasse": counts, "k_anonimiteit": k, "buurt_m": radius},
        "legenda": legend("gecombineerd"), "privacy": _privacy_text(k, radius)}
    with VersionedDir(werkmap.run_parent(area.id, "gecombineerd")) as run:
        write_cog(run.path / GECOMBINEERD_FILE, np.stack([score, klasse]), g_grid,
                  descriptions=["score", "klasse"],
                  tags=_tags("gecombineerd", area.id, synthetic, []),
                  band_tags=[{"NAAM": "score", "BEREIK": "0-1"},
                             {"NAAM": "klasse", "KLASSEN": "1-9", "KLASSE_NODATA": "0"}])
        outputs = [{"bestand": GECOMBINEERD_FILE, "soort": "cog",
                    "kaart_id": make_kaart_id(area.id, "gecombineerd")}]
        if tables:
            write_objects_gpkg(run.path / OBJECTS_FILE, tables, synthetisch=synthetic,
                               beschrijving=f"Objecten gecombineerde kaart {area.naam}")
            outputs.append({"bestand": OBJECTS_FILE, "soort": "geopackage"})
        write_text_atomic(run.path / VERANTWOORDING_FILE, _dump(_document(
            "gecombineerde kaart", "gecombineerd", area, g_grid, mask, synthetic, body, outputs)))
    return _finish(werkmap, area, "gecombineerd", run.final, synthetic, GECOMBINEERD_FILE,
                   OBJECTS_FILE if tables else None, {"celgrootte": g_grid.cellsize},
                   summary={"cellen_per_klasse": counts,
                            "objecten": int(sum(len(t) for t in tables.values()))},
                   aantal=int(mask.sum()))


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
        if soort == "gecombineerd":
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


def _tags(soort: str, gebied_id: str, synthetic: bool, breaks: list[float]) -> dict[str, str]:
    return {"KAART_SOORT": soort, "KAART_THEMA": "totaal", "GEBIED_ID": gebied_id,
            "SYNTHETISCH": "ja" if synthetic else "nee", "VERTROUWELIJK": "ja",
            "KLASSEGRENZEN": json.dumps([float(b) for b in breaks])}


def _privacy_text(k: int, radius: float) -> str:
    return (f"Afgeleid van vertrouwelijke (politie)incidenten. De kaart is een gladgestreken "
            f"dichtheid; cellen met minder dan {k} incidenten binnen {radius:g} m worden "
            f"onderdrukt: ze tonen geen dichtheid. {rounding_note(k)} Geen incidentlocaties "
            "in deze uitvoer.")


def _config_ref(path: str | Path) -> dict[str, str]:
    return {"pad": str(Path(path).resolve()), "sha256": file_sha256(path)}


def _suppressed_input(item: Any, k: int) -> dict[str, Any]:
    data = item.model_dump()
    data["aantal"] = round_count(int(data["aantal"]), rounding_base(k))
    return data


def _document(kaart: str, soort: str, area: Area, grid: Grid, mask: np.ndarray,
              synthetic: bool, body: dict[str, Any], outputs: list[dict[str, Any]],
              invoer: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    from geo import __version__

    gemeenten = [{"gemeentecode": str(c), "gemeentenaam": str(n)} for c, n in
                 area.gemeenten.sort_values("gemeentecode")[
                     ["gemeentecode", "gemeentenaam"]].itertuples(index=False)]
    return {"kaart": kaart, "soort": soort, "vertrouwelijk": soort != "gelegenheid_geleerd",
            "gebied": {"id": area.id, "naam": area.naam, "soort": area.soort,
                       "gemeenten": gemeenten},
            "grid": grid_info(grid, int(mask.sum())).model_dump(), "invoer": invoer or [],
            **body, "uitvoer": outputs,
            "software": {"naam": "kaart", "versie": __version__},
            "tijdstip": datetime.now(UTC).isoformat(timespec="seconds"),
            "synthetisch": bool(synthetic), "opmerking": SYNTHETIC_NOTE if synthetic else None}


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(_plain(document), ensure_ascii=False, indent=2) + "\n"


def _finish(werkmap: Werkmap, area: Area, soort: str, final: Path, synthetic: bool, cog: str,
            objecten: str | None, extra: dict[str, Any], *, summary: dict[str, Any],
            aantal: int) -> RiskRun:
    versie = int(final.name[1:])
    entry = KaartEntry(
        kaart_id=make_kaart_id(area.id, soort), gebied_id=area.id, gebied_naam=area.naam,
        gebied_soort=area.soort, gemeenten=area.codes, soort=soort, thema="totaal",
        versie=versie, datum=datetime.now(UTC).isoformat(timespec="seconds"),
        run_dir=werkmap.relative(final), cog=cog, objecten=objecten,
        verantwoording=VERANTWOORDING_FILE, synthetisch=synthetic,
        vertrouwelijk=soort in ("risico", "gecombineerd"), extra=_plain(extra))
    Catalog(werkmap).register([entry])
    files = [{"pad": str(final / cog), "soort": "cog", "aantal": aantal}]
    if objecten:
        files.append({"pad": str(final / objecten), "soort": "geopackage"})
    files.append({"pad": str(final / VERANTWOORDING_FILE), "soort": "kaartverantwoording"})
    return RiskRun(area=area, soort=soort, run_dir=final, versie=versie, files=files,
                   kaart_ids=[entry.kaart_id], synthetisch=synthetic, summary=summary)
