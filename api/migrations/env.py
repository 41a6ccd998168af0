"""Alembic environment: one metadata (api.db.base.Base) for every model module."""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import engine_from_config, pool

from api.db.base import Base

importlib.import_module("api.db.models")
try:  # the planning engineer's models (revision 0002_planning)
    importlib.import_module("api.db.models_planning")
except ModuleNotFoundError as error:  # pragma: no cover - depends on the checkout
    if error.name != "api.db.models_planning":
        raise

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
