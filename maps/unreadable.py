"""What reading a damaged COG, GeoPackage or JSON raises (GDAL, SQLite, json): one list.

Light on purpose: the API's error handlers import it at start-up, and importing
``pyogrio.errors`` would load pyogrio, pandas and geopandas into every worker (issue 11
item 2). pyogrio's errors are included once pyogrio is loaded; before that nothing can
raise them.
"""

from __future__ import annotations

import json
import sqlite3
import sys

import rasterio._err
import rasterio.errors

_ALWAYS: tuple[type[Exception], ...] = (
    rasterio.errors.RasterioIOError, rasterio._err.CPLE_BaseError, sqlite3.DatabaseError,
    json.JSONDecodeError,
)


def unreadable_output_errors() -> tuple[type[Exception], ...]:
    """The exception classes of a damaged output file (pyogrio's once it is loaded)."""
    errors = sys.modules.get("pyogrio.errors")
    if errors is None:
        return _ALWAYS
    return (*_ALWAYS, errors.DataSourceError, errors.DataLayerError, errors.FieldError)
