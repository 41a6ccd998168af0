"""COGs written straight from the engine's tiled work arrays (through a VRT over the
``.npy`` files) are byte-identical to COGs written from the same arrays in memory (issue 16 item 4:
the country's arrays are tens of GB and must not be copied into memory to be written)."""

from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from geo.export.cog import _stored, write_map_cog, write_uitleg_cog
from geo.export.cog_source import file_span, memmap_vrt
from geo.scoring.grid import Grid


def _memmap(path, array, tile=512):
    """``array`` (2-D or 3-D) as a tiled work array on disk with every window stored."""
    from geo.scoring.tiled import TiledArray

    bands = array if array.ndim == 3 else array[None]
    rows, cols = bands.shape[1:]
    windows = [(slice(r, min(r + tile, rows)), slice(c, min(c + tile, cols)))
               for r in range(0, rows, tile) for c in range(0, cols, tile)]
    fill = np.nan if array.dtype.kind == "f" else 0
    mapped = TiledArray.create(path, len(bands), (rows, cols), array.dtype, fill, windows, tile)
    mapped[...] = bands
    return mapped if array.ndim == 3 else mapped[0]


def test_memmap_bands_give_the_same_bytes_as_memory(tmp_path):
    grid = Grid(from_origin(190_000, 310_000, 25, 25), (700, 1100))  # > 512: overviews
    rng = np.random.default_rng(7)
    values = rng.random((3, *grid.shape), dtype=np.float32)
    values[:, :90, :40] = np.nan
    klasse = rng.integers(1, 6, grid.shape).astype(np.uint8)
    klasse[:90, :40] = 0
    mapped, mapped_klasse = _memmap(tmp_path / "a.npy", values), _memmap(tmp_path / "k.npy",
                                                                         klasse)
    assert file_span(mapped[1]) is not None and file_span(values[1]) is None
    tags = dict(soort="gelegenheid", thema="totaal", gebied_id="land-nederland",
                synthetisch=True, breaks=[0.1, 0.2, 0.3, 0.4])
    write_map_cog(tmp_path / "geheugen.tif", values[0], klasse, grid, **tags)
    write_map_cog(tmp_path / "memmap.tif", mapped[0], mapped_klasse, grid, **tags)
    names = ["a", 'b<&"x']  # hostile text in descriptions and tags is escaped in the VRT
    write_uitleg_cog(tmp_path / "u_geheugen.tif", values[:2], values[1:], names, grid,
                     thema="havens", gebied_id="GM0981", synthetisch=False, weights=[1, 2])
    write_uitleg_cog(tmp_path / "u_memmap.tif", mapped[:2], mapped[1:], names, grid,
                     thema="havens", gebied_id="GM0981", synthetisch=False, weights=[1, 2])
    for a, b in (("geheugen", "memmap"), ("u_geheugen", "u_memmap")):
        assert (tmp_path / f"{a}.tif").read_bytes() == (tmp_path / f"{b}.tif").read_bytes()
    with rasterio.open(tmp_path / "memmap.tif") as src:
        assert src.overviews(1) == [2, 4] and src.dtypes == ("float32", "float32")
        assert np.array_equal(src.read(2), klasse.astype(np.float32))
    with rasterio.open(tmp_path / "u_memmap.tif") as src:
        assert src.descriptions[1] == 'ruw:b<&"x' and src.overviews(1) == []
        assert np.array_equal(src.read(4), values[2], equal_nan=True)
    assert not list(tmp_path.glob(".vrt-*")) and not list(tmp_path.glob("*.vrt"))


def test_klasse_outside_the_area_is_still_zeroed_from_memmaps(tmp_path):
    grid = Grid(from_origin(0, 100, 10, 10), (10, 10))
    score = np.full(grid.shape, 0.5, np.float32)
    score[0] = np.nan
    klasse = _memmap(tmp_path / "k.npy", np.full(grid.shape, 3, np.uint8))  # 3 outside too
    write_map_cog(tmp_path / "k.tif", _memmap(tmp_path / "s.npy", score), klasse, grid,
                  soort="gelegenheid", thema="totaal", gebied_id="GM0981", synthetisch=True,
                  breaks=[0.1, 0.2, 0.3, 0.4])
    with rasterio.open(tmp_path / "k.tif") as src:
        assert (src.read(2)[0] == 0).all() and (src.read(2)[1:] == 3).all()


