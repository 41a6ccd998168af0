"""A tiled work array (geo.scoring.tiled) reads exactly like the array of a run in memory:
its fill outside the stored windows, the same values and memory layout inside them."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from geo.scoring.tiled import TiledArray, read_coverage

SHAPE, TILE = (45, 70), 16  # partial tiles at the bottom and the right


def _windows(rng):
    wins = [(slice(r, min(r + TILE, SHAPE[0])), slice(c, min(c + TILE, SHAPE[1])))
            for r in range(0, SHAPE[0], TILE) for c in range(0, SHAPE[1], TILE)]
    keep = rng.random(len(wins)) < 0.6
    keep[-1] = True  # the partial corner tile
    return [w for w, k in zip(wins, keep, strict=True) if k]


@pytest.fixture(params=[None, "file"])
def pair(request, tmp_path):
    rng = np.random.default_rng(5)
    windows = _windows(rng)
    path = tmp_path / "a.npy" if request.param else None
    tiled = TiledArray.create(path, 3, SHAPE, np.float32, np.nan, windows, TILE)
    expected = np.full((3, *SHAPE), np.nan, np.float32)
    for rows, cols in windows:
        block = rng.random((3, rows.stop - rows.start, cols.stop - cols.start), np.float32)
        tiled[:, rows, cols] = expected[:, rows, cols] = block
    if path is not None:
        tiled = TiledArray.open(path, "r+")
    return tiled, expected, windows


def test_reads_like_the_array_in_memory(pair):
    tiled, expected, windows = pair
    assert tiled.shape == expected.shape and tiled.ndim == 3 and len(tiled) == 3
    assert_array_equal(np.asarray(tiled), expected)
    for key in [(1, slice(3, 40), slice(10, 69)), (slice(None), slice(0, 16), slice(16, 32)),
                (slice(0, 2), slice(44, 45), slice(None)), ([0, 2], slice(5, 30), slice(0, 50)),
                (2, slice(None), slice(None))]:
        assert_array_equal(tiled[key], expected[key], err_msg=str(key))
    band = tiled[2]
    assert band.shape == SHAPE and band.ndim == 2
    assert_array_equal(band[7:33], expected[2, 7:33])
    mask = np.random.default_rng(1).random(SHAPE) < 0.3
    assert_array_equal(band[mask], expected[2][mask])
    assert_array_equal(np.asarray(tiled[1:3]), expected[1:3])
    assert_array_equal([np.asarray(b) for b in tiled], list(expected))


def test_a_window_is_a_view_of_its_tile(pair):
    tiled, _, windows = pair
    rows, cols = windows[0]
    view = tiled[0, rows, cols]
    assert np.shares_memory(view, tiled.tiles)


def test_gather_keeps_the_layout_of_flat_indexing(pair):
    tiled, expected, _ = pair
    cells = np.random.default_rng(2).integers(0, SHAPE[0] * SHAPE[1], 200)
    got = tiled.gather(cells)
    want = expected.reshape(3, -1)[:, cells]
    assert_array_equal(got, want)
    assert got.strides == want.strides and got.dtype == np.float32  # same order of sums
    assert_array_equal(tiled[1].gather(cells), expected[1].reshape(-1)[cells])
    assert tiled[0:0].gather(cells).shape == (0, 200)


def test_cells_outside_the_tiles_cannot_be_written(pair):
    tiled, expected, windows = pair
    stored = {(r.start, c.start) for r, c in windows}
    free = next((r, c) for r in range(0, SHAPE[0], TILE) for c in range(0, SHAPE[1], TILE)
                if (r, c) not in stored)
    with pytest.raises(IndexError, match="buiten de opgeslagen vensters"):
        tiled[0, free[0]:free[0] + 1, free[1]:free[1] + 1] = 1.0
    with pytest.raises(IndexError):
        tiled[0, ::2, :] = 1.0


def test_coverage_file_and_keep(tmp_path):
    windows = [(slice(0, 16), slice(16, 32)), (slice(32, 45), slice(64, 70))]
    tiled = TiledArray.create(tmp_path / "s.npy", 2, SHAPE, np.uint8, 0, windows, TILE)
    tiled[1, 32:45, 64:70] = 3
    coverage = read_coverage(tmp_path / "s.npy")
    assert coverage.shape == SHAPE and coverage.tile == TILE and coverage.fill == 0
    assert coverage.windows == ((0, 16, 16, 32), (32, 45, 64, 70)) and coverage.tiles == (0, 1)
    assert tiled.any() and tiled.sum() == 3 * 13 * 6
    assert_array_equal(np.asarray(tiled.any(axis=0)), np.asarray(tiled[1]) > 0)
    kept = tiled.keep([windows[1]])
    assert read_coverage(tmp_path / "s.npy").tiles == (1,)
    assert kept[1, 0:16, 16:32].sum() == 0 and kept[1, 32:45, 64:70].sum() == 3 * 13 * 6
    with pytest.raises(ValueError, match="tegels"):
        TiledArray.create(None, 1, SHAPE, np.uint8, 0, [(slice(8, 16), slice(0, 16))], TILE)
