"""Atomic outputs: a failed or interrupted write never leaves a half-written file.

Files are written to a temporary sibling and moved into place with ``os.replace``;
a run's outputs go to a temporary directory that is renamed to the next version
(``v0001``, ``v0002``, ...) only when everything in it is complete.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import OutputError

_VERSION = re.compile(r"^v(\d{4,})$")


@contextmanager
def atomic_file(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place on success.

    Examples
    --------
    >>> with atomic_file(tmp / "plan.csv") as tmp_path:  # doctest: +SKIP
    ...     frame.to_csv(tmp_path)
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # let the writer create it (some drivers refuse to overwrite)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(f"Uitvoer {target.name} is niet geschreven.", pad=str(target))
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the path."""
    with atomic_file(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def list_versions(parent: str | os.PathLike[str]) -> list[Path]:
    """Complete version directories under ``parent``, oldest first."""
    parent = Path(parent)
    if not parent.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in parent.iterdir() if (m := _VERSION.match(p.name))]
    return [p for _, p in sorted(found)]


def latest_version(parent: str | os.PathLike[str]) -> Path | None:
    """The newest complete version directory under ``parent``, or ``None``."""
    versions = list_versions(parent)
    return versions[-1] if versions else None


class VersionedDir:
    """Build a new version of a run directory atomically.

    Use as a context manager: write everything into :attr:`path` (a hidden temporary
    directory); on a clean exit it is renamed to the next free ``vNNNN`` and
    :attr:`final` is set. On an exception the temporary directory is removed and
    the previous versions are untouched.
    """

    def __init__(self, parent: str | os.PathLike[str]) -> None:
        self.parent = Path(parent)
        self.path: Path | None = None
        self.final: Path | None = None

    def __enter__(self) -> VersionedDir:
        self.parent.mkdir(parents=True, exist_ok=True)
        # mkdir (not mkdtemp, which forces 0700) so the run directory follows the umask
        # and a server running as another user of the group can read the outputs.
        self.path = self.parent / f".bezig-{uuid.uuid4().hex}"
        self.path.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.path is None:
            return
        if exc_type is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        for _ in range(100):
            versions = list_versions(self.parent)
            number = int(versions[-1].name[1:]) + 1 if versions else 1
            candidate = self.parent / f"v{number:04d}"
            try:
                os.rename(self.path, candidate)  # fails if a concurrent run took the name
            except OSError:
                continue
            self.final = candidate
            return
        shutil.rmtree(self.path, ignore_errors=True)
        raise OutputError(f"Geen nieuwe versie aan te maken in {self.parent}.")
