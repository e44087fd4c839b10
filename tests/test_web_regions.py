"""Regions on the admin page and the API: codes checked against NUTS 2021, removal until answered (issue 13)."""

from __future__ import annotations

import html

from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    invitation,
    login,
    make_client,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

AUTH = (ADMIN, PASSWORD)


def _admin(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    assert login(client).status_code == 303
    return client


def test_admin_upload_refuses_made_up_code_and_accepts_custom(sqlite_store, tiny_instrument):
    client = _admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    url = f"/admin/campaigns/{cid}"
    r = client.post(
        f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": "region,name\nXX99,Nowhere\n"}
    )
    text = html.unescape(r.text)
    assert r.status_code == 422 and "line 2" in text and "'XX99' is not a NUTS 2021 code" in text
    assert "XX99" not in set(sqlite_store.regions(cid)["region"])
    r = client.post(
        f"{url}/regions",
        data={"csrf_token": csrf(client.get(url).text), "text": "region,name,custom\nXX99,Nowhere,true\n"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "XX99" in set(sqlite_store.regions(cid)["region"])


def test_admin_page_removes_a_region_until_answered(sqlite_store, tiny_instrument):
    client = _admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    url = f"/admin/campaigns/{cid}"
    page = client.get(url).text
    assert f'action="/admin/campaigns/{cid}/regions/ITH2/remove"' in page
    r = client.post(f"{url}/regions/ITH2/remove", data={"csrf_token": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and "region-removed" in r.headers["location"]
    assert "ITH2" not in set(sqlite_store.regions(cid)["region"])
    assert sqlite_store.audit_log(cid).iloc[-1]["event"] == "remove_region"
    token = invitation(sqlite_store, cid, region="AT33")
    assert post_page(make_client(sqlite_store), f"/s/{token}/page/1", {"years": "12"}).status_code == 303
    r = client.post(f"{url}/regions/AT33/remove", data={"csrf_token": csrf(client.get(url).text)})
    assert r.status_code == 422 and "cannot be removed" in r.text
    assert "AT33" in set(sqlite_store.regions(cid)["region"])


def test_api_checks_codes_and_removes_regions(sqlite_store, tiny_instrument):
    client = _admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    r = client.post(f"/api/v1/campaigns/{cid}/regions", auth=AUTH, json=[{"region": "XX99", "name": "Nowhere"}])
    assert r.status_code == 422 and r.json()["problems"][0]["line"] == 2
    assert "custom=true" in r.json()["problems"][0]["message"]
    r = client.post(
        f"/api/v1/campaigns/{cid}/regions", auth=AUTH, json=[{"region": "XX99", "name": "Nowhere", "custom": True}]
    )
    assert r.status_code == 200 and "XX99" in [x["region"] for x in r.json()]
    r = client.delete(f"/api/v1/campaigns/{cid}/regions/XX99", auth=AUTH)
    assert r.status_code == 200 and "XX99" not in [x["region"] for x in r.json()]
    assert client.delete(f"/api/v1/campaigns/{cid}/regions/XX99", auth=AUTH).status_code == 404
