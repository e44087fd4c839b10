"""A campaign offering languages its form has no texts in is flagged on the admin page (issue 13, point 8)."""

from __future__ import annotations

import dataclasses

from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    login,
    make_client,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.web.survey import missing_languages


def test_missing_languages(tiny_instrument):
    assert tiny_instrument.languages == ["English (en)", "Deutsch (de)"]
    assert missing_languages(tiny_instrument, ["en", "de"]) == []
    assert missing_languages(tiny_instrument, ["en", "de", "fr", "it", "sl"]) == ["fr", "it", "sl"]
    plain = dataclasses.replace(tiny_instrument, languages=[], default_language=None)  # plain `label` columns
    assert missing_languages(plain, ["en", "de"]) == ["en", "de"]


def test_admin_page_warns_about_languages_the_form_lacks(sqlite_store, tiny_instrument):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    client = make_client(sqlite_store)
    assert login(client).status_code == 303
    five = campaign(sqlite_store, tiny_instrument, languages=("en", "de", "fr", "it", "sl"))
    page = client.get(f"/admin/campaigns/{five}").text
    assert "The questionnaire has no texts in fr, it, sl" in page
    two = campaign(sqlite_store, tiny_instrument, languages=("en", "de"))
    assert "The questionnaire has no texts in" not in client.get(f"/admin/campaigns/{two}").text
