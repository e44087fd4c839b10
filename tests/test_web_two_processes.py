"""Two server processes on one PostgreSQL database, as behind a load balancer: a respondent and an
admin alternate between them, and the limits on failed link lookups hold across both."""

from __future__ import annotations

import httpx
import pytest
from browser_support import WebServer
from web_support import ADMIN, PASSWORD, REGIONS, consent_fields, csrf

from s3stresstest.store import Store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_two_processes_share_sessions_csrf_and_rate_limits(pg_server, tiny_instrument, tmp_path):
    url = pg_server.url(pg_server.new_database())
    with Store.open(url) as store:
        store.create_admin(ADMIN, PASSWORD)
        cid = store.create_campaign("Two processes", store.add_instrument(tiny_instrument), languages=("en",))
        store.add_regions(cid, REGIONS)
        token = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    env = {"S3ST_SECRET_KEY": "", "S3ST_BAD_TOKEN_RATE": "6"}  # no key given: the database's is shared
    a = WebServer(url, tmp_path / "a.log", env=env).start()
    b = WebServer(url, tmp_path / "b.log", env=env).start()
    try:
        with httpx.Client(timeout=30) as client:  # one cookie jar: both servers are 127.0.0.1
            servers = [a.base_url, b.base_url]
            # made-up links from one address, alternating: the 7th failure is refused on either server
            codes = [client.get(f"{servers[k % 2]}/s/{'x' * 31}{k % 10}").status_code for k in range(8)]
            assert codes[:6] == [404] * 6 and codes[6:] == [429, 429]
            # ... while a valid link from the same address is served by both
            assert client.get(f"{a.base_url}/s/{token}").status_code == 200
            # the privacy notice read on B is agreed to on A
            notice = client.get(f"{b.base_url}/s/{token}/consent")
            agreed = client.post(
                f"{a.base_url}/s/{token}/consent", data=consent_fields(notice.text), follow_redirects=False
            )
            assert agreed.status_code == 303, agreed.text[:300]
            page = client.get(f"{b.base_url}/s/{token}/page/1")
            assert page.status_code == 200
            # a page read on B is saved on A: the CSRF token and the cookies are signed alike
            saved = client.post(
                f"{a.base_url}/s/{token}/page/1",
                data={"years": "3", "csrf_token": csrf(page.text)},
                follow_redirects=False,
            )
            assert saved.status_code == 303, saved.text[:300]
            # an admin signs in on A and works on B with the same session
            login = client.get(f"{a.base_url}/admin/login")
            done = client.post(
                f"{a.base_url}/admin/login",
                data={"username": ADMIN, "password": PASSWORD, "csrf_token": csrf(login.text)},
                follow_redirects=False,
            )
            assert done.status_code == 303
            assert client.get(f"{b.base_url}/admin", follow_redirects=False).status_code == 200
    finally:
        a.stop()
        b.stop()
    with Store.open(url) as store:
        assert store.answers(store.resolve_token(token)["respondent_id"])["years"] == "3"
        assert "login" in set(store.admin_log()["event"])
