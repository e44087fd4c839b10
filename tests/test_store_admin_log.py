"""The admin log: logins, failed logins and admin creation, append-only in the database (SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner
from web_support import sqlite_store  # noqa: F401 - fixture

from s3stresstest.cli import app


def test_logins_and_failed_logins_are_logged_with_name_and_address(store):
    store.create_admin("ana", "a long enough password")
    assert store.verify_admin("ana", "a long enough password", address="10.0.0.7") is not None
    assert store.verify_admin("ana", "wrong", address="10.0.0.8") is None
    assert store.verify_admin("mallory", "guess") is None
    log = store.admin_log()
    assert list(log["event"]) == ["admin_created", "login", "login_failed", "login_failed"]
    assert list(log["admin"]) == ["ana", "ana", "ana", "mallory"]
    assert list(log["address"]) == ["", "10.0.0.7", "10.0.0.8", ""]
    assert "password" not in log.to_csv() and "guess" not in log.to_csv()


def test_admin_log_is_append_only_in_the_database(store):
    store.create_admin("ana", "a long enough password")
    for sql in ("UPDATE admin_log SET admin = 'x'", "DELETE FROM admin_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    assert list(store.admin_log()["admin"]) == ["ana"]


def test_audit_command_downloads_a_campaign_log_and_the_admin_log(tmp_path, tiny_instrument):
    from test_store import setup_campaign

    from s3stresstest.store import Store

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with Store.open(url) as store:
        store.create_admin("ana", "a long enough password")
        cid = setup_campaign(store, tiny_instrument)
        store.close_campaign(cid, admin="ana")
    runner = CliRunner()
    out = tmp_path / "audit.csv"
    result = runner.invoke(app, ["audit", "--campaign", str(cid), "--out", str(out), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id,at,event,respondent_id,detail"
    assert ",close," in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["audit", "--admin-log", "--out", str(tmp_path / "admins.csv"), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "admin_created" in (tmp_path / "admins.csv").read_text(encoding="utf-8")


def test_admin_pages_offer_the_whole_audit_log_and_the_admin_log(sqlite_store, tiny_instrument):
    from web_support import ADMIN, PASSWORD, campaign, login, make_client

    sqlite_store.create_admin(ADMIN, PASSWORD)
    cid = campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    assert client.get(f"/admin/campaigns/{cid}/audit.csv", follow_redirects=False).status_code in (303, 401)
    login(client)
    page = client.get(f"/admin/campaigns/{cid}").text
    assert f"/admin/campaigns/{cid}/audit.csv" in page and "/admin/admin-log.csv" in page
    audit = client.get(f"/admin/campaigns/{cid}/audit.csv")
    assert audit.status_code == 200 and audit.text.splitlines()[0] == "id,at,event,respondent_id,detail"
    admins = client.get("/admin/admin-log.csv")
    assert admins.status_code == 200 and ",login," in admins.text and ADMIN in admins.text
