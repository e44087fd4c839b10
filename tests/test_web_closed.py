"""A link of a closed campaign says the survey has ended, in the invitation's language (issue 13)."""

from __future__ import annotations

from web_support import campaign, invitation, make_client, sqlite_store  # noqa: F401 - sqlite_store: a fixture


def test_closed_campaign_link_says_so_in_the_invitation_language(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument, languages=("en", "de"))
    token = invitation(sqlite_store, cid, language="de")
    client = make_client(sqlite_store)
    assert client.get(f"/s/{token}").status_code == 200
    sqlite_store.close_campaign(cid)
    r = client.get(f"/s/{token}", headers={"Accept-Language": "fr"})
    assert r.status_code == 404
    assert "Diese Umfrage ist beendet" in r.text and '<html lang="de">' in r.text
    assert "Lien" not in r.text and "does not work" not in r.text
    # a made-up link still learns nothing
    r = client.get("/s/" + "A" * 43, headers={"Accept-Language": "en"})
    assert r.status_code == 404 and "This link does not work" in r.text and "closed" not in r.text
    # the page's later steps of a closed campaign say the same
    assert "Diese Umfrage ist beendet" in client.get(f"/s/{token}/page/1").text
