"""Shared fixtures: small hand-made instruments and response files."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3stresstest.instrument import Sheet, instrument_from_workbook

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def small_workbook() -> dict:
    """Two blocks, four scored items, one profile item, one open question, two languages."""
    return {
        "settings": Sheet(
            ["form_title", "form_id", "version"], [{"form_title": "Tiny", "form_id": "tiny", "version": "2"}]
        ),
        "blocks": Sheet(
            ["name", "label::English (en)", "label::Deutsch (de)"],
            [
                {"name": "b1", "label::English (en)": "Design", "label::Deutsch (de)": "Gestaltung"},
                {"name": "b2", "label::English (en)": "Impact", "label::Deutsch (de)": "Wirkung"},
            ],
        ),
        "survey": Sheet(
            ["type", "name", "label::English (en)", "label::Deutsch (de)", "block"],
            [
                {"type": "integer", "name": "years", "label::English (en)": "Years", "label::Deutsch (de)": "Jahre"},
                {"type": "begin_group", "name": "g1", "label::English (en)": "Block 1"},
                {"type": "select_one yn", "name": "q1", "label::English (en)": "Q1", "block": "b1"},
                {"type": "select_one yn", "name": "q2", "label::English (en)": "Q2", "block": "b1"},
                {"type": "select_multiple forms", "name": "q3", "label::English (en)": "Q3", "block": "b1"},
                {"type": "end_group"},
                {"type": "select_one yn", "name": "q4", "label::English (en)": "Q4", "block": "b2"},
                {"type": "note", "name": "n1", "label::English (en)": "Thanks"},
                {"type": "text", "name": "open1", "label::English (en)": "Good practice?"},
            ],
        ),
        "choices": Sheet(
            ["list_name", "name", "label::English (en)", "score"],
            [
                {"list_name": "yn", "name": "yes", "label::English (en)": "Yes", "score": "100"},
                {"list_name": "yn", "name": "partly", "label::English (en)": "Partly", "score": "50"},
                {"list_name": "yn", "name": "no", "label::English (en)": "No", "score": "0"},
                {"list_name": "yn", "name": "dk", "label::English (en)": "Don't know"},
                {"list_name": "forms", "name": "a", "label::English (en)": "A", "score": "40"},
                {"list_name": "forms", "name": "b", "label::English (en)": "B", "score": "40"},
                {"list_name": "forms", "name": "c", "label::English (en)": "C", "score": "40"},
                {"list_name": "forms", "name": "dk", "label::English (en)": "Don't know"},
            ],
        ),
    }


@pytest.fixture
def tiny_book():
    return small_workbook()


@pytest.fixture
def tiny_instrument():
    return instrument_from_workbook(small_workbook(), source="tiny")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real reference data beside the checkout (`../shared/data`); CI always has it.

    Missing data fails the test rather than skipping it: a skipped test would hide a gap.
    """
    assert SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA} (expected ../shared/data)"
    return SHARED_DATA


# --- Storage (s3stresstest.store): every storage test runs on SQLite and PostgreSQL ----------
#
# `store` / `store_url` are parametrized over `sqlite` (a fresh file in tmp_path) and `postgres`
# (a fresh database per test, copied from a template already migrated to head, on the throwaway
# server of tests/pg.py, or on $S3ST_TEST_POSTGRES_URL). `empty_db_url` gives a database with no
# tables at all. When PostgreSQL cannot start, the postgres tests FAIL with the reason: never skip.

# tests/ is on sys.path through pytest's `pythonpath = ["tests"]` (pyproject.toml).
import pg as _pg  # noqa: E402

_PG_TEMPLATE: dict = {}


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started once, stopped at session end)."""
    try:
        return _pg.server()
    except _pg.PgUnavailable as exc:
        reason = str(exc)
    pytest.fail(f"PostgreSQL is required for the storage tests and is not available:\n{reason}", pytrace=False)


def _pg_template(srv) -> str:
    """A database migrated to head, copied for each test (CREATE DATABASE ... TEMPLATE)."""
    if "name" not in _PG_TEMPLATE:
        from s3stresstest.store import Store

        name = srv.new_database()
        Store.open(srv.url(name)).close()
        _PG_TEMPLATE["name"] = name
    return _PG_TEMPLATE["name"]


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    """URL of a fresh database with the schema at head (no rows)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    srv = request.getfixturevalue("pg_server")
    name = srv.new_database(template=_pg_template(srv))
    yield srv.url(name)
    srv.drop_database(name)


@pytest.fixture
def store(store_url):
    """An open `Store` on a fresh database (SQLite and PostgreSQL)."""
    from s3stresstest.store import Store

    st = Store.open(store_url)
    yield st
    st.close()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db_url(request, tmp_path):
    """URL of an empty database: no tables, no migrations run."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    srv = request.getfixturevalue("pg_server")
    name = srv.new_database()
    yield srv.url(name)
    srv.drop_database(name)


def pytest_sessionfinish(session, exitstatus):
    _pg.stop()


# --- Markers: `make test-fast` runs -m "not postgres and not browser and not slow" ---------------


def pytest_collection_modifyitems(config, items):
    """Mark tests that need a PostgreSQL server or Chromium, so a quick run can leave them out.

    `postgres`: the `postgres` case of the parametrized `store` / `store_url` / `empty_db_url`
    fixtures (its id says "postgres") and every test that asks for `pg_server` itself.
    `browser`: every test in a module that drives Chromium, i.e. imports `launch_chromium` (the
    only way the tests start a browser). `slow` is set by hand in the test modules.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        if "pg_server" in getattr(item, "fixturenames", ()) or (callspec is not None and "postgres" in callspec.id):
            item.add_marker(pytest.mark.postgres)
        if getattr(getattr(item, "module", None), "launch_chromium", None) is not None:
            item.add_marker(pytest.mark.browser)
