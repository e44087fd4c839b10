"""The synthesis, the memo and their index as the web admin reads them follow the admin's language (the
admin pages' language switch, else Accept-Language), with the reports' own texts (one translation, in
the report catalogues): in German, French, Italian and Slovenian neither they nor the run's page carry
English fixed text. The checker is `test_report_languages`'s (every literal piece of a catalogue message
longer than 12 characters that the language's translation does not share), here over the web catalogue
too; in English it finds the English texts, so it can fail.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from test_report_languages import _chunks, english_left, html_text
from web_support import ADMIN, PASSWORD, csrf, login, make_client

from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
from s3stresstest.i18n import LANGUAGE_NAMES, LANGUAGES, translator
from s3stresstest.i18n.catalogues import po_path
from s3stresstest.i18n.tools import template
from s3stresstest.instrument import load_builtin
from s3stresstest.report import memo, synthesis
from s3stresstest.store import Store
from s3stresstest.web.core import ADMIN_LANG_COOKIE

REGIONS = pd.DataFrame({"region": ["AT32", "SI", "ITC4"], "name": ["Salzburg", "Slovenija", "Lombardia"]})
GROUPS = pd.DataFrame({"region": ["AT32", "SI", "ITC4"], "group": ["alps"] * 3})
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    """A stored campaign of three territories with (synthetic) submitted answers, and a signed-in admin."""
    tmp = tmp_path_factory.mktemp("web-report-languages")
    store = Store.open(f"sqlite:///{tmp / 's3.db'}")
    instrument = load_builtin()
    answers = generate_campaign(
        instrument, REGIONS, GROUPS, SyntheticSpec(seed=4, min_respondents=6, max_respondents=7)
    )
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=["en", "de"])
    store.add_regions(cid, REGIONS)
    store.add_groups(cid, GROUPS)
    store.import_responses(cid, answers.responses, source="test")
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store, data_dir=tmp)
    client.follow_redirects = False
    assert login(client).status_code == 303
    yield store, client, cid
    store.close()


def _write(client, cid: int, language: str) -> str:
    """The admin, reading `language`, scores and writes the reports; the run page's address."""
    client.cookies.set(ADMIN_LANG_COOKIE, language)
    url = f"/admin/campaigns/{cid}"
    r = client.post(f"{url}/reports", data={"csrf_token": csrf(client.get(url).text)})
    assert r.status_code == 303, r.text
    return r.headers["location"]


@cache
def web_english(language: str) -> frozenset[str]:
    """The pieces of the web catalogue's English texts that `language`'s translation does not share."""
    catalogue = None
    if language != "en":
        with po_path(language, "web").open("rb") as f:
            catalogue = read_po(f, locale=language, domain="web")
    pieces: set[str] = set()
    for m in template("web"):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        found = catalogue.get(ids[0], m.context) if catalogue is not None else None
        strings = [] if found is None else ([found.string] if isinstance(found.string, str) else found.string)
        translated = " ".join(" ".join(str(s or "").split()) for s in strings)
        for msg in ids:
            pieces.update(c for c in _chunks(msg) if c not in translated)
    return frozenset(pieces)


def _web_left(html: str, language: str) -> list[str]:
    flat = " ".join(html_text(re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)).split())
    return sorted(p for p in web_english(language) if p in flat)


@pytest.mark.parametrize("language", OTHERS)
def test_synthesis_memo_and_index_in_the_admins_language(admin, language):
    _store, client, cid = admin
    run_url = _write(client, cid, language)
    t = translator(language)
    for name in ("synthesis.html", "memo.html", "index.html"):
        page = client.get(f"{run_url}/reports/{name}")
        assert page.status_code == 200, name
        assert f'<html lang="{language}"' in page.text, name
        left = english_left(html_text(page.text), language)
        assert not left, f"{name} in {language}: English fixed text {left}"

    page = client.get(run_url).text
    assert not _web_left(page, language), _web_left(page, language)
    # the list names them by the reports' own titles, in the admin's language, and says their language
    for title in (synthesis.TITLE, memo.TITLE):
        assert t._(title) != title
        row = page.split(f">{t._(title)}</a>")[1].split("</tr>")[0]
        assert f'lang="{language}" class="nowrap">{LANGUAGE_NAMES[language]}<' in row
    assert "/rewrite" not in page  # already in this admin's language: nothing to write again


def test_the_checkers_find_english_fixed_text(admin):
    _store, client, cid = admin
    run_url = _write(client, cid, "en")
    assert english_left(html_text(client.get(f"{run_url}/reports/synthesis.html").text), "en")
    assert english_left(html_text(client.get(f"{run_url}/reports/memo.html").text), "en")
    page = client.get(run_url).text
    assert len(_web_left(page, "en")) >= 5
    assert ">" + synthesis.TITLE + "</a>" in page and ">" + memo.TITLE + "</a>" in page


def test_an_admin_reading_another_language_writes_them_again_in_theirs(admin):
    store, client, cid = admin
    run_url = _write(client, cid, "it")
    client.cookies.set(ADMIN_LANG_COOKIE, "sl")
    page = client.get(run_url).text
    assert f'action="{run_url}/rewrite"' in page
    assert "Italiano" in page.split(f'action="{run_url}/rewrite"')[1].split("</form>")[0]  # what they are in
    assert '<html lang="it"' in client.get(f"{run_url}/reports/synthesis.html").text
    r = client.post(f"{run_url}/rewrite", data={"csrf_token": csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == run_url
    for name in ("synthesis.html", "memo.html", "index.html"):
        assert '<html lang="sl"' in client.get(f"{run_url}/reports/{name}").text, name
    assert '<html lang="de"' in client.get(f"{run_url}/reports/regional/AT32.html").text  # territory's own
    assert f'action="{run_url}/rewrite"' not in client.get(run_url).text
    log = store.audit_log(cid)
    entry = log[log["event"] == "reports"].iloc[-1]
    assert ADMIN in entry["detail"] and '"sl"' in entry["detail"]
