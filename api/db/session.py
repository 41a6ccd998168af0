"""Engine and session factory (built by ``create_app``/the CLI, never at import)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def open_database(url: str, migrate: bool = True, werkmap: Path | None = None,
                  ) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and session factory for ``url``, migrated to the newest revision.

    With ``werkmap`` (the service and every CLI command pass it) the database is guarded
    (:mod:`api.db.guard`): a SQLite file that existed but is gone is refused instead of
    silently recreated empty, and every connection checks it is still the one opened.
    """
    from api.db.guard import refuse_lost_database, remember_database, watch
    from api.db.migrate import upgrade

    engine = make_engine(url)
    try:
        if werkmap is not None:
            refuse_lost_database(engine, werkmap)
        if migrate:
            upgrade(engine)
        if werkmap is not None:
            remember_database(engine, werkmap)
            watch(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine, make_sessionmaker(engine)
