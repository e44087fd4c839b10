"""Alembic migrations: `upgrade head` on an empty database gives exactly the models' schema.

Runs on SQLite and PostgreSQL (`empty_db_url` in tests/conftest.py).
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from s3stresstest.store import Store
from s3stresstest.store.db import alembic_config, current_revision, head_revision, make_engine
from s3stresstest.store.models import Base


def schema_diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_head_on_empty_database_matches_the_models(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        assert inspect(engine).get_table_names() == []
        assert current_revision(engine) is None
        command.upgrade(alembic_config(url=empty_db_url), "head")  # what `alembic upgrade head` runs
        assert current_revision(engine) == head_revision()
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        cfg = alembic_config(url=empty_db_url)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_store_open_migrates_and_installs_the_audit_triggers(empty_db_url):
    st = Store.open(empty_db_url)
    try:
        assert current_revision(st.engine) == head_revision()
        with st.engine.connect() as conn:
            if st.backend == "postgresql":
                names = set(
                    conn.execute(
                        text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal")
                    ).scalars()
                )
                assert names == {"audit_log_append_only", "audit_log_no_truncate"}
            else:
                sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
                names = set(conn.execute(text(sql)).scalars())
                assert names == {"audit_log_no_update", "audit_log_no_delete"}
    finally:
        st.close()


def test_a_database_ahead_of_the_code_is_refused(empty_db_url):
    st = Store.open(empty_db_url)
    with st.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    st.close()
    with pytest.raises(Exception, match="ffff_future"):
        Store.open(empty_db_url)
