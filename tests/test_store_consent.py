"""Consent in the store (issue 13): the campaign's privacy notice, its audited edits, and each
respondent's consent with the exact text agreed to. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text

from s3stresstest.errors import InputError
from s3stresstest.store import Locked, Store
from s3stresstest.store.consent import notice_checksum
from s3stresstest.store.db import alembic_config, make_engine

NOTICE = "We store your answers under a random code.\n\nWrite to privacy@example.org."


def _campaign(store: Store, instrument, languages=("en", "de")) -> int:
    import pandas as pd

    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=languages)
    store.add_regions(cid, pd.DataFrame({"region": ["AT33"], "name": ["Tirol"]}))
    return cid


def _events(store: Store, cid: int, event: str) -> list[dict]:
    log = store.audit_log(cid)
    return [dict(r, detail=json.loads(r["detail"])) for r in log[log["event"] == event].to_dict("records")]


def test_consent_starts_the_respondent_with_the_notice_agreed_to_and_is_audited(store, tiny_instrument):
    cid = _campaign(store, tiny_instrument)
    token = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    assert store.resolve_token(token)["respondent_id"] is None
    rid = store.start_with_consent(token, NOTICE, notice_language="de")
    got = store.consent_of(rid)
    assert got["notice"] == notice_checksum(NOTICE) and got["text"] == NOTICE
    assert got["consented_at"] is not None and got["consented_at"].tzinfo is not None
    assert store.respondent(rid)["consented_at"] == got["consented_at"]
    assert store.notice_text(notice_checksum(NOTICE)) == NOTICE
    (entry,) = _events(store, cid, "consent")
    assert entry["respondent_id"] == rid
    assert entry["detail"] == {"notice": notice_checksum(NOTICE), "language": "de"}
    # a personal link has one respondent: agreeing again changes nothing, the first consent stands
    again = store.start_with_consent(token, "another text", notice_language="en")
    assert again == rid and store.consent_of(rid)["notice"] == notice_checksum(NOTICE)
    assert len(_events(store, cid, "consent")) == 1
    # the person's data (Art. 15) says when and to what they agreed
    data = store.respondent_data(cid, respondent_id=rid, admin="alice")
    assert data["respondents"][0]["consent_notice"] == notice_checksum(NOTICE)
    assert data["respondents"][0]["consented_at"]


def test_open_link_consent_records_the_group_and_refuses_a_bad_one(store, tiny_instrument):
    cid = _campaign(store, tiny_instrument)
    token = store.create_open_link(cid, "AT33", "en")
    rid = store.start_with_consent(token, NOTICE, language="de", stakeholder_group="policy_maker")
    r = store.respondent(rid)
    assert (r["stakeholder_group"], r["language"]) == ("policy_maker", "de") and r["consented_at"]
    assert _events(store, cid, "consent")[0]["detail"]["language"] == "de"  # the questionnaire's by default
    with pytest.raises(InputError):
        store.start_with_consent(token, NOTICE, stakeholder_group="nobody")
    with pytest.raises(InputError):  # consent needs the text that was shown
        store.start_with_consent(token, "  ", stakeholder_group="company")
    assert len(store.response_rates(cid)) == 1  # nobody else stored


def test_a_respondent_from_before_the_consent_step_is_asked_once(store, tiny_instrument):
    """Respondents stored before migration 0004 have consented_at NULL: record_consent fills it once."""
    cid = _campaign(store, tiny_instrument)
    token = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    rid = store.start_and_save_page(token, "page1", {"years": "3"})  # as the pages did before
    assert store.respondent(rid)["consented_at"] is None and store.consent_of(rid)["notice"] is None
    first = store.record_consent(rid, NOTICE, language="en")
    assert first["notice"] == notice_checksum(NOTICE)
    second = store.record_consent(rid, "changed", language="en")
    assert second == first
    with pytest.raises(InputError):
        store.record_consent(rid, NOTICE, language="fr")  # not one of the campaign's languages
    other = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    late = store.start_and_save_page(other, "page1", {"years": "4"})
    store.close_campaign(cid)
    with pytest.raises(Locked):  # a closed campaign takes no more consent
        store.record_consent(late, NOTICE, language="en")


def test_notice_edits_are_validated_audited_with_the_admin_and_keep_agreed_texts(store, tiny_instrument):
    cid = _campaign(store, tiny_instrument)
    assert store.privacy_settings(cid) == {"controller": None, "contact": None, "notices": {}}
    changed = store.set_privacy(
        cid, admin="alice", controller="Region of Tirol", contact="privacy@example.org", notices={"de": NOTICE}
    )
    assert changed == ["controller", "contact", "notice:de"]
    # a browser's line ends (CRLF) are stored as LF: the same text, nothing changed
    assert (
        store.set_privacy(
            cid,
            admin="alice",
            controller="Region of Tirol",
            contact="privacy@example.org",
            notices={"de": NOTICE.replace("\n", "\r\n")},
        )
        == []
    )
    assert store.privacy_settings(cid) == {
        "controller": "Region of Tirol",
        "contact": "privacy@example.org",
        "notices": {"de": NOTICE},
    }
    (entry,) = _events(store, cid, "privacy_edit")
    assert entry["detail"]["admin"] == "alice" and entry["detail"]["notice:de"] == notice_checksum(NOTICE)
    # the same values again: nothing changed, nothing logged
    assert store.set_privacy(cid, admin="bob", controller="Region of Tirol", contact="privacy@example.org") == []
    assert len(_events(store, cid, "privacy_edit")) == 1
    # a respondent agrees to the German text; the admin then goes back to the built-in notice
    token = store.create_open_link(cid, "AT33", "de")
    rid = store.start_with_consent(token, NOTICE, stakeholder_group="company")
    assert store.set_privacy(
        cid, admin="bob", controller="Region of Tirol", contact="privacy@example.org", notices={"de": ""}
    ) == ["notice:de"]
    assert store.privacy_settings(cid)["notices"] == {}
    assert store.consent_of(rid)["text"] == NOTICE  # the proof survives the edit
    assert _events(store, cid, "privacy_edit")[-1]["detail"]["admin"] == "bob"
    for bad in (
        {"contact": "not an address"},
        {"controller": "x" * 201},
        {"notices": {"fr": "a language the campaign does not offer"}},
        {"notices": {"en": "x" * 20_001}},
    ):
        with pytest.raises(InputError):
            store.set_privacy(cid, admin="alice", **bad)
    with pytest.raises(ValueError):
        store.set_privacy(cid, admin="", controller="x")
    assert len(_events(store, cid, "privacy_edit")) == 2


def test_migration_0004_keeps_earlier_respondents_and_answers(tmp_path, tiny_instrument):
    """An existing database moves to 0004 with its answers; respondents have no consent yet."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url=url)
    command.upgrade(cfg, "0003")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO instruments (id, form_id, version, title, checksum, text, created) "
                "VALUES (1, 'f', '1', 't', 'c', 'x', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO campaigns (id, name, instrument_id, status, languages, created) "
                "VALUES (1, 'Old', 1, 'open', 'en', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO respondents (id, campaign_id, region, stakeholder_group, language, source, created, "
                "updated) VALUES ('r1', 1, 'AT33', 'company', 'en', 'web', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(text("INSERT INTO answers VALUES ('r1', 'years', '3', '2026-01-01')"))
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT consented_at, consent_notice FROM respondents")).all() == [(None, None)]
        assert conn.execute(text("SELECT value FROM answers")).scalar() == "3"
    command.downgrade(cfg, "0003")  # and back, still with the answers
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM answers")).scalar() == "3"
    engine.dispose()
