"""The object GeoPackage ``objecten.gpkg``: one layer per theme with scores and explanations.

Columns per :data:`geo.scoring.objects.RESULT_COLUMNS` then the layer's own attributes;
EPSG:28992; opens directly in QGIS. The dataset metadata carries ``synthetisch`` and a
Dutch ``beschrijving`` like the input GeoPackage. Written atomically: the whole file is
built next to the target and moved into place.

QGIS round trip (issue 14): the file is GeoPackage 1.2 (GDAL 3.6, Debian's, warns on every
open of the 1.4 files newer GDAL writes by default); every layer has a geometry type and
EPSG:28992, an empty one too (the first type its layer kind allows,
:attr:`geo.layers.LayerSpec.geometry_types`); and a ``layer_styles`` table holds for every
layer the QGIS default style, categorized on the class with the viewer's colours
(:func:`geo.export.qgis_style.layer_styles_table`), which QGIS applies on open.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import RD_CRS
from geo.atomic import atomic_file
from geo.errors import CrsError, InputFileError, UnknownLayerError
from geo.export.qgis_style import layer_styles_table
from geo.legend import SYNTHETIC_LABEL

GPKG_VERSION = "1.2"
"""GeoPackage version written (GDAL 3.6 reads 1.2 without a warning; 1.4 with one)."""
STYLES_LAYER = "layer_styles"


def write_objects_gpkg(
    target: str | os.PathLike[str],
    tables: Mapping[str, gpd.GeoDataFrame],
    *,
    synthetisch: bool = False,
    beschrijving: str = "Objectscores van de gelegenheidskaart",
    legenda: str = "gelegenheid",
    stamp: datetime | None = None,
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
    legenda : str
        Map kind or legend scheme whose classes the QGIS styles show.
    stamp : datetime, optional
        ``update_time`` of the styles (now by default).
    """
    metadata = {"synthetisch": "ja" if synthetisch else "nee",
                "beschrijving": f"{beschrijving}. {SYNTHETIC_LABEL}." if synthetisch
                else beschrijving}
    if not tables:
        raise InputFileError("Geen objecttabellen om te schrijven.", bestand=str(target))
    with atomic_file(target) as tmp:
        for index, (layer, table) in enumerate(tables.items()):
            frame = _prepare(layer, table)
            pyogrio.write_dataframe(
                frame, tmp, layer=layer, driver="GPKG", append=index > 0,
                geometry_type=None if len(frame) else _empty_geometry_type(layer),
                promote_to_multi=False,
                dataset_metadata=metadata if index == 0 else None,
                dataset_options={"VERSION": GPKG_VERSION} if index == 0 else None,
            )
        styles = layer_styles_table(_geometry_columns(tmp), legenda, stamp)
        pyogrio.write_dataframe(styles, tmp, layer=STYLES_LAYER, driver="GPKG", append=True,
                                layer_options={"FID": "id"})
    return Path(target)


def _empty_geometry_type(layer: str) -> str:
    """Geometry type of an empty layer: the first its layer kind allows (else Polygon)."""
    from geo.layers import SPECS

    spec = SPECS.get(layer)
    return spec.geometry_types[0] if spec is not None else "Polygon"


def _geometry_columns(path: str | os.PathLike[str]) -> list[tuple[str, str, str]]:
    """(layer, geometry column, geometry type name) of every spatial layer of a GeoPackage."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return [tuple(row) for row in con.execute(
            "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns "
            "ORDER BY table_name")]


def object_layers(path: str | os.PathLike[str]) -> list[str]:
    """The object layers of an ``objecten.gpkg``: every layer but QGIS's ``layer_styles``."""
    return [name for name, _ in pyogrio.list_layers(path) if name != STYLES_LAYER]


def read_objects(path: str | os.PathLike[str], thema: str) -> gpd.GeoDataFrame:
    """One theme's object table from an ``objecten.gpkg`` (for the API, maps and plans)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"Objectbestand {path} bestaat niet.", bestand=str(path))
    layers = object_layers(path)
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
