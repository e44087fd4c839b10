"""The survey store on SQLite and PostgreSQL: the whole path from invitation to scores.

Every test takes the `store` fixture, so it runs once per backend (see tests/conftest.py);
a PostgreSQL that cannot start fails these tests, never skips them.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from s3stresstest.campaign import RESPONSE_COLUMNS, validate_responses
from s3stresstest.errors import InputError
from s3stresstest.pipeline import run_stresstest
from s3stresstest.store import Store
from s3stresstest.store.api import Locked, NotFound
from s3stresstest.store.models import Base

REGIONS = pd.DataFrame({"region": ["AT33", "SI", "ITH2"], "name": ["Tirol", "Slovenija", "Trento"]})
GROUPS = pd.DataFrame({"region": ["AT33", "SI", "ITH2"], "group": ["alps", "alps", "alps"]})


def setup_campaign(store: Store, instrument) -> int:
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=("en", "de"))
    store.add_regions(cid, REGIONS)
    store.add_groups(cid, GROUPS)
    return cid


def all_cells(store: Store) -> list[str]:
    """Every value of every row of every table, as text."""
    cells = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                cells += [str(v) for v in row]
    return cells


def count_rows(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(select(text("count(*)")).select_from(t)).scalar() for t in Base.metadata.sorted_tables
        }


def test_survey_round_trip(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    assert store.get_campaign(cid)["status"] == "open"
    assert store.get_instrument(store.get_campaign(cid)["instrument_id"]).checksum == tiny_instrument.checksum

    plan = [
        ("AT33", "company", "en"),
        ("AT33", "policy_maker", "de"),
        ("SI", "company", "en"),
        ("SI", "cluster_manager", "en"),
        ("ITH2", "company", "en"),
        ("ITH2", "other", "en"),
    ]
    invs = store.create_invitations(cid, plan)
    assert [(i["region"], i["stakeholder_group"], i["language"]) for i in invs] == plan
    tokens = [i["token"] for i in invs]
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 32 for t in tokens)  # 24 bytes = 192 bits

    # the token itself is nowhere in the database, only its hash
    cells = "\n".join(all_cells(store))
    assert not any(t in cells for t in tokens)
    url = make_url(store.url)
    if url.get_backend_name() == "sqlite":
        raw = b"".join(
            Path(url.database + suffix).read_bytes() for suffix in ("", "-wal") if Path(url.database + suffix).exists()
        )
        assert not any(t.encode() in raw for t in tokens)

    info = store.resolve_token(tokens[1])
    assert info == {
        "kind": "invitation",
        "campaign_id": cid,
        "region": "AT33",
        "stakeholder_group": "policy_maker",
        "language": "de",
        "respondent_id": None,
    }

    pages = [
        {"page": "g1", "answers": {"q1": "yes", "q2": "partly", "q3": "a b"}},
        {"page": "page2", "answers": {"q4": "no", "open1": "We meet monthly.", "years": "7"}},
    ]
    saved = {}
    for n, token in enumerate(tokens):
        rid = store.start_respondent(token)
        assert store.start_respondent(token) == rid  # idempotent
        assert store.resolve_token(token)["respondent_id"] == rid
        first = dict(pages[0]["answers"], q1=["yes", "no", "partly"][n % 3])
        assert store.save_page(rid, "g1", first) == {"saved": 3, "page": "g1"}
        # resume: a new look-up gives the answers back and the page reached
        assert store.answers(rid) == first
        assert store.respondent(rid)["last_page"] == "g1"
        store.save_page(rid, "page2", pages[1]["answers"])
        saved[rid] = {**first, **pages[1]["answers"]}
        assert store.answers(rid) == saved[rid]

    rids = list(saved)
    first = store.submit(rids[0])
    again = store.submit(rids[0])
    assert first["already"] is False and again["already"] is True
    assert again["submitted_at"] == first["submitted_at"]
    assert first["submitted_at"].tzinfo is not None
    with pytest.raises(Locked):
        store.save_page(rids[0], "g1", {"q1": "no"})
    assert store.answers(rids[0])["q1"] == saved[rids[0]]["q1"]
    for rid in rids[1:5]:
        store.submit(rid)
    log = store.audit_log(cid)
    assert list(log["event"]) == ["submit"] * 5
    assert list(log["respondent_id"]) == rids[:5]  # one entry per respondent, the double submit included
    assert "yes" not in "".join(log["detail"])  # counts, never answers

    rates = store.response_rates(cid).set_index(["region", "stakeholder_group"])
    assert rates["invited"].sum() == 6 and rates["started"].sum() == 6 and rates["submitted"].sum() == 5
    assert rates.loc[("ITH2", "other"), "rate"] == 0.0
    assert rates.loc[("AT33", "company"), "rate"] == 1.0

    resp = store.responses(cid)
    assert list(resp.columns) == [*RESPONSE_COLUMNS, "language"]
    assert set(resp["respondent_id"]) == set(rids[:5])
    expected = pd.DataFrame(
        [
            (rid, r["region"], r["stakeholder_group"], item, value, r["language"])
            for rid in rids[:5]
            for r in [store.respondent(rid)]
            for item, value in saved[rid].items()
        ],
        columns=[*RESPONSE_COLUMNS, "language"],
    )
    expected = expected.sort_values(["region", "stakeholder_group", "respondent_id", "item"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(resp.astype(object), expected.astype(object))
    assert len(store.responses(cid, submitted_only=False)) == 6 * 6
    assert list(store.responses(cid, include_language=False).columns) == list(RESPONSE_COLUMNS)
    validate_responses(resp, tiny_instrument, set(REGIONS["region"]))  # the export is valid input

    result = run_stresstest(store.campaign_data(cid), store.get_instrument(store.get_campaign(cid)["instrument_id"]))
    assert set(result.block_scores["region"]) == {"AT33", "SI", "ITH2"}
    assert len(result.benchmarks)


def test_invalid_values_name_each_field_and_save_nothing(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.save_page(rid, "g1", {"q1": "yes"})
    with pytest.raises(InputError) as exc:
        store.save_page(rid, "g1", {"q1": "no", "q2": "maybe", "q3": "a zz", "years": "many", "nope": "x", "n1": "x"})
    fields = {p.field for p in exc.value.problems}
    assert fields == {"q2", "q3", "years", "nope", "n1"}
    assert "maybe" in str(exc.value) and "nope" in str(exc.value)
    assert store.answers(rid) == {"q1": "yes"}  # q1 'no' was valid but nothing of the page was saved
    assert store.respondent(rid)["last_page"] == "g1"
    # clearing an answer, and text answers keep their text
    store.save_page(rid, "g1", {"q1": "", "open1": "  Line one\nline two  "})
    assert store.answers(rid) == {"open1": "  Line one\nline two  "}


def test_open_link_respondents_declare_their_group(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    token = store.create_open_link(cid, "ITH2", "de")
    info = store.resolve_token(token)
    assert info["kind"] == "open" and info["stakeholder_group"] is None and info["language"] == "de"
    with pytest.raises(InputError, match="stakeholder group"):
        store.start_respondent(token)
    with pytest.raises(InputError, match="stakeholder group"):
        store.start_respondent(token, stakeholder_group="wizard")
    a = store.start_respondent(token, stakeholder_group="company")
    b = store.start_respondent(token, stakeholder_group="other", language="en")
    assert a != b
    assert store.respondent(b)["stakeholder_group"] == "other" and store.respondent(b)["language"] == "en"
    assert store.resolve_token(token)["respondent_id"] is None
    with pytest.raises(InputError, match="language"):
        store.start_respondent(token, stakeholder_group="company", language="xx")
    with pytest.raises(InputError, match="region"):
        store.create_open_link(cid, "DE2")
    rates = store.response_rates(cid)
    assert rates[["invited", "started"]].sum().tolist() == [0, 2]
    assert rates["rate"].isna().all()


def test_unknown_wrong_expired_and_revoked_tokens_are_the_same(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    live, expired, revoked = (
        store.create_invitations(cid, [("SI", "company", "en")], expires=e)[0]["token"] for e in (future, past, None)
    )
    assert store.revoke_token(revoked) is True
    assert store.resolve_token(live)["region"] == "SI"
    for dead in (expired, revoked, live[:-1] + ("A" if live[-1] != "A" else "B"), "", "x" * 5000, None, 42):
        assert store.resolve_token(dead) is None
    messages = set()
    for dead in (expired, revoked, "never-issued"):
        with pytest.raises(InputError) as exc:
            store.start_respondent(dead)
        messages.add(str(exc.value))
    assert len(messages) == 1  # the caller learns nothing about why


def test_closed_campaign_refuses_links_answers_and_submits(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    a, b = (i["token"] for i in store.create_invitations(cid, [("SI", "company", "en"), ("SI", "other", "en")]))
    open_token = store.create_open_link(cid, "SI")
    rid = store.start_respondent(a)
    store.save_page(rid, "g1", {"q1": "yes"})
    store.close_campaign(cid)
    store.close_campaign(cid)  # idempotent
    assert store.get_campaign(cid)["status"] == "closed"
    assert store.resolve_token(a) is None and store.resolve_token(b) is None
    assert store.resolve_token(open_token) is None
    with pytest.raises(InputError):
        store.start_respondent(b)
    with pytest.raises(Locked):
        store.save_page(rid, "g1", {"q1": "no"})
    with pytest.raises(Locked):
        store.submit(rid)
    with pytest.raises(Locked):
        store.create_invitations(cid, [("SI", "company", "en")])
    assert store.answers(rid) == {"q1": "yes"}
    assert list(store.audit_log(cid)["event"]) == ["close"]


def test_close_waits_for_a_save_in_flight_and_keeps_it(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    closer = threading.Thread(target=store.close_campaign, args=(cid,))
    with store._write_conn() as conn:  # a save that has written but not yet committed
        store._save_in(conn, rid, "g1", {"q1": "yes"})
        closer.start()
        closer.join(0.5)
        assert closer.is_alive(), "close_campaign did not wait for the save in flight"
    closer.join(10)
    assert not closer.is_alive()
    assert store.get_campaign(cid)["status"] == "closed"
    assert store.answers(rid) == {"q1": "yes"}  # acknowledged before the close: kept


def test_one_save_writes_and_clears_answers_and_comments_and_a_closed_campaign_is_said_first(store, tiny_instrument):
    """On PostgreSQL a save's writes are one statement (after the touch): answers and comments
    written and cleared together; refused values on a closed campaign still say Locked, as before."""
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.save_page(rid, "g1", {"q1": "yes", "years": "3", "open1": "first"})
    store.save_page(rid, "g1", {"q1": "no", "years": "", "open1": ""})
    assert store.answers(rid) == {"q1": "no"}
    store.save_page(rid, "g2", {"open1": "again"})
    assert store.answers(rid) == {"q1": "no", "open1": "again"} and store.respondent(rid)["last_page"] == "g2"
    store.close_campaign(cid)
    with pytest.raises(Locked):
        store.save_page(rid, "g1", {"q1": "maybe"})
    assert store.answers(rid) == {"q1": "no", "open1": "again"}


def test_save_started_during_a_close_is_refused(store, tiny_instrument, monkeypatch):
    """A save that begins while the close is uncommitted waits for it, then sees the campaign
    closed (on PostgreSQL: its status read must come after the lock, not from an older snapshot)."""
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.save_page(rid, "g1", {"q1": "yes"})
    entered, gate = threading.Event(), threading.Event()
    audit = store._audit

    def slow_audit(*args, **kwargs):  # inside close_campaign's transaction, before its commit
        entered.set()
        gate.wait(10)
        return audit(*args, **kwargs)

    monkeypatch.setattr(store, "_audit", slow_audit)
    closer = threading.Thread(target=store.close_campaign, args=(cid,))
    closer.start()
    assert entered.wait(10)
    outcome = {}

    def save():
        try:
            store.save_page(rid, "g1", {"q1": "no"})
            outcome["saved"] = True
        except Locked as exc:
            outcome["locked"] = str(exc)

    saver = threading.Thread(target=save)
    saver.start()
    saver.join(0.5)
    assert saver.is_alive(), "the save did not wait for the close in progress"
    gate.set()
    closer.join(10)
    saver.join(10)
    assert "closed" in outcome.get("locked", "")
    assert store.answers(rid) == {"q1": "yes"}


def test_set_language_keeps_a_campaign_language_and_refuses_others(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)  # languages en, de
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.set_language(rid, "de")
    assert store.respondent(rid)["language"] == "de"
    with pytest.raises(InputError) as err:
        store.set_language(rid, "fr")
    assert err.value.problems[0].field == "language" and "en, de" in str(err.value)
    assert store.respondent(rid)["language"] == "de"
    store.submit(rid)
    with pytest.raises(Locked):
        store.set_language(rid, "en")
    assert store.respondent(rid)["language"] == "de"


def test_warm_up_rehearses_a_first_save_and_keeps_nothing(store, tiny_instrument):
    """The server's warm-up runs a real first save (new respondent, answers, a comment, a cleared
    answer) on each pooled PostgreSQL connection, and rolls it back."""
    from s3stresstest.store import models as m

    cid = setup_campaign(store, tiny_instrument)
    store.create_invitations(cid, [("SI", "company", "en")])
    before = count_rows(store)
    with store.engine.connect() as conn:
        store._rehearse_first_save(conn)
        inside = {
            t.__tablename__: conn.execute(select(text("count(*)")).select_from(t)).scalar()
            for t in (m.Invitation, m.Respondent, m.Answer, m.Comment)
        }
        conn.rollback()
    assert inside == {"invitations": 2, "respondents": 1, "answers": 1, "comments": 1}
    store.warm_pool(3)
    assert count_rows(store) == before


def test_warm_up_without_links_does_nothing(store, tiny_instrument):
    setup_campaign(store, tiny_instrument)
    before = count_rows(store)
    with store.engine.connect() as conn:
        store._rehearse_first_save(conn)
        conn.commit()  # even committed, there was nothing to rehearse on
    assert count_rows(store) == before
    store.warm_pool(2)
    assert count_rows(store) == before


def test_delete_respondent_removes_answers_comments_and_contact(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    t1, t2 = (i["token"] for i in store.create_invitations(cid, [("SI", "company", "en"), ("AT33", "other", "en")]))
    gone, kept = store.start_respondent(t1), store.start_respondent(t2)
    for rid in (gone, kept):
        store.save_page(rid, "all", {"q1": "yes", "q2": "no", "open1": "secret remark"})
        store.submit(rid)
    store.set_contact(gone, "maria@example.org")
    assert store.delete_respondent(gone) == 2 + 1 + 1 + 1  # answers, comment, contact, respondent
    with pytest.raises(NotFound):
        store.respondent(gone)
    with pytest.raises(NotFound):
        store.delete_respondent(gone)
    assert set(store.responses(cid, submitted_only=False)["respondent_id"]) == {kept}
    cells = "\n".join(all_cells(store))
    assert "maria@example.org" not in cells and cells.count("secret remark") == 1
    assert store.resolve_token(t1) is None  # the deleted respondent's link is dead
    log = store.audit_log(cid)
    assert list(log["event"]) == ["submit", "submit", "delete"]
    assert json.loads(log["detail"].iloc[-1]) == {"rows": 5}
    assert store.answers(kept)["open1"] == "secret remark"


def test_contact_details_never_travel_with_answers(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.save_page(rid, "g1", {"q1": "yes"})
    store.set_contact(rid, "  +386 1 234 5678 ")
    store.submit(rid)
    assert store.contact(rid) == "+386 1 234 5678"
    plain = store.responses(cid)
    assert "contact" not in plain.columns and "+386" not in plain.to_csv()
    with pytest.raises(TypeError):
        store.responses(cid, include_contact=True)  # no way to put contacts beside the answers
    contacts = store.contacts_export(cid, admin="ana")
    assert list(contacts.columns) == ["respondent_id", "contact"]
    assert contacts.values.tolist() == [[rid, "+386 1 234 5678"]]
    entry = store.audit_log(cid).iloc[-1]
    assert entry["event"] == "export_contacts" and json.loads(entry["detail"]) == {"admin": "ana", "rows": 1}
    assert "+386" not in json.dumps(store.respondent(rid), default=str)
    store.set_contact(rid, None)
    assert store.contact(rid) is None


def test_audit_log_is_append_only_in_the_database(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    rid = store.start_respondent(store.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    store.submit(rid)
    for sql in ("UPDATE audit_log SET event = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    if store.backend == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text("TRUNCATE audit_log"))
    log = store.audit_log(cid)
    assert list(log["event"]) == ["submit"] and log["respondent_id"].iloc[0] == rid
    assert not any(hasattr(store, name) for name in ("delete_audit", "update_audit", "clear_audit_log"))


def valid_import(prefix: str = "imp") -> pd.DataFrame:
    rows = []
    for n, (region, group) in enumerate([("AT33", "company"), ("SI", "policy_maker"), ("ITH2", "other")]):
        rid = f"{prefix}{n}"
        for item, value in (("q1", "yes"), ("q2", "no"), ("q3", "a c"), ("q4", ""), ("open1", "Paper form")):
            rows.append((rid, region, group, item, value, "de"))
    return pd.DataFrame(rows, columns=[*RESPONSE_COLUMNS, "language"])


def test_import_responses_is_all_or_nothing(store, tiny_instrument, monkeypatch):
    cid = setup_campaign(store, tiny_instrument)
    before = count_rows(store)

    bad = valid_import()
    bad.loc[7, "value"] = "perhaps"  # one bad row among 15
    bad.loc[11, "region"] = "XX9"
    with pytest.raises(InputError) as exc:
        store.import_responses(cid, bad, source="paper.csv")
    assert {(p.line, p.field) for p in exc.value.problems} >= {(9, "value"), (13, "region")}
    assert count_rows(store) == before

    # a failure inside the transaction, after the rows went in, leaves nothing behind either
    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_audit", boom)
    with pytest.raises(RuntimeError):
        store.import_responses(cid, valid_import(), source="paper.csv")
    assert count_rows(store) == before
    monkeypatch.undo()

    assert store.import_responses(cid, valid_import(), source="paper.csv") == 12  # empty values are not stored
    after = count_rows(store)
    assert after["respondents"] == 3 and after["answers"] == 9 and after["comments"] == 3
    with pytest.raises(InputError, match="exists already"):  # same ids again: refused, nothing added
        store.import_responses(cid, valid_import(), source="again.csv")
    assert count_rows(store) == after
    with pytest.raises(InputError, match="missing column 'value'"):
        store.import_responses(cid, valid_import("x").drop(columns="value"), source="x.csv")

    log = store.audit_log(cid)
    assert list(log["event"]) == ["import"]
    assert json.loads(log["detail"].iloc[0]) == {"source": "paper.csv", "respondents": 3, "answers": 12}
    resp = store.responses(cid)
    assert len(resp) == 12 and set(resp["language"]) == {"de"}
    assert all(store.respondent(r)["submitted_at"] is not None for r in ("imp0", "imp1", "imp2"))
    rates = store.response_rates(cid)
    assert rates["submitted"].sum() == 3
    # imported answers count as submitted but never in the rate of personal invitations (was 200 %)
    token = store.create_invitations(cid, [(resp["region"].iloc[0], resp["stakeholder_group"].iloc[0], "de")])[0]
    row = (
        store.response_rates(cid)
        .set_index(["region", "stakeholder_group"])
        .loc[(resp["region"].iloc[0], resp["stakeholder_group"].iloc[0])]
    )
    assert row["invited"] == 1 and row["submitted"] >= 1 and row["rate"] == 0
    assert token["token"]
    result = run_stresstest(store.campaign_data(cid), tiny_instrument)
    assert set(result.block_scores["region"]) == {"AT33", "SI", "ITH2"}


def test_concurrent_saves_do_not_fail(store, tiny_instrument):
    """Threads saving at once (SQLite: writers queue on busy_timeout, BEGIN IMMEDIATE)."""
    cid = setup_campaign(store, tiny_instrument)
    invs = store.create_invitations(cid, [("SI", "company", "en")] * 8)
    rids = [store.start_respondent(i["token"]) for i in invs]
    other = Store.open(store.engine.url.render_as_string(hide_password=False))  # as a second process
    errors, barrier = [], threading.Barrier(len(rids))

    def work(n, rid):
        st = store if n % 2 else other
        try:
            barrier.wait()
            for k in range(15):
                st.save_page(rid, f"p{k}", {"q1": ["yes", "no", "partly"][k % 3], "years": str(k)})
                st.answers(rid)
            st.submit(rid)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n, rid)) for n, rid in enumerate(rids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    assert all(store.answers(r) == {"q1": "partly", "years": "14"} for r in rids)
    assert len(store.audit_log(cid)) == len(rids)


def test_one_invitation_started_at_once_gives_one_respondent(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    token = store.create_invitations(cid, [("SI", "company", "en")])[0]["token"]
    got, barrier = [], threading.Barrier(6)

    def start():
        barrier.wait()
        got.append(store.start_respondent(token))

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and len(set(got)) == 1
    assert count_rows(store)["respondents"] == 1


def test_admins(store):
    aid = store.create_admin("ana", "correct horse battery")
    assert store.verify_admin("ana", "correct horse battery") == aid
    assert store.verify_admin("ana", "wrong password") is None
    assert store.verify_admin("nobody", "correct horse battery") is None
    with pytest.raises(InputError, match="exists already"):
        store.create_admin("ana", "another password")
    with pytest.raises(InputError, match="at least 8"):
        store.create_admin("bob", "short")
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM admins")).scalar()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert [a["username"] for a in store.list_admins()] == ["ana"]


def test_instruments_are_versioned_and_campaigns_pin_one(store, tiny_instrument, tiny_book):
    from s3stresstest.instrument import instrument_from_workbook

    first = store.add_instrument(tiny_instrument)
    assert store.add_instrument(instrument_from_workbook(tiny_book)) == first  # same checksum, same id
    tiny_book["settings"].rows[0]["version"] = "3"
    tiny_book["choices"].rows[1]["score"] = "60"
    second = store.add_instrument(instrument_from_workbook(tiny_book))
    assert second != first
    c1 = store.create_campaign("old", first)
    c2 = store.create_campaign("new", second)
    assert store.get_instrument(store.get_campaign(c1)["instrument_id"]).version == "2"
    assert store.get_instrument(store.get_campaign(c2)["instrument_id"]).version == "3"
    assert [c["id"] for c in store.list_campaigns()] == [c1, c2]
    assert [(i["id"], i["version"]) for i in store.list_instruments()] == [(first, "2"), (second, "3")]
    with pytest.raises(NotFound):
        store.create_campaign("x", 999)
    with pytest.raises(InputError, match="languages"):
        store.create_campaign("x", first, languages=("English",))


def test_regions_and_groups(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    assert store.regions(cid).to_dict("records")[0] == {"region": "AT33", "name": "Tirol", "language": "de"}
    assert len(store.groups(cid)) == 3
    with pytest.raises(InputError) as exc:
        store.add_regions(cid, pd.DataFrame({"region": ["SI", "bad", "DE2", "DE2"], "name": ["", "", "", ""]}))
    assert [(p.line, p.field) for p in exc.value.problems] == [(2, "region"), (3, "region"), (5, "region")]
    with pytest.raises(InputError, match="unknown region"):
        store.add_groups(cid, pd.DataFrame({"region": ["DE2"], "group": ["x"]}))
    assert len(store.regions(cid)) == 3  # nothing of the refused tables went in
    with pytest.raises(InputError) as exc:
        store.create_invitations(cid, [("SI", "company", "en"), ("DE2", "boss", "xx")])
    assert {p.field for p in exc.value.problems} == {"region", "stakeholder_group", "language"}
    assert count_rows(store)["invitations"] == 0


def test_unknown_ids(store):
    for call in (
        lambda: store.get_campaign(42),
        lambda: store.respondent("nope"),
        lambda: store.answers("nope"),
        lambda: store.save_page("nope", "p", {}),
        lambda: store.submit("nope"),
        lambda: store.get_instrument(42),
    ):
        with pytest.raises(NotFound):
            call()


def test_sqlite_connections_are_durable_and_patient(tmp_path):
    st = Store.open(f"sqlite:///{tmp_path / 'd.db'}")
    with st.engine.connect() as conn:
        got = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    st.close()
    assert got == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "busy_timeout": 30000}


def test_default_database_is_sqlite_in_the_data_dir(tmp_path, monkeypatch):
    from s3stresstest.store import database_url

    monkeypatch.delenv("S3ST_DATABASE_URL", raising=False)
    monkeypatch.setenv("S3ST_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 's3stresstest.db'}"
    st = Store.open()
    st.close()
    assert (tmp_path / "data" / "s3stresstest.db").exists()
    monkeypatch.setenv("S3ST_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert database_url() == f"sqlite:///{tmp_path / 'env.db'}"
    assert database_url("sqlite:///other.db") == "sqlite:///other.db"


def test_store_opens_twice_and_tables_exist(store_url):
    a = Store.open(store_url)
    b = Store.open(store_url)  # migrations already at head: nothing to do
    names = set(inspect(a.engine).get_table_names())
    a.close()
    b.close()
    assert {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"} == names


def test_nul_characters_are_refused_not_crashing(store, tiny_instrument):
    """PostgreSQL text cannot hold NUL: every entry point refuses it as bad input (or no match)."""
    cid = setup_campaign(store, tiny_instrument)
    token = store.create_invitations(cid, [("SI", "company", "en")])[0]["token"]
    rid = store.start_respondent(token)
    assert store.resolve_token(token + "\x00") is None
    assert store.verify_admin("a\x00", "pw") is None
    with pytest.raises(NotFound):
        store.respondent(rid + "\x00")
    with pytest.raises(InputError) as exc:
        store.save_page(rid, "g1", {"open1": "a\x00b", "q1": "yes\x00"})
    assert {p.field for p in exc.value.problems} == {"open1", "q1"}
    with pytest.raises(InputError):
        store.save_page(rid, "g\x00", {})
    with pytest.raises(InputError):
        store.set_contact(rid, "x\x00")
    with pytest.raises(InputError):
        store.create_admin("ana\x00", "long enough password")
    bad = valid_import()
    bad.loc[4, "value"] = "Paper\x00form"
    with pytest.raises(InputError, match="NUL"):
        store.import_responses(cid, bad, source="nul.csv")
    assert store.answers(rid) == {}


def test_sqlite_readers_do_not_wait_for_a_writer(tmp_path, tiny_instrument):
    """Reads begin DEFERRED (WAL: they see the last commit), writes begin IMMEDIATE."""
    import sqlite3
    import time

    st = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    cid = setup_campaign(st, tiny_instrument)
    rid = st.start_respondent(st.create_invitations(cid, [("SI", "company", "en")])[0]["token"])
    st.save_page(rid, "g1", {"q1": "yes"})
    writer = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE respondents SET last_page = 'elsewhere'")
    try:
        t = time.perf_counter()
        assert st.answers(rid) == {"q1": "yes"} and st.respondent(rid)["last_page"] == "g1"
        assert time.perf_counter() - t < 2
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        st.close()


def test_contacts_export_when_nobody_left_one(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    store.import_responses(cid, valid_import(), source="paper.csv")
    out = store.contacts_export(cid, admin="ana")
    assert out.empty and list(out.columns) == ["respondent_id", "contact"]


def test_admin_actions_name_the_admin(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    store.log_admin_action(cid, "export", "ana", format="xlsx", rows=3)
    store.close_campaign(cid, admin="bojan")
    log = store.audit_log(cid)
    assert list(log["event"]) == ["export", "close"]
    assert [json.loads(d) for d in log["detail"]] == [
        {"admin": "ana", "format": "xlsx", "rows": 3},
        {"admin": "bojan"},
    ]
    with pytest.raises(ValueError):
        store.log_admin_action(cid, "export", "")


def kill_other_connections(url: str) -> int:
    """pg_terminate_backend on every other session of the database, as a server restart would."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("write", ["first save", "save", "submit"])
