"""One name per stakeholder group per language (issue 24): the survey, the admin pages and the reports all
take it from the questionnaire ("Politische Entscheidungsträger/in" everywhere, not "Politische/r …")."""

from __future__ import annotations

import html

import pytest
from web_support import ADMIN, PASSWORD, csrf, login, make_client, name_privacy, sqlite_store  # noqa: F401

from s3stresstest.campaign.model import STAKEHOLDER_GROUPS
from s3stresstest.instrument import load_builtin, pick_label
from s3stresstest.report.common import group_label
from s3stresstest.web.routes_survey import group_options

LANGUAGES = ("en", "de", "fr", "it", "sl")


def _instrument_labels(lang: str) -> dict[str, str]:
    choices = load_builtin().lists["stakeholder_group"]
    return {g: pick_label(choices.get(g).labels, lang) for g in STAKEHOLDER_GROUPS}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_survey_and_reports_name_each_group_as_the_questionnaire(lang):
    own = _instrument_labels(lang)
    assert dict(group_options(load_builtin(), lang)) == own
    assert {g: group_label(g, language=lang) for g in STAKEHOLDER_GROUPS} == own
    if lang == "de":
        assert own["policy_maker"] == "Politische Entscheidungsträger/in"


def test_admin_page_names_the_groups_as_the_survey(sqlite_store):
    sqlite_store.create_admin(ADMIN, PASSWORD)
    client = make_client(sqlite_store)
    assert login(client).status_code == 303
    cid = sqlite_store.create_campaign("Alps", sqlite_store.add_instrument(load_builtin()), languages=["en", "de"])
    url = f"/admin/campaigns/{cid}"
    client.post(
        f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": "region,name\nAT32,Salzburg\n"}
    )
    sqlite_store.create_invitations(cid, [("AT32", "policy_maker", "de")])
    name_privacy(sqlite_store, cid)  # the invitation form shows once controller and contact are named
    client.get(f"/admin/language?lang=de&next={url}")
    page = html.unescape(client.get(url).text)
    select = page.split('id="inv-group-0"')[1].split("</select>")[0]
    assert ">Politische Entscheidungsträger/in</option>" in select and "Politische/r" not in page
    rates = page.split('id="h-rates"')[1].split("</section>")[0]
    assert "Politische Entscheidungsträger/in" in rates
