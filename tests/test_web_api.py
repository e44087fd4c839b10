"""JSON API under /api/v1: the admin operations, authentication, OpenAPI schema."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
from conftest import small_workbook
from web_support import (
    ADMIN,
    PASSWORD,
    PRIVACY,
    csrf,
    login,
    make_client,
    name_privacy,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.instrument import write_xlsx

AUTH = (ADMIN, PASSWORD)


def _client(store):
    store.create_admin(ADMIN, PASSWORD)
    return make_client(store)


def test_api_admin_operations(store):
    client = _client(store)
    r = client.post("/api/v1/campaigns", json={"name": "API campaign", "languages": ["en", "sl"]}, auth=AUTH)
    assert r.status_code == 201, r.text
    camp = r.json()
    cid = camp["id"]
    assert camp["status"] == "open" and camp["languages"] == ["en", "sl"]
    assert [c["id"] for c in client.get("/api/v1/campaigns", auth=AUTH).json()] == [cid]

    r = client.post(
        f"/api/v1/campaigns/{cid}/regions",
        auth=AUTH,
        json=[{"region": "SI", "name": "Slovenija"}, {"region": "AT33", "name": "Tirol"}],
    )
    assert r.status_code == 200 and [x["region"] for x in r.json()] == ["AT33", "SI"]
    r = client.post(
        f"/api/v1/campaigns/{cid}/groups",
        auth=AUTH,
        json=[{"region": "SI", "group": "east"}, {"region": "AT33", "group": "east"}],
    )
    assert r.status_code == 200 and len(client.get(f"/api/v1/campaigns/{cid}/groups", auth=AUTH).json()) == 2

    # no links before the privacy notice names the controller and a contact
    asked = {"rows": [{"region": "SI", "stakeholder_group": "company", "language": "sl", "count": 2}]}
    r = client.post(f"/api/v1/campaigns/{cid}/invitations", auth=AUTH, json=asked)
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["controller", "contact"]
    r = client.put(f"/api/v1/campaigns/{cid}/privacy-notice", auth=AUTH, json=PRIVACY)
    assert r.status_code == 200, r.text

    r = client.post(
        f"/api/v1/campaigns/{cid}/invitations",
        auth=AUTH,
        json={"rows": [{"region": "SI", "stakeholder_group": "company", "language": "sl", "count": 2}]},
    )
    assert r.status_code == 201
    invites = r.json()
    assert len(invites) == 2 and all(i["link"] == f"http://testserver/s/{i['token']}" for i in invites)
    assert store.resolve_token(invites[0]["token"])["language"] == "sl"
    r = client.post(
        f"/api/v1/campaigns/{cid}/invitations?format=csv",
        auth=AUTH,
        json={"rows": [{"region": "AT33", "stakeholder_group": "policy_maker", "language": "en", "count": 1}]},
    )
    assert r.status_code == 201 and r.text.splitlines()[0] == "invitation_id,region,stakeholder_group,language,link"

    r = client.post(f"/api/v1/campaigns/{cid}/open-links", auth=AUTH, json={"region": "AT33", "language": "en"})
    assert r.status_code == 201 and store.resolve_token(r.json()["token"])["kind"] == "open"

    # one respondent answers in Slovenian and submits
    web = make_client(store)
    token = invites[0]["token"]
    landing = web.get(f"/s/{token}")
    assert '<html lang="sl">' in landing.text and "Dobrodošli" in landing.text
    post_page(web, f"/s/{token}/page/1", {"organisation_size": "small"})
    review = web.get(f"/s/{token}/review")
    web.post(f"/s/{token}/submit", data={"csrf_token": csrf(review.text)})

    rates = client.get(f"/api/v1/campaigns/{cid}/response-rates", auth=AUTH).json()
    status = client.get(f"/api/v1/campaigns/{cid}/invitations", auth=AUTH).json()
    assert [(s["invitation_id"], s["status"]) for s in status] == [
        (invites[0]["invitation_id"], "submitted"),
        (invites[1]["invitation_id"], "not started"),
        (status[2]["invitation_id"], "not started"),
    ]
    assert status[0]["pages_done"] == 1 and status[0]["pages_total"] == 8 and status[0]["last_activity"]
    assert status[1]["last_activity"] is None and status[1]["pages_done"] == 0
    as_csv = client.get(f"/api/v1/campaigns/{cid}/invitations?format=csv", auth=AUTH)
    assert as_csv.text.splitlines()[0].startswith("invitation_id,region,stakeholder_group,language,created")
    assert "link" not in as_csv.text.splitlines()[0] and invites[0]["token"] not in as_csv.text
    si = next(x for x in rates if x["region"] == "SI")
    assert (si["invited"], si["started"], si["submitted"], si["rate"]) == (2, 1, 1, 0.5)
    at = next(x for x in rates if x["region"] == "AT33")
    assert at["rate"] == 0.0

    exported = client.get(f"/api/v1/campaigns/{cid}/responses", auth=AUTH)
    df = pd.read_csv(io.StringIO(exported.text), dtype=str, keep_default_na=False)
    assert df.to_dict("records") == [
        {
            "respondent_id": store.resolve_token(token)["respondent_id"],
            "region": "SI",
            "stakeholder_group": "company",
            "item": "organisation_size",
            "value": "small",
            "language": "sl",
        }
    ]

    assert "contact" not in client.get(f"/api/v1/campaigns/{cid}/responses?include_contact=true", auth=AUTH).text
    store.set_contact(store.resolve_token(token)["respondent_id"], "=cmd|' /C calc'!A0")
    contacts = client.post(f"/api/v1/campaigns/{cid}/contacts", auth=AUTH)
    assert contacts.status_code == 200 and contacts.text.splitlines()[0] == "respondent_id,contact"
    assert "'=cmd" in contacts.text  # neutralised like every CSV
    assert client.get(f"/api/v1/campaigns/{cid}/contacts", auth=AUTH).status_code == 405

    r = client.post(f"/api/v1/campaigns/{cid}/score", auth=AUTH)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "block_scores.csv" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()

    r = client.post(f"/api/v1/campaigns/{cid}/close", auth=AUTH)
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_at"]
    assert web.get(f"/s/{invites[1]['token']}").status_code == 404
    assert (
        client.post(
            f"/api/v1/campaigns/{cid}/open-links", auth=AUTH, json={"region": "AT33", "language": "en"}
        ).status_code
        == 422
    )
    log = client.get(f"/api/v1/campaigns/{cid}/audit", auth=AUTH).json()
    assert [e["event"] for e in log] == [
        "create",
        "regions_add",
        "groups_add",
        "privacy_edit",
        "invitations",
        "invitations",
        "open_link",
        "consent",  # the respondent agreed to the privacy notice before the first save
        "submit",
        "export",
        "export",
        "export_contacts",
        "score",
        "close",
    ]
    assert all(json.loads(e["detail"])["admin"] == "admin" for e in log if e["event"] not in ("consent", "submit"))


def test_api_refusals_list_every_problem(sqlite_store):
    client = _client(sqlite_store)
    cid = name_privacy(sqlite_store, client.post("/api/v1/campaigns", json={"name": "x"}, auth=AUTH).json()["id"])
    r = client.post(
        f"/api/v1/campaigns/{cid}/regions",
        auth=AUTH,
        json=[{"region": "bad code", "name": "A"}, {"region": "SI"}, {"region": "SI"}],
    )
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [p["line"] for p in problems] == [2, 4] and problems[0]["field"] == "region"
    r = client.post("/api/v1/campaigns", json={"name": "y", "languages": ["en", "xx"]}, auth=AUTH)
    assert r.status_code == 422 and "language 'xx'" in r.json()["problems"][0]["message"]
    r = client.post("/api/v1/campaigns", json={"name": ""}, auth=AUTH)
    assert r.status_code == 422
    assert client.get("/api/v1/campaigns/999", auth=AUTH).status_code == 404
    r = client.post(
        f"/api/v1/campaigns/{cid}/invitations",
        auth=AUTH,
        json={"rows": [{"region": "SI", "stakeholder_group": "pirate", "language": "en", "count": 1}]},
    )
    assert r.status_code == 422
    r = client.post(f"/api/v1/campaigns/{cid}/score", auth=AUTH)
    assert r.status_code == 422 and "no submitted answers" in r.json()["detail"]


def test_api_xlsform_upload(sqlite_store, tmp_path):
    client = _client(sqlite_store)
    path = write_xlsx(small_workbook(), tmp_path / "tiny.xlsx")
    r = client.post("/api/v1/instruments", auth=AUTH, files={"file": ("tiny.xlsx", path.read_bytes())})
    assert r.status_code == 201 and r.json()["form_id"] == "tiny"
    iid = r.json()["id"]
    r = client.post("/api/v1/campaigns", json={"name": "tiny", "instrument_id": iid}, auth=AUTH)
    assert r.status_code == 201 and r.json()["instrument_id"] == iid
    r = client.post(
        "/api/v1/campaigns/xlsform",
        auth=AUTH,
        data={"name": "tiny 2", "languages": ["de"]},
        files={"file": ("tiny.xlsx", path.read_bytes())},
    )
    assert r.status_code == 201 and r.json()["instrument_id"] == iid and r.json()["languages"] == ["de"]
    book = small_workbook()
    book["survey"].rows[0]["type"] = "rating"
    bad = write_xlsx(book, tmp_path / "bad.xlsx")
    r = client.post("/api/v1/instruments", auth=AUTH, files={"file": ("bad.xlsx", bad.read_bytes())})
    assert r.status_code == 422 and "type 'rating' is not supported" in r.json()["detail"]


def test_api_authentication(sqlite_store):
    client = _client(sqlite_store)
    assert client.get("/api/v1/campaigns").status_code == 401
    assert "www-authenticate" not in client.get("/api/v1/campaigns").headers  # browsers never cache credentials
    assert client.get("/api/v1/campaigns", auth=(ADMIN, "wrong")).status_code == 401
    assert client.get("/api/v1/campaigns", auth=AUTH).status_code == 200
    # the admin pages' session cookie works, with X-CSRF-Token on changes
    login(client)
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == ADMIN
    token = me.json()["csrf_token"]
    assert client.post("/api/v1/campaigns", json={"name": "no header"}).status_code == 403
    assert client.post("/api/v1/campaigns", json={"name": "bad"}, headers={"x-csrf-token": "x"}).status_code == 403
    r = client.post("/api/v1/campaigns", json={"name": "with header"}, headers={"x-csrf-token": token})
    assert r.status_code == 201
    assert [c["name"] for c in sqlite_store.list_campaigns()] == ["with header"]


def test_openapi_lists_the_admin_endpoints(sqlite_store):
    client = make_client(sqlite_store)
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("/api/v1/campaigns", "get"),
        ("/api/v1/campaigns", "post"),
        ("/api/v1/campaigns/xlsform", "post"),
        ("/api/v1/campaigns/{campaign_id}", "get"),
        ("/api/v1/campaigns/{campaign_id}/close", "post"),
        ("/api/v1/campaigns/{campaign_id}/regions", "post"),
        ("/api/v1/campaigns/{campaign_id}/groups", "post"),
        ("/api/v1/campaigns/{campaign_id}/invitations", "post"),
        ("/api/v1/campaigns/{campaign_id}/open-links", "post"),
        ("/api/v1/campaigns/{campaign_id}/response-rates", "get"),
        ("/api/v1/campaigns/{campaign_id}/responses", "get"),
        ("/api/v1/campaigns/{campaign_id}/score", "post"),
        ("/api/v1/instruments", "post"),
        ("/api/v1/me", "get"),
    }
    found = {(p, m) for p, ops in paths.items() for m in ops}
    assert expected <= found, expected - found
    assert not any(p.startswith(("/s/", "/r/", "/admin", "/static")) for p in paths)  # HTML pages stay out
    assert "HTTPBasic" in spec["components"]["securitySchemes"]
    assert all(op.get("summary") for p in paths.values() for op in p.values())
