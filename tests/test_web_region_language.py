"""Each territory's report language (issue 22, web): a default from the territory, editable on the admin
page, stored, carried into the scoring run's regions input, and the default of its invitations (issue 23)."""

from __future__ import annotations

import csv
import io

import pytest
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    csrf,
    login,
    make_client,
    name_privacy,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.regions.languages import territory_language

AUTH = (ADMIN, PASSWORD)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("AT32", "de"),
        ("DE1", "de"),
        ("CH021", "de"),  # Bern: German-speaking majority
        ("CH022", "fr"),  # Fribourg: bilingual, French-speaking majority
        ("CH012", "fr"),  # Valais, under Région lémanique
        ("CH070", "it"),  # Ticino
        ("ITC4", "it"),
        ("ITH10", "de"),  # Bolzano/Bozen
        ("FRC2", "fr"),
        ("SI", "sl"),
        ("BE3", "fr"),
        ("BE336", "de"),  # the German-speaking community inside Wallonia
        ("BE2", "en"),  # Flemish is not a report language
        ("ES21", "en"),
    ],
)
def test_territory_language_defaults(code, language):
    assert territory_language(code) == language


def _admin(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    client.follow_redirects = False
    assert login(client).status_code == 303
    return client


def test_regions_added_on_the_admin_page_get_their_language_and_the_admin_changes_it(sqlite_store, tiny_instrument):
    client = _admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument, languages=("en", "de", "fr", "it", "sl"))
    url = f"/admin/campaigns/{cid}"
    text = "region,name\nAT32,Salzburg\nCH022,Fribourg\nES21,País Vasco\n"
    r = client.post(f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": text})
    assert r.status_code == 303, r.text
    langs = dict(zip(*(sqlite_store.regions(cid)[c] for c in ("region", "language")), strict=True))
    assert langs["AT32"] == "de" and langs["CH022"] == "fr" and langs["ES21"] == "en" and langs["SI"] == "sl"

    # an explicit column wins; a bad one is refused with its line
    r = client.post(
        f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": "region,name,language\nAT31,,xx\n"}
    )
    assert r.status_code == 422 and "line 2" in r.text and "AT31" not in set(sqlite_store.regions(cid)["region"])
    r = client.post(
        f"{url}/regions", data={"csrf_token": csrf(client.get(url).text), "text": "region,name,language\nAT31,,EN\n"}
    )
    assert r.status_code == 303
    assert sqlite_store.regions(cid).set_index("region").loc["AT31", "language"] == "en"

    # the page shows each region's language, selected, and saves a change (audited)
    page = client.get(url).text
    assert f'action="{url}/regions/CH022/language"' in page
    assert '<option value="de" selected>Deutsch</option>' in page.split('id="lang-AT32"')[1].split("</select>")[0]
    r = client.post(f"{url}/regions/CH022/language", data={"csrf_token": csrf(page), "language": "de"})
    assert r.status_code == 303 and "region-language" in r.headers["location"]
    assert sqlite_store.regions(cid).set_index("region").loc["CH022", "language"] == "de"
    entry = sqlite_store.audit_log(cid).iloc[-1]
    assert entry["event"] == "region_language" and "CH022" in entry["detail"] and ADMIN in entry["detail"]
    r = client.post(f"{url}/regions/CH022/language", data={"csrf_token": csrf(client.get(url).text), "language": "xx"})
    assert r.status_code == 422 and sqlite_store.regions(cid).set_index("region").loc["CH022", "language"] == "de"
    r = client.post(f"{url}/regions/XX99/language", data={"csrf_token": csrf(client.get(url).text), "language": "de"})
    assert r.status_code == 404

    # the scoring run reads the stored language (the `language` column its reports are written in)
    regions = sqlite_store.campaign_data(cid).regions.set_index("region")
    assert regions.loc["AT32", "language"] == "de" and regions.loc["CH022", "language"] == "de"


def test_api_regions_carry_their_language(sqlite_store, tiny_instrument):
    client = _admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    r = client.post(
        f"/api/v1/campaigns/{cid}/regions",
        auth=AUTH,
        json=[{"region": "AT32", "name": "Salzburg"}, {"region": "BE3", "name": "Wallonie", "language": "de"}],
    )
    assert r.status_code == 200
    got = {x["region"]: x["language"] for x in r.json()}
    assert got["AT32"] == "de" and got["BE3"] == "de"
    r = client.post(f"/api/v1/campaigns/{cid}/regions", auth=AUTH, json=[{"region": "AT31", "language": "xx"}])
    assert r.status_code == 422


def test_invitations_default_to_the_region_language(sqlite_store, tiny_instrument):
    """Issue 23: the invitation rows default to each region's language (not 'en' on every row), and the
    language choices are shown by name."""
    client = _admin(sqlite_store)
    cid = name_privacy(sqlite_store, campaign(sqlite_store, tiny_instrument, languages=("en", "de", "it", "sl")))
    url = f"/admin/campaigns/{cid}"
    page = client.get(url).text
    choices = page.split('id="inv-lang-0"')[1].split("</select>")[0]
    assert '<option value="" selected>' in choices and ">Slovenščina</option>" in choices
    assert "Languages: English, Deutsch, Italiano, Slovenščina." in page  # by name, not code
    data = {"csrf_token": csrf(page)}
    for i, region in enumerate(["AT33", "SI", "ITH2"]):
        data |= {f"region_{i}": region, f"group_{i}": "company", f"language_{i}": "", f"count_{i}": "1"}
    data |= {"region_3": "SI", "group_3": "company", "language_3": "en", "count_3": "1"}
    r = client.post(f"{url}/invitations", data=data)
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["region"], x["language"]) for x in rows] == [("AT33", "de"), ("SI", "sl"), ("ITH2", "it"), ("SI", "en")]
    # an open link made without a language is in its region's; a region whose language the campaign does
    # not offer gets the campaign's first
    sqlite_store.set_region_language(cid, "ITH2", "fr")
    r = client.post(
        f"{url}/open-links", data={"csrf_token": csrf(client.get(url).text), "region": "SI", "language": ""}
    )
    assert r.status_code == 200 and "Slovenščina" in r.text.split("<h2>")[1].split("</h2>")[0]
    r = client.post(
        f"{url}/invitations",
        data={"csrf_token": csrf(client.get(url).text), "region_0": "ITH2", "group_0": "company", "count_0": "1"},
    )
    assert r.status_code == 200 and next(csv.DictReader(io.StringIO(r.text)))["language"] == "en"


def test_store_keeps_region_languages_on_both_backends(store, tiny_instrument):
    import pandas as pd

    from s3stresstest.errors import InputError

    cid = store.create_campaign("langs", store.add_instrument(tiny_instrument))
    store.add_regions(cid, pd.DataFrame({"region": ["CH022", "SI"], "name": ["Fribourg", ""], "language": ["", "en"]}))
    assert store.regions(cid).set_index("region")["language"].to_dict() == {"CH022": "fr", "SI": "en"}
    store.set_region_language(cid, "CH022", "de", admin="anna")
    assert store.regions(cid).set_index("region").loc["CH022", "language"] == "de"
    with pytest.raises(InputError):
        store.set_region_language(cid, "SI", "xx")
    with pytest.raises(InputError):
        store.add_regions(cid, pd.DataFrame({"region": ["AT32"], "language": ["klingon"]}))
