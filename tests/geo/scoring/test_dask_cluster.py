"""The engine on a real Dask cluster: ``dask scheduler`` and two ``dask worker`` processes
started here on 127.0.0.1 (random port), as an organisation runs them (README, "Landelijk
draaien en op je eigen Dask-cluster"); the result is bit-identical to the serial run.
Synthetic layers, 100 m cells."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from gelegenheid_factories import synthetic_layers
from numpy.testing import assert_array_equal

from geo.scoring import compute_gelegenheid, load_gelegenheid_config
from geo.scoring.grid import Grid

distributed = pytest.importorskip("distributed")
BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_land.py"


@pytest.fixture
def cluster():
    """The benchmark's own cluster starter (one way to start and stop it)."""
    spec = importlib.util.spec_from_file_location("bench_land", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    address, procs = bench.start_cluster(2, "1GB")
    try:
        with distributed.Client(address, timeout="60s") as client:
            yield client
    finally:
        bench.stop_cluster(procs)


@pytest.mark.slow
def test_real_scheduler_and_workers_give_the_serial_result(cluster):
    layers = synthetic_layers(extent=5_000, seed=5)
    grid = Grid.from_bounds((0, 0, 5_000, 5_000), 100)
    mask = np.ones(grid.shape, bool)
    config = load_gelegenheid_config()
    serial = compute_gelegenheid(config, layers, grid, mask, window=20, workers=1)
    remote = compute_gelegenheid(config, layers, grid, mask, window=20, client=cluster)
    workers = {info["id"] for info in cluster.scheduler_info()["workers"].values()}
    assert len(workers) == 2
    for name, theme in serial.all().items():
        other = remote.all()[name]
        for field in ("raw", "norm", "score", "klasse", "domain"):
            assert_array_equal(getattr(theme, field), getattr(other, field), err_msg=name)
        assert theme.breaks == other.breaks
