"""The consent step in a real browser (Playwright driving Debian's Chromium, headless), issue 13.

An admin names the controller and privacy contact and writes the campaign's own German notice on
the privacy page (its preview shows it). A German respondent on an open link reads that notice on
the start form, declines (a polite page; nothing stored), changes their mind, agrees with a group
and reaches the first question; the consent holds the checksum of the German text. A personal
invitation in French shows the built-in French notice naming the controller. Screenshots go to
`test-artifacts/screenshots/` (not committed).

A missing /usr/bin/chromium fails this test with the reason; it is never skipped.
"""

from __future__ import annotations

from browser_support import ADMIN, PASSWORD, prepare_campaign
from test_browser import Checks, desktop_page, served

from s3stresstest.store.consent import notice_checksum

GERMAN = "Diese Umfrage führt das Land Tirol durch.\n\nSchreiben Sie an datenschutz@tirol.example."


def test_admin_writes_the_notice_and_respondents_decline_or_agree(tmp_path):
    from playwright.sync_api import expect

    from s3stresstest.store import Store

    url = f"sqlite:///{tmp_path / 'consent.db'}"
    prepared = prepare_campaign(url, 0, privacy=False)  # the admin names controller and contact below
    with Store.open(url) as store:
        open_token = store.create_open_link(prepared.campaign_id, "AT33", "de")
        invited = store.create_invitations(prepared.campaign_id, [("AT33", "company", "fr")])[0]["token"]
    checks = Checks("sqlite", {"width": 1280, "height": 900})
    with served(url, tmp_path) as (server, browser):
        # the admin: campaign page -> privacy page, edit, preview
        context, page = desktop_page(browser, checks)
        page.goto(f"{server.base_url}/admin/login")
        page.get_by_label("User name").fill(ADMIN)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"{server.base_url}/admin/campaigns/{prepared.campaign_id}")
        with page.expect_navigation():
            page.get_by_role("link", name="View and edit the privacy notice").click()
        checks.page(page, "admin privacy")
        page.get_by_label("Controller: the organisation responsible").fill("Land Tirol")
        page.get_by_label("Privacy contact").fill("datenschutz@tirol.example")
        page.get_by_label("Your own notice in Deutsch").fill(GERMAN)
        with page.expect_navigation():
            page.get_by_role("button", name="Save the privacy notice").click()
        expect(page.get_by_text("Privacy notice saved.")).to_be_visible()
        expect(page.locator("#preview-de + .privacy-notice")).to_contain_text(
            "Diese Umfrage führt das Land Tirol durch."
        )
        checks.shot(page, "admin-privacy")
        context.close()

        # an open link in German: the notice on the start form; decline, then agree
        context, page = desktop_page(browser, checks)
        base = f"{server.base_url}/r/{open_token}"
        page.goto(base)
        assert page.get_attribute("html", "lang") == "de"
        expect(page.locator("#privacy-notice")).to_contain_text("Schreiben Sie an datenschutz@tirol.example.")
        checks.page(page, "open form with the notice (de)")
        checks.shot(page, "open-consent-de")
        with page.expect_navigation():
            page.get_by_role("button", name="Ich stimme nicht zu").click()
        assert page.url == f"{base}/declined"
        expect(page.get_by_role("heading", name="Sie haben nicht zugestimmt")).to_be_visible()
        expect(page.get_by_text("Es wurde nichts gespeichert", exact=False)).to_be_visible()
        checks.shot(page, "declined-de")
        with Store.open(url) as store:
            assert store.response_rates(prepared.campaign_id)["started"].sum() == 0
        with page.expect_navigation():
            page.get_by_role("link", name="Haben Sie es sich anders überlegt?").click()
        page.click('label[for="group-2"]')
        with page.expect_navigation():
            page.get_by_role("button", name="Ich stimme zu – Fragebogen beginnen").click()
        assert page.url == f"{base}/page/1", page.url
        with Store.open(url) as store:
            log = store.audit_log(prepared.campaign_id)
            (rid,) = log[log["event"] == "consent"]["respondent_id"]
            assert store.consent_of(rid)["notice"] == notice_checksum(GERMAN)
        context.close()

        # a personal invitation in French: the built-in notice naming the controller
        context, page = desktop_page(browser, checks)
        page.goto(f"{server.base_url}/s/{invited}")
        with page.expect_navigation():
            page.get_by_role("link", name="Commencer le questionnaire").click()
        expect(page.get_by_role("heading", name="Notice de confidentialité")).to_be_visible()
        expect(page.locator("#privacy-notice")).to_contain_text("Land Tirol")
        checks.page(page, "consent (fr)")
        with page.expect_navigation():
            page.get_by_role("button", name="J’accepte – continuer vers le questionnaire").click()
        assert page.url.endswith(f"/s/{invited}/page/1")
        context.close()
    assert not checks.problems, checks.problems
