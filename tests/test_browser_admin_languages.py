"""The admin pages in German in a real browser (Playwright driving Debian's Chromium, headless).

An English-speaking browser opens the login page, picks "Deutsch" in the language switch, signs
in with the German form and finds German headings and buttons and none of the English fixed texts
of the admin templates, on the campaign list and on a campaign's page; the choice holds on every
page, after a reload and in a new tab of the same browser, until English is picked again.

A missing /usr/bin/chromium fails this test with the reason; it is never skipped.
"""

from __future__ import annotations

from browser_support import ADMIN, PASSWORD, SCREENSHOTS, WebServer, launch_chromium, prepare_campaign
from test_admin_languages import admin_template_texts, english_left

TIMEOUT_MS = 20_000


def test_admin_signs_in_and_works_in_german_through_the_switch(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url = f"sqlite:///{tmp_path / 'admin-de.db'}"
    prepared = prepare_campaign(url, 2, region="AT33", group="cluster_manager")
    messages = admin_template_texts()
    server = WebServer(url, tmp_path / "server.log", env={"S3ST_DATA_DIR": str(tmp_path / "data")}).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                page.goto(f"{server.base_url}/admin/login")
                assert page.get_attribute("html", "lang") == "en"
                expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

                # the switch, then the German sign-in form
                with page.expect_navigation():
                    page.get_by_role("link", name="Deutsch").click()
                assert page.url == f"{server.base_url}/admin/login", page.url
                assert page.get_attribute("html", "lang") == "de"
                expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
                expect(page.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "true")
                page.get_by_label("Benutzername").fill(ADMIN)
                page.get_by_label("Passwort").fill(PASSWORD)
                with page.expect_navigation():
                    page.get_by_role("button", name="Anmelden").click()
                assert page.url == f"{server.base_url}/admin", page.url

                # the campaign list
                assert page.get_attribute("html", "lang") == "de"
                expect(page.get_by_role("heading", name="Kampagnen", exact=True)).to_be_visible()
                expect(page.get_by_role("heading", name="Neue Kampagne")).to_be_visible()
                expect(page.get_by_role("button", name="Kampagne anlegen")).to_be_visible()
                expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
                assert page.get_by_role("columnheader", name="Angelegt").count() == 1
                assert english_left(page.content(), "de", messages) == []
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "admin-index-de.png"), full_page=True)

                # a campaign's page: still German without choosing again
                with page.expect_navigation():
                    page.get_by_role("link", name="Alpine clusters 2026").click()
                assert page.url.endswith(f"/admin/campaigns/{prepared.campaign_id}")
                assert page.get_attribute("html", "lang") == "de"
                for heading in (
                    "Rücklaufquoten",
                    "Regionen",
                    "Vergleichsgruppen",
                    "Persönliche Einladungen",
                    "Ergebnisse",
                    "Antworten importieren",
                    "Kampagne schließen",
                ):
                    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
                for button in (
                    "Regionen hinzufügen",
                    "Einladungen erstellen (CSV)",
                    "Jetzt auswerten (ZIP)",
                    "Antworten importieren",
                ):
                    expect(page.get_by_role("button", name=button, exact=True)).to_be_visible()
                # closing cannot be undone: the campaign page only links to its confirmation page
                assert page.get_by_role("button", name="Kampagne schließen", exact=True).count() == 0
                expect(page.get_by_role("link", name="Kampagne schließen", exact=True)).to_be_visible()
                expect(page.get_by_text("Stand ", exact=False).first).to_be_visible()
                assert english_left(page.content(), "de", messages) == []
                page.screenshot(path=str(SCREENSHOTS / "admin-campaign-de.png"), full_page=True)

                # the choice persists: a reload, a new tab of the same browser
                page.reload()
                expect(page.get_by_role("heading", name="Rücklaufquoten")).to_be_visible()
                second = context.new_page()
                second.goto(f"{server.base_url}/admin")
                assert second.get_attribute("html", "lang") == "de"
                expect(second.get_by_role("heading", name="Kampagnen", exact=True)).to_be_visible()
                second.close()

                # and English again through the switch, on the page where it was picked
                with page.expect_navigation():
                    page.get_by_role("link", name="English").click()
                assert page.url.endswith(f"/admin/campaigns/{prepared.campaign_id}")
                assert page.get_attribute("html", "lang") == "en"
                expect(page.get_by_role("heading", name="Response rates")).to_be_visible()
                assert len(english_left(page.content(), "de", messages)) > 20
                context.close()
            finally:
                browser.close()
    finally:
        server.stop()
