"""Import answers on the admin campaign page and through the API; wide CSV/XLSX downloads."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
from test_transfer_kobo import HEADER, ROWS, kobo_workbook, write_csv
from web_support import (
    ADMIN,
    PASSWORD,
    audit,
    csrf,
    login,
    make_client,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.instrument import instrument_from_workbook
from s3stresstest.transfer import from_wide

KOBO_REGIONS = pd.DataFrame({"region": ["ITC1", "DE2"], "name": ["Piemonte", "Bayern"]})
COLS = ["respondent_id", "region", "stakeholder_group", "item", "value"]


def _setup(store):
    store.create_admin(ADMIN, PASSWORD)
    ins = instrument_from_workbook(kobo_workbook(), source="kobo_s3")
    cid = store.create_campaign("Kobo 2026", store.add_instrument(ins), languages=["en"])
    store.add_regions(cid, KOBO_REGIONS)
    client = make_client(store)
    assert login(client).status_code == 303
    return client, cid, ins


def _kobo_bytes(tmp_path, rows=ROWS, name="kobo.csv") -> bytes:
    return (tmp_path / name).read_bytes() if write_csv(tmp_path / name, HEADER, rows) else b""


def _upload(client, cid, data: bytes, filename: str, kind="kobo", mapping: bytes | None = None, **fields):
    page = client.get(f"/admin/campaigns/{cid}")
    files = {"file": (filename, data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.csv", mapping, "text/csv")
    return client.post(
        f"/admin/campaigns/{cid}/import",
        data={"csrf_token": csrf(page.text), "kind": kind, **fields},
        files=files,
        follow_redirects=False,
    )


def _sorted(df):
    return df[COLS].astype(str).sort_values(COLS).reset_index(drop=True)


def test_admin_import_success_and_downloads(store, tmp_path):
    client, cid, ins = _setup(store)
    page = client.get(f"/admin/campaigns/{cid}")
    assert "Import answers" in page.text and "responses-wide.xlsx" in page.text
    assert not audit(page.text).unlabelled()
    r = _upload(client, cid, _kobo_bytes(tmp_path), "kobo.csv")
    assert r.status_code == 303, r.text
    shown = client.get(r.headers["location"])
    assert re.search(r"Answers imported: \d+ answers of 2 respondents\.", shown.text), shown.text
    stored = store.responses(cid)
    assert set(stored["respondent_id"]) == {"uuid-a", "uuid-b"}

    wide_csv = client.get(f"/admin/campaigns/{cid}/responses-wide.csv")
    assert wide_csv.status_code == 200 and wide_csv.headers["content-type"].startswith("text/csv")
    wide = pd.read_csv(io.BytesIO(wide_csv.content), dtype=str, keep_default_na=False)
    assert len(wide) == 2 and "contact" not in wide.columns
    back = from_wide(wide, ins, keep_blank=False)
    assert _sorted(back).equals(_sorted(stored))

    xlsx = client.get(f"/admin/campaigns/{cid}/responses-wide.xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
    wide_x = pd.read_excel(io.BytesIO(xlsx.content), sheet_name="responses", dtype=str).fillna("")
    assert _sorted(from_wide(wide_x, ins, keep_blank=False)).equals(_sorted(stored))

    # contact details never travel with answers, not even when asked the old way
    store.set_contact("uuid-a", "a@example.org")
    for fmt in ("responses.csv", "responses-wide.csv"):
        assert "a@example.org" not in client.get(f"/admin/campaigns/{cid}/{fmt}?contact=1").text
    x = client.get(f"/admin/campaigns/{cid}/responses-wide.xlsx?contact=1")
    assert b"a@example.org" not in x.content
    wx = pd.read_excel(io.BytesIO(x.content), sheet_name="responses", dtype=str).fillna("")
    assert "contact" not in wx.columns and "Include contact details" not in page.text
    # their own export: a POST with the CSRF token, ids and contacts only, logged with the admin's name
    assert client.get(f"/admin/campaigns/{cid}/contacts.csv").status_code == 405
    assert client.post(f"/admin/campaigns/{cid}/contacts.csv", data={"csrf_token": "x"}).status_code == 403
    r = client.post(f"/admin/campaigns/{cid}/contacts.csv", data={"csrf_token": csrf(page.text)})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["respondent_id,contact", "uuid-a,a@example.org"]
    entry = store.audit_log(cid).iloc[-1]
    assert entry["event"] == "export_contacts" and json.loads(entry["detail"]) == {"admin": "admin", "rows": 1}
    assert "contact" not in store.audit_log(cid)["event"].iloc[-2]  # the xlsx export before it


def test_admin_import_failure_imports_nothing(store, tmp_path):
    client, cid, _ = _setup(store)
    assert _upload(client, cid, _kobo_bytes(tmp_path), "kobo.csv", id_prefix="first-").status_code == 303
    before = len(store.responses(cid))
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("block1/q1")] = "maybe"
    r = _upload(client, cid, _kobo_bytes(tmp_path, rows, "bad.csv"), "bad.csv")
    assert r.status_code == 422
    assert "bad.csv, line 3, column &#39;block1/q1&#39;: &#39;maybe&#39; is not a choice" in r.text
    assert len(store.responses(cid)) == before
    # no file; an option that does not apply; a region the campaign does not have
    r = _upload(client, cid, b"", "")
    assert r.status_code == 422 and "choose a file" in r.text
    r = _upload(client, cid, _kobo_bytes(tmp_path), "kobo.csv", kind="wide", region="ITC1")
    assert r.status_code == 422 and "option &#39;region&#39; does not apply" in r.text
    r = _upload(client, cid, _kobo_bytes(tmp_path), "kobo.csv", region="FR1")
    assert r.status_code == 422 and "FR1" in r.text
    assert len(store.responses(cid)) == before
    # CSRF like every other form
    r = client.post(
        f"/admin/campaigns/{cid}/import",
        data={"kind": "kobo"},
        files={"file": ("kobo.csv", _kobo_bytes(tmp_path), "text/csv")},
    )
    assert r.status_code == 403
    assert len(store.responses(cid)) == before


def test_admin_import_needs_login(sqlite_store, tmp_path):
    client = make_client(sqlite_store)
    r = client.get("/admin/campaigns/1/responses-wide.csv", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/admin/login")


def test_api_import_and_export(store, tmp_path):
    _, cid, ins = _setup(store)
    api = make_client(store)
    auth = (ADMIN, PASSWORD)
    r = api.post(
        f"/api/v1/campaigns/{cid}/import",
        auth=auth,
        data={"kind": "kobo"},
        files={"file": ("kobo.csv", _kobo_bytes(tmp_path), "text/csv")},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["respondents"] == 2 and body["answers"] == len(store.responses(cid)) and body["kind"] == "kobo"
    # refused whole, problems with line and column
    rows = [list(r_) for r_ in ROWS]
    rows[0][HEADER.index("_uuid")] = "new-id"
    rows[1][HEADER.index("block1/q1")] = "maybe"
    before = len(store.responses(cid))
    r = api.post(
        f"/api/v1/campaigns/{cid}/import",
        auth=auth,
        data={"kind": "kobo"},
        files={"file": ("bad.csv", _kobo_bytes(tmp_path, rows, "bad.csv"), "text/csv")},
    )
    assert r.status_code == 422
    assert {
        "message": "'maybe' is not a choice of item 'q1' (choices: yes, no)",
        "line": 3,
        "field": "block1/q1",
        "source": "bad.csv",
    } in r.json()["problems"] or any(p["line"] == 3 and p["field"] == "block1/q1" for p in r.json()["problems"])
    assert len(store.responses(cid)) == before
    assert (
        api.post(
            f"/api/v1/campaigns/{cid}/import", data={"kind": "kobo"}, files={"file": ("k.csv", b"x", "text/csv")}
        ).status_code
        == 401
    )
    assert (
        api.post(
            "/api/v1/campaigns/999/import",
            auth=auth,
            data={"kind": "kobo"},
            files={"file": ("k.csv", b"x", "text/csv")},
        ).status_code
        == 404
    )

    stored = store.responses(cid)
    long = api.get(f"/api/v1/campaigns/{cid}/responses", auth=auth)
    assert (
        long.status_code == 200
        and long.text.splitlines()[0] == "respondent_id,region,stakeholder_group,item,value,language"
    )
    assert _sorted(pd.read_csv(io.StringIO(long.text), dtype=str, keep_default_na=False)).equals(_sorted(stored))
    wide = api.get(f"/api/v1/campaigns/{cid}/responses?format=wide", auth=auth)
    assert wide.status_code == 200
    w = pd.read_csv(io.StringIO(wide.text), dtype=str, keep_default_na=False)
    assert _sorted(from_wide(w, ins, keep_blank=False)).equals(_sorted(stored))
    x = api.get(f"/api/v1/campaigns/{cid}/responses?format=xlsx", auth=auth)
    assert x.status_code == 200 and "spreadsheetml" in x.headers["content-type"]
    wx = pd.read_excel(io.BytesIO(x.content), sheet_name="responses", dtype=str).fillna("")
    assert _sorted(from_wide(wx, ins, keep_blank=False)).equals(_sorted(stored))
    assert api.get(f"/api/v1/campaigns/{cid}/responses?format=pdf", auth=auth).status_code == 422
    # the wide export imports back into another campaign (kind=wide, XLSX)
    cid2 = store.create_campaign("Copy", store.add_instrument(ins), languages=["en"])
    store.add_regions(cid2, KOBO_REGIONS)
    store.delete_respondent("uuid-a"), store.delete_respondent("uuid-b")
    r = api.post(
        f"/api/v1/campaigns/{cid2}/import",
        auth=auth,
        data={"kind": "wide"},
        files={"file": ("wide.xlsx", x.content, "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    assert _sorted(store.responses(cid2)).equals(_sorted(stored))
    schema = api.get("/openapi.json").json()
    assert "/api/v1/campaigns/{campaign_id}/import" in schema["paths"]
    assert re.search("wide", str(schema["paths"]["/api/v1/campaigns/{campaign_id}/responses"]))
