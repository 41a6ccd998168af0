"""COG writer: valid COGs (tiled, overviews), bands, nodata, descriptions and tags."""

import json

import numpy as np
import pytest
import rasterio
from affine import Affine
from numpy.testing import assert_allclose, assert_array_equal
from rio_cogeo.cogeo import cog_validate

from geo.errors import OutputError
from geo.export.cog import write_cog, write_map_cog, write_uitleg_cog
from geo.scoring.grid import Grid


def _grid(rows, cols, cellsize=25.0):
    return Grid(Affine(cellsize, 0, 190_000, 0, -cellsize, 320_000), (rows, cols))


def _score(rows, cols):
    score = np.linspace(0, 1, rows * cols, dtype="float32").reshape(rows, cols)
    score[:, :5] = np.nan  # outside the area
    klasse = np.clip(np.ceil(score * 5), 1, 5)
    return score, np.nan_to_num(klasse).astype("uint8")


def test_map_cog_is_valid_tiled_with_overviews(tmp_path):
    grid = _grid(1100, 1300)
    score, klasse = _score(*grid.shape)
    path = write_map_cog(tmp_path / "gelegenheidskaart.tif", score, klasse, grid,
                         soort="gelegenheid", thema="totaal", gebied_id="GM0981",
                         synthetisch=True, breaks=[0.2, 0.4, 0.6, 0.8])
    valid, errors, warnings = cog_validate(path, quiet=True)
    assert valid, errors
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 28992
        assert src.transform == grid.transform
        assert src.block_shapes[0] == (512, 512)
        assert src.overviews(1) == [2, 4]
        assert src.profile["compress"].lower() == "deflate"
        assert src.descriptions == ("score", "klasse")
        assert np.isnan(src.nodata)
        tags = src.tags()
        assert tags["KAART_SOORT"] == "gelegenheid"
        assert tags["KAART_THEMA"] == "totaal"
        assert tags["GEBIED_ID"] == "GM0981"
        assert tags["SYNTHETISCH"] == "ja"
        assert json.loads(tags["KLASSEGRENZEN"]) == [0.2, 0.4, 0.6, 0.8]
        assert src.tags(2)["KLASSE_NODATA"] == "0"
        band1 = src.read(1)
        band2 = src.read(2).astype("uint8")
    assert_allclose(band1, score, equal_nan=True)
    assert_array_equal(band2[:, :5], 0)
    assert_array_equal(band2, klasse)


def test_uitleg_cog_bands(tmp_path):
    grid = _grid(4, 3)
    raw = np.arange(2 * 12, dtype="float32").reshape(2, 4, 3)
    norm = raw / 23.0
    path = write_uitleg_cog(tmp_path / "uitleg_havens.tif", raw, norm, ["a", "b"], grid,
                            thema="havens", gebied_id="GM0981", synthetisch=False,
                            weights=[2.0, 1.0])
    valid, errors, _ = cog_validate(path, quiet=True)
    assert valid, errors
    with rasterio.open(path) as src:
        assert src.count == 4
        assert src.descriptions == ("ruw:a", "ruw:b", "norm:a", "norm:b")
        assert src.tags(3)["GEWICHT"] == "2"
        assert src.tags()["SYNTHETISCH"] == "nee"
        assert_allclose(src.read(2), raw[1])
        assert_allclose(src.read(4), norm[1])


def test_write_cog_refuses_wrong_shape_and_keeps_old_file(tmp_path):
    grid = _grid(4, 3)
    target = tmp_path / "a.tif"
    write_cog(target, np.ones((4, 3)), grid, descriptions=["score"])
    before = target.read_bytes()
    with pytest.raises(OutputError, match="vorm"):
        write_cog(target, np.ones((3, 3)), grid, descriptions=["score"])
    with pytest.raises(OutputError, match="bandbeschrijvingen"):
        write_cog(target, np.ones((2, 4, 3)), grid, descriptions=["score"])
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tif"]
