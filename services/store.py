"""The database of a werkmap for workflows that run without the server (the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from api.db.session import open_database
from api.settings import Settings
from geo.paths import Werkmap


@contextmanager
def werkmap_database(werkmap: Werkmap) -> Iterator[sessionmaker[Session]]:
    """A session factory for the werkmap's database (``KAART_DATABASE_URL`` or ``kaart.db``),
    migrated to the newest revision; the engine is closed afterwards."""
    engine, sessions = open_database(Settings(werkmap=werkmap.root).resolved_database_url())
    try:
        yield sessions
    finally:
        engine.dispose()
