"""Reports from the admin pages in a real browser (Playwright driving Debian's Chromium, headless), issues
22 and 23: a German-speaking admin sets a region's report language, scores and writes the reports from
the campaign page, finds each regional report listed with its language, opens the Slovenian one in a
new tab, opens the synthesis and the memo (in German, the admin's language), downloads the zip, and reads
the audit log as text; switched to French, writes the synthesis and the memo again in French. Screenshots
at 1280 px and 390 px.

A missing /usr/bin/chromium fails this test with the reason; it is never skipped.
"""

from __future__ import annotations

import io
import zipfile

from browser_support import ADMIN, PASSWORD, REGIONS, SCREENSHOTS, WebServer, launch_chromium, prepare_campaign

TIMEOUT_MS = 60_000


def _answers(url: str, campaign_id: int) -> None:
    """Submitted (synthetic) answers in the three regions, stored before the server starts."""
    import pandas as pd

    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.instrument import load_builtin
    from s3stresstest.store import Store

    regions = pd.DataFrame({"region": [r for r, _ in REGIONS], "name": [n for _, n in REGIONS]})
    groups = pd.DataFrame({"region": regions["region"], "group": "alps"})
    synthetic = generate_campaign(
        load_builtin(), regions, groups, SyntheticSpec(seed=5, min_respondents=5, max_respondents=6)
    )
    with Store.open(url) as store:
        store.import_responses(campaign_id, synthetic.responses, source="browser test")


