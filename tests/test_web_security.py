"""Security and privacy of the web service: CSRF, CSP, size limits, rate limits, cookies, escaping."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from web_support import (
    ADMIN,
    PASSWORD,
    audit,
    campaign,
    csrf,
    invitation,
    login,
    make_client,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.web import i18n
from s3stresstest.web.logging_filter import redact_path
from s3stresstest.web.security import CSP, RateLimiter, Signer
from s3stresstest.web.settings import WebSettings

URL_RE = re.compile(r"""(?:https?:)?//[^\s"'<>()]+""", re.I)


@pytest.fixture
def live(sqlite_store, tiny_instrument):
    """(store, client, campaign id, invitation token, open-link token) with an admin account."""
    sqlite_store.create_admin(ADMIN, PASSWORD)
    cid = campaign(sqlite_store, tiny_instrument)
    return (
        sqlite_store,
        make_client(sqlite_store),
        cid,
        invitation(sqlite_store, cid),
        sqlite_store.create_open_link(cid, "SI", "en"),
    )


# -- CSRF --------------------------------------------------------------------------------------
def test_csrf_missing_or_wrong_is_refused_with_403(live):
    store, client, cid, token, _ = live
    url = f"/s/{token}/page/1"
    client.get(url)
    for data in ({"years": "1"}, {"years": "1", "csrf_token": "forged"}, {"years": "1", "csrf_token": ""}):
        r = client.post(url, data=data)
        assert r.status_code == 403 and "This form has expired" in r.text
    assert store.resolve_token(token)["respondent_id"] is None  # nothing started, nothing saved
    # the token of one browser does not work in another
    stolen = csrf(client.get(url).text)
    other = make_client(store)
    other.get(url)
    assert other.post(url, data={"years": "1", "csrf_token": stolen}).status_code == 403
    # login, logout and admin forms too
    assert client.post("/admin/login", data={"username": ADMIN, "password": PASSWORD}).status_code == 403
    assert (
        "set-cookie"
        not in client.post("/admin/login", data={"username": ADMIN, "password": PASSWORD, "csrf_token": "nope"}).headers
    )
    assert login(client).status_code == 303
    for path in (
        "/admin/campaigns",
        f"/admin/campaigns/{cid}/close",
        f"/admin/campaigns/{cid}/regions",
        f"/admin/campaigns/{cid}/invitations",
        "/admin/logout",
    ):
        assert client.post(path, data={"name": "x"}).status_code == 403, path
    assert store.get_campaign(cid)["status"] == "open"


def test_every_form_carries_a_csrf_token(live):
    _store, client, cid, token, open_token = live
    pages = [f"/s/{token}/page/1", f"/s/{token}/review", f"/r/{open_token}", "/admin/login"]
    for url in pages:
        html = client.get(url).text
        assert html.count("<form") == html.count('name="csrf_token"'), url
    login(client)
    for url in ("/admin", f"/admin/campaigns/{cid}"):
        html = client.get(url).text
        posts = len(re.findall(r'<form[^>]*method="post"', html))
        assert posts and posts == html.count('name="csrf_token"'), url


# -- headers, CSP, assets ------------------------------------------------------------------------
def _html_pages(client, store, cid, token, open_token):
    yield client.get(f"/s/{token}")
    yield client.get(f"/s/{token}/page/1")
    yield client.get(f"/s/{token}/review")
    yield client.get(f"/r/{open_token}")
    yield client.get("/s/" + "q" * 32)  # 404
    yield client.post(f"/s/{token}/page/1", data={})  # 403
    yield client.get("/admin/login")
    login(client)
    yield client.get("/admin")
    yield client.get(f"/admin/campaigns/{cid}")


def test_csp_and_security_headers_on_every_html_response(live):
    store, client, cid, token, open_token = live
    for r in _html_pages(client, store, cid, token, open_token):
        assert r.headers["content-type"].startswith("text/html"), r.url
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"
        found = audit(r.text)
        assert found.inline_scripts == 0 and found.style_attrs == 0 and found.style_tags == 0, r.url
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert client.get("/static/style.css").headers["content-security-policy"] == CSP
    assert client.get("/openapi.json").headers["content-security-policy"] == CSP


def test_no_external_urls_in_served_html_css_js(live):
    store, client, cid, token, open_token = live
    bodies = [r.text for r in _html_pages(client, store, cid, token, open_token)]
    assets = set()
    for html in bodies:
        assets |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
    assert "/static/style.css" in assets
    for path in assets:
        r = client.get(path)
        assert r.status_code == 200, path
        bodies.append(r.text)
    from s3stresstest.web.core import STATIC

    for f in STATIC.rglob("*"):
        if f.suffix in (".css", ".js"):
            bodies.append(f.read_text(encoding="utf-8"))
    for body in bodies:
        for url in URL_RE.findall(body):
            host = urlsplit(url if "//" in url[:8] else "http:" + url).hostname
            assert host in ("testserver", None), url


