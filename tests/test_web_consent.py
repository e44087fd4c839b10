"""The consent step on the respondent pages and the privacy page of the admin (issue 13).

Nothing is stored before a respondent agrees to the privacy notice: page saves, drafts, the
open-link start, submit and contact details are refused with a redirect to the notice. The
consent is recorded with the checksum of the exact text shown and audited; the notice is shown
in each offered language; declining leads to a polite page; the admin's edits are audited.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import event
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    consent,
    consent_fields,
    csrf,
    invitation,
    login,
    make_client,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.store.consent import notice_checksum
from s3stresstest.web import i18n
from s3stresstest.web.notice import default_notice

LANGUAGES = ("en", "de", "fr", "it", "sl")


def _events(store, cid: int, event_name: str) -> list[dict]:
    log = store.audit_log(cid)
    return [dict(r, detail=json.loads(r["detail"])) for r in log[log["event"] == event_name].to_dict("records")]


def _notice_text(html: str) -> str:
    """The notice as the page shows it, back to plain text (paragraphs at blank lines)."""
    block = re.search(r'<div class="privacy-notice"[^>]*>(.*?)</div>', html, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", block, re.S)
    import html as htmlmod

    return "\n\n".join(htmlmod.unescape(p.replace("<br>", "\n")) for p in paragraphs)


def test_nothing_is_stored_before_consent(store, tiny_instrument):
    cid = campaign(store, tiny_instrument)
    token = invitation(store, cid)
    client = make_client(store)
    base = f"/s/{token}"
    notice = client.get(f"{base}/consent")
    assert notice.status_code == 200
    field = csrf(notice.text)
    for url, data in (
        (f"{base}/page/1", {"years": "5"}),
        (f"{base}/submit", {}),
        (f"{base}/contact", {"contact": "me@example.org"}),
    ):
        r = client.post(url, data={**data, "csrf_token": field}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] in (f"{base}/consent", base), (url, r.status_code)
    r = client.post(f"{base}/page/1/draft", data={"years": "5", "csrf_token": field})
    assert r.status_code == 409 and r.json()["saved"] is False
    for url in (f"{base}/page/1", f"{base}/page/2", f"{base}/review"):
        assert client.get(url, follow_redirects=False).headers["location"] == f"{base}/consent"
    assert store.resolve_token(token)["respondent_id"] is None  # nobody was started
    assert store.response_rates(cid)["started"].sum() == 0
    assert _events(store, cid, "consent") == []


def test_consent_is_recorded_with_the_notice_shown_and_audited(store, tiny_instrument):
    cid = campaign(store, tiny_instrument)
    token = invitation(store, cid, language="de")
    client = make_client(store)
    base = f"/s/{token}"
    page = client.get(f"{base}/consent")
    assert '<html lang="de">' in page.text and "<h1>Datenschutzerklärung</h1>" in page.text
    shown = _notice_text(page.text)
    fields = consent_fields(page.text)
    assert fields["notice"] == notice_checksum(shown) and fields["notice_language"] == "de"
    r = client.post(f"{base}/consent", data=fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{base}/page/1"
    rid = store.resolve_token(token)["respondent_id"]
    got = store.consent_of(rid)
    assert got["text"] == shown and got["notice"] == notice_checksum(shown) and got["consented_at"]
    (entry,) = _events(store, cid, "consent")
    assert entry["respondent_id"] == rid and entry["detail"] == {"notice": notice_checksum(shown), "language": "de"}
    assert store.answers(rid) == {}  # agreeing stores no answer
    # now the pages save; the consent step sends back to the questionnaire
    assert post_page(client, f"{base}/page/1", {"years": "5"}).headers["location"] == f"{base}/page/2"
    assert client.get(f"{base}/consent", follow_redirects=False).headers["location"] == f"{base}/page/2"
    assert len(_events(store, cid, "consent")) == 1


def test_a_page_save_reads_nothing_more_for_consent(sqlite_store, tiny_instrument):
    """The consent check uses the respondent row the link's lookup already read: a save runs the
    same statements as before the consent step, none on the notice tables."""
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    consent(client, f"/s/{token}")
    page = client.get(f"/s/{token}/page/1")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(sqlite_store.engine, "before_cursor_execute", seen)
    try:
        r = client.post(
            f"/s/{token}/page/1", data={"years": "5", "csrf_token": csrf(page.text)}, follow_redirects=False
        )
    finally:
        event.remove(sqlite_store.engine, "before_cursor_execute", seen)
    assert r.status_code == 303
    assert statements, "the save ran no statement at all?"
    for sql in statements:
        assert "privacy_notices" not in sql and "notice_texts" not in sql and "audit_log" not in sql, sql


def test_the_notice_is_shown_in_each_offered_language(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument, languages=LANGUAGES)
    sqlite_store.set_privacy(
        cid,
        admin="alice",
        controller="Land Tirol",
        contact="datenschutz@tirol.example",
        notices={"it": "Testo nostro."},
    )
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    texts = {}
    for lang in LANGUAGES:
        page = client.get(f"/s/{token}/consent?lang={lang}")
        t = i18n.translator(lang)
        assert f'<html lang="{lang}">' in page.text and f"<h1>{t._('Privacy notice')}</h1>" in page.text
        texts[lang] = _notice_text(page.text)
        if lang == "it":  # the campaign's own text
            assert texts[lang] == "Testo nostro."
            continue
        expected = default_notice(
            lang, campaign="Alps 2026", controller="Land Tirol", contact="datenschutz@tirol.example", retention_days=365
        )
        assert texts[lang] == expected
        assert "Land Tirol" in expected and "datenschutz@tirol.example" in expected and "365" in expected
    assert len(set(texts.values())) == len(LANGUAGES)  # five different texts
    assert texts["de"].startswith("Datenschutzerklärung der Umfrage „Alps 2026“.")
    # consent in French records the French text
    page = client.get(f"/s/{token}/consent?lang=fr")
    client.post(f"/s/{token}/consent", data=consent_fields(page.text))
    rid = sqlite_store.resolve_token(token)["respondent_id"]
    assert sqlite_store.consent_of(rid)["text"] == texts["fr"]


def test_a_notice_changed_while_reading_is_shown_again(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid)
    client = make_client(sqlite_store)
    page = client.get(f"/s/{token}/consent")
    sqlite_store.set_privacy(cid, admin="alice", notices={"en": "A new text."})
    r = client.post(f"/s/{token}/consent", data=consent_fields(page.text), follow_redirects=False)
    assert r.status_code == 422 and "changed while you were reading" in r.text and "A new text." in r.text
    assert sqlite_store.resolve_token(token)["respondent_id"] is None
    r = client.post(f"/s/{token}/consent", data=consent_fields(r.text), follow_redirects=False)
    assert r.status_code == 303
    assert sqlite_store.consent_of(sqlite_store.resolve_token(token)["respondent_id"])["text"] == "A new text."


def test_declining_stores_nothing_and_says_so(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = invitation(sqlite_store, cid, language="de")
    client = make_client(sqlite_store)
    r = consent(client, f"/s/{token}", decision="decline")
    assert r.status_code == 303 and r.headers["location"] == f"/s/{token}/declined"
    page = client.get(f"/s/{token}/declined")
    assert page.status_code == 200 and "Sie haben nicht zugestimmt" in page.text
    assert "Es wurde nichts gespeichert" in page.text and f'href="/s/{token}/consent"' in page.text
    assert sqlite_store.resolve_token(token)["respondent_id"] is None
    assert _events(sqlite_store, cid, "consent") == []


def test_open_link_start_needs_consent_and_can_be_declined(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    token = sqlite_store.create_open_link(cid, "SI", "en")
    client = make_client(sqlite_store)
    form = client.get(f"/r/{token}")
    assert "Which group do you belong to?" in form.text and 'id="privacy-notice"' in form.text
    fields = consent_fields(form.text)
    # the old form (no consent given): the form again, nobody stored
    r = client.post(f"/r/{token}", data={"stakeholder_group": "company", "csrf_token": fields["csrf_token"]})
    assert r.status_code == 422 and "Please agree to the privacy notice to start" in r.text
    assert 'value="company" checked' in r.text  # the group chosen stays
    # declined: the polite page, nobody stored
    r = client.post(f"/r/{token}", data={**fields, "consent": "decline"}, follow_redirects=False)
    assert r.headers["location"] == f"/r/{token}/declined"
    declined = client.get(f"/r/{token}/declined")
    assert "Nothing was stored" in declined.text and f'href="/r/{token}"' in declined.text
    assert sqlite_store.response_rates(cid).empty
    # agreed: the respondent starts with the group and the consent
    r = client.post(f"/r/{token}", data={**fields, "stakeholder_group": "company"}, follow_redirects=False)
    assert r.headers["location"] == f"/r/{token}/page/1"
    (entry,) = _events(sqlite_store, cid, "consent")
    assert sqlite_store.consent_of(entry["respondent_id"])["notice"] == fields["notice"]
    assert sqlite_store.respondent(entry["respondent_id"])["stakeholder_group"] == "company"


def test_a_respondent_from_before_the_consent_step_is_asked_once(sqlite_store, tiny_instrument):
    """Rows from before migration 0004 (consented_at NULL): their next page asks for consent first;
    their earlier answers are not touched, and declining says they stay stored."""
    cid = campaign(sqlite_store, tiny_instrument)
    sqlite_store.set_privacy(cid, admin="alice", contact="privacy@example.org")
    token = invitation(sqlite_store, cid)
    rid = sqlite_store.start_and_save_page(token, "page1", {"years": "3"})  # as saved before the consent step
    client = make_client(sqlite_store)
    base = f"/s/{token}"
    landing = client.get(base)
    assert f'href="{base}/consent"' in landing.text and "Continue where you left off" in landing.text
    r = post_page(client, f"{base}/page/2", {"q1": "yes"})  # post_page agrees on the way
    assert r.headers["location"] == f"{base}/page/3"
    assert sqlite_store.answers(rid) == {"years": "3", "q1": "yes"}
    assert sqlite_store.respondent(rid)["consented_at"] is not None
    # another one declines: told that the earlier answers stay, and whom to ask for erasure
    token2 = invitation(sqlite_store, cid)
    rid2 = sqlite_store.start_and_save_page(token2, "page1", {"years": "4"})
    other = make_client(sqlite_store)
    page = other.get(f"/s/{token2}/consent")
    assert "agree before you continue" in page.text
    r = other.post(f"/s/{token2}/page/2", data={"q1": "no", "csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.headers["location"] == f"/s/{token2}/consent" and sqlite_store.answers(rid2) == {"years": "4"}
    review = other.post(f"/s/{token2}/submit", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert review.headers["location"] == f"/s/{token2}/consent"
    assert sqlite_store.respondent(rid2)["submitted_at"] is None
    consent(other, f"/s/{token2}", decision="decline")
    declined = other.get(f"/s/{token2}/declined").text
    assert "still stored" in declined and "privacy@example.org" in declined


def test_admin_edits_the_notice_with_a_preview_and_the_audit_log_names_them(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    sqlite_store.create_admin(ADMIN, PASSWORD)
    admin = make_client(sqlite_store)
    assert login(admin).status_code == 303
    assert f'href="/admin/campaigns/{cid}/privacy"' in admin.get(f"/admin/campaigns/{cid}").text
    page = admin.get(f"/admin/campaigns/{cid}/privacy")
    assert page.status_code == 200 and "Name the controller" in page.text  # nothing set yet
    built_in = default_notice("de", campaign="Alps 2026", controller=None, contact=None, retention_days=365)
    assert notice_checksum(built_in) in page.text  # the preview of the German built-in notice
    form = {
        "controller": "Land Tirol, Eduard-Wallnöfer-Platz 1, Innsbruck",
        "contact": "datenschutz@tirol.example",
        "notice_en": "",
        "notice_de": "Unser eigener Text.\n\nZweiter Absatz.",
        "csrf_token": csrf(page.text),
    }
    r = admin.post(f"/admin/campaigns/{cid}/privacy", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/privacy?notice=saved")
    saved = admin.get(r.headers["location"])
    assert "Privacy notice saved." in saved.text and "<p>Unser eigener Text.</p>" in saved.text
    (entry,) = _events(sqlite_store, cid, "privacy_edit")
    assert entry["detail"]["admin"] == ADMIN
    assert entry["detail"]["changed"] == ["controller", "contact", "notice:de"]
    # respondents see it: the German text as written, the English built-in one naming the controller
    token = invitation(sqlite_store, cid, language="de")
    respondent = make_client(sqlite_store)
    assert _notice_text(respondent.get(f"/s/{token}/consent").text) == "Unser eigener Text.\n\nZweiter Absatz."
    english = _notice_text(respondent.get(f"/s/{token}/consent?lang=en").text)
    assert "Land Tirol, Eduard-Wallnöfer-Platz 1, Innsbruck" in english and "datenschutz@tirol.example" in english
    # refused input: the page again in the admin's language, nothing changed
    admin.get("/admin/language?lang=de&next=/admin")
    bad = admin.post(
        f"/admin/campaigns/{cid}/privacy", data={**form, "contact": "no address", "csrf_token": csrf(saved.text)}
    )
    assert bad.status_code == 422 and "Der Datenschutzkontakt muss eine E-Mail- oder Webadresse" in bad.text
    assert sqlite_store.privacy_settings(cid)["contact"] == "datenschutz@tirol.example"
    assert len(_events(sqlite_store, cid, "privacy_edit")) == 1
    # the audit list of the campaign page names the event in words
    assert "Datenschutzerklärung geändert" in admin.get(f"/admin/campaigns/{cid}").text


def test_api_reads_and_sets_the_notice_audited_with_the_admin(store, tiny_instrument):
    import base64

    cid = campaign(store, tiny_instrument)
    store.create_admin(ADMIN, PASSWORD)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{ADMIN}:{PASSWORD}".encode()).decode()}
    client = make_client(store)
    url = f"/api/v1/campaigns/{cid}/privacy-notice"
    got = client.get(url, headers=auth).json()
    assert got["controller"] is None and set(got["notices"]) == {"en", "de"}
    built_in = default_notice("de", campaign="Alps 2026", controller=None, contact=None, retention_days=365)
    assert got["notices"]["de"] == {"text": built_in, "own": False, "checksum": notice_checksum(built_in)}
    r = client.put(
        url,
        headers=auth,
        json={"controller": "Land Tirol", "contact": "dp@tirol.example", "notices": {"de": "Eigener Text."}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["changed"] == ["controller", "contact", "notice:de"]
    assert body["notices"]["de"]["own"] is True and body["notices"]["de"]["text"] == "Eigener Text."
    assert "Land Tirol" in body["notices"]["en"]["text"]
    assert _events(store, cid, "privacy_edit")[0]["detail"]["admin"] == ADMIN
    for bad in ({"contact": "nowhere"}, {"notices": {"fr": "x"}}, {"controller": "x" * 201}):
        r = client.put(url, headers=auth, json={"controller": "Land Tirol", "contact": "dp@tirol.example", **bad})
        assert r.status_code == 422 and r.json()["problems"], bad
    assert len(_events(store, cid, "privacy_edit")) == 1
    assert client.get(url).status_code == 401  # admins only
