"""A page's first view reuses its questions' HTML rendered once per (instrument, page, language)
(`routes_survey.blank_questions`, issue 13): it must be exactly the page rendered afresh, in every
language and on every page of the built-in questionnaire; answers and errors are never reused."""

from __future__ import annotations

import random

import pytest
from browser_support import page_answers
from web_support import REGIONS, consent, csrf, make_client

from s3stresstest.instrument.builtin import load_builtin
from s3stresstest.web import routes_survey
from s3stresstest.web.survey import build_pages


def _fresh(request, ctx, page, context):
    return None  # the template renders each question itself


@pytest.fixture
def started(store):
    instrument = load_builtin()
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=("en", "de", "sl"))
    store.add_regions(cid, REGIONS)
    token = store.create_invitations(cid, [("AT33", "company", "en")])[0]["token"]
    client = make_client(store)
    assert consent(client, f"/s/{token}").status_code == 303
    return client, token, build_pages(instrument)


def test_first_views_are_the_pages_rendered_afresh(started, monkeypatch):
    client, token, pages = started
    for lang in ("en", "de", "sl"):
        for page in pages:
            url = f"/s/{token}/page/{page.number}?lang={lang}"
            reused = [client.get(url).text for _ in range(2)]  # the first fills the cache, the second reads it
            with monkeypatch.context() as m:
                m.setattr(routes_survey, "blank_questions", _fresh)
                fresh = client.get(url).text
            assert reused[0] == reused[1] == fresh, (lang, page.number)
    assert len(client.app.state.web.blank_questions) == 3 * len(pages)


def test_a_page_after_answered_ones_is_blank_and_its_own_answers_show(started, monkeypatch):
    client, token, pages = started
    first = client.get(f"/s/{token}/page/1").text
    answers = page_answers(load_builtin(), pages[0], random.Random(1))
    saved = client.post(f"/s/{token}/page/1", data={**answers, "csrf_token": csrf(first)}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:300]
    for n in (1, 2):  # page 1 shows its answers, page 2 is blank (the answers of page 1 are not its own)
        reused = client.get(f"/s/{token}/page/{n}").text
        with monkeypatch.context() as m:
            m.setattr(routes_survey, "blank_questions", _fresh)
            assert client.get(f"/s/{token}/page/{n}").text == reused, n


def test_answers_and_errors_are_never_taken_from_the_blank_page(started):
    client, token, pages = started
    first = client.get(f"/s/{token}/page/1").text
    item = next(i for i in pages[0].answerable if i.type in ("integer", "decimal", "text"))
    bad = {item.name: "x" * 30_000 if item.type == "text" else "not a number", "csrf_token": csrf(first)}
    refused = client.post(f"/s/{token}/page/1", data=bad, follow_redirects=False)
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert 'aria-invalid="true"' not in client.get(f"/s/{token}/page/1").text
