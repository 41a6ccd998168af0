"""Reading layer sources (GeoPackage, GeoJSON, Shapefile, zipped Shapefile, GeoParquet).

Every library failure becomes a Dutch :mod:`geo.errors` error naming the file and layer;
no raw traceback from pyogrio/pyarrow reaches the user.
"""

from __future__ import annotations

import codecs
import os
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from geo import RD_CRS
from geo.errors import CrsError, InputFileError, UnknownLayerError
from geo.layers._normalise import suggest
from geo.layers._tables import TABLE_SUFFIXES, read_table

PARQUET_SUFFIXES = (".parquet", ".geoparquet")


def source_name(source: str | os.PathLike[str]) -> str:
    return Path(source).name


def read_source(source: str | os.PathLike[str], layer: str | None, kind: str,
                ) -> tuple[gpd.GeoDataFrame, str | None]:
    """Read ``source`` (one layer of it); return the frame and the layer name read.

    Vector files go through pyogrio, GeoParquet through pyarrow, CSV/Excel tables with
    coordinate columns through :mod:`geo.layers._tables`.

    Without ``layer``, a file with one layer uses it; with several, the layer named
    like ``kind`` is used, otherwise :class:`UnknownLayerError` lists the layers.
    """
    path = Path(source)
    name = path.name
    if not path.exists():
        raise InputFileError(f"Bestand '{path}' bestaat niet.", bestand=str(path), soort=kind)
    if path.is_dir() and path.suffix.lower() not in (".gdb",):
        raise InputFileError(f"'{path}' is een map, geen bestand.", bestand=str(path))
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        if layer is not None:
            raise UnknownLayerError(
                f"'{name}' is een GeoParquet-bestand met één laag; laat --laag weg.",
                bestand=name, laag=layer)
        return _read_parquet(path), None
    if suffix in TABLE_SUFFIXES:
        if layer is not None:
            raise UnknownLayerError(f"'{name}' is een tabel met één laag; laat --laag weg.",
                                    bestand=name, laag=layer)
        text = None if suffix == ".xlsx" else read_text(path, kind)
        return read_table(path, kind, text=text), None
    if suffix == ".zip" and not zipfile.is_zipfile(path):
        raise InputFileError(f"'{name}' is geen geldig zip-bestand.", bestand=name, soort=kind)
    layers = _list_layers(path)
    chosen = _choose_layer(path, layers, layer, kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL chatter, not for users
            frame = pyogrio.read_dataframe(path, layer=chosen, use_arrow=True)
    except Exception as error:  # noqa: BLE001 - any reader failure is an unreadable file
        raise InputFileError(
            f"'{name}', laag '{chosen}' is niet te lezen: {_short(error)}",
            bestand=name, laag=chosen, soort=kind) from error
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry is None:
        raise InputFileError(f"'{name}', laag '{chosen}' heeft geen geometrie.",
                             bestand=name, laag=chosen, soort=kind)
    return frame, chosen


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
_EXCEL_HINT = ("Sla het bestand in Excel op als 'CSV UTF-8 (door komma's gescheiden)' of als "
               "'Unicode-tekst'.")


def read_text(source: str | os.PathLike[str], kind: str | None = None) -> str:
    """The text of a CSV/TXT file in the encodings Dutch Excel saves.

    A byte order mark decides (UTF-8, or UTF-16 as Excel's "Unicode-tekst" with tabs);
    without one the text must be valid UTF-8, else it is read as Windows-1252 ("CSV
    (gescheiden door lijstscheidingsteken)", ANSI). Anything else is an
    :class:`InputFileError` naming the file and the line.

    Examples
    --------
    >>> read_text(path_of_excel_ansi_csv)  # doctest: +SKIP
    'naam;bedrag\r\nCafé;€ 5\r\n'
    """
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"'{path.name}' is niet te lezen: {error.strerror}.",
                             bestand=path.name, soort=kind) from error
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode(data, codec, path, kind, label)
    if b"\x00" in data:
        raise InputFileError(
            f"'{path.name}' bevat nul-bytes: het is geen tekstbestand of UTF-16 zonder "
            f"byte order mark. {_EXCEL_HINT}", bestand=path.name, soort=kind,
            regel=_line(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "cp1252", path, kind, "UTF-8 en geen Windows-1252 (ANSI)")


def _decode(data: bytes, codec: str, path: Path, kind: str | None, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = _line(data, error.start)
        raise InputFileError(
            f"'{path.name}' heeft een onbekende tekstcodering: regel {line} is geen geldige "
            f"{label}. {_EXCEL_HINT}", bestand=path.name, soort=kind, regel=line) from None


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        return gpd.read_parquet(path)
    except ValueError as error:
        if "geo" in str(error).lower():
            raise InputFileError(
                f"'{path.name}' is een Parquet-bestand zonder geometrie (geen GeoParquet).",
                bestand=path.name) from error
        raise InputFileError(f"'{path.name}' is niet te lezen: {_short(error)}",
                             bestand=path.name) from error
    except Exception as error:  # noqa: BLE001
        raise InputFileError(f"'{path.name}' is niet te lezen als GeoParquet: {_short(error)}",
                             bestand=path.name) from error


def list_layers(source: str | os.PathLike[str]) -> list[str]:
    """Layer names in a vector file; Dutch errors for missing or unreadable files."""
    path = Path(source)
    if not path.exists():
        raise InputFileError(f"Bestand '{path}' bestaat niet.", bestand=str(path))
    if path.suffix.lower() in PARQUET_SUFFIXES + TABLE_SUFFIXES:
        return [path.stem]
    return _list_layers(path)


def _list_layers(path: Path) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            listed = pyogrio.list_layers(path)
    except Exception as error:  # noqa: BLE001
        raise InputFileError(
            f"'{path.name}' is onleesbaar of geen ondersteund geodatabestand "
            f"(GeoPackage, GeoJSON, Shapefile, zip, GeoParquet): {_short(error)}",
            bestand=path.name) from error
    names = [str(row[0]) for row in listed]
    if not names:
        raise InputFileError(f"'{path.name}' bevat geen lagen.", bestand=path.name)
    return names


def _choose_layer(path: Path, layers: list[str], layer: str | None, kind: str) -> str:
    if layer is not None:
        if layer in layers:
            return layer
        raise UnknownLayerError(
            f"Laag '{layer}' bestaat niet in '{path.name}'.{suggest(layer, layers)} "
            f"Beschikbare lagen: {', '.join(layers)}.",
            bestand=path.name, laag=layer, beschikbaar=layers)
    if len(layers) == 1:
        return layers[0]
    if kind in layers:
        return kind
    raise UnknownLayerError(
        f"'{path.name}' heeft meerdere lagen ({', '.join(layers)}); kies er één met --laag.",
        bestand=path.name, beschikbaar=layers)


def to_rd(frame: gpd.GeoDataFrame, assume_crs: str | None, name: str, layer: str | None,
          kind: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:28992; a missing CRS is refused unless ``assume_crs`` is given."""
    if frame.crs is not None and frame.crs.is_geographic and _beyond_degrees(frame):
        if assume_crs is None:
            raise CrsError(
                f"'{name}'{_layer(layer)}: de coördinaten passen niet bij {frame.crs.name} "
                f"(grenzen {_bounds(frame)}); een GeoJSON zonder 'crs' geldt als WGS84. Geef "
                "het echte stelsel op met --neem-crs (Python: assume_crs=), bijvoorbeeld "
                "EPSG:28992.", bestand=name, laag=layer, soort=kind, crs=str(frame.crs))
        frame = frame.set_crs(parse_crs(assume_crs), allow_override=True)
    if frame.crs is None:
        if assume_crs is None:
            raise CrsError(
                f"'{name}'{_layer(layer)} heeft geen coördinatenstelsel (CRS). Geef het op "
                "met --neem-crs EPSG:xxxx (Python: assume_crs=), bijvoorbeeld EPSG:28992 "
                "(RD New) of EPSG:4326 (WGS84).", bestand=name, laag=layer, soort=kind)
        frame = frame.set_crs(parse_crs(assume_crs))
    try:
        if CRS.from_user_input(frame.crs) == CRS.from_user_input(RD_CRS):
            return frame.set_crs(RD_CRS, allow_override=True)
        result = frame.to_crs(RD_CRS)
    except Exception as error:  # noqa: BLE001
        raise CrsError(
            f"'{name}'{_layer(layer)}: omzetten van {frame.crs} naar {RD_CRS} mislukt: "
            f"{_short(error)}", bestand=name, laag=layer, soort=kind) from error
    if len(result) and not np.isfinite(result.total_bounds).all():
        raise CrsError(
            f"'{name}'{_layer(layer)}: omzetten van {frame.crs} naar {RD_CRS} geeft ongeldige "
            "coördinaten. Klopt het coördinatenstelsel? Gebruik eventueel --neem-crs.",
            bestand=name, laag=layer, soort=kind, crs=str(frame.crs))
    return result


def _beyond_degrees(frame: gpd.GeoDataFrame) -> bool:
    xmin, ymin, xmax, ymax = frame.total_bounds
    return bool(min(xmin, ymin) < -180 or xmax > 180 or ymax > 90 or ymin < -90)


def _bounds(frame: gpd.GeoDataFrame) -> str:
    return ", ".join(f"{v:.0f}" for v in frame.total_bounds)


def parse_crs(value: str) -> CRS:
    """A CRS from user input (``EPSG:4326``, ``28992``); Dutch error otherwise."""
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except ProjCRSError as error:
        raise CrsError(f"Onbekend coördinatenstelsel '{value}'. Gebruik bijvoorbeeld EPSG:28992.",
                       crs=str(value)) from error


def _layer(layer: str | None) -> str:
    return f", laag '{layer}'" if layer else ""


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