def _phone(context_factory, url: str, name: str) -> None:
    phone = context_factory(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    phone.close()


def test_admin_writes_and_reads_the_reports_in_the_browser(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url = f"sqlite:///{tmp_path / 'reports.db'}"
    prepared = prepare_campaign(url, 1)
    _answers(url, prepared.campaign_id)
    env = {"S3ST_DATA_DIR": str(tmp_path / "data"), "S3ST_RUNS_DIR": str(tmp_path / "runs")}
    server = WebServer(url, tmp_path / "server.log", env=env).start()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="de-DE", accept_downloads=True
                )
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                page.goto(f"{server.base_url}/admin/language?lang=de&next=/admin/login")
                page.get_by_label("Benutzername").fill(ADMIN)
                page.get_by_label("Passwort").fill(PASSWORD)
                with page.expect_navigation():
                    page.get_by_role("button", name="Anmelden").click()
                campaign_url = f"{server.base_url}/admin/campaigns/{prepared.campaign_id}"
                page.goto(campaign_url)

                # each region with its report language, Trento changed to German and saved
                expect(page.get_by_label("Berichtssprache von AT33", exact=True)).to_have_value("de")
                expect(page.get_by_label("Berichtssprache von SI", exact=True)).to_have_value("sl")
                expect(page.get_by_label("Berichtssprache von ITH2", exact=True)).to_have_value("it")
                page.get_by_label("Berichtssprache von ITH2", exact=True).select_option("de")
                with page.expect_navigation():
                    page.get_by_role("button", name="Berichtssprache von ITH2 speichern").click()
                expect(page.get_by_text("Berichtssprache gespeichert.")).to_be_visible()
                expect(page.get_by_label("Berichtssprache von ITH2", exact=True)).to_have_value("de")
                expect(page.locator("#inv-lang-0")).to_have_value("")  # invitations: the region's language
                assert "s3stresstest report" not in page.content()
                page.screenshot(path=str(SCREENSHOTS / "admin-campaign-reports-de.png"), full_page=True)

                # score and write the reports: the run's page lists them with their languages
                with page.expect_navigation(timeout=TIMEOUT_MS * 3):
                    page.get_by_role("button", name="Jetzt auswerten und Berichte schreiben").click()
                assert "/runs/run-" in page.url, page.url
                expect(page.get_by_role("heading", name="Berichte", exact=True)).to_be_visible()
                for name, language in (
                    ("Tirol (AT33)", "Deutsch"),
                    ("Slovenija (SI)", "Slovenščina"),
                    ("Provincia Autonoma di Trento (ITH2)", "Deutsch"),
                ):
                    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
                    expect(row.get_by_role("cell").nth(1)).to_have_text(language)
                # the synthesis and the memo in the admin's language, listed under their own titles
                for title in (
                    "S3 StressTest: Synthese über alle Gebiete",
                    "Cluster in der intelligenten Spezialisierung: was der S3 StressTest zeigt",
                ):
                    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
                    expect(row.get_by_role("cell").nth(1)).to_have_text("Deutsch")
                expect(page.get_by_text("auf Englisch")).to_have_count(0)
                page.screenshot(path=str(SCREENSHOTS / "admin-reports-de.png"), full_page=True)
                reports_url = page.url

                expect(page.get_by_role("button", name="Auch PDF und DOCX schreiben")).to_be_visible()
                # a report opens in a new tab, in its territory's language
                with context.expect_page() as opened:
                    page.get_by_role("link", name="Slovenija (SI)").click()
                report = opened.value
                report.wait_for_load_state()
                assert report.get_attribute("html", "lang") == "sl"
                assert "Slovenija" in report.title()
                report.close()
                for title, shot in (
                    ("S3 StressTest: Synthese über alle Gebiete", "admin-synthesis-de.png"),
                    ("Cluster in der intelligenten Spezialisierung: was der S3 StressTest zeigt", "admin-memo-de.png"),
                ):
                    with context.expect_page() as opened:
                        page.get_by_role("link", name=title, exact=True).click()
                    report = opened.value
                    report.wait_for_load_state()
                    assert report.get_attribute("html", "lang") == "de"
                    expect(report.get_by_role("heading", level=1)).to_have_text(title)
                    report.screenshot(path=str(SCREENSHOTS / shot))
                    report.close()

                # the zip of every report
                with page.expect_download() as download:
                    page.get_by_role("link", name="Alle Berichte herunterladen (ZIP)").click()
                data = open(download.value.path(), "rb").read()
                names = zipfile.ZipFile(io.BytesIO(data)).namelist()
                assert any(n.endswith("regional/ITH2.html") for n in names) and any(
                    n.endswith("memo.html") for n in names
                )
                ith2 = next(n for n in names if n.endswith("regional/ITH2.html"))
                assert '<html lang="de"' in zipfile.ZipFile(io.BytesIO(data)).read(ith2).decode()

                # PDF and DOCX in the background: the page reloads itself until their links are there
                with page.expect_navigation():
                    page.get_by_role("button", name="Auch PDF und DOCX schreiben").click()
                expect(page.get_by_role("link", name="Slovenija (SI) als PDF")).to_be_visible(timeout=300_000)
                expect(page.get_by_role("button", name="Auch PDF und DOCX schreiben")).to_have_count(0)
                page.screenshot(path=str(SCREENSHOTS / "admin-reports-printed-de.png"), full_page=True)

                # the campaign page lists the run; the audit log says who wrote which reports, as text
                page.goto(campaign_url)
                expect(page.get_by_role("link", name="Berichte vom", exact=False)).to_have_attribute(
                    "href", reports_url.replace(server.base_url, "")
                )
                audit = page.locator("section[aria-labelledby=h-audit]")
                expect(audit.get_by_role("cell", name="Berichte geschrieben")).to_have_count(
                    2
                )  # HTML, then PDF and DOCX
                expect(audit).to_contain_text(f"Von: {ADMIN}")
                assert '{"' not in audit.inner_text()

                # the pages at phone width: no sideways scrolling
                state = context.storage_state()

                def phone_context(**kw):
                    return browser.new_context(storage_state=state, locale="de-DE", **kw)

                _phone(phone_context, campaign_url, "admin-campaign-reports-de_phone.png")
                _phone(phone_context, reports_url, "admin-reports-de_phone.png")

                # in French, the run's page says the synthesis and the memo are in German and writes them
                # again in French
                page.goto(reports_url)
                with page.expect_navigation():
                    page.get_by_role("link", name="Français", exact=True).click()
                expect(page.get_by_text("dans une autre langue que ces pages : Deutsch")).to_be_visible()
                page.screenshot(path=str(SCREENSHOTS / "admin-reports-other-language-fr.png"), full_page=True)
                with page.expect_navigation(timeout=TIMEOUT_MS * 3):
                    page.get_by_role("button", name="Les rédiger à nouveau dans la langue de ces pages").click()
                title = "S3 StressTest : synthèse entre territoires"
                row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
                expect(row.get_by_role("cell").nth(1)).to_have_text("Français")
                expect(
                    page.get_by_role("button", name="Les rédiger à nouveau dans la langue de ces pages")
                ).to_have_count(0)
                context.close()
            finally:
                browser.close()
    finally:
        server.stop()
