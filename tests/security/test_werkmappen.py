"""Issue 11 item 8: work folders of killed runs are removed by the next run.

Failure reproduced: a ``kaart gelegenheid`` killed halfway left ``.werk-*`` and
``.bezig-*`` folders in ``kaarten/<gebied>/gelegenheid/`` that no later run removed.
Folders of a process that is still running are never touched.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from geo.atomic import LEGACY_MAX_AGE_S, make_work_dir, remove_stale_work_dirs
from kaart.cli import app

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "geo" / "export" / "tiny_werkmap.py"


def _tiny_werkmap(folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("tiny_werkmap_werkmappen", TINY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_tiny_werkmap(folder)


def _work_folders(werkmap: Path) -> list[Path]:
    return [p for p in werkmap.rglob(".*") if p.is_dir()
            and p.name.startswith((".bezig-", ".werk-"))]


def test_folders_of_a_killed_run_are_removed_by_the_next_run(tmp_path):
    werkmap = _tiny_werkmap(tmp_path / "wm")
    args = ["gelegenheid", "--gemeente", "Vaals", "--celgrootte", "100",
            "--werkmap", str(werkmap)]
    env = {**os.environ, "KAART_GEEN_VOORTGANG": "1"}
    process = subprocess.Popen([sys.executable, "-c", "from kaart.cli import main; main()",
                                *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not any(p.name.startswith(".bezig-") for p in _work_folders(werkmap)):
            assert process.poll() is None, "de run eindigde voordat hij onderbroken kon worden"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    left = _work_folders(werkmap)
    assert left, "een gedode run laat zijn werkmappen achter"
    assert not list(werkmap.glob("kaarten/GM0981/gelegenheid/v*"))

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _work_folders(werkmap) == []
    assert [p.name for p in werkmap.glob("kaarten/GM0981/gelegenheid/v*")] == ["v0001"]


def test_folders_of_running_processes_stay(tmp_path):
    mine = make_work_dir(tmp_path, ".bezig-")  # this test process is alive
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = mine.name.split(".")[1].removeprefix("bezig-")
        start = Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        other = tmp_path / f".werk-{host}.{sleeper.pid}.{start}.abc"
        other.mkdir()
        assert remove_stale_work_dirs(tmp_path) == []
        assert mine.is_dir() and other.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale_work_dirs(tmp_path) == [other]  # its process is gone now
    assert mine.is_dir()


def test_reused_process_id_and_old_unowned_folders(tmp_path):
    mine = make_work_dir(tmp_path, ".bezig-")
    parts = mine.name.split(".")  # ['', 'bezig-<host>', pid, start, hex]
    reused = tmp_path / ".".join([*parts[:3], str(int(parts[3]) + 1), "abc"])  # other start
    reused.mkdir()
    old, new = tmp_path / ".bezig-0123456789abcdef", tmp_path / ".werk-k2j3h4g5"
    old.mkdir()
    new.mkdir()
    past = time.time() - LEGACY_MAX_AGE_S - 60
    os.utime(old, (past, past))
    other_host = tmp_path / f".bezig-andere-server.{os.getpid()}.1.abc"
    other_host.mkdir()
    assert sorted(remove_stale_work_dirs(tmp_path)) == sorted([reused, old])
    assert mine.is_dir() and new.is_dir() and other_host.is_dir()
