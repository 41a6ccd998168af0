"""Issue 11 item 8: a full or read-only disk gives a specific Dutch error and exit code.

Failure reproduced: ``kaart gelegenheid`` on a full disk answered "Interne fout
(CPLE_AppDefinedError: TIFFWriteDirectoryTagData:IO error writing tag data)" with exit 70;
on a read-only werkmap "Interne fout (OSError: [Errno 30] Read-only file system ...)".

How the disk is made full or read-only (the tests run as root, which ignores file modes):

- a werkmap on its own small tmpfs (``mount -t tmpfs -o size=...``, read-only with ``ro``)
  when this machine allows mounting;
- otherwise, for a full disk, a file-size limit (``RLIMIT_FSIZE``) in the subprocess, which
  makes every write beyond it fail with EFBIG; for a read-only werkmap, a werkmap with mode
  555 and the command run without the capabilities that let root ignore file modes
  (``setpriv --bounding-set=-dac_override,-dac_read_search``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from geo.errors import DiskFullError, WriteDeniedError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "geo" / "export" / "tiny_werkmap.py"


@pytest.fixture(scope="module")
def lagen(tmp_path_factory) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("tiny_werkmap_schijf", TINY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("tiny")
    path = module.make_tiny_werkmap(folder) / "invoer" / "lagen.gpkg"
    os.chmod(folder, 0o755)
    for part in path.parents:
        if part == folder:
            break
        os.chmod(part, 0o755)
    os.chmod(path, 0o644)
    return path


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", str(target)], capture_output=True)


@contextmanager
def _read_only_werkmap(tmp_path: Path, method: str) -> Iterator[Path]:
    """An empty werkmap on a read-only tmpfs, or with mode 555 (see the module docstring)."""
    werkmap = tmp_path / f"ro-{uuid.uuid4().hex[:6]}"
    if method == "tmpfs":
        if not _mount(werkmap, "size=1m,ro"):
            pytest.skip("mount -t tmpfs is hier niet toegestaan; de modus-variant test dit")
    else:
        if os.geteuid() == 0 and shutil.which("setpriv") is None:
            pytest.skip("setpriv ontbreekt: als root zijn bestandsrechten niet te testen")
        werkmap.mkdir()
        werkmap.chmod(0o555)
    try:
        yield werkmap
    finally:
        if method == "tmpfs":
            _umount(werkmap)
        else:
            werkmap.chmod(0o755)


def _kaart(args: list[str], *, preexec=None, respect_modes: bool = False):
    env = {**os.environ, "KAART_GEEN_VOORTGANG": "1", "COLUMNS": "400"}
    env.pop("KAART_WERKMAP", None)
    command = [sys.executable, "-c", "from kaart.cli import main; main()", *args]
    if respect_modes and os.geteuid() == 0:
        # root without the capabilities that let it ignore file modes
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          preexec_fn=preexec, timeout=300)


def _gelegenheid(werkmap: Path, lagen: Path, **kw):
    return _kaart(["gelegenheid", "--gemeente", "Vaals", "--celgrootte", "100",
                   "--werkmap", str(werkmap), "--lagen", str(lagen), "--json"], **kw)


def _fault(result) -> dict:
    payload = json.loads(result.stdout)
    assert payload["ok"] is False, payload
    return payload["fout"]


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def _no_leftovers(werkmap: Path) -> None:
    hidden = [p for p in werkmap.rglob(".*") if p.name.startswith((".bezig-", ".werk-"))]
    assert hidden == []


@pytest.mark.parametrize("method", ["tmpfs", "rlimit"])
def test_disk_full_gives_dutch_error_and_exit_code(tmp_path, lagen, method):
    werkmap = tmp_path / f"vol-{uuid.uuid4().hex[:6]}"
    preexec = None
    if method == "tmpfs":
        if not _mount(werkmap, "size=60k"):
            pytest.skip("mount -t tmpfs is hier niet toegestaan; de rlimit-variant test dit")
    else:
        werkmap.mkdir()
        preexec = _limit_file_size
    try:
        result = _gelegenheid(werkmap, lagen, preexec=preexec)
        assert result.returncode == DiskFullError.exit_code == 74, result.stdout + result.stderr
        fault = _fault(result)
        assert fault["code"] == "schijf_vol"
        assert fault["melding"].startswith("Schijf vol bij schrijven van kaarten/GM0981/")
        assert str(werkmap) not in fault["melding"]  # relative to the werkmap
        assert "Interne fout" not in result.stdout + result.stderr
        assert "CPLE" not in fault["melding"]
        _no_leftovers(werkmap)
        assert not list(werkmap.glob("kaarten/GM0981/gelegenheid/v*"))
    finally:
        if method == "tmpfs":
            _umount(werkmap)


@pytest.mark.parametrize("method", ["tmpfs", "modus"])
def test_read_only_werkmap_gives_dutch_error_and_exit_code(tmp_path, lagen, method):
    with _read_only_werkmap(tmp_path, method) as werkmap:
        result = _gelegenheid(werkmap, lagen, respect_modes=method == "modus")
        assert result.returncode == WriteDeniedError.exit_code == 73, result.stdout + result.stderr
        fault = _fault(result)
        assert fault["code"] == "geen_schrijfrechten"
        assert fault["melding"].startswith("Geen schrijfrechten op kaarten")
        assert str(werkmap) not in fault["melding"]
        assert "Interne fout" not in result.stdout + result.stderr


def test_disk_full_on_the_input_layers(tmp_path, lagen):
    """``kaart importeer`` writes invoer/lagen.gpkg through pyogrio/SQLite: same error."""
    werkmap = tmp_path / "import"
    werkmap.mkdir()
    result = _kaart(["importeer", "alle", str(lagen), "--werkmap", str(werkmap), "--json"],
                    preexec=_limit_file_size)
    assert result.returncode == 74, result.stdout + result.stderr
    fault = _fault(result)
    assert fault["code"] == "schijf_vol"
    assert fault["melding"].startswith("Schijf vol bij schrijven van invoer/")


@pytest.mark.parametrize("method", ["tmpfs", "modus"])
def test_read_only_werkmap_for_the_database(tmp_path, method):
    """``kaart gebruiker toevoegen`` creating kaart.db: SQLite only says 'unable to open'."""
    with _read_only_werkmap(tmp_path, method) as werkmap:
        env = {**os.environ, "KAART_GEEN_VOORTGANG": "1"}
        env.pop("KAART_DATABASE_URL", None)
        command = [sys.executable, "-c", "from kaart.cli import main; main()", "gebruiker",
                   "toevoegen", "piet", "--rol", "analist", "--organisatie", "RIEC Test",
                   "--provincie", "Limburg", "--wachtwoord-stdin", "--werkmap", str(werkmap),
                   "--json"]
        if method == "modus" and os.geteuid() == 0:
            command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
        result = subprocess.run(command, cwd=ROOT, env=env, input="Zeer-Lang-Wachtwoord-2026\n",
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 73, result.stdout + result.stderr
        fault = _fault(result)
        assert fault["code"] == "geen_schrijfrechten"
        assert fault["melding"].startswith("Geen schrijfrechten op de werkmap")


def test_read_only_werkmap_still_serves_reading_commands(tmp_path, lagen):
    """Only writes are refused: listing the layers of a read-only werkmap works."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv ontbreekt: als root zijn bestandsrechten niet te testen")
    werkmap = tmp_path / "alleen-lezen"
    (werkmap / "invoer").mkdir(parents=True)
    shutil.copy(lagen, werkmap / "invoer" / "lagen.gpkg")
    for path in [werkmap, werkmap / "invoer", werkmap / "invoer" / "lagen.gpkg"]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        result = _kaart(["lagen", "--werkmap", str(werkmap), "--json"], respect_modes=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout)["ok"] is True
    finally:
        for path in [werkmap, werkmap / "invoer"]:
            path.chmod(0o755)
