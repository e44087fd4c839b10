"""Links only once the privacy notice names whom respondents deal with; "Remove" only for regions without answers.

Respondents agree to the privacy notice before the first question. A new campaign's built-in notice
says its organisation "has not named itself here yet", so until the controller and a privacy contact
are named the campaign page says so at the top, offers no invitation or open-link form, and the
pages and the API refuse to make links, naming what to fill in.
"""

from __future__ import annotations

import html

from web_support import (
    ADMIN,
    PASSWORD,
    PRIVACY,
    campaign,
    csrf,
    invitation,
    login,
    make_client,
    post_page,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.web import i18n
from s3stresstest.web.operations import PRIVACY_NEEDED

AUTH = (ADMIN, PASSWORD)
WARNING = "No invitations or open links yet: the privacy notice does not name {missing}."


def _german_admin(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    client.get("/admin/language?lang=de&next=/admin", follow_redirects=False)
    assert login(client).status_code == 303
    return client


def _invite(client, url: str):
    data = {"csrf_token": csrf(client.get(url).text), "region_0": "AT33", "group_0": "company", "count_0": "2"}
    return client.post(f"{url}/invitations", data=data)


def test_no_links_until_the_notice_names_controller_and_contact(sqlite_store, tiny_instrument):
    de = i18n.translator("de")
    client = _german_admin(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    url = f"/admin/campaigns/{cid}"

    # nothing named: the warning (in German) at the top, no link forms
    page = html.unescape(client.get(url).text)
    both = de._("the controller and a privacy contact")
    warning = de._(WARNING, missing=both)
    assert warning != WARNING.format(missing="the controller and a privacy contact")  # translated
    assert warning in page and page.index(warning) < page.index('id="h-rates"')  # above everything else
    assert 'name="count_0"' not in page and 'id="open-region"' not in page
    assert f'href="{url}/privacy"' in page

    # the pages refuse, in German, naming both fields; nothing is made
    r = _invite(client, url)
    text = html.unescape(r.text)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    for field in ("controller", "contact"):
        assert de._(PRIVACY_NEEDED[field]) in text and de._(PRIVACY_NEEDED[field]) != PRIVACY_NEEDED[field]
    assert "Spalte" not in text.split('role="alert"')[1].split("</div>")[0]  # a form's field, not a CSV column
    r = client.post(f"{url}/open-links", data={"csrf_token": csrf(page), "region": "SI", "language": "de"})
    assert r.status_code == 422 and de._(PRIVACY_NEEDED["controller"]) in html.unescape(r.text)
    assert sqlite_store.response_rates(cid).empty

    # the API: 422, a problem per missing field
    api = make_client(sqlite_store)
    rows = {"rows": [{"region": "SI", "stakeholder_group": "company", "language": "en", "count": 1}]}
    r = api.post(f"/api/v1/campaigns/{cid}/invitations", auth=AUTH, json=rows)
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["controller", "contact"]
    r = api.post(f"/api/v1/campaigns/{cid}/open-links", auth=AUTH, json={"region": "SI", "language": "en"})
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["controller", "contact"]

    # the controller alone is not enough: the page and the API name what is still missing
    sqlite_store.set_privacy(cid, admin=ADMIN, controller=PRIVACY["controller"])
    page = html.unescape(client.get(url).text)
    assert de._(WARNING, missing=de._("a privacy contact")) in page and both not in page
    r = api.post(f"/api/v1/campaigns/{cid}/open-links", auth=AUTH, json={"region": "SI", "language": "en"})
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["contact"]

    # both named: no warning, the forms are there and make links
    sqlite_store.set_privacy(cid, admin=ADMIN, **PRIVACY)
    page = html.unescape(client.get(url).text)
    assert de._(WARNING, missing=de._("a privacy contact")) not in page and 'name="count_0"' in page
    r = _invite(client, url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and len(r.text.splitlines()) == 3
    r = api.post(f"/api/v1/campaigns/{cid}/open-links", auth=AUTH, json={"region": "SI", "language": "en"})
    assert r.status_code == 201


def test_remove_is_offered_only_for_regions_nobody_answered_from(store, tiny_instrument):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    assert login(client).status_code == 303
    cid = campaign(store, tiny_instrument)
    url = f"/admin/campaigns/{cid}"
    invitation(store, cid, region="SI")  # invited, not answered: still removable
    token = invitation(store, cid, region="AT33")
    assert post_page(make_client(store), f"/s/{token}/page/1", {"years": "12"}).status_code == 303
    assert store.answered_regions(cid) == {"AT33"}

    page = client.get(url).text
    for region in ("SI", "ITH2"):
        assert f'action="{url}/regions/{region}/remove"' in page
    assert f'action="{url}/regions/AT33/remove"' not in page
    row = page.split('class="regions"')[1].split("<td>AT33</td>")[1].split("</tr>")[0]
    assert "has answers" in row and "Remove" not in row
    # refused server-side all the same
    r = client.post(f"{url}/regions/AT33/remove", data={"csrf_token": csrf(page)})
    assert r.status_code == 422 and "AT33" in set(store.regions(cid)["region"])
