"""Respondent side of the web service: invitation links, pages, resume, review, submit, open links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from web_support import (
    audit,
    campaign,
    consent,
    consent_fields,
    csrf,
    invitation,
    make_client,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.store.api import Locked

# tiny instrument (tests/conftest.py): page 1 [years], page 2 = group g1 [q1, q2, q3], page 3 [q4, n1, open1]


def test_full_invitation_flow_resume_review_and_idempotent_submit(store, tiny_instrument):
    cid = campaign(store, tiny_instrument)
    token = invitation(store, cid)
    client = make_client(store)
    base = f"/s/{token}"

    landing = client.get(base)
    assert landing.status_code == 200
    assert "Start the questionnaire" in landing.text and f'href="{base}/consent"' in landing.text
    assert store.resolve_token(token)["respondent_id"] is None  # looking starts nothing
    # the first question page waits for consent to the privacy notice; agreeing starts the respondent
    assert client.get(f"{base}/page/1", follow_redirects=False).headers["location"] == f"{base}/consent"
    assert store.resolve_token(token)["respondent_id"] is None
    assert consent(client, base).headers["location"] == f"{base}/page/1"

    page1 = client.get(f"{base}/page/1")
    assert "Page 1 of 3" in page1.text and '<progress max="3" value="1"' in page1.text
    r = client.post(f"{base}/page/1", data={"years": "12", "csrf_token": csrf(page1.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{base}/page/2"
    rid = store.resolve_token(token)["respondent_id"]
    assert store.answers(rid) == {"years": "12"}  # saved before the next page shows

    r = post_page(client, f"{base}/page/2", {"q1": "yes", "q2": "dk", "q3": ["a", "b"]})
    assert r.status_code == 303 and r.headers["location"] == f"{base}/page/3"
    assert store.answers(rid) == {"years": "12", "q1": "yes", "q2": "dk", "q3": "a b"}
    assert store.respondent(rid)["last_page"] == "g1"

    # leave, come back in a fresh browser: resume where the respondent stopped
    again = make_client(store)
    back = again.get(base)
    assert "Continue where you left off" in back.text and f'href="{base}/page/3"' in back.text
    assert "2 of 3 pages saved" in back.text
    page2 = again.get(f"{base}/page/2")  # earlier answers are shown again
    assert re.search(r'value="yes" checked', page2.text) and re.search(r'value="a" checked', page2.text)

    r = post_page(again, f"{base}/page/3", {"q4": "no", "open1": "Clusters <b>matter</b>"})
    assert r.status_code == 303 and r.headers["location"] == f"{base}/review"
    review = again.get(f"{base}/review")
    assert review.status_code == 200
    for shown in ("Yes", "Don&#39;t know", "A; B", "No", "Clusters &lt;b&gt;matter&lt;/b&gt;", "12"):
        assert shown in review.text
    assert "<b>matter</b>" not in review.text  # autoescaped

    token_field = csrf(review.text)
    first = again.post(f"{base}/submit", data={"csrf_token": token_field}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"{base}/thanks"
    submitted_at = store.respondent(rid)["submitted_at"]
    assert submitted_at is not None
    second = again.post(f"{base}/submit", data={"csrf_token": token_field}, follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"] == f"{base}/thanks"
    assert store.respondent(rid)["submitted_at"] == submitted_at
    assert list(store.audit_log(cid)["event"]).count("submit") == 1
    thanks = again.get(f"{base}/thanks")
    assert "Thank you!" in thanks.text

    # after submitting, pages lead to the thank-you page and saving changes nothing
    r = again.post(f"{base}/page/1", data={"years": "99", "csrf_token": token_field}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{base}/thanks"
    assert store.answers(rid)["years"] == "12"
    assert again.get(base, follow_redirects=False).headers["location"] == f"{base}/thanks"


def test_back_button_saves_and_goes_back(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    post_page(client, f"/s/{token}/page/1", {"years": "3"})
    r = post_page(client, f"/s/{token}/page/2", {"q1": "no", "nav": "back"})
    assert r.status_code == 303 and r.headers["location"] == f"/s/{token}/page/1"
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.answers(rid)["q1"] == "no"


def test_language_switch_shows_german_labels_and_sticks(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid, language="en")
    client = make_client(sqlite_store)
    landing = client.get(f"/s/{token}?lang=de")
    assert '<html lang="de">' in landing.text and "Willkommen" in landing.text
    consent(client, f"/s/{token}")
    page = client.get(f"/s/{token}/page/1")  # the choice is kept without ?lang
    assert '<html lang="de">' in page.text
    assert "Jahre" in page.text and "Speichern und weiter" in page.text and "Seite 1 von 3" in page.text
    post_page(client, f"/s/{token}/page/1", {"years": "4"})
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.respondent(rid)["language"] == "de"  # started in the chosen language
    # languages outside the campaign's are ignored
    other = client.get(f"/s/{token}/page/1?lang=fr")
    assert '<html lang="de">' in other.text
    english = client.get(f"/s/{token}/page/1?lang=en")
    assert '<html lang="en">' in english.text and "Years" in english.text
    # a switch after the first save is kept with the respondent: another device, no cookie, opens in it
    assert sqlite_store.respondent(rid)["language"] == "en"
    client.get(f"/s/{token}/page/1?lang=de")
    assert sqlite_store.respondent(rid)["language"] == "de"
    elsewhere = make_client(sqlite_store).get(f"/s/{token}/page/1")
    assert '<html lang="de">' in elsewhere.text and "Jahre" in elsewhere.text


def test_invitation_language_is_the_default(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid, language="de")
    client = make_client(sqlite_store)
    consent(client, f"/s/{token}")
    page = client.get(f"/s/{token}/page/1")
    assert '<html lang="de">' in page.text and "Jahre" in page.text


def test_invalid_integer_message_next_to_question_keeps_typed_value_saves_nothing(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    r = post_page(client, f"/s/{token}/page/1", {"years": "abc"})
    assert r.status_code == 422
    block = re.search(r'<div class="question has-error">.*?</div>', r.text, re.S).group(0)
    assert '<label for="q-years">Years</label>' in block
    assert "Please enter a whole number" in block
    assert 'value="abc"' in block and 'aria-invalid="true"' in block
    assert 'href="#q-years"' in r.text  # error summary links to the question
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.answers(rid) == {}
    assert sqlite_store.respondent(rid)["last_page"] is None


def test_invalid_choice_on_a_page_saves_none_of_its_answers(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid, language="de")
    client = make_client(sqlite_store)
    post_page(client, f"/s/{token}/page/1", {"years": "1"})
    r = post_page(client, f"/s/{token}/page/2", {"q1": "yes", "q2": "maybe", "q3": ["a", "zzz"]})
    assert r.status_code == 422
    for name in ("q2", "q3"):  # a German message next to each refused question, none next to q1
        assert re.search(
            rf'id="q-{name}-error"><span class="visually-hidden">Fehler: </span>'
            r"Bitte wählen Sie eine der Antworten\.",
            r.text,
        )
    assert 'id="q-q1-error"' not in r.text
    assert re.search(r'value="yes" checked', r.text)  # the valid answer is kept on screen
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.answers(rid) == {"years": "1"}  # nothing of page 2 saved
    assert sqlite_store.respondent(rid)["last_page"] == "page1"


def test_respondents_never_see_other_answers(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    a, b = invitation(sqlite_store, cid), invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    post_page(client, f"/s/{a}/page/1", {"years": "31415"})
    post_page(client, f"/s/{a}/page/3", {"open1": "secret-comment-of-a"})
    for url in (f"/s/{b}", f"/s/{b}/page/1", f"/s/{b}/page/3", f"/s/{b}/review"):
        text = client.get(url).text
        assert "31415" not in text and "secret-comment-of-a" not in text


def test_open_link_declares_group_then_resumes_in_same_browser(store, tiny_instrument):
    cid = campaign(store, tiny_instrument)
    token = store.create_open_link(cid, "SI", "en")
    client = make_client(store)
    form = client.get(f"/r/{token}")
    assert form.status_code == 200 and "Which group do you belong to?" in form.text
    assert "Slovenija (SI)" in form.text
    found = audit(form.text)
    assert not found.unlabelled()
    # no group chosen: the form comes back with a message, nobody is created
    agree = consent_fields(form.text)
    r = client.post(f"/r/{token}", data={**agree, "language": "de"}, follow_redirects=False)
    assert r.status_code == 422 and "Bitte wählen Sie Ihre Gruppe." in r.text
    assert store.response_rates(cid).empty
    r = client.post(
        f"/r/{token}", data={**agree, "stakeholder_group": "policy_maker", "language": "de"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/r/{token}/page/1"
    page = client.get(f"/r/{token}/page/1")
    assert "Jahre" in page.text
    post_page(client, f"/r/{token}/page/1", {"years": "7"})
    # the same browser resumes; another browser starts afresh
    resumed = client.get(f"/r/{token}")
    assert f'href="/r/{token}/page/2"' in resumed.text
    other = make_client(store)
    assert "Zu welcher Gruppe" not in other.get(f"/r/{token}").text  # other browser: English default
    assert other.get(f"/r/{token}/page/1", follow_redirects=False).headers["location"] == f"/r/{token}"
    post_page(client, f"/r/{token}/page/2", {"q1": "yes"})
    post_page(client, f"/r/{token}/page/3", {"q4": "yes"})
    review = client.get(f"/r/{token}/review")
    r = client.post(f"/r/{token}/submit", data={"csrf_token": csrf(review.text)}, follow_redirects=False)
    assert r.headers["location"] == f"/r/{token}/thanks"
    rates = store.response_rates(cid)
    row = rates[(rates["region"] == "SI") & (rates["stakeholder_group"] == "policy_maker")].iloc[0]
    assert (row["started"], row["submitted"]) == (1, 1)
    exported = store.responses(cid)
    assert set(exported["stakeholder_group"]) == {"policy_maker"} and set(exported["language"]) == {"de"}


def test_contact_details_are_optional_and_kept_apart(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    post_page(client, f"/s/{token}/page/1", {"years": "2"})
    review = client.get(f"/s/{token}/review")
    client.post(f"/s/{token}/submit", data={"csrf_token": csrf(review.text)})
    thanks = client.get(f"/s/{token}/thanks")
    assert "E-mail address or other contact (optional)" in thanks.text
    r = client.post(
        f"/s/{token}/contact",
        data={"contact": "someone@example.org", "csrf_token": csrf(thanks.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.contact(rid) == "someone@example.org"
    assert "someone@example.org" not in sqlite_store.responses(cid).to_csv()
    assert "saved" in client.get(r.headers["location"]).text


def dead_links(store, tiny_instrument) -> dict[str, str]:
    """Tokens that must all look like tokens that never existed."""
    cid = campaign(store, tiny_instrument)
    expired = store.create_invitations(
        cid, [("AT33", "company", "en")], expires=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    )[0]["token"]
    revoked = invitation(store, cid)
    store.revoke_token(revoked)
    open_token = store.create_open_link(cid, "AT33", "en")
    import secrets

    # a closed campaign's link is not dead: it says the survey ended (tests/test_web_closed.py)

    return {
        "random": secrets.token_urlsafe(24),
        "expired": expired,
        "revoked": revoked,
        "open-link-on-invitation-path": open_token,
        "short": "abc",
        "odd": "a" * 300,
    }


def test_dead_tokens_give_byte_identical_404s(sqlite_store, tiny_instrument):
    client = make_client(sqlite_store, bad_token_rate=0)
    tokens = dead_links(sqlite_store, tiny_instrument)
    answers = {}
    for name, token in tokens.items():
        for suffix in ("", "/page/1", "/review", "/thanks"):
            r = client.get(f"/s/{token}{suffix}")
            answers[(name, suffix)] = (r.status_code, r.headers["content-type"], r.content)
    answers[("unknown route", "")] = (lambda r: (r.status_code, r.headers["content-type"], r.content))(
        client.get("/no/such/page")
    )
    assert len(set(answers.values())) == 1, {k: v[:2] for k, v in answers.items()}
    status, _ctype, body = next(iter(answers.values()))
    assert status == 404 and b"This link does not work" in body
    assert "set-cookie" not in client.get(f"/s/{tokens['random']}").headers


def test_dead_tokens_on_post_and_open_paths_are_404(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    live = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    token_field = csrf(client.get(f"/s/{live}/page/1").text)
    ref = client.get("/s/" + "x" * 32)
    for url in ("/s/" + "y" * 32 + "/page/1", "/r/" + "z" * 32, "/r/" + "z" * 32 + "/page/1", f"/r/{live}"):
        r = client.post(url, data={"csrf_token": token_field}) if "page" in url or url.startswith("/r/") else None
        assert r.status_code == 404 and r.content == ref.content
        g = client.get(url)
        assert g.status_code == 404 and g.content == ref.content
    assert client.get(f"/s/{live}/page/99").content == ref.content
    assert client.get(f"/s/{live}/page/0").content == ref.content
    assert client.get(f"/s/{live}/page/abc").content == ref.content


def test_closing_the_campaign_blocks_saving(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    post_page(client, f"/s/{token}/page/1", {"years": "5"})
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    page = client.get(f"/s/{token}/page/2")
    sqlite_store.close_campaign(cid)
    r = client.post(f"/s/{token}/page/2", data={"q1": "yes", "csrf_token": csrf(page.text)})
    assert r.status_code == 404
    assert client.get(f"/s/{token}").status_code == 404
    assert sqlite_store.answers(rid) == {"years": "5"}
    with pytest.raises(Locked):
        sqlite_store.save_page(rid, "g1", {"q1": "yes"})


def test_pages_are_accessible_markup(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    urls = [f"/s/{token}", f"/s/{token}/consent", f"/s/{token}/declined"]
    for url in urls:  # before consent
        html = client.get(url).text
        found = audit(html)
        assert not found.unlabelled() and found.inline_scripts == 0 and found.style_attrs == 0, url
    consent(client, f"/s/{token}")
    urls = [f"/s/{token}", f"/s/{token}/page/1", f"/s/{token}/page/2", f"/s/{token}/page/3", f"/s/{token}/review"]
    for url in urls:
        html = client.get(url).text
        found = audit(html)
        assert not found.unlabelled(), (url, found.unlabelled())
        assert found.inline_scripts == 0 and found.style_attrs == 0 and found.style_tags == 0
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert 'class="skip-link" href="#main"' in html
    page2 = client.get(f"/s/{token}/page/2").text
    assert page2.count("<fieldset") == 3 and page2.count("<legend>") == 3  # one per choice question
    error = post_page(client, f"/s/{token}/page/1", {"years": "x"})
    assert not audit(error.text).unlabelled()


@pytest.mark.parametrize("lang", ["en", "de", "fr", "it", "sl"])
def test_builtin_questionnaire_in_each_language(sqlite_store, lang):
    from markupsafe import escape

    from s3stresstest.instrument import load_builtin, pick_label
    from s3stresstest.web import i18n
    from s3stresstest.web.survey import build_pages, page_title

    instrument = load_builtin()
    cid = campaign(sqlite_store, instrument, languages=("en", "de", "fr", "it", "sl"))
    token = invitation(sqlite_store, cid, language=lang)
    client = make_client(sqlite_store)
    pages = build_pages(instrument)
    assert pages[0].key == "profile" and len(pages) == 8  # profile first, one page per block, comments last
    landing = client.get(f"/s/{token}")
    t = i18n.translator(lang)
    assert f'<html lang="{lang}">' in landing.text and t._("Welcome") in landing.text
    notice = client.get(f"/s/{token}/consent").text
    assert t._("Privacy notice") in notice and t._("I do not agree") in notice
    assert consent(client, f"/s/{token}").headers["location"] == f"/s/{token}/page/1"
    for page in pages:
        html = client.get(f"/s/{token}/page/{page.number}").text
        title = page_title(page, lang)
        assert f"<h1>{escape(title)}</h1>" in html
        assert t._("Page {k} of {n}", k=page.number, n=len(pages)) in html
        for item in page.items:
            assert str(escape(pick_label(item.labels, lang))) in html
        found = audit(html)
        assert not found.unlabelled() and found.inline_scripts == 0
    # the group is known from the invitation: the profile page does not ask it again
    assert 'name="stakeholder_group"' not in client.get(f"/s/{token}/page/1").text


def test_autosave_keeps_answers_without_moving_on_and_leaves_out_invalid_values(store, tiny_instrument):
    cid = campaign(store, tiny_instrument)
    token = invitation(store, cid)
    client = make_client(store)
    base = f"/s/{token}"
    # before consent a draft stores nothing (and starts nobody)
    notice = client.get(f"{base}/consent")
    r = client.post(f"{base}/page/1/draft", data={"years": "7", "csrf_token": csrf(notice.text)})
    assert r.status_code == 409 and store.resolve_token(token)["respondent_id"] is None
    consent(client, base)
    page1 = client.get(f"{base}/page/1")
    assert f'data-autosave="{base}/page/1/draft"' in page1.text and "/static/autosave.js" in page1.text
    assert 'id="autosave-status"' in page1.text and 'role="status"' in page1.text
    token_field = csrf(page1.text)

    # a draft keeps the answers, but the last page stays unset
    r = client.post(f"{base}/page/1/draft", data={"years": "7", "csrf_token": token_field})
    assert r.status_code == 200 and r.json() == {"saved": True, "invalid": []}
    rid = store.resolve_token(token)["respondent_id"]
    assert store.answers(rid) == {"years": "7"} and store.respondent(rid)["last_page"] is None
    landing = make_client(store).get(base).text  # resume: the same page again, as a continuation
    assert f'href="{base}/page/1"' in landing and "Continue where you left off" in landing

    post_page(client, f"{base}/page/1", {"years": "7"})
    page2 = client.get(f"{base}/page/2")
    r = client.post(f"{base}/page/2/draft", data={"q1": "yes", "q2": "bogus", "csrf_token": csrf(page2.text)})
    assert r.status_code == 200 and r.json() == {"saved": True, "invalid": ["q2"]}
    assert store.answers(rid) == {"years": "7", "q1": "yes"}  # the valid answer kept, the invalid one left out
    assert store.respondent(rid)["last_page"] == "page1"
    back = make_client(store).get(base)
    assert f'href="{base}/page/2"' in back.text and "1 of 3 pages saved" in back.text

    # no CSRF token: refused, nothing saved
    r = client.post(f"{base}/page/2/draft", data={"q1": "no"})
    assert r.status_code == 403 and store.answers(rid)["q1"] == "yes"
    # after submit a draft changes nothing
    post_page(client, f"{base}/page/2", {"q1": "yes"})
    post_page(client, f"{base}/page/3", {"q4": "no"})
    review = client.get(f"{base}/review")
    client.post(f"{base}/submit", data={"csrf_token": csrf(review.text)})
    r = client.post(f"{base}/page/2/draft", data={"q1": "no", "csrf_token": csrf(review.text)})
    assert r.status_code == 409 and r.json()["saved"] is False and store.answers(rid)["q1"] == "yes"


def test_open_link_after_a_submit_gives_a_colleague_a_fresh_questionnaire(sqlite_store, tiny_instrument):
    """Issue 13: one browser, two people in turn on a shared open link; the second must not see thanks."""
    cid = campaign(sqlite_store, tiny_instrument)
    token = sqlite_store.create_open_link(cid, "SI", "en")
    client = make_client(sqlite_store)

    def one_person(group: str, years: str) -> None:
        form = client.get(f"/r/{token}")
        assert form.status_code == 200 and "Which group do you belong to?" in form.text
        r = client.post(
            f"/r/{token}",
            data={**consent_fields(form.text), "stakeholder_group": group, "language": "en"},
            follow_redirects=False,
        )
        assert r.headers["location"] == f"/r/{token}/page/1"
        page = client.get(f"/r/{token}/page/1")
        assert f'value="{years}"' not in page.text and "31415" not in page.text  # nothing of the first person
        post_page(client, f"/r/{token}/page/1", {"years": years})
        review = client.get(f"/r/{token}/review")
        r = client.post(f"/r/{token}/submit", data={"csrf_token": csrf(review.text)}, follow_redirects=False)
        assert r.headers["location"] == f"/r/{token}/thanks"
        assert client.get(f"/r/{token}/thanks").status_code == 200

    one_person("cluster_manager", "31415")
    # pages of the submitted questionnaire lead to the fresh form, not to its thanks page
    assert client.get(f"/r/{token}/page/1", follow_redirects=False).headers["location"] == f"/r/{token}"
    one_person("policy_maker", "12")
    rates = sqlite_store.response_rates(cid)
    assert rates[rates["region"] == "SI"]["submitted"].sum() == 2
    answers = sqlite_store.responses(cid)
    assert sorted(answers[answers["item"] == "years"]["value"]) == ["12", "31415"]


def test_open_link_resumes_on_another_device_with_the_personal_resume_link(sqlite_store, tiny_instrument):
    """Issue 13: 'come back later with the same link' must not depend on one browser's cookie."""
    cid = campaign(sqlite_store, tiny_instrument)
    token = sqlite_store.create_open_link(cid, "SI", "en")
    laptop = make_client(sqlite_store)
    form = laptop.get(f"/r/{token}")
    laptop.post(
        f"/r/{token}", data={**consent_fields(form.text), "stakeholder_group": "policy_maker", "language": "de"}
    )
    page = laptop.get(f"/r/{token}/page/1")
    found = re.search(r'<a href="(http://testserver/r/[^"]+/resume/[^"]+)"', page.text)
    assert found, "no personal resume link on the page"
    link = found.group(1)
    # on the landing too (signed afresh with its own time stamp, so compare the link's target, not its text)
    assert re.search(rf'<a href="http://testserver/r/{re.escape(token)}/resume/[^"]+"', laptop.get(f"/r/{token}").text)
    post_page(laptop, f"/r/{token}/page/1", {"years": "7"})

    phone = make_client(sqlite_store)
    r = phone.get(link, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/r/{token}"
    landing = phone.get(f"/r/{token}")
    assert f'href="/r/{token}/page/2"' in landing.text
    assert 'value="7"' in phone.get(f"/r/{token}/page/1").text  # the laptop's answer
    post_page(phone, f"/r/{token}/page/2", {"q1": "yes"})
    rates = sqlite_store.response_rates(cid)
    assert rates[rates["region"] == "SI"]["started"].sum() == 1  # one respondent, two devices
    # a forged or foreign code starts nobody's questionnaire: the fresh form of the link
    stranger = make_client(sqlite_store)
    bad = link[: link.rindex("/") + 1] + "x" + link[link.rindex("/") + 2 :]
    assert stranger.get(bad, follow_redirects=False).headers["location"] == f"/r/{token}"
    assert "Which group do you belong to?" in stranger.get(f"/r/{token}").text
    # personal invitations have no such link (their link is personal already)
    assert "/resume/" not in make_client(sqlite_store).get(f"/s/{invitation(sqlite_store, cid)}/page/1").text
