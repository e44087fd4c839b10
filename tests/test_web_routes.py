"""Every route of the app, walked: admin pages and API endpoints need an admin, a campaign that does
not exist is a 404 on both. Walking `app.routes` (not a list of URLs) makes a route added later
without the routers' checks fail here."""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    login,
    make_client,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

# Open to anyone: survey links (their token is the key), sign-in and sign-out, the admin language switch,
# the home redirect, the health check, the OpenAPI schema and the static files.
PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
    ("POST", "/admin/logout"),
    ("GET", "/admin/language"),  # the language switch: sets a cookie and goes back to an admin page
}
PUBLIC_PREFIXES = ("/s/{token}", "/r/{token}", "/static")
PARAM = re.compile(r"\{(\w+)\}")


def _url(path: str, values: dict) -> str:
    return PARAM.sub(lambda m: str(values.get(m.group(1), "1")), path)


def _endpoints(app):
    """(method, full path) of every route, those of included routers too (FastAPI keeps an included
    router as one entry of `app.routes`: `iter_route_contexts` gives its routes with their prefix).
    A mount (/static) counts as GET; HEAD is left out (it answers as GET does)."""
    for route in iter_route_contexts(app.routes):
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method != "HEAD":
                yield method, route.path


def unprotected(client, campaign_id: int) -> list[str]:
    """Routes not on the allow-list that a visitor without a session reaches: the API must answer
    401, an admin page must send to the login page (303)."""
    found = []
    for method, path in _endpoints(client.app):
        if (method, path) in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        r = client.request(method, _url(path, {"campaign_id": campaign_id}), follow_redirects=False)
        if path.startswith("/api/"):
            ok = r.status_code == 401 and "authentication required" in r.json()["detail"]
        else:
            ok = r.status_code == 303 and r.headers["location"] == "/admin/login"
        if not ok:
            found.append(f"{method} {path} -> {r.status_code}")
    return found


def test_every_admin_and_api_route_needs_an_admin(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    walked = list(_endpoints(client.app))
    assert ("POST", "/admin/campaigns/{campaign_id}/score") in walked  # the walk sees the routers' routes
    assert ("POST", "/api/v1/campaigns/{campaign_id}/score") in walked
    assert unprotected(client, cid) == []
    assert sqlite_store.get_campaign(cid)["status"] == "open"  # no unauthenticated POST got through
    # the allow-list stays open
    assert client.get("/admin/login").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 200


def test_the_walk_finds_a_route_added_without_the_checks(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    loose = APIRouter()

    @loose.get("/admin/campaigns/{campaign_id}/oops")
    def oops(campaign_id: int):
        return {"id": campaign_id}

    @loose.post("/api/v1/oops")
    def api_oops():
        return {}

    @loose.get("/elsewhere")
    def elsewhere():
        return {}

    client.app.include_router(loose)
    assert unprotected(client, cid) == [
        "GET /admin/campaigns/{campaign_id}/oops -> 200",
        "POST /api/v1/oops -> 200",
        "GET /elsewhere -> 200",
    ]


def _campaign_routes(app, prefix: str):
    return [(m, p) for m, p in _endpoints(app) if p.startswith(prefix) and "{campaign_id}" in p]


def test_a_missing_campaign_is_404_on_admin_pages_and_api(sqlite_store, tiny_instrument):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    campaign(sqlite_store, tiny_instrument)
    admin = make_client(sqlite_store)
    assert login(admin).status_code == 303
    token = csrf(admin.get("/admin").text)
    pages = _campaign_routes(admin.app, "/admin/")
    assert len(pages) >= 12, pages
    for method, path in pages:
        r = admin.request(
            method,
            _url(path, {"campaign_id": 999}),
            follow_redirects=False,
            data={"csrf_token": token} if method == "POST" else None,
        )
        assert r.status_code == 404 and "<html" in r.text, (method, path, r.status_code)

    api = make_client(sqlite_store)
    endpoints = _campaign_routes(api.app, "/api/")
    assert len(endpoints) >= 14, endpoints
    for method, path in endpoints:
        r = api.request(method, _url(path, {"campaign_id": 999}), auth=(ADMIN, PASSWORD))
        assert r.status_code == 404 and r.json() == {"detail": "no campaign 999"}, (method, path, r.text)
    # a visitor without a session learns nothing about which campaigns exist
    assert make_client(sqlite_store).get("/admin/campaigns/999", follow_redirects=False).status_code == 303
    assert make_client(sqlite_store).get("/api/v1/campaigns/999").status_code == 401


def test_campaign_id_stays_a_documented_path_parameter(sqlite_store):
    spec = make_client(sqlite_store).get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        if "{campaign_id}" not in path:
            continue
        for operation in operations.values():
            params = {(p["name"], p["in"]) for p in operation.get("parameters", [])}
            assert ("campaign_id", "path") in params, (path, params)
            assert "404" in operation["responses"], path
