"""Atomic outputs: a failed or interrupted write never leaves a half-written file.

Files are written to a temporary sibling and moved into place with ``os.replace``;
a run's outputs go to a temporary directory that is renamed to the next version
(``v0001``, ``v0002``, ...) only when everything in it is complete.

Work folders (``.bezig-*``, ``.werk-*``) carry the host, process id and process start time
in their name; a killed run leaves its folder behind and the next run in the same place
removes it (:func:`remove_stale_work_dirs`). A write the operating system refuses (disk
full, read-only, no rights) becomes :class:`~geo.errors.DiskFullError` or
:class:`~geo.errors.WriteDeniedError` (:func:`write_failure`), also when GDAL or SQLite
wrapped the cause in their own message.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import DiskFullError, KaartError, OutputError, WriteDeniedError

_VERSION = re.compile(r"^v(\d{4,})$")
_WORK = re.compile(r"^\.(?:bezig|werk)-(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.(?P<start>\d+)"
                   r"\.[0-9a-f]+$")
_LEGACY_WORK = re.compile(r"^\.(?:bezig|werk)-[a-z0-9_]{8,32}$")  # names before owners
LEGACY_MAX_AGE_S = 6 * 3600
"""Work folders without an owner in their name are removed once they are this old."""


@contextmanager
def atomic_file(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; move it into place on success.

    A refused write (disk full, read-only) raises :class:`~geo.errors.DiskFullError` or
    :class:`~geo.errors.WriteDeniedError` naming ``target``.

    Examples
    --------
    >>> with atomic_file(tmp / "plan.csv") as tmp_path:  # doctest: +SKIP
    ...     frame.to_csv(tmp_path)
    """
    target = Path(target)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix,
                                    dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # let the writer create it (some drivers refuse to overwrite)
        yield tmp
        if not tmp.exists():
            raise OutputError(f"Uitvoer {target.name} is niet geschreven.", bestand=str(target))
        os.replace(tmp, target)
    except Exception as error:
        failure = write_failure(error, target)  # before cleaning up: the disk is still full
        if failure is None or failure is error:
            raise
        raise failure from error
    finally:
        if tmp is not None and tmp.exists():
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

    Use as a context manager: write everything into :attr:`path` (a hidden work folder,
    see :func:`make_work_dir`); on a clean exit it is renamed to the next free ``vNNNN``
    and :attr:`final` is set. On an exception the work folder is removed and the previous
    versions are untouched; a refused write names the file as it would have been
    (``<parent>/<file>``), not the work folder.
    """

    def __init__(self, parent: str | os.PathLike[str]) -> None:
        self.parent = Path(parent)
        self.path: Path | None = None
        self.final: Path | None = None

    def __enter__(self) -> VersionedDir:
        self.path = make_work_dir(self.parent, ".bezig-")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.path is None:
            return
        if exc_type is not None:
            failure = write_failure(exc, self.path) if isinstance(exc, Exception) else None
            shutil.rmtree(self.path, ignore_errors=True)
            if failure is not None:
                raise _outside(failure, self.path, self.parent) from exc
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


def _outside(failure: KaartError, work: Path, parent: Path) -> KaartError:
    """``failure`` with a path inside the work folder shown as ``parent/<same name>``."""
    if not isinstance(failure, DiskFullError | WriteDeniedError):
        return failure
    try:
        inside = failure.path.relative_to(work)
    except ValueError:
        return failure
    return type(failure)(parent / inside, reden=failure.reason)


# -- work folders of running commands -------------------------------------------------

def make_work_dir(parent: str | os.PathLike[str], prefix: str = ".werk-") -> Path:
    """Create a hidden work folder in ``parent`` named after this process.

    Stale work folders of killed runs in ``parent`` are removed first. The folder follows
    the umask (unlike ``mkdtemp``, which forces 0700), so a server running as another user
    of the group can read the outputs once the folder becomes a version.
    """
    parent = Path(parent)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_work_dirs(parent)
        path = parent / f"{prefix}{_host()}.{os.getpid()}.{_start_time(os.getpid())}." \
                        f"{uuid.uuid4().hex[:12]}"
        path.mkdir()
    except OSError as error:
        failure = write_failure(error, parent)
        if failure is None:
            raise
        raise failure from error
    return path


@contextmanager
def work_dir(parent: str | os.PathLike[str], prefix: str = ".werk-") -> Iterator[Path]:
    """A work folder (:func:`make_work_dir`) removed when the block ends."""
    path = make_work_dir(parent, prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_stale_work_dirs(parent: str | os.PathLike[str]) -> list[Path]:
    """Remove the work folders in ``parent`` whose process is gone; return them.

    A folder of this host whose process id is not running (or runs a process started at
    another time: the id was reused) is stale. Folders of another host are kept (their
    process cannot be checked from here); folders from before owners were recorded are
    removed when older than :data:`LEGACY_MAX_AGE_S`.
    """
    removed = []
    for path in Path(parent).glob(".*-*"):
        if path.is_dir() and _is_stale(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _is_stale(path: Path) -> bool:
    match = _WORK.match(path.name)
    if match is None:
        if not _LEGACY_WORK.match(path.name):
            return False
        try:
            return time.time() - path.stat().st_mtime > LEGACY_MAX_AGE_S
        except OSError:
            return False
    if match["host"] != _host():
        return False
    pid, start = int(match["pid"]), int(match["start"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        pass
    return bool(start) and _start_time(pid) not in (start, 0)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _start_time(pid: int) -> int:
    """Start time of process ``pid`` in clock ticks since boot (Linux), or 0."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[19])


