"""Pass 1 in local worker processes gives exactly the serial result (issue 16 item 4).

Synthetic layers (``gelegenheid_factories``), 100 m cells, small windows so there are
many of them; the pool is forced with ``workers=2`` (by default it starts only above
``LOCAL_POOL_CELLS`` grid cells).
"""

from __future__ import annotations

import numpy as np
import pytest
from gelegenheid_factories import synthetic_layers
from numpy.testing import assert_array_equal

from geo.scoring import compute_gelegenheid, load_gelegenheid_config
from geo.scoring.grid import Grid
from geo.scoring.parallel import LOCAL_POOL_CELLS, local_workers
from geo.scoring.tiled import TiledArray, read_coverage


def _assert_identical(a, b, where=(slice(None),)):
    """Equal arrays (in ``where``)."""
    for name, theme in a.all().items():
        other = b.all()[name]
        for field in ("raw", "norm", "score", "klasse", "domain", "completeness"):
            assert_array_equal(np.asarray(getattr(theme, field))[(..., *where)],
                               np.asarray(getattr(other, field))[(..., *where)],
                               err_msg=f"{name}.{field}")
        if theme.status is not None:
            assert_array_equal(np.asarray(theme.status)[(..., *where)],
                               np.asarray(other.status)[(..., *where)])
        assert theme.breaks == other.breaks and theme.stats == other.stats


@pytest.fixture(scope="module")
def inputs():
    layers = synthetic_layers(extent=6_000, seed=4)
    grid = Grid.from_bounds((0, 0, 6_000, 6_000), 100)
    mask = np.ones(grid.shape, bool)
    mask[:20, :20] = False  # one window without area cells: skipped on every path
    return load_gelegenheid_config(), layers, grid, mask


def test_local_workers_equal_serial_bit_for_bit(inputs, tmp_path):
    config, layers, grid, mask = inputs
    serial = compute_gelegenheid(config, layers, grid, mask, window=20, workers=1)
    pooled = compute_gelegenheid(config, layers, grid, mask, window=20, workers=2)
    _assert_identical(serial, pooled)
    mapped = compute_gelegenheid(config, layers, grid, mask, window=20, workers=2,
                                 workdir=tmp_path / "werk")
    assert isinstance(mapped.themes["havens"].raw, TiledArray)
    _assert_identical(serial, mapped)  # everywhere: outside the tiles they read their fill
    # the window without area cells has no tile (nothing on disk); the coverage file says
    # so, and the COG writers fill it with NaN / class 0 (tests/geo/export/test_cog_source)
    coverage = read_coverage(tmp_path / "werk" / "score.npy")
    assert (0, 20, 0, 20) not in coverage.windows and (0, 20, 20, 40) in coverage.windows
    assert len(coverage.tiles) == (grid.height // 20) * (grid.width // 20) - 1
    assert np.isnan(coverage.fill) and read_coverage(tmp_path / "werk" / "klasse.npy").fill == 0
    assert np.isnan(mapped.total.score[:20, :20]).all()
    assert (mapped.total.klasse[:20, :20] == 0).all()
    assert (mapped.total.klasse[mask] > 0).all()


def test_worker_count_rule():
    assert local_workers(None, LOCAL_POOL_CELLS - 1, jobs=100) == 1  # small area: serial
    assert local_workers(None, LOCAL_POOL_CELLS, jobs=1) == 1  # one window: no pool
    assert 1 <= local_workers(None, LOCAL_POOL_CELLS, jobs=100) <= 100
    assert local_workers(4, 10, jobs=3) == 3
    assert local_workers(1, LOCAL_POOL_CELLS * 10, jobs=100) == 1