def test_writes_survive_lost_database_connections(pg_server, tiny_instrument, write):
    """Every pooled PostgreSQL connection killed (as by a server restart) just after use: the
    next save or submit goes through on a new connection instead of failing."""
    from conftest import _pg_template

    name = pg_server.new_database(template=_pg_template(pg_server))
    url = pg_server.url(name)
    try:
        with Store.open(url) as store:
            cid = setup_campaign(store, tiny_instrument)
            token = store.create_invitations(cid, [("SI", "company", "en")])[0]["token"]
            rid = store.start_and_save_page(token, "g1", {"q1": "no"}) if write != "first save" else None
            store.warm_pool(3)  # pooled connections used a moment ago: handed out again without a ping
            assert kill_other_connections(url) >= 3
            if write == "first save":
                rid = store.start_and_save_page(token, "g1", {"q1": "yes"})
            elif write == "save":
                store.save_page(rid, "g1", {"q1": "yes"})
            else:
                assert store.submit(rid)["already"] is False
                assert store.respondent(rid)["submitted_at"] is not None
            assert store.answers(rid) == {"q1": "no" if write == "submit" else "yes"}
    finally:
        pg_server.drop_database(name)


def test_invitation_status_for_reminders(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    invs = store.create_invitations(
        cid, [("SI", "company", "en"), ("AT33", "other", "de"), ("SI", "other", "en"), ("ITH2", "company", "en")]
    )
    store.create_open_link(cid, "SI", "en")  # open links are not invitations: not listed
    started = store.start_and_save_page(invs[1]["token"], "g1", {"q1": "yes"})
    done = store.start_and_save_page(invs[2]["token"], "g1", {"q1": "no"})
    store.submit(done)
    gone = store.start_respondent(invs[3]["token"])
    store.delete_respondent(gone)
    st = store.invitation_status(cid)
    assert list(st["invitation_id"]) == [i["invitation_id"] for i in invs]
    assert list(st["status"]) == ["not started", "started", "submitted", "not started"]
    assert list(st["revoked"]) == [False, False, False, True]
    assert list(st["last_page"]) == ["", "g1", "g1", ""]
    assert st.loc[1, "language"] == "de" and st.loc[1, "region"] == "AT33"
    assert pd.isna(st.loc[0, "last_activity"]) and not pd.isna(st.loc[1, "last_activity"])
    assert started not in st.to_csv() and all(i["token"] not in st.to_csv() for i in invs)


# -- territory codes checked against NUTS 2021; regions removable until answered (issue 13) ----------
def test_add_regions_refuses_codes_outside_nuts(store, tiny_instrument):
    cid = store.create_campaign("Alps 2026", store.add_instrument(tiny_instrument), languages=("en",))
    with pytest.raises(InputError) as err:
        store.add_regions(cid, pd.DataFrame({"region": ["AT33", "XX99", "AT3X"], "name": ["Tirol", "Nowhere", ""]}))
    problems = err.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, "region"), (4, "region")]
    assert "'XX99' is not a NUTS 2021 code" in problems[0].message and "custom=true" in problems[0].message
    assert "did you mean" in problems[1].message and "AT33 (Tirol)" in problems[1].message
    assert store.regions(cid).empty  # nothing added
    # outside NUTS: only with the explicit flag and a name; a NUTS code is not "custom"
    with pytest.raises(InputError, match="needs a name"):
        store.add_regions(cid, pd.DataFrame({"region": ["XX99"], "name": [""], "custom": ["true"]}))
    with pytest.raises(InputError, match="is a NUTS 2021 code"):
        store.add_regions(cid, pd.DataFrame({"region": ["SI"], "name": ["Slovenija"], "custom": ["yes"]}))
    with pytest.raises(InputError, match="custom must be true or false"):
        store.add_regions(cid, pd.DataFrame({"region": ["XX99"], "name": ["Nowhere"], "custom": ["maybe"]}))
    store.add_regions(
        cid, pd.DataFrame({"region": ["XX99", "SI"], "name": ["Nowhere", "Slovenija"], "custom": ["true", ""]})
    )
    assert store.regions(cid)["region"].tolist() == ["SI", "XX99"]


