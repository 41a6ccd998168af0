"""The object GeoPackage ``objecten.gpkg``: one layer per theme with scores and explanations.

Columns per :data:`geo.scoring.objects.RESULT_COLUMNS` then the layer's own attributes;
EPSG:28992; opens directly in QGIS. The dataset metadata carries ``synthetisch`` and a
Dutch ``beschrijving`` like the input GeoPackage. Written atomically: the whole file is
built next to the target and moved into place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import RD_CRS
from geo.atomic import atomic_file
from geo.errors import CrsError, InputFileError, UnknownLayerError
from geo.legend import SYNTHETIC_LABEL


def write_objects_gpkg(
    target: str | os.PathLike[str],
    tables: Mapping[str, gpd.GeoDataFrame],
    *,
    synthetisch: bool = False,
    beschrijving: str = "Objectscores van de gelegenheidskaart",
) -> Path:
    """Write one GeoPackage layer per theme (layer name = theme), atomically.

    Parameters
    ----------
    target : path
        ``objecten.gpkg``.
    tables : mapping of str to GeoDataFrame
        From :func:`geo.scoring.objects.score_objects`, keyed by theme; empty tables
        give empty layers (so every theme layer exists).
    synthetisch : bool
        Built from synthetic demo data (dataset metadata ``synthetisch = "ja"``).
    """
    metadata = {"synthetisch": "ja" if synthetisch else "nee",
                "beschrijving": f"{beschrijving}. {SYNTHETIC_LABEL}." if synthetisch
                else beschrijving}
    with atomic_file(target) as tmp:
        for index, (layer, table) in enumerate(tables.items()):
            frame = _prepare(layer, table)
            pyogrio.write_dataframe(
                frame, tmp, layer=layer, driver="GPKG", append=index > 0,
                geometry_type=None if len(frame) else "Unknown",
                promote_to_multi=False,
                dataset_metadata=metadata if index == 0 else None,
            )
        if not tables:
            raise InputFileError("Geen objecttabellen om te schrijven.", bestand=str(target))
    return Path(target)


def read_objects(path: str | os.PathLike[str], thema: str) -> gpd.GeoDataFrame:
    """One theme's object table from an ``objecten.gpkg`` (for the API, maps and plans)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"Objectbestand {path} bestaat niet.", bestand=str(path))
    layers = [name for name, _ in pyogrio.list_layers(path)]
    if thema not in layers:
        raise UnknownLayerError(
            f"Objectbestand {path.name} heeft geen laag '{thema}' (wel: {', '.join(layers)}).",
            bestand=str(path), laag=thema,
        )
    return gpd.read_file(path, layer=thema, engine="pyogrio")


def _prepare(layer: str, table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if table.crs is None:
        raise CrsError(f"Objecttabel '{layer}' heeft geen coördinatenstelsel.", laag=layer)
    frame = table.to_crs(RD_CRS) if table.crs.to_epsg() != 28992 else table.copy()
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        series = frame[column]
        if series.dtype == object and series.map(lambda v: isinstance(v, list | dict)).any():
            frame[column] = series.map(str)
        elif isinstance(series.dtype, pd.BooleanDtype):
            frame[column] = series.astype("object")
    return frame
