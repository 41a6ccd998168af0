"""The engine on a real Dask cluster: ``dask scheduler`` and two ``dask worker`` processes
started here on 127.0.0.1 (random port), as an organisation runs them (README, "Landelijk
draaien en op je eigen Dask-cluster"); the result is bit-identical to the serial run.
Synthetic layers, 100 m cells."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from gelegenheid_factories import synthetic_layers
from numpy.testing import assert_array_equal

from geo.scoring import compute_gelegenheid, load_gelegenheid_config
from geo.scoring.grid import Grid

distributed = pytest.importorskip("distributed")
ROOT = Path(__file__).resolve().parents[3]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cluster():
    dask = str(Path(sys.executable).with_name("dask"))
    port = _port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    procs += [subprocess.Popen([dask, "worker", address, "--host", "127.0.0.1", "--nthreads",
                                "1", "--no-dashboard", "--memory-limit", "1GB"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
              for _ in range(2)]
    try:
        with distributed.Client(address, timeout="60s") as client:
            deadline = time.time() + 90
            while len(client.scheduler_info()["workers"]) < 2 and time.time() < deadline:
                time.sleep(0.3)
            assert len(client.scheduler_info()["workers"]) == 2
            yield client
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


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
