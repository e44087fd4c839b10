"""`s3stresstest admin create`, `respondent delete`, `db upgrade|url` (apps in cli.store)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from s3stresstest.cli.store import admin_app, db_app, respondent_app
from s3stresstest.store import Store
from s3stresstest.store.db import head_revision

runner = CliRunner()


@pytest.fixture
def cli():
    app = typer.Typer()
    app.add_typer(admin_app, name="admin")
    app.add_typer(respondent_app, name="respondent")
    app.add_typer(db_app, name="db")
    return app


def run(cli, url, *args, input=None):
    return runner.invoke(cli, list(args), input=input, env={"S3ST_DATABASE_URL": url})


def test_admin_create(cli, store_url):
    res = run(cli, store_url, "admin", "create", "--username", "ana", "--password-stdin", input="long enough pw\n")
    assert res.exit_code == 0, res.output
    assert "admin 'ana' created" in res.output
    res = run(cli, store_url, "admin", "create", "--username", "ana", "--password-stdin", input="long enough pw\n")
    assert res.exit_code == 2 and "exists already" in res.output
    res = run(cli, store_url, "admin", "create", "-u", "bob", input="password-1\npassword-1\n")  # prompted twice
    assert res.exit_code == 0, res.output
    res = run(cli, store_url, "admin", "create", "-u", "cy", "--password-stdin", input="short\n")
    assert res.exit_code == 2 and "at least 8" in res.output
    with Store.open(store_url) as st:
        assert st.verify_admin("ana", "long enough pw") is not None
        assert st.verify_admin("bob", "password-1") is not None
        assert st.verify_admin("cy", "short") is None


def test_respondent_delete(cli, store_url, tiny_instrument):
    with Store.open(store_url) as st:
        cid = st.create_campaign("c", st.add_instrument(tiny_instrument))
        rid = st.start_respondent(st.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
        st.save_page(rid, "g1", {"q1": "yes", "open1": "hello"})
    # ids are hex: one starting with "-" would be read as an option by the CLI
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    res = run(cli, store_url, "respondent", "delete", rid, input="n\n")  # not confirmed: nothing happens
    assert res.exit_code == 1
    with Store.open(store_url) as st:
        assert st.answers(rid) == {"q1": "yes", "open1": "hello"}
    res = run(cli, store_url, "respondent", "delete", rid, "--yes")
    assert res.exit_code == 0, res.output
    assert "deleted (3 rows)" in res.output
    res = run(cli, store_url, "respondent", "delete", rid, "--yes")
    assert res.exit_code == 2 and "unknown respondent" in res.output
    with Store.open(store_url) as st:
        assert st.responses(cid, submitted_only=False).empty
        assert list(st.audit_log(cid)["event"]) == ["delete"]


def test_db_commands(cli, empty_db_url, tmp_path):
    res = run(cli, empty_db_url, "db", "url")
    assert res.exit_code == 0 and res.output.split("://")[0] in empty_db_url
    res = run(cli, empty_db_url, "db", "upgrade")
    assert res.exit_code == 0, res.output
    assert f"schema at revision {head_revision()}" in res.output
    res = run(cli, "mysql://nobody@localhost/x", "db", "upgrade")
    assert res.exit_code == 2 and "unsupported database" in res.output
    res = runner.invoke(cli, ["db", "url", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert res.output.strip() == f"sqlite:///{tmp_path / 'x.db'}"
