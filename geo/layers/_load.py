"""The shared loader behind every ``load_<kind>``: read → reproject → validate."""

from __future__ import annotations

import os

import geopandas as gpd

from geo.errors import InputFileError
from geo.layers._io import read_source, source_name, to_rd
from geo.layers._schema import LayerSpec
from geo.layers._validate import validate


def load(spec: LayerSpec, source: str | os.PathLike[str], layer: str | None = None, *,
         assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Read ``source``, reproject to EPSG:28992 and validate it against ``spec``."""
    frame, chosen = read_source(source, layer, spec.kind)
    name = source_name(source)
    frame = to_rd(frame, assume_crs, name, chosen, spec.kind)
    return validate(spec, frame, source=name, layer=chosen)


def validate_frame(spec: LayerSpec, frame: gpd.GeoDataFrame, *, source: str = "<geheugen>",
                   assume_crs: str | None = None) -> gpd.GeoDataFrame:
    """Validate an in-memory frame (reprojected to EPSG:28992 first)."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame._geometry_column_name not in frame:
        raise InputFileError(f"'{source}' ({spec.kind}): geen GeoDataFrame met geometrie.",
                             bestand=source, soort=spec.kind)
    frame = to_rd(frame, assume_crs, source, None, spec.kind)
    return validate(spec, frame, source=source)
