"""Engines and migrations: SQLite pragmas on every connection, Alembic run from the package.

SQLite: journal_mode=WAL, foreign_keys=ON, synchronous=FULL and a busy timeout on every
connection. Writing transactions start with BEGIN IMMEDIATE, so two writers queue on the
busy timeout instead of one failing with "database is locked" when it upgrades a read lock;
read-only transactions (engine option `s3st_readonly`) start with a plain BEGIN.
PostgreSQL: the server's defaults (fsync on, synchronous_commit on).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

if TYPE_CHECKING:
    from alembic.config import Config

ENV_URL = "S3ST_DATABASE_URL"
DB_FILE = "s3stresstest.db"
BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 20  # connections kept open per process (the web server runs requests on 40 threads)
POOL_OVERFLOW = 20
PING_AFTER_IDLE_S = 5.0  # PostgreSQL: check a pooled connection that was idle longer than this
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
        kw = {} if u.database in (None, "", ":memory:") else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kw)
        _sqlite_events(engine)
        return engine
    if backend == "postgresql":
        # The web server runs saves on up to 40 threads: a pool smaller than that makes threads hand
        # connections around, and overflow connections are closed on return (a new connection, with
        # its authentication, for many requests). Keep enough of them open.
        engine = create_engine(u, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        _ping_when_idle(engine)
        return engine
    raise ValueError(f"unsupported database '{backend}' (use sqlite:/// or postgresql+psycopg://)")


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for a connection that sat idle in the pool for a while: a ping is a
    round trip to the server on every checkout (two per saved page), and under load a connection
    that was used a moment ago is alive. A dead one is replaced before it is handed out."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: ConnectionPoolEntry) -> None:
        record.info["s3st_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("s3st_used", 0.0) < PING_AFTER_IDLE_S:
            return
        try:
            cur = dbapi_conn.cursor()
            try:
                cur.execute("SELECT 1")
            finally:
                cur.close()
            dbapi_conn.rollback()
        except Exception as exc:
            raise DisconnectionError() from exc


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("s3st_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
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


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
