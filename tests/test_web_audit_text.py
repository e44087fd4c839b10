"""The audit log on the campaign page reads as text in the admin's language, not JSON (issue 23);
the CSV download keeps the stored data."""

from __future__ import annotations

import html

from web_support import ADMIN, PASSWORD, campaign, csrf, login, make_client, sqlite_store  # noqa: F401

from s3stresstest.web.audit_text import describe
from s3stresstest.web.i18n import translator


def test_details_in_words():
    de = translator("de")
    assert describe(de, '{"admin": "anna", "regions": ["AT32", "CH022"]}') == "Von: anna; Regionen: AT32, CH022"
    assert describe(translator("en"), {"admin": "anna", "language": "sl", "region": "SI"}) == (
        "By: anna; Language: Slovenščina; Region: SI"
    )
    fr = describe(translator("fr"), {"admin": "a", "all": False, "changed": ["controller", "notice:de"]})
    assert fr == (
        "Par : a; Y compris les répondants qui n'ont pas envoyé : non; "
        "Modifié : responsable du traitement, notice en Deutsch"
    )
    assert describe(translator("en"), {"notice": "ab" * 32}) == "Privacy notice (checksum): abababababab…"
    assert describe(translator("en"), "") == "" and describe(translator("en"), "not json") == "not json"


def test_campaign_page_shows_the_audit_log_as_text(sqlite_store, tiny_instrument):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    client = make_client(sqlite_store)
    assert login(client).status_code == 303
    cid = campaign(sqlite_store, tiny_instrument)
    url = f"/admin/campaigns/{cid}"
    client.post(
        f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": "region,name\nAT32,Salzburg\n"}
    )
    client.get(f"/admin/language?lang=de&next={url}")
    page = html.unescape(client.get(url).text)
    audit = page.split('id="h-audit"')[1]
    assert "Von: admin; Regionen: AT32" in audit
    assert '{"' not in audit and '"admin"' not in audit
    assert '"admin": "admin"' in client.get(f"{url}/audit.csv").text.replace('""', '"')  # the data stay data
