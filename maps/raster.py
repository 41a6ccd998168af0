"""Render the class band of a map COG to a PNG image for an embedded (offline) overlay.

The class band (band 2, 1..5 or 1..9, 0 = nodata) is reprojected with nearest
neighbour to Web Mercator, so a Leaflet ``ImageOverlay`` placed on the WGS84 corners
lines up exactly, and coloured with the :mod:`geo.legend` colours the tiles use.
"""

from __future__ import annotations

import base64
import io
import math
import os
from dataclasses import dataclass

import numpy as np
import rasterio
from PIL import Image
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.warp import calculate_default_transform, reproject

from geo.errors import InputFileError
from geo.legend import class_colors

WEB_MERCATOR = "EPSG:3857"
DEFAULT_MAX_PIXELS = 1600
"""Longest side of an embedded overlay; keeps a gemeente's standalone HTML small."""


@dataclass(frozen=True)
class RasterImage:
    """A coloured class raster ready for ``folium.raster_layers.ImageOverlay``.

    Attributes
    ----------
    png : bytes
        Palette PNG with transparency (nodata and class 0 are transparent).
    bounds : list of list of float
        ``[[south, west], [north, east]]`` in WGS84 degrees.
    shape : tuple of int
        ``(rows, cols)`` of the image.
    """

    png: bytes
    bounds: list[list[float]]
    shape: tuple[int, int]

    @property
    def data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``#fd8d3c`` → ``(253, 141, 60)``."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def colorize_classes(classes: np.ndarray, soort: str, alpha: int = 255) -> np.ndarray:
    """RGBA (rows, cols, 4) uint8 image of a class array; unknown classes are transparent."""
    rgba = np.zeros((*classes.shape, 4), dtype=np.uint8)
    for code, colour in class_colors(soort).items():
        hit = classes == code
        rgba[hit, :3] = hex_to_rgb(colour)
        rgba[hit, 3] = alpha
    return rgba


def _palette_png(classes: np.ndarray, soort: str, alpha: int) -> bytes:
    colours = class_colors(soort)
    codes = sorted(colours)
    index = np.zeros(classes.shape, dtype=np.uint8)  # 0 = transparent
    palette = [0, 0, 0]
    transparency = [0]
    for position, code in enumerate(codes, start=1):
        index[classes == code] = position
        palette.extend(hex_to_rgb(colours[code]))
        transparency.append(alpha)
    image = Image.fromarray(index, mode="P")
    image.putpalette(palette + [0, 0, 0] * (256 - len(palette) // 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, transparency=bytes(transparency))
    return buffer.getvalue()


def read_classes_mercator(path: str | os.PathLike[str], *, band: int = 2,
                          max_pixels: int = DEFAULT_MAX_PIXELS,
                          ) -> tuple[np.ndarray, list[list[float]]]:
    """Class band of a COG reprojected (nearest) to Web Mercator, with WGS84 bounds."""
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as error:
        raise InputFileError(f"Kaartbestand {path} is niet leesbaar: {error}",
                             bestand=str(path)) from error
    with src:
        if src.count < band:
            raise InputFileError(
                f"Kaartbestand {path} heeft geen band {band} (klasse); gevonden: {src.count}.",
                bestand=str(path), band=band)
        transform, width, height = calculate_default_transform(
            src.crs, WEB_MERCATOR, src.width, src.height, *src.bounds)
        scale = max(width, height) / max_pixels
        if scale > 1:
            width, height = math.ceil(width / scale), math.ceil(height / scale)
            transform = transform @ transform.scale(scale, scale)
        data = src.read(band)
        data = np.where(np.isfinite(data), data, 0).astype(np.uint8)
        out = np.zeros((height, width), dtype=np.uint8)
        reproject(data, out, src_transform=src.transform, src_crs=src.crs, src_nodata=0,
                  dst_transform=transform, dst_crs=WEB_MERCATOR, dst_nodata=0,
                  resampling=Resampling.nearest)
    west, north = transform @ (0, 0)
    east, south = transform @ (width, height)
    to_wgs84 = Transformer.from_crs(WEB_MERCATOR, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_wgs84.transform([west, east], [south, north])
    return out, [[lat0, lon0], [lat1, lon1]]


def render_class_png(path: str | os.PathLike[str], soort: str, *, alpha: int = 255,
                     max_pixels: int = DEFAULT_MAX_PIXELS) -> RasterImage:
    """The class band of a map COG as a coloured, transparent PNG in Web Mercator.

    Parameters
    ----------
    path : path-like
        A map COG (band 2 = class).
    soort : str
        Map kind, chooses the legend colours (``gelegenheid``, ``risico``, ``gecombineerd``).
    alpha : int
        Opacity 0..255 of coloured cells; opaque by default, the map layer applies
        :data:`geo.legend.MAP_OPACITY` once (like the served tiles), so the legend's
        colours as drawn are what the map shows.
    max_pixels : int
        Longest side of the image; larger rasters are downsampled (nearest).
    """
    classes, bounds = read_classes_mercator(path, max_pixels=max_pixels)
    return RasterImage(_palette_png(classes, soort, alpha), bounds, classes.shape)


def cog_readable(path: os.PathLike[str] | str) -> bool:
    """Quick check that a map COG exists, opens and is not cut short.

    Reads only the header: the last full-resolution block (written last in a COG) must end
    inside the file. A truncated copy (an interrupted transfer, a full disk) fails this
    without reading any pixels, so a page can leave that one map out.
    """
    try:
        size = os.path.getsize(path)
        with rasterio.open(path) as src:
            rows, cols = src.block_shapes[0]
            last = f"{(src.width - 1) // cols}_{(src.height - 1) // rows}"
            for band in range(1, src.count + 1):
                offset = src.get_tag_item(f"BLOCK_OFFSET_{last}", "TIFF", bidx=band)
                length = src.get_tag_item(f"BLOCK_SIZE_{last}", "TIFF", bidx=band)
                if offset is None or length is None or int(offset) + int(length) > size:
                    return False
    except (OSError, rasterio.errors.RasterioError, ValueError):
        return False
    return True