# -- refused writes ---------------------------------------------------------------------

_FULL_ERRNO = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED_ERRNO = {errno.EROFS, errno.EACCES, errno.EPERM}
_REASONS = {errno.ENOSPC: "geen ruimte meer op de schijf", errno.EDQUOT: "quotum bereikt",
            errno.EFBIG: "maximale bestandsgrootte bereikt",
            errno.EROFS: "alleen-lezen bestandssysteem", errno.EACCES: "toegang geweigerd",
            errno.EPERM: "niet toegestaan"}
_FULL_TEXT = ("no space left", "disk is full", "file too large", "quota exceeded")
_DENIED_TEXT = ("read-only file system", "permission denied", "readonly database")
_IO_MODULES = ("rasterio", "pyogrio", "fiona", "sqlite3", "_sqlite3", "pyarrow", "openpyxl")
MIN_FREE_BYTES = 1 << 20
"""Below this much free space a failed write counts as 'disk full'."""


def write_failure(error: BaseException, path: str | os.PathLike[str], *,
                  writing: bool = True) -> KaartError | None:
    """The specific error for a failed write of ``path``, or ``None`` if not a disk problem.

    Looks at the error chain (an ``OSError`` errno, or the text GDAL, SQLite and libtiff
    put in their own errors), then, for an I/O error that says nothing, at the file system
    of ``path`` (read-only, no rights, less than :data:`MIN_FREE_BYTES` free) and at the
    process's file-size limit (``ulimit -f``). With ``writing=False`` (the error may come
    from reading, as in the command line's last line of defence) only errors that say they
    are about writing count: a read-only werkmap is fine for commands that only read.
    """
    if isinstance(error, DiskFullError | WriteDeniedError):
        return error
    if isinstance(error, KaartError):  # a plain OutputError may wrap the real cause
        if type(error) is not OutputError or error.__cause__ is None:
            return None
        error = error.__cause__
    kind, reason = _from_chain(error)
    if kind is None and (writing and _is_io_error(error) or _says_cannot_create(error)):
        kind, reason = _from_disk(Path(path))
        if kind is None:
            kind, reason = _from_size_limit()
    if kind is None:
        return None
    cls = DiskFullError if kind == "vol" else WriteDeniedError
    return cls(path, reden=reason)


def _from_chain(error: BaseException) -> tuple[str | None, str | None]:
    seen: BaseException | None = error
    while seen is not None:
        # only an OSError's errno: GDAL errors (rasterio CPLE_*) have their own numbers
        number = seen.errno if isinstance(seen, OSError) else None
        if number in _FULL_ERRNO:
            return "vol", _REASONS[number]
        if number in _DENIED_ERRNO:
            return "geweigerd", _REASONS[number]
        text = str(seen).lower()
        if any(part in text for part in _FULL_TEXT):
            return "vol", "geen ruimte meer op de schijf"
        if any(part in text for part in _DENIED_TEXT):
            return "geweigerd", "alleen-lezen of geen rechten"
        seen = seen.__cause__ or seen.__context__
    return None, None


def _is_io_error(error: BaseException) -> bool:
    return isinstance(error, OSError) or type(error).__module__.split(".")[0] in _IO_MODULES


def _says_cannot_create(error: BaseException) -> bool:
    """SQLite's "unable to open database file": creating kaart.db in an unwritable place."""
    seen: BaseException | None = error
    while seen is not None:
        if "unable to open database file" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _from_disk(path: Path) -> tuple[str | None, str | None]:
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        info = os.statvfs(folder)
    except OSError:
        return None, None
    if info.f_flag & os.ST_RDONLY:
        return "geweigerd", _REASONS[errno.EROFS]
    if not os.access(folder, os.W_OK):
        return "geweigerd", _REASONS[errno.EACCES]
    free = info.f_bavail * info.f_frsize
    if free < MIN_FREE_BYTES:
        return "vol", f"nog {free // 1024} kB vrij"
    return None, None


def _from_size_limit() -> tuple[str | None, str | None]:
    """Under a file-size limit (``ulimit -f``) an I/O error while writing is that limit.

    SQLite and libtiff do not pass EFBIG on: a GeoPackage write then fails with a message
    such as "no such table: gpkg_contents", with a file well below the limit on disk.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft == resource.RLIM_INFINITY:
        return None, None
    return "vol", f"{_REASONS[errno.EFBIG]}: {soft} bytes (ulimit -f)"
