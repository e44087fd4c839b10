"""Reports from the admin pages (issue 23): score, write the reports from the kept run (each regional report
in its territory's language), read them in the browser or as a zip; audited with the admin and the run."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pandas as pd
import pytest
from web_support import ADMIN, PASSWORD, csrf, login, make_client

from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
from s3stresstest.instrument import load_builtin
from s3stresstest.store import Store

REGIONS = pd.DataFrame({"region": ["AT32", "SI", "ITC4"], "name": ["Salzburg", "Slovenija", "Lombardia"]})
GROUPS = pd.DataFrame({"region": ["AT32", "SI", "ITC4"], "group": ["alps"] * 3})


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """A stored campaign of three territories with (synthetic) submitted answers, and a signed-in admin."""
    tmp = tmp_path_factory.mktemp("web-reports")
    store = Store.open(f"sqlite:///{tmp / 's3.db'}")
    instrument = load_builtin()
    synthetic = generate_campaign(
        instrument, REGIONS, GROUPS, SyntheticSpec(seed=3, min_respondents=6, max_respondents=7)
    )
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument), languages=["en", "de", "it", "sl"])
    store.add_regions(cid, REGIONS)  # no language column: each gets its territory's
    store.add_groups(cid, GROUPS)
    store.import_responses(cid, synthetic.responses, source="test")
    store.create_admin(ADMIN, PASSWORD)
    client = make_client(store, data_dir=tmp)
    client.follow_redirects = False
    assert login(client).status_code == 303
    yield store, client, cid, tmp
    store.close()


def test_the_admin_writes_reports_in_each_territory_language_and_reads_them(scored):
    store, client, cid, tmp = scored
    url = f"/admin/campaigns/{cid}"
    page = client.get(url).text
    assert "s3stresstest report" not in page and "FOLDER" not in page  # no command line for a web admin
    r = client.post(f"{url}/reports", data={"csrf_token": csrf(page)})
    assert r.status_code == 303, r.text
    run_url = r.headers["location"]
    run_id = re.fullmatch(rf"{url}/runs/(run-[0-9-]+)", run_url).group(1)

    # audited: who, which run
    log = store.audit_log(cid)
    entry = log[log["event"] == "reports"].iloc[-1]
    assert ADMIN in entry["detail"] and run_id in entry["detail"]

    # the run's page: a link per report, each regional one in its territory's language, and the zip
    page = client.get(run_url).text
    assert "Salzburg (AT32)" in page and "Lombardia (ITC4)" in page and "what the S3 StressTest shows" in page
    row = page.split("Salzburg (AT32)")[1].split("</tr>")[0]
    assert 'lang="de" class="nowrap">Deutsch<' in row
    assert 'lang="sl" class="nowrap">Slovenščina<' in page.split("Slovenija (SI)")[1].split("</tr>")[0]
    assert f'href="{run_url}/reports/regional/AT32.html"' in page

    report = client.get(f"{run_url}/reports/regional/AT32.html")
    assert report.status_code == 200 and '<html lang="de"' in report.text and "Salzburg" in report.text
    assert "script-src" not in report.headers["content-security-policy"]
    assert '<html lang="it"' in client.get(f"{run_url}/reports/regional/ITC4.html").text
    assert client.get(f"{run_url}/reports/synthesis.html").status_code == 200

    r = client.get(f"{run_url}/reports.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    prefix = f"reports-{run_id}/"
    assert {f"{prefix}index.html", f"{prefix}synthesis.html", f"{prefix}memo.html", f"{prefix}regional/SI.html"} <= set(
        names
    )
    assert not any("responses" in n or n.endswith(".csv") for n in names)  # reports only, no answers

    # the campaign page lists the run's reports
    assert f'href="{run_url}"' in client.get(url).text

    # nothing outside the run's reports, and admins only
    for bad in (
        f"{run_url}/reports/../results/run.json",
        f"{run_url}/reports/%2e%2e/results/inputs/responses.csv",
        f"{url}/runs/run-20000101-000000",
        f"{url}/runs/../../x/reports.zip",
        f"{run_url}/reports/regional/XX99.html",
    ):
        assert client.get(bad).status_code == 404, bad
    stranger = make_client(store, data_dir=tmp)
    assert stranger.get(f"{run_url}/reports/regional/AT32.html", follow_redirects=False).status_code in (303, 401, 403)


def test_reports_of_a_campaign_without_answers_are_refused(scored, tiny_instrument):
    store, client, _cid, tmp = scored
    empty = store.create_campaign("empty", store.add_instrument(tiny_instrument))
    url = f"/admin/campaigns/{empty}"
    r = client.post(f"{url}/reports", data={"csrf_token": csrf(client.get(url).text)})
    assert r.status_code == 422 and "no submitted answers" in r.text
    assert not (tmp / "web-runs" / f"campaign{empty}").exists() or not any(
        (tmp / "web-runs" / f"campaign{empty}").iterdir()
    )


def test_pdf_and_docx_are_written_in_the_background_with_progress(scored):
    from s3stresstest.web import reports as rep

    store, client, cid, tmp = scored
    url = f"/admin/campaigns/{cid}"
    r = client.post(f"{url}/reports", data={"csrf_token": csrf(client.get(url).text)})
    run_url = r.headers["location"]
    run_id = run_url.rsplit("/", 1)[1]
    page = client.get(run_url).text
    assert "Write PDF and DOCX too" in page and ">PDF<" not in page
    r = client.post(f"{run_url}/print", data={"csrf_token": csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == run_url
    root = tmp / "web-runs"
    deadline = time.monotonic() + 600
    while rep.print_status(root, cid, run_id)["state"] == "running":
        assert time.monotonic() < deadline, "the PDF/DOCX job did not finish"
        time.sleep(1)
    assert rep.print_status(root, cid, run_id)["state"] == "done"
    # while a job runs, its page shows how far it is and reloads itself; no second job starts
    folder = root / f"campaign{cid}" / run_id
    (folder / "print.json").write_text('{"state": "running", "done": 3, "total": 15}')
    running = client.get(run_url).text
    assert "3 of 15 files written." in running and 'data-reload-seconds="5"' in running
    assert 'action="' + run_url + '/print"' not in running and "/static/admin-progress.js" in running
    assert rep.start_print(root, cid, run_id) is False
    (folder / "print.json").write_text('{"state": "done"}')
    page = client.get(run_url).text
    assert "data-reload-seconds" not in page and "Write PDF and DOCX too" not in page
    assert f'href="{run_url}/reports/regional/AT32.pdf"' in page and f'href="{run_url}/reports/memo.docx"' in page
    pdf = client.get(f"{run_url}/reports/regional/AT32.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    docx = client.get(f"{run_url}/reports/regional/SI.docx")
    assert docx.status_code == 200 and docx.headers["content-disposition"].startswith("attachment")
    names = zipfile.ZipFile(io.BytesIO(client.get(f"{run_url}/reports.zip").content)).namelist()
    assert any(n.endswith("regional/ITC4.pdf") for n in names) and any(n.endswith("synthesis.docx") for n in names)
    log = store.audit_log(cid)
    assert any(run_id in d and "pdf" in d for d in log[log["event"] == "reports"]["detail"])
