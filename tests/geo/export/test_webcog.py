"""The Web Mercator serving copy: tile-matrix alignment, and tiles read from it equal the RD
COG read with nearest resampling except at cell edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate
from rio_tiler.io import Reader
from scipy.ndimage import maximum_filter, minimum_filter

from api.webtiles import WORLD, read_web_tile, web_levels
from geo.export.cog import write_map_cog
from geo.export.webcog import aligned_levels, web_cog_path, write_web_cog
from geo.scoring.grid import Grid

BOUNDS = (196000.0, 306000.0, 204000.0, 312000.0)  # Vaals, RD New


@pytest.fixture(scope="module")
def cogs(tmp_path_factory):
    """A 25 m map with an independent random class per cell (synthetic): every cell edge is
    a class edge, the worst case for resampling."""
    grid = Grid.from_bounds(BOUNDS, 25.0)
    rng = np.random.default_rng(16)
    score = rng.random(grid.shape).astype("float32")
    score[:30, :40] = np.nan
    klasse = np.digitize(score, [0.2, 0.4, 0.6, 0.8]) + 1
    root = tmp_path_factory.mktemp("webcog")
    rd = write_map_cog(root / "gelegenheidskaart.tif", score, klasse, grid,
                       soort="gelegenheid", thema="totaal", gebied_id="GM0981",
                       synthetisch=True, breaks=[0.2, 0.4, 0.6, 0.8])
    return rd, write_web_cog(rd)


def test_copy_is_a_valid_cog_on_the_tile_matrix(cogs):
    rd, web = cogs
    assert web == web_cog_path(rd) and web.name == "gelegenheidskaart.web.tif"
    assert cog_validate(str(web), quiet=True)[0]
    with rasterio.open(web) as src:
        assert src.crs.to_epsg() == 3857 and src.count == 1
        assert src.dtypes[0] == "uint8" and src.nodata == 0
        assert src.block_shapes == [(256, 256)]
        assert src.overviews(1)[:2] == [2, 4]
    levels = web_levels(str(web))
    native = levels[0]
    # 25 m at 51° N: z12 (38.2 m in EPSG:3857, 24 m on the ground), the first zoom as fine
    assert native.zoom == 12
    assert native.res == pytest.approx(WORLD / 2**12 / 256)
    aligned = levels[:aligned_levels(rd)]
    for level in aligned:  # these levels start on a tile corner of their own zoom
        size = WORLD / 2**level.zoom
        assert (level.x0 + WORLD / 2) / size == pytest.approx(round((level.x0 + WORLD / 2)
                                                                    / size), abs=1e-9)
        assert (WORLD / 2 - level.y0) / size == pytest.approx(round((WORLD / 2 - level.y0)
                                                                    / size), abs=1e-9)
    assert max(levels[-1].width, levels[-1].height) <= 256  # the coarsest fits one tile
    with rasterio.open(web) as src:
        assert set(np.unique(src.read(1))) == {0, 1, 2, 3, 4, 5}


def _reference(rd, z: int, x: int, y: int) -> np.ndarray:
    with Reader(str(rd)) as reader:
        image = reader.tile(x, y, z, tilesize=256, indexes=2, resampling_method="nearest")
    band = image.array[0]
    return np.where(np.ma.getmaskarray(band), 0, np.ma.getdata(band)).astype("uint8")


@pytest.mark.parametrize("dz", [0, 1, 3])
def test_tiles_equal_the_rd_cog_read_nearest_except_at_cell_edges(cogs, dz):
    """Tolerance: the copy resamples twice (RD cell → web pixel at the native zoom, by the
    pixel's centre; web pixel → tile pixel). A tile pixel can differ from reading the RD COG
    directly only when an RD cell edge passes through the native web pixel that holds it,
    i.e. where the reference has another class within one native web pixel (2**dz tile
    pixels) plus one pixel for the half-pixel centre offsets of both paths."""
    import morecantile

    rd, web = cogs
    native = web_levels(str(web))[0].zoom
    z = native + dz
    tms = morecantile.tms.get("WebMercatorQuad")
    radius = 2**dz + 1
    compared = differing = 0
    for lon, lat in [(6.01, 50.76), (6.03, 50.775), (6.045, 50.79)]:
        tile = tms.tile(lon, lat, z)
        ours = read_web_tile(str(web), z, tile.x, tile.y)
        ref = _reference(rd, z, tile.x, tile.y)
        assert ours is not None and ours.shape == ref.shape == (256, 256)
        mismatch = ours != ref
        size = 2 * radius + 1
        near_edge = maximum_filter(ref, size=size) != minimum_filter(ref, size=size)
        assert not (mismatch & ~near_edge).any(), f"z{z}: verschil midden in een cel"
        compared += ref.size
        differing += int(mismatch.sum())
    # a 25 m cell is ~1 native pixel (24 m on the ground), so on this random map edges
    # shift by up to half a native pixel; still most pixels agree
    assert differing / compared < 0.5


def test_zoomed_out_tiles_read_an_overview_not_the_full_raster(cogs):
    rd, web = cogs
    levels = web_levels(str(web))
    for z in range(0, levels[0].zoom):
        tile_x = math.floor((6.03 + 180) / 360 * 2**z)
        lat = math.radians(50.775)
        tile_y = math.floor((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * 2**z)
        codes = read_web_tile(str(web), z, tile_x, tile_y)
        if z >= 7:  # pixels of ≤ 1.2 km: the 8 × 6 km map covers several
            assert codes is not None and codes.any(), z
        if codes is not None:  # below that it may fall between pixel centres
            assert set(np.unique(codes)) <= {0, 1, 2, 3, 4, 5}
