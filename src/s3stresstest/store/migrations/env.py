"""Alembic environment: runs on the connection or engine handed over by `store.db`.

Used programmatically (`store.db.upgrade`, `Store.open`, `s3stresstest db upgrade`); with a
plain `alembic` command, pass the URL in the config option `sqlalchemy.url` or $S3ST_DATABASE_URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from s3stresstest.store.db import database_url, make_engine
from s3stresstest.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine: Engine | None = config.attributes.get("engine")
    own = engine is None
    if engine is None:
        engine = make_engine(database_url(config.get_main_option("sqlalchemy.url") or None))
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        if own:
            engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url") or None),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
