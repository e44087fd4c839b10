"""The admin pages in five languages, and the respondent pages' fixed texts through gettext.

The English texts of the admin templates are read from the templates themselves (Babel's Jinja
extraction, as `python -m s3stresstest.i18n extract web` does), so a text added later without a
translation shows up here as English on a German page. A text counts when a stretch of it without
`{fields}` is longer than 12 characters and its translation does not contain that stretch too
(French "Questionnaire" is the French word).
"""

from __future__ import annotations

import html
import re
import string

import pytest
from babel.messages.extract import extract_from_file
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    invitation,
    login,
    make_client,
    name_privacy,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.i18n import translator
from s3stresstest.i18n.tools import JINJA, KEYWORDS
from s3stresstest.web.core import ADMIN_LANG_COOKIE, TEMPLATES

OTHERS = ("de", "fr", "it", "sl")
MIN_LENGTH = 12


def admin_template_texts() -> list[tuple[str, ...]]:
    """Every message (singular, plural) marked in web/templates/admin/."""
    found = []
    for path in sorted((TEMPLATES / "admin").glob("*.html")):
        for _lineno, message, _comments, _context in extract_from_file(
            JINJA, path, keywords=KEYWORDS, options={"extensions": "jinja2.ext.do"}
        ):
            found.append((message,) if isinstance(message, str) else tuple(message))
    return found


def fragments(message: str) -> list[str]:
    """The literal stretches of a message between its `{fields}`."""
    return [text.strip() for text, _, _, _ in string.Formatter().parse(message) if text and text.strip()]


def english_left(page_html: str, language: str, messages) -> list[str]:
    """English stretches (> 12 characters) of the admin templates' messages found on a page."""
    t = translator(language)
    text = html.unescape(page_html)
    left = []
    for ids in messages:
        if len(ids) == 1:
            translated = [t._translations.gettext(ids[0])]
        else:
            translated = [t._translations.ngettext(ids[0], ids[1], n) for n in (1, 2, 3, 5)]
        for message in ids:
            for piece in fragments(message):
                if len(piece) > MIN_LENGTH and not any(piece in tr for tr in translated) and piece in text:
                    left.append(piece)
    return sorted(set(left))


def full_campaign(store, instrument) -> int:
    """A campaign whose page shows every section: regions, peer groups, invitations, audit entries."""
    import pandas as pd

    cid = name_privacy(store, campaign(store, instrument, languages=("en", "de", "fr", "it", "sl")))
    store.add_groups(cid, pd.DataFrame({"region": ["AT33", "SI"], "group": ["alps", "alps"]}))
    invitation(store, cid, region="AT33", group="company", language="de")
    invitation(store, cid, region="SI", group="policy_maker", language="sl")
    store.log_admin_action(cid, "regions_add", ADMIN, regions=["AT33", "SI", "ITH2"])
    return cid


def switch(client, language: str, back: str = "/admin"):
    return client.get(f"/admin/language?lang={language}&next={back}", follow_redirects=False)


@pytest.mark.parametrize("language", OTHERS)
def test_admin_index_and_campaign_page_hold_no_english_fixed_text(sqlite_store, tiny_instrument, language):
    messages = admin_template_texts()
    assert len(messages) > 100, "the admin templates mark their texts"
    sqlite_store.create_admin(ADMIN, PASSWORD)
    cid = full_campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    r = switch(client, language, "/admin/login")
    assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    login_page = client.get("/admin/login")
    assert f'<html lang="{language}">' in login_page.text
    assert english_left(login_page.text, language, messages) == []
    assert login(client).status_code == 303
    pages = {"index": client.get("/admin"), "campaign": client.get(f"/admin/campaigns/{cid}")}
    t = translator(language)
    for name, page in pages.items():
        assert page.status_code == 200, (name, page.text[:300])
        assert f'<html lang="{language}">' in page.text, name
        assert english_left(page.text, language, messages) == [], name
        assert html.escape(t._("Sign out")) in page.text
    assert html.escape(t._("Response rates"), quote=False) in pages["campaign"].text
    # the English page, by contrast, shows them: the check can fail
    switch(client, "en")
    english = client.get(f"/admin/campaigns/{cid}").text
    assert '<html lang="en">' in english
    assert "Personal invitations" in english and len(english_left(english, "de", messages)) > 20


