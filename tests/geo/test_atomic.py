"""Atomic files and versioned run directories."""

import os
import stat

import pytest

from geo.atomic import VersionedDir, atomic_file, latest_version, list_versions


def test_versioned_dir_numbers_versions_and_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        for _ in range(2):
            with VersionedDir(tmp_path / "run") as run:
                (run.path / "kaart.tif").write_bytes(b"x")
    finally:
        os.umask(old)
    assert [p.name for p in list_versions(tmp_path / "run")] == ["v0001", "v0002"]
    assert latest_version(tmp_path / "run") == run.final
    assert stat.S_IMODE(run.final.stat().st_mode) == 0o755


def test_failed_run_leaves_previous_version_and_no_temporary_dir(tmp_path):
    with VersionedDir(tmp_path / "run") as run:
        (run.path / "a.txt").write_text("eerste")
    with pytest.raises(RuntimeError), VersionedDir(tmp_path / "run") as failed:
        (failed.path / "a.txt").write_text("half")
        raise RuntimeError("mislukt halverwege")
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["v0001"]
    assert (run.final / "a.txt").read_text() == "eerste"
    assert failed.final is None


def test_atomic_file_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "plan.csv"
    target.write_text("oud")
    with pytest.raises(ValueError), atomic_file(target) as tmp:
        tmp.write_text("nieuw maar half")
        raise ValueError("schrijven mislukt")
    assert target.read_text() == "oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]
    with atomic_file(target) as tmp:
        tmp.write_text("nieuw")
    assert target.read_text() == "nieuw"
