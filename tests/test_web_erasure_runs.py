"""An erasure (GDPR Art. 17) also deletes the runs kept on the server that hold the person's answers."""

from __future__ import annotations

import json

import pandas as pd
from conftest import small_workbook
from web_support import ADMIN, PASSWORD, campaign, csrf, login, make_client, sqlite_store  # noqa: F401

from s3stresstest.instrument import instrument_from_workbook
from s3stresstest.web.reports import drop_runs_holding


def _kept_run(root, cid, run_id, respondents):
    results = root / f"campaign{cid}" / run_id / "results"
    (results / "inputs").mkdir(parents=True)
    (results / "run.json").write_text("{}")
    pd.DataFrame({"respondent_id": respondents, "region": "SI", "stakeholder_group": "company", "item": "q1",
                  "value": "yes"}).to_csv(results / "inputs" / "responses.csv", index=False)  # fmt: skip
    (results.parent / "reports").mkdir()
    return results.parent


def test_the_admins_erasure_deletes_the_kept_runs_holding_the_answers_and_logs_it(sqlite_store, tmp_path):
    store = sqlite_store
    store.create_admin(ADMIN, PASSWORD)
    runs = tmp_path / "runs"
    client = make_client(store, runs_dir=runs)
    assert login(client).status_code == 303
    cid = campaign(store, instrument_from_workbook(small_workbook(), source="tiny"))
    inv = store.create_invitations(cid, [("SI", "company", "en")])[0]
    rid = store.start_respondent(inv["token"])
    store.save_page(rid, "all", {"q1": "yes"})
    store.submit(rid)
    holding = _kept_run(runs, cid, "run-20270101-000000", [rid, "other-1"])
    without = _kept_run(runs, cid, "run-20270101-000001", ["other-1", "other-2"])
    elsewhere = _kept_run(runs, cid + 1, "run-20270101-000000", [rid])  # another campaign's folder: not this one's

    token = csrf(client.get(f"/admin/campaigns/{cid}/data-requests").text)
    form = {"csrf_token": token, "kind": "invitation", "who": str(inv["invitation_id"])}
    page = client.post(f"/admin/campaigns/{cid}/data-requests/erase", data=form)
    assert "Runs and reports kept on this server that hold these answers are deleted too" in page.text
    r = client.post(
        f"/admin/campaigns/{cid}/data-requests/erase", data={**form, "asked": "yes", "confirm": "yes"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    assert not holding.exists()
    assert without.exists() and elsewhere.exists()
    log = store.audit_log(cid)
    deleted = [json.loads(d) for e, d in zip(log["event"], log["detail"], strict=True) if e == "runs_deleted"]
    assert deleted == [{"admin": ADMIN, "runs": "run-20270101-000000", "reason": "erasure"}]
    assert "kept runs and their reports deleted" in client.get(f"/admin/campaigns/{cid}").text


def test_a_run_whose_answers_cannot_be_read_is_deleted_to_be_safe(tmp_path):
    run = _kept_run(tmp_path, 1, "run-20270101-000000", ["a"])
    (run / "results" / "inputs" / "responses.csv").unlink()
    kept = _kept_run(tmp_path, 1, "run-20270101-000001", ["b"])
    assert drop_runs_holding(tmp_path, 1, ["a"]) == ["run-20270101-000000"]
    assert not run.exists() and kept.exists()
    assert drop_runs_holding(tmp_path, 1, []) == [] and kept.exists()
    assert drop_runs_holding(tmp_path, 2, ["b"]) == []
