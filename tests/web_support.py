"""Helpers shared by the web tests (no tests here): apps over a fresh store, forms, links.

The web tests take a `Store` over a temporary SQLite file (`sqlite_store`); the main flows
also run over the conftest `store` fixture, i.e. on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from s3stresstest.store import Store
from s3stresstest.web import WebSettings, create_app

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
REGIONS = pd.DataFrame({"region": ["AT33", "SI", "ITH2"], "name": ["Tirol", "Slovenija", "Trento"]})
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
NOTICE_RE = re.compile(r'name="notice" value="([0-9a-f]{64})"')
NOTICE_LANGUAGE_RE = re.compile(r'name="notice_language" value="([a-z]+)"')
ADMIN, PASSWORD = "admin", "correct horse battery"


def settings(**kw) -> WebSettings:
    return WebSettings(secret_key=SECRET, **kw)


def make_client(store: Store, **kw) -> TestClient:
    app = create_app(store, settings=settings(**kw))
    return TestClient(app, base_url="http://testserver")


def csrf(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def campaign(store: Store, instrument, languages=("en", "de")) -> int:
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=languages)
    store.add_regions(cid, REGIONS)
    return cid


# a test campaign's controller and contact (made up, and saying so): links are made only once they are named
PRIVACY = {"controller": "Test fixture organisation (not a real controller)", "contact": "privacy@example.org"}


def name_privacy(store: Store, cid: int) -> int:
    """Name the campaign's controller and privacy contact (`PRIVACY`), as an admin must before making links."""
    store.set_privacy(cid, admin=ADMIN, **PRIVACY)
    return cid


def invitation(store: Store, cid: int, region="AT33", group="company", language="en") -> str:
    return store.create_invitations(cid, [(region, group, language)])[0]["token"]


def consent_fields(html: str, decision: str = "agree") -> dict:
    """The fields a click on "I agree" (or "I do not agree") posts from a page showing the privacy
    notice: the consent step, or an open link's start form."""
    notice, language = NOTICE_RE.search(html), NOTICE_LANGUAGE_RE.search(html)
    assert notice and language, "no privacy notice in the page"
    return {
        "consent": decision,
        "notice": notice.group(1),
        "notice_language": language.group(1),
        "csrf_token": csrf(html),
    }


def consent(client: TestClient, base: str, decision: str = "agree"):
    """Agree (or not) on the consent step of the link `base` ('/s/<token>'); the POST's response."""
    page = client.get(f"{base}/consent")
    assert page.status_code == 200, page.text
    return client.post(f"{base}/consent", data=consent_fields(page.text, decision), follow_redirects=False)


def post_page(client: TestClient, url: str, data: dict, *, follow=False):
    """GET the page for its CSRF token, then POST the answers (lists for checkboxes). When the
    page sends to the consent step first (a respondent who has not agreed yet), agree there."""
    page = client.get(url)
    if page.status_code == 200 and page.url.path.endswith("/consent"):
        agreed = client.post(page.url.path, data=consent_fields(page.text), follow_redirects=False)
        assert agreed.status_code == 303, agreed.text
        page = client.get(url)
    assert page.status_code == 200, page.text
    return client.post(url, data={**data, "csrf_token": csrf(page.text)}, follow_redirects=follow)


def login(client: TestClient, username=ADMIN, password=PASSWORD):
    page = client.get("/admin/login")
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": csrf(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    yield s
    s.close()


class FormAudit(HTMLParser):
    """Collects inputs, labels, scripts and inline styles of a page."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.inline_scripts = 0
        self.style_attrs = 0
        self.style_tags = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attrs += 1
        if tag == "style":
            self.style_tags += 1
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(a)
        for name, _value in attrs:
            if name.startswith("on"):
                self.inline_scripts += 1

    def unlabelled(self) -> list[dict]:
        return [i for i in self.inputs if i.get("id") not in self.label_for]


def audit(html: str) -> FormAudit:
    p = FormAudit()
    p.feed(html)
    return p
