import io

import numpy as np
import pytest
from kaart_testdata import CELL, ORIGINS, expected_class, write_test_cog
from numpy.testing import assert_allclose
from PIL import Image
from pyproj import Transformer

from geo.errors import InputFileError
from geo.legend import CLASS_COLORS, RISK_COLORS
from maps.raster import colorize_classes, hex_to_rgb, render_class_png


def test_hex_to_rgb():
    assert hex_to_rgb("#fd8d3c") == (253, 141, 60)


def test_colorize_classes_uses_legend_and_transparent_nodata():
    rgba = colorize_classes(np.array([[0, 1], [5, 9]]), "risico", alpha=180)
    assert tuple(rgba[0, 1]) == (*hex_to_rgb(RISK_COLORS[1]), 180)
    assert tuple(rgba[1, 0]) == (*hex_to_rgb(RISK_COLORS[5]), 180)
    assert rgba[0, 0, 3] == 0 and rgba[1, 1, 3] == 0


def _pixel(image, bounds, lon, lat):
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (s, w), (n, e) = bounds
    x0, y0 = to_merc.transform(w, s)
    x1, y1 = to_merc.transform(e, n)
    x, y = to_merc.transform(lon, lat)
    col = int((x - x0) / (x1 - x0) * image.width)
    row = int((y1 - y) / (y1 - y0) * image.height)
    return image.getpixel((col, row))


@pytest.mark.parametrize("row,col", [(32, 5), (10, 20), (50, 40), (60, 62)])
def test_png_colour_at_a_cell_is_its_class_colour(tmp_path, row, col):
    path = tmp_path / "k.tif"
    write_test_cog(path, "GM0981", "gelegenheid", "totaal")
    image_info = render_class_png(path, "gelegenheid", alpha=200)
    image = Image.open(io.BytesIO(image_info.png)).convert("RGBA")
    x0, y1 = ORIGINS["GM0981"]
    x, y = x0 + (col + 0.5) * CELL, y1 - (row + 0.5) * CELL
    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x, y)
    expected = (*hex_to_rgb(CLASS_COLORS[expected_class(col)]), 200)
    assert _pixel(image, image_info.bounds, lon, lat) == expected


def test_png_nodata_corner_is_transparent_and_bounds_are_wgs84(tmp_path):
    path = tmp_path / "k.tif"
    write_test_cog(path, "GM0981", "gelegenheid", "totaal")
    info = render_class_png(path, "gelegenheid")
    image = Image.open(io.BytesIO(info.png)).convert("RGBA")
    x0, y1 = ORIGINS["GM0981"]
    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(
        x0 + 1.5 * CELL, y1 - 1.5 * CELL)
    assert _pixel(image, info.bounds, lon, lat)[3] == 0
    (s, w), (n, e) = info.bounds
    # Vaals lies near 50.77 N, 6.0 E
    assert_allclose([s, n], [50.74, 50.82], atol=0.05)
    assert_allclose([w, e], [5.97, 6.08], atol=0.06)
    assert info.data_url.startswith("data:image/png;base64,")


def test_downsampling_limits_image_size(tmp_path):
    path = tmp_path / "k.tif"
    write_test_cog(path, "GM0981", "gelegenheid", "totaal")
    info = render_class_png(path, "gelegenheid", max_pixels=20)
    assert max(info.shape) <= 20


def test_unreadable_raster_names_file(tmp_path):
    bad = tmp_path / "kapot.tif"
    bad.write_text("geen tiff")
    with pytest.raises(InputFileError, match="kapot.tif"):
        render_class_png(bad, "gelegenheid")
