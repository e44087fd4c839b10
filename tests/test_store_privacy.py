"""Data protection: retention purge of contacts and tokens, a person's data export and erasure (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text
from test_store import all_cells, setup_campaign
from typer.testing import CliRunner
from web_support import sqlite_store  # noqa: F401 - fixture

from s3stresstest.cli import app
from s3stresstest.errors import InputError
from s3stresstest.store import NotFound


def answered(store, cid, region="SI", contact="maria@example.org"):
    inv = store.create_invitations(cid, [(region, "company", "en")])[0]
    rid = store.start_respondent(inv["token"])
    store.save_page(rid, "all", {"q1": "yes", "open1": "my own words"})
    store.set_contact(rid, contact)
    store.submit(rid)
    return inv, rid


def test_purge_after_the_retention_period_removes_contacts_and_kills_tokens_once(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    inv, rid = answered(store, cid)
    other = setup_campaign(store, tiny_instrument)  # still open: never purged
    _inv2, rid2 = answered(store, other, contact="open@example.org")
    assert store.purge_expired(30) == []  # closed campaigns only
    store.close_campaign(cid, admin="ana")
    closed = store.get_campaign(cid)["closed_at"]
    assert store.purge_expired(30, now=closed + dt.timedelta(days=29)) == []  # not yet
    done = store.purge_expired(30, now=closed + dt.timedelta(days=31))
    assert [(d["campaign_id"], d["contacts"], d["tokens"]) for d in done] == [(cid, 1, 1)]
    assert store.contact(rid) is None and store.contact(rid2) == "open@example.org"
    assert store.answers(rid)["open1"] == "my own words"  # pseudonymous answers stay for the results
    assert store.resolve_token(inv["token"]) is None
    assert "maria@example.org" not in "\n".join(all_cells(store))
    assert store.purge_expired(30, now=closed + dt.timedelta(days=400)) == []  # each campaign once
    entry = store.audit_log(cid).iloc[-1]
    assert entry["event"] == "purge" and json.loads(entry["detail"])["contacts"] == 1


def test_a_person_gets_their_data_and_can_have_it_erased(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    inv, rid = answered(store, cid)
    _, kept = answered(store, cid, region="AT33", contact="someone@example.org")
    data = store.respondent_data(cid, invitation_id=inv["invitation_id"], admin="ana")
    (person,) = data["respondents"]
    assert person["respondent_id"] == rid and person["contact"] == "maria@example.org"
    assert person["answers"]["q1"] == "yes" and person["open_answers"]["open1"] == "my own words"
    assert store.respondent_data(cid, respondent_id=rid, admin="ana")["respondents"][0]["respondent_id"] == rid
    log = store.audit_log(cid)
    assert list(log["event"][-2:]) == ["gdpr_export", "gdpr_export"]
    assert "maria" not in "".join(log["detail"])  # the log says who exported, not what
    rows = store.erase_respondent_data(cid, invitation_id=inv["invitation_id"], admin="ben")
    assert rows == 1 + 1 + 1 + 1  # answer, open answer, contact, respondent
    with pytest.raises(NotFound):
        store.respondent(rid)
    assert store.resolve_token(inv["token"]) is None
    assert store.contact(kept) == "someone@example.org"
    entry = store.audit_log(cid).iloc[-1]
    assert entry["event"] == "gdpr_erase" and json.loads(entry["detail"])["admin"] == "ben"
    with pytest.raises(NotFound):
        store.erase_respondent_data(cid, invitation_id=inv["invitation_id"], admin="ben")


def test_open_links_and_bad_requests_are_refused_clearly(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    store.create_open_link(cid, "SI")
    with store.engine.connect() as conn:
        link_id = conn.execute(text("SELECT id FROM invitations WHERE kind = 'open'")).scalar_one()
    with pytest.raises(InputError, match="open link shared by many respondents"):
        store.respondent_data(cid, invitation_id=link_id, admin="ana")
    with pytest.raises(InputError, match="exactly one of: the invitation id, the respondent id"):
        store.respondent_data(cid, admin="ana")
    with pytest.raises(ValueError, match="admin"):
        store.erase_respondent_data(cid, respondent_id="x", admin="")
    with pytest.raises(InputError, match="cannot be negative"):
        store.purge_expired(-1)


def test_privacy_commands(tmp_path, tiny_instrument):
    from s3stresstest.store import Store

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with Store.open(url) as store:
        cid = setup_campaign(store, tiny_instrument)
        inv, _rid = answered(store, cid)
    runner = CliRunner()
    out = tmp_path / "person.json"
    common = [
        "--campaign",
        str(cid),
        "--invitation",
        str(inv["invitation_id"]),
        "--admin",
        "ana",
        "--database-url",
        url,
    ]
    result = runner.invoke(app, ["privacy", "export", *common, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["respondents"][0]["contact"] == "maria@example.org"
    by_link = [*common[:2], "--link", f"https://survey.example/s/{inv['token']}", *common[4:]]
    again = tmp_path / "again.json"
    result = runner.invoke(app, ["privacy", "export", *by_link, "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert json.loads(again.read_text(encoding="utf-8"))["invitation_id"] == inv["invitation_id"]
    result = runner.invoke(app, ["privacy", "export", *common[:2], "--link", "hello", *common[4:], "--out", "x.json"])
    assert result.exit_code != 0 and "not a survey link" in result.output
    result = runner.invoke(app, ["privacy", "erase", *by_link, "--yes"])
    assert result.exit_code == 0, result.output
    assert "4 rows" in result.output
    result = runner.invoke(app, ["privacy", "purge", "--retention-days", "0", "--database-url", url])
    assert result.exit_code == 0 and "no campaign" in result.output


def test_the_server_purges_on_start_what_the_retention_period_allows(sqlite_store, tiny_instrument):
    from web_support import make_client

    cid = setup_campaign(sqlite_store, tiny_instrument)
    _inv, rid = answered(sqlite_store, cid)
    sqlite_store.close_campaign(cid, admin="ana")
    with make_client(sqlite_store, retention_days=30):  # closed today: kept
        pass
    assert sqlite_store.contact(rid) == "maria@example.org"
    with make_client(sqlite_store, retention_days=0):  # the app's start runs the purge
        pass
    assert sqlite_store.contact(rid) is None
    entry = sqlite_store.audit_log(cid).iloc[-1]
    assert entry["event"] == "purge" and json.loads(entry["detail"])["admin"] == "server start"


def test_a_person_is_found_by_their_links_token_also_after_closing(store, tiny_instrument):
    """The link a person quotes finds them (its hash is looked up, the token is never logged); views
    and exports are logged apart; erase_person says what went; the refusals carry their template."""
    from s3stresstest.store import privacy

    cid = setup_campaign(store, tiny_instrument)
    inv, rid = answered(store, cid)
    store.close_campaign(cid, admin="ana")  # a closed campaign's links no longer open, but still find
    data = store.respondent_data(cid, token=inv["token"], admin="ana", purpose="view")
    assert data["invitation_id"] == inv["invitation_id"] and data["respondents"][0]["respondent_id"] == rid
    store.respondent_data(cid, token=inv["token"], admin="ana", format="csv")
    log = store.audit_log(cid)
    assert list(log["event"][-2:]) == ["gdpr_view", "gdpr_export"]
    assert json.loads(log["detail"].iloc[-1]) == {
        "admin": "ana",
        "format": "csv",
        "invitation_id": inv["invitation_id"],
        "respondents": 1,
    }
    assert inv["token"] not in "".join(log["detail"])
    with pytest.raises(NotFound) as exc:
        store.respondent_data(cid, token="no-such-token", admin="ana")
    assert exc.value.template == privacy.NO_LINK
    with pytest.raises(NotFound) as exc:
        store.respondent_data(cid, respondent_id="nul\x00byte", admin="ana")
    assert exc.value.template == privacy.NO_RESPONDENT
    with pytest.raises(InputError) as exc:
        store.respondent_data(cid, token=inv["token"], invitation_id=inv["invitation_id"], admin="ana")
    assert exc.value.template == privacy.GIVE_ONE
    done = store.erase_person(cid, token=inv["token"], admin="ben")
    assert done == {"invitation_id": inv["invitation_id"], "respondents": [rid], "rows": 4}
    with pytest.raises(NotFound) as exc:  # the link still names its invitation, which holds nothing now
        store.respondent_data(cid, token=inv["token"], admin="ana")
    assert exc.value.template == privacy.NO_ANSWERS and "or the data were erased" in str(exc.value)