def test_tiled_arrays_give_the_same_bytes_as_memory(tmp_path):
    """The engine stores a large area's arrays as a tile per window with area cells
    (geo.scoring.tiled); a COG written through the VRT over the tiles must say NaN outside
    them for values and 0 for classes, byte for byte as from memory, and a NormalisedView
    of tiled raw bands is stored for GDAL in the windows that hold a value."""
    from geo.scoring.normalise import NormalisedView, fit_stats
    from geo.scoring.tiled import TiledArray

    grid = Grid(from_origin(190_000, 310_000, 25, 25), (700, 1100))
    rng = np.random.default_rng(3)
    values = rng.random((2, *grid.shape), dtype=np.float32)
    klasse = rng.integers(1, 6, grid.shape).astype(np.uint8)
    covered = [(slice(0, 512), slice(512, 1024)), (slice(512, 700), slice(0, 512)),
               (slice(512, 700), slice(1024, 1100))]
    tiled = TiledArray.create(tmp_path / "v.npy", 2, grid.shape, np.float32, np.nan,
                              covered, 512)
    tiled_klasse = TiledArray.create(tmp_path / "k.npy", 1, grid.shape, np.uint8, 0,
                                     covered, 512)
    expected, expected_klasse = np.full_like(values, np.nan), np.zeros_like(klasse)
    for rows, cols in covered:
        tiled[:, rows, cols] = expected[:, rows, cols] = values[:, rows, cols]
        tiled_klasse[0, rows, cols] = expected_klasse[rows, cols] = klasse[rows, cols]
    values[1, 512:700, 1024:1100] = expected[1, 512:700, 1024:1100] = np.nan
    tiled[1, 512:700, 1024:1100] = np.nan  # a window all NaN in band 2 only
    assert np.array_equal(np.asarray(tiled), expected, equal_nan=True)  # reads as in memory
    assert np.array_equal(tiled[0, 500:600, 1000:1050], expected[0, 500:600, 1000:1050],
                          equal_nan=True)
    assert tiled.tiles.shape == (2, 3, 512, 512)  # the area's windows only
    tags = dict(soort="gelegenheid", thema="totaal", gebied_id="land-nederland",
                synthetisch=True, breaks=[0.1, 0.2, 0.3, 0.4])
    write_map_cog(tmp_path / "geheugen.tif", expected[0], expected_klasse, grid, **tags)
    write_map_cog(tmp_path / "memmap.tif", tiled[0], tiled_klasse[0], grid, **tags)
    stats = [fit_stats("minmax", 0.0, 1.0, 10, None, (None, None))]
    view = NormalisedView(tiled[1:], stats)
    write_uitleg_cog(tmp_path / "u_geheugen.tif", expected[:1],
                     np.asarray(view), ["a"], grid,
                     thema="havens", gebied_id="GM0981", synthetisch=False)
    write_uitleg_cog(tmp_path / "u_memmap.tif", tiled[:1], view, ["a"], grid,
                     thema="havens", gebied_id="GM0981", synthetisch=False)
    for a, b in (("geheugen", "memmap"), ("u_geheugen", "u_memmap")):
        assert (tmp_path / f"{a}.tif").read_bytes() == (tmp_path / f"{b}.tif").read_bytes()
    # and they were read in place through the VRT (one source per tile), not copied
    (tmp_path / "vrt").mkdir()
    vrt = memmap_vrt([tiled[0], tiled_klasse[0]], grid, tmp_path / "vrt", descriptions=["a", "b"],
                     tags=None, band_tags=None, nodata=float("nan"))
    assert vrt is not None and vrt.read_text().count("<SimpleSource>") == 2 * 3
    stored = _stored(view, str(tmp_path / "vrt"))
    assert len(stored.coverage.windows) == 2  # the all-NaN window of the view is not kept
    assert np.array_equal(np.asarray(stored), np.asarray(view), equal_nan=True)
    with rasterio.open(tmp_path / "memmap.tif") as src:
        assert np.isnan(src.nodata) and np.isnan(src.read(1)[0, 0])
        assert src.read(2)[0, 0] == 0 and np.array_equal(src.read(2), expected_klasse)


def test_runs_write_with_a_bounded_gdal_cache(monkeypatch):
    """GDAL's default block cache (5% of the memory) made the country's writing phase
    take 3.7 GB; a run writes with WRITE_CACHE_BYTES unless the user sets GDAL_CACHEMAX."""
    from rasterio._env import get_gdal_config

    from geo.export.cog_source import WRITE_CACHE_BYTES, write_cache

    monkeypatch.delenv("GDAL_CACHEMAX", raising=False)
    with write_cache():
        assert int(get_gdal_config("GDAL_CACHEMAX")) == WRITE_CACHE_BYTES
    before = get_gdal_config("GDAL_CACHEMAX")
    monkeypatch.setenv("GDAL_CACHEMAX", "2048")
    with write_cache():
        assert get_gdal_config("GDAL_CACHEMAX") == before != WRITE_CACHE_BYTES  # left to GDAL
