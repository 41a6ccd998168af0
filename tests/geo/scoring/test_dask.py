"""The same windows on a Dask cluster give exactly the single-process result."""

import numpy as np
import pytest
from gelegenheid_factories import synthetic_layers
from numpy.testing import assert_array_equal

from geo.scoring import compute_gelegenheid, load_gelegenheid_config
from geo.scoring.grid import Grid
from geo.scoring.passes import relax_malloc

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client


# The engine rasterises in pixel space with an identity transform and silences rasterio's
# warning about it with warnings.catch_warnings, which is not thread-safe: in a threaded
# worker the warning can slip through.
@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_dask_equals_single_process(client):
    layers = synthetic_layers(extent=6_000, seed=2)
    grid = Grid.from_bounds((0, 0, 6_000, 6_000), 100)
    mask = np.ones(grid.shape, bool)
    mask[:20, :20] = False  # a window without area cells is skipped on both paths
    config = load_gelegenheid_config()
    local = compute_gelegenheid(config, layers, grid, mask, window=20)
    remote = compute_gelegenheid(config, layers, grid, mask, window=20, client=client)
    for name, theme in local.all().items():
        other = remote.all()[name]
        assert_array_equal(theme.raw, other.raw)
        assert_array_equal(theme.norm, other.norm)
        assert_array_equal(theme.score, other.score)
        assert_array_equal(theme.klasse, other.klasse)
        assert theme.breaks == other.breaks
    assert np.isnan(remote.total.score[:20, :20]).all()
    assert all(client.run(relax_malloc).values())  # Linux/glibc: applied in every worker
    assert (remote.total.klasse[mask] > 0).all()
