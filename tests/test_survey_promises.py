"""What the first page promises respondents agrees with what later pages ask of them."""

from __future__ import annotations

import pytest
from web_support import campaign, csrf, invitation, make_client, post_page, sqlite_store  # noqa: F401

CONTACT_FIELD = 'name="contact"'


@pytest.mark.parametrize(
    ("language", "no_name", "contact_later"),
    [
        ("en", "does not ask for your name or e-mail address", "At the end you may leave a contact"),
        ("de", "fragt weder nach Ihrem Namen noch nach Ihrer E-Mail-Adresse", "Am Ende können Sie eine Kontaktangabe"),
    ],
)
def test_the_landing_page_announces_the_optional_contact_the_thanks_page_asks_for(
    sqlite_store, tiny_instrument, language, no_name, contact_later
):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid, language=language)
    client = make_client(sqlite_store)
    landing = client.get(f"/s/{token}")
    assert landing.status_code == 200
    assert no_name in landing.text
    assert contact_later in landing.text  # it would contradict the thanks page's contact field otherwise
    post_page(client, f"/s/{token}/page/1", {"years": "2"})  # agrees to the notice first
    review = client.get(f"/s/{token}/review")
    client.post(f"/s/{token}/submit", data={"csrf_token": csrf(review.text)})
    thanks = client.get(f"/s/{token}/thanks")
    assert CONTACT_FIELD in thanks.text  # what the landing page announced
