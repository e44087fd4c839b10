"""Closing a campaign goes through a confirmation page that says what closing means (issue 13)."""

from __future__ import annotations

import re

from conftest import small_workbook
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    invitation,
    login,
    make_client,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.instrument import instrument_from_workbook


def _setup(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    assert login(client).status_code == 303
    cid = campaign(store, instrument_from_workbook(small_workbook(), source="tiny"), languages=("en", "de"))
    done = store.start_respondent(invitation(store, cid))
    store.save_page(done, "all", {"q1": "yes"})
    store.submit(done)
    for _ in range(2):  # started, not submitted
        store.save_page(store.start_respondent(invitation(store, cid, region="SI")), "all", {"q1": "no"})
    for _ in range(3):  # never opened
        invitation(store, cid, region="ITH2")
    return client, cid


def test_the_campaign_page_links_to_a_confirmation_page_instead_of_closing(sqlite_store):
    client, cid = _setup(sqlite_store)
    page = client.get(f"/admin/campaigns/{cid}").text
    assert not re.search(r'<form[^>]*action="[^"]*/close"', page)  # no button that closes at once
    assert f'href="/admin/campaigns/{cid}/close"' in page
    confirm = client.get(f"/admin/campaigns/{cid}/close")
    assert confirm.status_code == 200
    text = confirm.text
    assert "Closing cannot be undone." in text
    assert "1 respondent has submitted." in text
    assert "2 respondents have started but not submitted" in text
    assert "3 personal invitations have not been opened." in text
    assert re.search(r'<form method="post" action="/admin/campaigns/\d+/close">', text)
    assert 'name="confirm" value="yes" required' in text and 'name="csrf_token"' in text
    assert sqlite_store.get_campaign(cid)["status"] == "open"  # looking closes nothing


def test_closing_needs_the_ticked_box_and_a_csrf_token(sqlite_store):
    client, cid = _setup(sqlite_store)
    text = client.get(f"/admin/campaigns/{cid}/close").text
    r = client.post(f"/admin/campaigns/{cid}/close", data={"csrf_token": csrf(text)}, follow_redirects=False)
    assert r.status_code == 422 and "closing cannot be undone" in r.text and "1 respondent has submitted." in r.text
    r = client.post(f"/admin/campaigns/{cid}/close", data={"confirm": "yes"}, follow_redirects=False)
    assert r.status_code == 403
    assert sqlite_store.get_campaign(cid)["status"] == "open"
    r = client.post(
        f"/admin/campaigns/{cid}/close", data={"csrf_token": csrf(text), "confirm": "yes"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].endswith(f"/admin/campaigns/{cid}?notice=closed")
    assert sqlite_store.get_campaign(cid)["status"] == "closed"
    # a closed campaign has nothing to confirm: back to its page
    r = client.get(f"/admin/campaigns/{cid}/close", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"/admin/campaigns/{cid}")


def test_the_confirmation_page_speaks_the_admins_language(sqlite_store):
    client, cid = _setup(sqlite_store)
    client.get("/admin/language?lang=de&next=/admin")
    text = client.get(f"/admin/campaigns/{cid}/close").text
    assert "Closing cannot be undone." not in text and 'lang="de"' in text