def test_language_choice_is_a_cookie_with_accept_language_and_english_as_defaults(sqlite_store, tiny_instrument):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    client = make_client(sqlite_store)
    assert '<html lang="en">' in client.get("/admin/login").text  # no cookie, no header: English
    page = client.get("/admin/login", headers={"accept-language": "it-CH,it;q=0.9,en;q=0.5"})
    assert '<html lang="it">' in page.text and "Nome utente" in page.text
    assert '<html lang="en">' in client.get("/admin/login", headers={"accept-language": "es"}).text
    r = switch(client, "sl", "/admin/login")
    assert client.cookies.get(ADMIN_LANG_COOKIE) == "sl"
    assert "Path=/admin" in r.headers["set-cookie"]
    # the cookie wins over Accept-Language, on every admin page and after signing in
    page = client.get("/admin/login", headers={"accept-language": "de"})
    assert '<html lang="sl">' in page.text and "Uporabniško ime" in page.text
    assert login(client).headers["location"] == "/admin"
    assert "Kampanje" in client.get("/admin").text
    # every page offers the switch, marking the current language
    links = re.findall(r'href="(/admin/language\?lang=(\w+)&amp;next=[^"]*)"', client.get("/admin").text)
    assert [code for _, code in links] == ["en", "de", "fr", "it", "sl"]
    assert 'hreflang="sl" aria-current="true"' in client.get("/admin").text
    # an unknown language changes nothing; the way back stays on this site's admin pages
    switch(client, "xx")
    assert client.cookies.get(ADMIN_LANG_COOKIE) == "sl"
    for target in ("//evil.example/admin", "https://evil.example/admin", "/s/abc", "/admin/../s/x", "\\\\evil"):
        r = client.get("/admin/language", params={"lang": "de", "next": target}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin", target


def test_refused_input_notices_dates_and_audit_events_in_the_admins_language(sqlite_store, tiny_instrument):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    cid = full_campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    switch(client, "de")
    login(client)
    page = client.get(f"/admin/campaigns/{cid}")
    # refused: an unknown region for an open link, and closing without the confirmation
    r = client.post(
        f"/admin/campaigns/{cid}/open-links",
        data={"csrf_token": csrf(page.text), "region": "XX99", "language": "de"},
    )
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "Eingabe abgelehnt" in text and "Spalte „region“: unbekannte Region „XX99“" in text, text
    assert "unknown region" not in text
    r = client.post(f"/admin/campaigns/{cid}/close", data={"csrf_token": csrf(page.text)})
    assert r.status_code == 422 and "die Kampagne ist noch offen" in html.unescape(r.text)
    # the page the switch returns to after a form's answer is the campaign page
    assert f"next=/admin/campaigns/{cid}&quot;" not in r.text and f"next=/admin/campaigns/{cid}" in r.text
    # a notice after Post/Redirect/Get; the audit log: stored in English, shown in German
    r = client.post(
        f"/admin/campaigns/{cid}/regions",
        data={"csrf_token": csrf(page.text), "text": "region,name\nDE21,Oberbayern"},
        follow_redirects=True,
    )
    assert "Regionen hinzugefügt." in r.text
    events = list(sqlite_store.audit_log(cid)["event"])
    assert events.count("regions_add") == 2
    assert "Regionen hinzugefügt</td>" in r.text and 'title="regions_add"' in r.text
    assert "Prüfprotokoll (die letzten 3 Einträge)" in r.text  # and the privacy notice's controller named
    # dates in the German form (06.12.2026), status in German
    created = sqlite_store.get_campaign(cid)["created"]
    index = client.get("/admin").text
    assert f"{created:%d.%m.%Y}, {created:%H:%M} UTC" in index, index
    assert "<td>offen</td>" in index
    # an admin 404 page in the admin's language
    missing = client.get("/admin/campaigns/999999")
    assert missing.status_code == 404 and "Seite nicht gefunden" in missing.text


def test_api_problems_stay_english(sqlite_store, tiny_instrument):
    """The API and the command line read the English message; only the admin pages translate."""
    from s3stresstest.errors import InputError, Problem
    from s3stresstest.web import operations as ops

    with pytest.raises(InputError) as caught:
        ops.create_campaign(sqlite_store, "", languages=["en"])
    problem = caught.value.problems[0]
    assert str(problem) == "column 'name': a campaign needs a name"
    assert problem == Problem("a campaign needs a name", field="name")
    assert translator("fr")._(problem.template) == "une campagne doit avoir un nom"


@pytest.mark.parametrize(
    ("language", "title"),
    [("de", "S3-StressTest-Fragebogen"), ("fr", "Questionnaire S3 StressTest"), ("sl", "Vprašalnik S3 StressTest")],
)
def test_respondent_landing_page_header_is_in_the_invitations_language(sqlite_store, language, title):
    from s3stresstest.instrument import load_builtin

    instrument = load_builtin()
    assert instrument.title == "S3 StressTest questionnaire"
    cid = campaign(sqlite_store, instrument, languages=("en", "de", "fr", "it", "sl"))
    token = invitation(sqlite_store, cid, language=language)
    client = make_client(sqlite_store)
    page = client.get(f"/s/{token}")
    assert f'<html lang="{language}">' in page.text
    brand = re.search(r'<span class="brand">(.*?)</span>', page.text)
    assert brand and html.unescape(brand.group(1)) == title
    assert "S3 StressTest questionnaire" not in page.text
    t = translator(language)
    assert html.escape(t._("Welcome")) in page.text and "Skip to content" not in page.text
    english = client.get(f"/s/{token}?lang=en").text
    assert '<span class="brand">S3 StressTest questionnaire</span>' in english


def test_respondent_error_pages_in_the_visitors_language(sqlite_store):
    client = make_client(sqlite_store)
    page = client.get("/s/" + "x" * 40, headers={"accept-language": "it"})
    assert page.status_code == 404 and '<html lang="it">' in page.text and "Pagina non trovata" in page.text
    page = client.get("/s/" + "x" * 40, headers={"accept-language": "sl"})
    assert "Strani ni mogoče najti" in page.text and "Page not found" not in page.text