def test_api_docs_do_not_load_a_cdn(live):
    _, client, *_ = live
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


# -- size limits ----------------------------------------------------------------------------------
def test_big_body_gives_413_with_a_clear_page(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store, max_body_bytes=64 * 1024)
    url = f"/s/{token}/page/1"
    page = client.get(url)
    big = {"years": "1", "open1": "x" * (100 * 1024), "csrf_token": csrf(page.text)}
    r = client.post(url, data=big)
    assert r.status_code == 413
    assert "Too much data" in r.text and "64 kB" in r.text
    assert r.headers["content-security-policy"] == CSP
    de = client.post(url, data=big, headers={"accept-language": "de-CH,de;q=0.9,en;q=0.5"})
    assert de.status_code == 413 and "Zu viele Daten" in de.text

    # without Content-Length (streamed), the limit holds while the body comes in
    def chunks():
        for _ in range(40):
            yield b"y" * 4096

    r = client.post(url, content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    # API callers get JSON
    api = client.post(
        "/api/v1/campaigns", content=b"{" + b" " * (70 * 1024) + b"}", headers={"content-type": "application/json"}
    )
    assert api.status_code == 413 and "larger than the server accepts" in api.json()["detail"]
    assert sqlite_store.resolve_token(token)["respondent_id"] is None


def test_default_limit_is_10_mb():
    assert WebSettings(secret_key="k" * 40).max_body_bytes == 10 * 1024 * 1024


def test_413_with_the_default_limit(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    r = client.post(
        f"/s/{token}/page/1",
        content=b"a=" + b"x" * (10 * 1024 * 1024 + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413 and "10 MB" in r.text


# -- rate limits ------------------------------------------------------------------------------------
def test_login_rate_limit_gives_429(live):
    _store, client, *_ = live
    for _ in range(5):
        assert login(client, password="wrong password").status_code == 401
    r = login(client)  # even the right password now waits
    assert r.status_code == 429 and "Too many requests" in r.text and r.headers["retry-after"] == "60"
    assert "s3st_admin" not in r.headers.get("set-cookie", "")
    # API Basic logins share the limit
    assert client.get("/api/v1/campaigns", auth=(ADMIN, PASSWORD)).status_code == 429


def test_token_endpoints_are_rate_limited(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store, bad_token_rate=3)
    for i in range(3):
        assert client.get(f"/s/{'g' * 31}{i}").status_code == 404
    assert client.get(f"/s/{'g' * 32}").status_code == 429
    assert client.get(f"/s/{token}").status_code == 200  # failed guesses never block a valid link
    assert client.get(f"/s/{'h' * 32}").status_code == 429
    busy = make_client(sqlite_store, token_rate=4)
    for _ in range(4):
        assert busy.get(f"/s/{token}").status_code == 200
    assert busy.get(f"/s/{token}").status_code == 429


def test_rate_limiter_window():
    limiter = RateLimiter(2, window=0.2)
    assert limiter.hit("a") and limiter.hit("a") and not limiter.hit("a")
    assert limiter.blocked("a") and not limiter.blocked("b")
    import time

    time.sleep(0.25)
    assert not limiter.blocked("a") and limiter.hit("a")
    assert RateLimiter(0).hit("x") and not RateLimiter(0).blocked("x")


# -- sessions & cookies -------------------------------------------------------------------------------
def test_wrong_password_gives_no_session(live):
    _store, client, *_ = live
    r = login(client, password="not the password")
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    assert "s3st_admin" not in r.headers.get("set-cookie", "")
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login"
    assert login(client, username="nobody").status_code == 401


def test_session_cookie_flags(live):
    store, client, *_ = live
    r = login(client)
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("s3st_admin="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/admin").status_code == 200
    secure = make_client(store)
    secure.base_url = "https://testserver"
    page = secure.get("https://testserver/admin/login")
    assert all("Secure" in c for c in page.headers.get_list("set-cookie"))
    r = secure.post(
        "https://testserver/admin/login",
        data={"username": ADMIN, "password": PASSWORD, "csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("s3st_admin="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_tampered_session_cookie_is_ignored(live):
    _store, client, *_ = live
    login(client)
    value = client.cookies.get("s3st_admin")
    body, mac = value.split(".")
    client.cookies.set("s3st_admin", body + "." + mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB"))
    assert client.get("/admin", follow_redirects=False).status_code == 303
    other = Signer(b"another key, another app, another day")
    client.cookies.set("s3st_admin", other.sign("admin", {"uid": 1, "user": ADMIN, "csrf": "x" * 43}))
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(live):
    _store, client, *_ = live
    login(client)
    page = client.get("/admin")
    r = client.post("/admin/logout", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_signer_rejects_other_purpose_and_age():
    s = Signer(b"k" * 32)
    v = s.sign("a", {"x": 1})
    assert s.unsign("a", v)["x"] == 1
    assert s.unsign("b", v) is None
    assert s.unsign("a", v, max_age=-1) is None
    assert s.unsign("a", "garbage") is None and s.unsign("a", None) is None


# -- escaping, privacy ------------------------------------------------------------------------------------
def test_templates_escape_what_people_typed(live):
    _store, client, _cid, token, _ = live
    evil = '<script>alert("x")</script>'
    post_page(client, f"/s/{token}/page/3", {"open1": evil})
    review = client.get(f"/s/{token}/review").text
    assert evil not in review and "&lt;script&gt;" in review
    login(client)
    page = client.get("/admin")
    client.post(
        "/admin/campaigns",
        data={"name": evil, "instrument_source": "builtin", "languages": ["en"], "csrf_token": csrf(page.text)},
    )
    listing = client.get("/admin").text
    assert evil not in listing and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listing


def test_tokens_are_kept_out_of_logs():
    assert redact_path("GET /s/abcDEF_123-xyz/page/2 HTTP/1.1") == "GET /s/…/page/2 HTTP/1.1"
    assert redact_path("/r/TOKEN") == "/r/…"
    assert redact_path("GET /r/TOKEN/resume/eyJyaWQ.aBc-_9 HTTP/1.1") == "GET /r/…/resume/… HTTP/1.1"
    assert redact_path("/admin/campaigns/1") == "/admin/campaigns/1"


def test_invitation_tokens_have_at_least_128_bits_and_only_hashes_are_stored(live):
    store, _client, _cid, token, open_token = live
    assert len(token) * 6 >= 128 and len(open_token) * 6 >= 128
    from sqlalchemy import text

    with store.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("select token_hash from invitations"))]
    assert token not in stored and open_token not in stored and all(len(h) == 64 for h in stored)


# -- interface text ------------------------------------------------------------------------------------------
def test_every_ui_string_exists_in_every_language_with_the_same_placeholders():
    """The web pages' texts come from the `web` catalogues: complete in every language, same fields."""
    from s3stresstest.i18n.tools import problems, template

    assert set(i18n.LANGUAGE_NAMES) == set(i18n.LANGUAGES) == {"en", "de", "fr", "it", "sl"}
    assert problems(["web"]) == []
    extracted = {m.id for m in template("web") if isinstance(m.id, str)}
    for name, text in i18n.MESSAGES.items():  # texts looked up by name are extracted too
        assert text in extracted, name
        assert i18n.t("de", name) != text, name  # (French "Questions" may equal its English text)
    for group in __import__("s3stresstest.campaign.model", fromlist=["x"]).STAKEHOLDER_GROUPS:
        assert f"group_{group}" in i18n.MESSAGES


def test_language_helpers():
    assert i18n.normalise("Deutsch (de)") == "de" and i18n.normalise("fr-CH") == "fr"
    assert i18n.normalise("xx") == "en" and i18n.normalise(None) == "en"
    assert i18n.from_accept_language("sl,en;q=0.8") == "sl"
    assert i18n.from_accept_language("es,it;q=0.4,de;q=0.6") == "de"
    assert i18n.from_accept_language("") == "en"
    assert i18n.translator("it")._("Page {k} of {n}", k=2, n=9) == "Pagina 2 di 9"
    assert i18n.t("de", "not_found_heading") == "Seite nicht gefunden"


def test_bad_tokens_from_one_address_do_not_block_valid_links(sqlite_store, tiny_instrument):
    """An agency's respondents share one address: 30 made-up links from it must not lock them out."""
    cid = campaign(sqlite_store, tiny_instrument)
    tokens = [invitation(sqlite_store, cid) for _ in range(3)]
    client = make_client(sqlite_store)  # default limits: 30 failed lookups per minute per address
    codes = [client.get(f"/s/{'z' * 30}{i:02d}").status_code for i in range(30)]
    assert codes == [404] * 30
    for token in tokens:
        assert client.get(f"/s/{token}").status_code == 200
    # further guesses (well formed or not) are refused, the valid links still answer
    assert client.get(f"/s/{'y' * 32}").status_code == 429
    assert client.get("/s/short").status_code == 429
    assert client.get(f"/s/{tokens[0]}").status_code == 200