def test_add_regions_without_reference_data_needs_the_custom_flag(store, tiny_instrument, tmp_path, monkeypatch):
    monkeypatch.setenv("S3ST_DATA_DIR", str(tmp_path / "no-data"))
    cid = store.create_campaign("Alps 2026", store.add_instrument(tiny_instrument), languages=("en",))
    with pytest.raises(InputError, match="cannot be checked: the NUTS 2021 reference data is not installed"):
        store.add_regions(cid, pd.DataFrame({"region": ["AT33"], "name": ["Tirol"]}))
    store.add_regions(cid, pd.DataFrame({"region": ["AT33"], "name": ["Tirol"], "custom": ["x"]}))
    assert store.regions(cid)["region"].tolist() == ["AT33"]


def test_remove_region_until_someone_answers(store, tiny_instrument):
    cid = setup_campaign(store, tiny_instrument)
    token = store.create_invitations(cid, [("SI", "company", "en")])[0]["token"]
    store.start_respondent(token)  # started, nothing answered yet
    store.remove_region(cid, "SI", admin="admin")
    assert "SI" not in set(store.regions(cid)["region"]) and "SI" not in set(store.groups(cid)["region"])
    assert store.resolve_token(token) is None  # its links go with it
    assert store.audit_log(cid)["event"].tolist()[-1] == "remove_region"
    with pytest.raises(NotFound):
        store.remove_region(cid, "SI")
    answered = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    store.save_page(store.start_respondent(answered), "g1", {"q1": "no"})
    with pytest.raises(InputError, match="cannot be removed: 1 respondent"):
        store.remove_region(cid, "AT33")
    assert "AT33" in set(store.regions(cid)["region"])
