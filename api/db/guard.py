"""Database loss is detected, never papered over with a new empty database.

* At start (:func:`guard_database`): a SQLite file that kaart created before (listed in
  ``<werkmap>/.databases.json``) but that is gone now → :class:`DatabaseLostError`; kaart
  does not create an empty one in its place.
* While running (every connection checkout, so every request, write, audit record and
  health check): SQLite — the file still exists and has the inode (device, inode) it had
  when opened; PostgreSQL — the ``audit`` table still has the object id it had. Otherwise
  :class:`DatabaseLostError` (HTTP 503) and one Dutch error line in the log; nothing is
  written to a deleted file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, event, text

from geo.atomic import write_text_atomic
from geo.errors import KaartError

MARKER = ".databases.json"
_LOG = logging.getLogger("kaart.database")
_LOCK = threading.Lock()


class DatabaseLostError(KaartError):
    """The database the service opened is gone or replaced (HTTP 503)."""

    code = "database_kwijt"
    exit_code = 69  # sysexits EX_UNAVAILABLE


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine (``None`` for other databases and ``:memory:``)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).resolve()


def _known(root: Path) -> dict[str, str]:
    try:
        return json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def refuse_lost_database(engine: Engine, root: Path) -> None:
    """Before opening: refuse a SQLite database that existed but is gone."""
    path = sqlite_path(engine)
    if path is None or path.exists():
        return
    created = _known(root).get(str(path))
    if created is not None:
        raise DatabaseLostError(
            f"De database {path.name} (aangemaakt {created}) bestaat niet meer. kaart maakt "
            f"geen lege nieuwe database aan, want dan zijn gebruikers, tokens en de auditlog "
            f"weg. Zet een back-up terug, of verwijder de regel in {root / MARKER} als je "
            f"bewust opnieuw begint.", database=path.name)


def remember_database(engine: Engine, root: Path) -> None:
    """After opening: note the SQLite file in the werkmap's marker."""
    path = sqlite_path(engine)
    if path is None or not path.exists():
        return
    with _LOCK:
        known = _known(root)
        if str(path) not in known:
            known[str(path)] = datetime.now(UTC).isoformat(timespec="seconds")
            write_text_atomic(root / MARKER, json.dumps(known, indent=1, sort_keys=True))


def _identity(engine: Engine, connection) -> tuple:
    path = sqlite_path(engine)
    if path is not None:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    if engine.dialect.name == "postgresql":
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT to_regclass('audit')::oid")
            return (cursor.fetchone()[0],)
        finally:
            cursor.close()
    return ()


def watch(engine: Engine) -> None:
    """Check the database's identity before every new connection and on every checkout."""
    with engine.connect() as connection:
        expected = _identity(engine, connection.connection.dbapi_connection)
    lost = threading.Event()

    def _refuse() -> None:
        if not lost.is_set():
            lost.set()
            _LOG.error("Database kwijt: %s is verwijderd of vervangen sinds de start; de dienst "
                       "weigert schrijven en inloggen (503) tot de database terug is en de "
                       "dienst opnieuw is gestart.", engine.url.render_as_string())
        raise DatabaseLostError(
            "De database is verwijderd of vervangen terwijl de dienst draaide; niets wordt "
            "opgeslagen. Neem contact op met de beheerder.")

    path = sqlite_path(engine)
    if path is not None:
        @event.listens_for(engine, "do_connect")
        def _before_connect(*_args) -> None:  # SQLite would create a new empty file
            try:
                if _identity(engine, None) != expected:
                    _refuse()
            except OSError:
                _refuse()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, _record, _proxy) -> None:
        try:
            found = _identity(engine, dbapi_connection)
        except OSError:
            found = None
        if found != expected:
            _refuse()


def ping(engine: Engine) -> None:
    """One cheap query through the guard (for ``/gezond``)."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
