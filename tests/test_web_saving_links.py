"""A worker reuses its lookup of a personal link for a moment while the respondent saves pages
(`routes_survey._link_context`): fewer queries at saturation, and no change in what a save does."""

from __future__ import annotations

import pytest
from web_support import campaign, csrf, invitation, make_client, post_page, sqlite_store  # noqa: F401

from s3stresstest.web import routes_survey


@pytest.fixture
def lookups(sqlite_store, monkeypatch):
    """Counts the link lookups of the store."""
    calls = []
    real = sqlite_store.token_context

    def counted(token, **kw):
        calls.append(token)
        return real(token, **kw)

    monkeypatch.setattr(sqlite_store, "token_context", counted)
    return calls


def _started(store, tiny_instrument, language="en"):
    cid = campaign(store, tiny_instrument)
    token = invitation(store, cid, language=language)
    client = make_client(store)
    assert post_page(client, f"/s/{token}/page/1", {"years": "3"}).status_code == 303  # agrees, saves
    return cid, token, client, csrf(client.get(f"/s/{token}/page/1").text)


def _save(client, token, years, csrf_token):
    return client.post(f"/s/{token}/page/1", data={"years": years, "csrf_token": csrf_token}, follow_redirects=False)


def test_saves_in_quick_succession_look_the_link_up_once(sqlite_store, tiny_instrument, lookups):
    _cid, token, client, token_field = _started(sqlite_store, tiny_instrument)
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    client.app.state.web.saving_links.clear()
    before = len(lookups)
    for years in ("4", "5", "6"):
        assert _save(client, token, years, token_field).status_code == 303
    assert len(lookups) - before == 1
    assert sqlite_store.answers(rid)["years"] == "6"


def test_a_closed_campaign_refuses_the_next_save_at_once_and_says_so(sqlite_store, tiny_instrument):
    cid, token, client, token_field = _started(sqlite_store, tiny_instrument, language="de")
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert _save(client, token, "4", token_field).status_code == 303  # the link's lookup is kept now
    sqlite_store.close_campaign(cid)
    r = _save(client, token, "99", token_field)
    assert r.status_code == 404 and "Diese Umfrage ist beendet" in r.text  # as for a fresh lookup
    assert sqlite_store.answers(rid)["years"] == "4"


def test_an_erased_respondent_cannot_save_through_a_kept_lookup(sqlite_store, tiny_instrument):
    cid, token, client, token_field = _started(sqlite_store, tiny_instrument)
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert _save(client, token, "4", token_field).status_code == 303
    sqlite_store.erase_person(cid, respondent_id=rid, admin="admin")
    r = _save(client, token, "99", token_field)
    assert r.status_code == 404 and "This link does not work" in r.text
    assert sqlite_store.responses(cid).empty


def test_a_revoked_link_saves_no_more_once_the_moment_has_passed(sqlite_store, tiny_instrument, monkeypatch):
    _cid, token, client, token_field = _started(sqlite_store, tiny_instrument)
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert _save(client, token, "4", token_field).status_code == 303
    assert sqlite_store.revoke_token(token)
    monkeypatch.setattr(routes_survey, "SAVING_LINK_SECONDS", 0.0)
    client.app.state.web.saving_links.clear()  # the moment (SAVING_LINK_SECONDS) has passed
    r = _save(client, token, "99", token_field)
    assert r.status_code == 404
    assert sqlite_store.answers(rid)["years"] == "4"


def test_after_submitting_a_save_leads_to_the_thanks_page(sqlite_store, tiny_instrument):
    _cid, token, client, token_field = _started(sqlite_store, tiny_instrument)
    assert _save(client, token, "4", token_field).status_code == 303
    review = client.get(f"/s/{token}/review")
    client.post(f"/s/{token}/submit", data={"csrf_token": csrf(review.text)})
    r = _save(client, token, "99", token_field)
    assert r.status_code == 303 and r.headers["location"] == f"/s/{token}/thanks"
