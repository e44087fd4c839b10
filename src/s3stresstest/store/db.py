"""Engines and migrations: SQLite pragmas on every connection, Alembic run from the package.

SQLite: journal_mode=WAL, foreign_keys=ON, synchronous=FULL and a busy timeout on every
connection. Writing transactions start with BEGIN IMMEDIATE, so two writers queue on the
busy timeout instead of one failing with "database is locked" when it upgrades a read lock;
read-only transactions (engine option `s3st_readonly`) start with a plain BEGIN.
PostgreSQL: the server's defaults (fsync on, synchronous_commit on).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_URL = "S3ST_DATABASE_URL"
DB_FILE = "s3stresstest.db"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x53335354  # "S3ST": advisory lock key held while migrating


def database_url(url: str | None = None) -> str:
    """`url`, else $S3ST_DATABASE_URL, else sqlite:///<data_dir()>/s3stresstest.db."""
    if url:
        return url
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return env
    from ..regions.datadir import data_dir

    return f"sqlite:///{Path(data_dir()) / DB_FILE}"


def make_engine(url: str) -> Engine:
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_events(engine)
        return engine
    if backend == "postgresql":
        return create_engine(u, pool_pre_ping=True)
    raise ValueError(f"unsupported database '{backend}' (use sqlite:/// or postgresql+psycopg://)")


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        readonly = conn.get_execution_options().get("s3st_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def alembic_config(engine: Engine | None = None, url: str | None = None):
    """An Alembic Config pointing at the migrations inside the package (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` on `engine`'s database."""
    from alembic import command

    with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE serialises concurrent upgrades
        if conn.dialect.name == "postgresql":  # two servers starting at once: one migrates, one waits
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
