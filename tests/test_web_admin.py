"""Admin pages: campaigns from the built-in questionnaire or an XLSForm, regions, groups, invitations,
response rates, closing, scoring and export."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd
from conftest import small_workbook
from web_support import (
    ADMIN,
    PASSWORD,
    campaign,
    consent,
    csrf,
    login,
    make_client,
    name_privacy,
    sqlite_store,  # noqa: F401 - a fixture, passed to tests by name
)

from s3stresstest.instrument import write_xlsx

REGIONS_CSV = "region,name\nAT33,Tirol\nSI,Slovenija\nITH2,Provincia di Trento\n"
GROUPS_CSV = "region,group\nAT33,alps\nSI,alps\nITH2,alps\n"


def _admin_client(store):
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store)
    assert login(client).status_code == 303
    return client


def _form_token(client, url="/admin"):
    return csrf(client.get(url).text)


def _create(client, **data):
    fields = {"name": "Alpine regions 2026", "instrument_source": "builtin", "languages": ["en", "de"], **data}
    r = client.post("/admin/campaigns", data={**fields, "csrf_token": _form_token(client)}, follow_redirects=False)
    return r


def _answer_everything(client, link: str, values: dict[str, str]):
    """Walk every page of the questionnaire behind `link`, answering what `values` has, then submit."""
    path = link.replace("http://testserver", "")
    landing = client.get(path)
    n = int(re.search(r"<progress max=\"(\d+)\"", landing.text).group(1))
    assert consent(client, path).status_code == 303  # the privacy notice, agreed to
    for k in range(1, n + 1):
        page = client.get(f"{path}/page/{k}").text
        names = set(re.findall(r'name="([a-z0-9_]+)"', page)) - {"csrf_token", "nav"}
        r = client.post(
            f"{path}/page/{k}",
            data={"csrf_token": csrf(page), **{n_: v for n_, v in values.items() if n_ in names}},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    review = client.get(f"{path}/review")
    assert client.post(f"{path}/submit", data={"csrf_token": csrf(review.text)}).status_code == 200


def test_admin_flow_builtin_campaign_to_scores(store):
    client = _admin_client(store)
    assert client.get("/admin").status_code == 200
    r = _create(client)
    assert r.status_code == 303
    cid = int(re.search(r"/admin/campaigns/(\d+)", r.headers["location"]).group(1))
    page = client.get(r.headers["location"])
    assert "Campaign created." in page.text and "S3 StressTest questionnaire" in page.text
    assert store.get_campaign(cid)["languages"] == ["en", "de"]

    # regions by file upload, peer groups by pasted text
    r = client.post(
        f"/admin/campaigns/{cid}/regions",
        files={"file": ("regions.csv", REGIONS_CSV, "text/csv")},
        data={"csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"/admin/campaigns/{cid}/groups",
        data={"text": GROUPS_CSV, "csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert list(store.regions(cid)["region"]) == ["AT33", "ITH2", "SI"]
    assert len(store.groups(cid)) == 3
    page = client.get(f"/admin/campaigns/{cid}")
    assert "Provincia di Trento" in page.text

    # no links before the privacy notice names the controller and a contact: the admin fills them in
    assert "No invitations or open links yet" in page.text and "Generate invitations" not in page.text
    privacy = client.get(f"/admin/campaigns/{cid}/privacy")
    r = client.post(
        f"/admin/campaigns/{cid}/privacy",
        data={
            "controller": "Test fixture organisation",
            "contact": "privacy@example.org",
            "csrf_token": csrf(privacy.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/admin/campaigns/{cid}")
    assert "No invitations or open links yet" not in page.text and "Generate invitations" in page.text

    # invitations: a CSV for mail merge whose links resolve
    form = {
        "csrf_token": csrf(page.text),
        "region_0": "AT33",
        "group_0": "company",
        "language_0": "de",
        "count_0": "3",
        "region_1": "SI",
        "group_1": "policy_maker",
        "language_1": "en",
        "count_1": "2",
        "region_2": "",
        "group_2": "company",
        "language_2": "en",
        "count_2": "0",
    }
    r = client.post(f"/admin/campaigns/{cid}/invitations", data=form)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    invites = pd.read_csv(io.StringIO(r.text), dtype=str)
    assert list(invites.columns) == ["invitation_id", "region", "stakeholder_group", "language", "link"]
    assert len(invites) == 5 and invites["link"].is_unique
    for row in invites.itertuples():
        token = row.link.rsplit("/s/", 1)[1]
        info = store.resolve_token(token)
        assert (info["kind"], info["region"], info["stakeholder_group"], info["language"]) == (
            "invitation",
            row.region,
            row.stakeholder_group,
            row.language,
        )

    # three respondents answer in AT33, one in SI
    values = {"organisation_size": "small", "years_involved": "4"}
    from s3stresstest.instrument import load_builtin

    for item in load_builtin().scored_items:
        values[item.name] = (
            "agree" if "agree" in (item.list_name or "") else "yes" if item.list_name == "yesno" else "often"
        )
    respondent = make_client(store)
    at = invites[invites["region"] == "AT33"]["link"].tolist()
    for link in at + invites[invites["region"] == "SI"]["link"].tolist()[:1]:
        _answer_everything(respondent, link, values)

    page = client.get(f"/admin/campaigns/{cid}")
    assert f'href="/admin/campaigns/{cid}/invitations.csv"' in page.text
    status = pd.read_csv(io.StringIO(client.get(f"/admin/campaigns/{cid}/invitations.csv").text), dtype=str)
    by_id = dict(zip(status["invitation_id"], status["status"], strict=True))
    assert [by_id[i] for i in invites["invitation_id"]] == ["submitted"] * 3 + ["submitted", "not started"]
    assert not any(link.rsplit("/", 1)[1] in status.to_csv() for link in invites["link"])  # no tokens
    assert make_client(store).get(f"/admin/campaigns/{cid}/invitations.csv", follow_redirects=False).status_code in (
        303,
        401,
        403,
    )  # admins only
    rates = store.response_rates(cid).set_index(["region", "stakeholder_group"])
    assert rates.loc[("AT33", "company"), "submitted"] == 3 and rates.loc[("SI", "policy_maker"), "submitted"] == 1
    assert re.search(
        r"<td>AT33</td><td title=\"company\">Company</td><td class=\"num\"[^>]*>3</td><td class=\"num\"[^>]*>3</td>"
        r"<td class=\"num\"[^>]*>3</td><td class=\"num\"[^>]*>100%</td>",
        page.text,
    )
    assert re.search(
        r"<td>SI</td><td title=\"policy_maker\">Policy maker</td><td class=\"num\"[^>]*>2</td>"
        r"<td class=\"num\"[^>]*>1</td><td class=\"num\"[^>]*>1</td><td class=\"num\"[^>]*>50%</td>",
        page.text,
    )

    # open link per region: shown once
    r = client.post(
        f"/admin/campaigns/{cid}/open-links", data={"region": "ITH2", "language": "it", "csrf_token": csrf(page.text)}
    )
    assert r.status_code == 422 and "language &#39;it&#39; is not one of the campaign" in r.text
    r = client.post(
        f"/admin/campaigns/{cid}/open-links", data={"region": "ITH2", "language": "de", "csrf_token": csrf(page.text)}
    )
    link = re.search(r'<p class="link-box">(http://testserver/r/[A-Za-z0-9_-]+)</p>', r.text).group(1)
    assert store.resolve_token(link.rsplit("/", 1)[1])["kind"] == "open"

    # scoring: a zip of the result files
    r = client.post(f"/admin/campaigns/{cid}/score", data={"csrf_token": csrf(page.text)})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert {"block_scores.csv", "item_scores.csv", "run.json", "summary.md"} <= set(names)
    blocks = pd.read_csv(zipfile.ZipFile(io.BytesIO(r.content)).open("block_scores.csv"))
    at33 = blocks[blocks["region"] == "AT33"]
    assert len(at33) == 6 and (at33["status"] == "ok").all()

    # export: long format, never contact details (not even when asked the old way)
    r = client.get(f"/admin/campaigns/{cid}/responses.csv")
    exported = pd.read_csv(io.StringIO(r.text), dtype=str, keep_default_na=False)
    assert list(exported.columns[:5]) == ["respondent_id", "region", "stakeholder_group", "item", "value"]
    assert "contact" not in exported.columns and exported["respondent_id"].nunique() == 4
    assert "contact" not in client.get(f"/admin/campaigns/{cid}/responses.csv?contact=1").text.splitlines()[0]
    assert json.loads(store.audit_log(cid)["detail"].iloc[-1])["admin"] == "admin"

    # closing: links die, saving is refused, the page says so
    # closing cannot be undone: without the ticked box nothing happens (no JavaScript needed)
    assert 'name="confirm" value="yes" required' in client.get(f"/admin/campaigns/{cid}/close").text
    r = client.post(f"/admin/campaigns/{cid}/close", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 422 and "closing cannot be undone" in r.text
    assert store.get_campaign(cid)["status"] == "open"
    r = client.post(
        f"/admin/campaigns/{cid}/close",
        data={"csrf_token": csrf(page.text), "confirm": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # every admin action names the admin: create, invitations, open link, score, export, close
    log = store.audit_log(cid)
    acted = {e: json.loads(d).get("admin") for e, d in zip(log["event"], log["detail"], strict=True)}
    actions = ("create", "regions_add", "groups_add", "invitations", "open_link", "score", "export", "close")
    assert {e: acted[e] for e in actions} == dict.fromkeys(actions, "admin")
    assert "Campaign closed" in client.get(r.headers["location"]).text
    assert store.get_campaign(cid)["status"] == "closed"
    assert respondent.get(at[0].replace("http://testserver", "")).status_code == 404
    assert "Generate invitations" not in client.get(f"/admin/campaigns/{cid}").text


def test_campaign_from_uploaded_xlsform(sqlite_store, tmp_path):
    client = _admin_client(sqlite_store)
    path = write_xlsx(small_workbook(), tmp_path / "tiny.xlsx")
    r = client.post(
        "/admin/campaigns",
        data={
            "name": "Tiny",
            "instrument_source": "upload",
            "languages": ["en", "de"],
            "csrf_token": _form_token(client),
        },
        files={
            "xlsform": (
                "tiny.xlsx",
                path.read_bytes(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    cid = int(r.headers["location"].split("/")[-1].split("?")[0])
    instrument = sqlite_store.get_instrument(sqlite_store.get_campaign(cid)["instrument_id"])
    assert instrument.form_id == "tiny"
    assert "Tiny" in client.get("/admin").text


def test_broken_xlsform_shows_its_problems(sqlite_store, tmp_path):
    client = _admin_client(sqlite_store)
    book = small_workbook()
    book["survey"].rows[2]["type"] = "select_one nosuchlist"
    book["choices"].rows[0]["score"] = "250"
    path = write_xlsx(book, tmp_path / "broken.xlsx")
    r = client.post(
        "/admin/campaigns",
        data={"name": "Broken", "instrument_source": "upload", "csrf_token": _form_token(client)},
        files={"xlsform": ("broken.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert r.status_code == 422
    assert "unknown choice list &#39;nosuchlist&#39;" in r.text and "score 250 is outside 0-100" in r.text
    assert 'value="Broken"' in r.text  # the form keeps what was typed
    assert sqlite_store.list_campaigns() == []
    r = client.post(
        "/admin/campaigns",
        data={"name": "Not a workbook", "instrument_source": "upload", "csrf_token": _form_token(client)},
        files={"xlsform": ("notes.txt", b"hello", "text/plain")},
    )
    assert r.status_code == 422 and "not an XLSForm workbook" in r.text


def test_bad_region_and_group_files_are_refused_with_lines(sqlite_store, tiny_instrument):
    client = _admin_client(sqlite_store)
    cid = sqlite_store.create_campaign("c", sqlite_store.add_instrument(tiny_instrument), languages=["en"])
    token = _form_token(client, f"/admin/campaigns/{cid}")
    r = client.post(
        f"/admin/campaigns/{cid}/regions",
        data={"csrf_token": token},
        files={"file": ("mine.csv", "region,name\nAT33,Tirol\nnot a code,X\nAT33,Again\n", "text/csv")},
    )
    assert r.status_code == 422
    assert "mine.csv, line 3, column &#39;region&#39;" in r.text and "listed twice" in r.text
    assert sqlite_store.regions(cid).empty
    r = client.post(f"/admin/campaigns/{cid}/groups", data={"csrf_token": token, "text": "region,group\nDE1,x\n"})
    assert r.status_code == 422 and "unknown region &#39;DE1&#39;" in r.text
    r = client.post(f"/admin/campaigns/{cid}/regions", data={"csrf_token": token})
    assert r.status_code == 422 and "choose a CSV file" in r.text


def test_invitation_form_checks_its_rows(sqlite_store, tiny_instrument):
    client = _admin_client(sqlite_store)
    cid = name_privacy(sqlite_store, campaign(sqlite_store, tiny_instrument))
    token = _form_token(client, f"/admin/campaigns/{cid}")
    r = client.post(
        f"/admin/campaigns/{cid}/invitations",
        data={"csrf_token": token, "region_0": "AT33", "group_0": "company", "language_0": "en", "count_0": "0"},
    )
    assert r.status_code == 422 and "give a count of at least 1" in r.text
    r = client.post(
        f"/admin/campaigns/{cid}/invitations",
        data={"csrf_token": token, "region_0": "FR1", "group_0": "wizard", "language_0": "fr", "count_0": "2"},
    )
    assert r.status_code == 422
    for bit in ("unknown region &#39;FR1&#39;", "unknown stakeholder group &#39;wizard&#39;", "language &#39;fr&#39;"):
        assert bit in r.text
    assert sqlite_store.response_rates(cid).empty


def test_admin_pages_need_a_login(sqlite_store, tiny_instrument):
    cid = campaign(sqlite_store, tiny_instrument)
    client = make_client(sqlite_store)
    for url in ("/admin", f"/admin/campaigns/{cid}", f"/admin/campaigns/{cid}/responses.csv"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    assert client.get("/", follow_redirects=False).headers["location"] == "/admin"
    client2 = _admin_client(sqlite_store)
    assert client2.get("/admin/campaigns/999").status_code == 404


def test_admin_pages_label_every_input(sqlite_store, tiny_instrument):
    from web_support import audit

    client = _admin_client(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    for url in ("/admin", f"/admin/campaigns/{cid}"):
        found = audit(client.get(url).text)
        assert found.inputs and not found.unlabelled(), (url, found.unlabelled())
        assert found.inline_scripts == 0 and found.style_attrs == 0
    found = audit(make_client(sqlite_store).get("/admin/login").text)
    assert len(found.inputs) == 2 and not found.unlabelled()


def test_response_rates_refresh_while_the_campaign_is_open(sqlite_store, tiny_instrument):
    client = _admin_client(sqlite_store)
    cid = campaign(sqlite_store, tiny_instrument)
    inv = sqlite_store.create_invitations(cid, [("SI", "company", "en"), ("SI", "company", "en")])
    page = client.get(f"/admin/campaigns/{cid}").text
    assert f'data-refresh="/admin/campaigns/{cid}/rates" data-refresh-seconds="30"' in page
    assert "/static/admin-rates.js" in page
    before = client.get(f"/admin/campaigns/{cid}/rates")
    assert before.status_code == 200 and "<html" not in before.text  # the table alone
    assert re.search(
        r'<td>SI</td><td title=\"company\">Company</td><td class="num"[^>]*>2</td><td class="num"[^>]*>0</td>',
        before.text,
    )
    rid = sqlite_store.start_and_save_page(inv[0]["token"], "page1", {"years": "3"})
    sqlite_store.submit(rid)
    after = client.get(f"/admin/campaigns/{cid}/rates").text
    assert re.search(
        r'<td>SI</td><td title=\"company\">Company</td><td class="num"[^>]*>2</td><td class="num"[^>]*>1</td>'
        r'<td class="num"[^>]*>1</td><td class="num"[^>]*>50%</td>',
        after,
    )
    assert make_client(sqlite_store).get(f"/admin/campaigns/{cid}/rates", follow_redirects=False).status_code in (
        303,
        401,
        403,
    )  # admins only
    sqlite_store.close_campaign(cid)
    assert 'data-refresh-seconds="0"' in client.get(f"/admin/campaigns/{cid}").text  # closed: nothing to watch


def test_admin_error_pages_use_admin_wording(sqlite_store, tiny_instrument):
    """413 and a failed CSRF check on an admin page speak to the admin (nothing changed), not about
    'your answers'; the respondent pages keep their own wording."""
    sqlite_store.create_admin(ADMIN, PASSWORD)
    client = make_client(sqlite_store, max_body_bytes=2000)
    assert login(client).status_code == 303
    cid = sqlite_store.create_campaign("x", sqlite_store.add_instrument(tiny_instrument), languages=["en", "de"])
    r = client.post(f"/admin/campaigns/{cid}/regions", data={"csrf_token": "nope", "text": "AT33,Tirol"})
    assert r.status_code == 403 and "Session check failed" in r.text and "Nothing was changed" in r.text
    assert "Your answers" not in r.text
    files = {"file": ("big.csv", b"x" * 5000, "text/csv")}
    r = client.post(f"/admin/campaigns/{cid}/import", data={"csrf_token": "x"}, files=files)
    assert r.status_code == 413 and "Upload too large" in r.text and "shorten your" not in r.text
    survey = make_client(sqlite_store, max_body_bytes=2000)
    r = survey.post("/s/whatever/page/1", data={"x": "y" * 5000}, headers={"Accept-Language": "de"})
    assert r.status_code == 413 and "Zu viele Daten" in r.text
