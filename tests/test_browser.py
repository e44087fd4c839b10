"""A respondent and an admin in a real browser: Playwright driving Debian's Chromium, headless.

The service runs as a subprocess (`python -m s3stresstest.web --port 0`) over SQLite and over
PostgreSQL; the campaign (built-in questionnaire, regions, an admin, invitations) is prepared
directly in the database first. The respondent opens an invitation, switches to German, answers
the profile page and two blocks (the first two pages by keyboard only: Tab, Space, arrow keys,
Enter; the submit button too), closes the page, reopens the link, resumes on the page after the last saved one with the
earlier answers still ticked, finishes, reviews and submits; a second submit from another tab
changes nothing. The admin signs in through the login form (with its CSRF token) and finds the
response counted for the invitation's region x stakeholder group.

The SQLite run uses a desktop window, the PostgreSQL run a 360 x 740 phone screen, where no page
may scroll sideways. On every page every visible input must have a label. Screenshots of the main
pages are kept in `test-artifacts/screenshots/` (not committed).

A missing /usr/bin/chromium fails these tests with the reason; they are never skipped.
"""

from __future__ import annotations

import random
import re
import time
from contextlib import contextmanager

import pytest
from browser_support import ADMIN, PASSWORD, SCREENSHOTS, WebServer, builtin_pages, launch_chromium, prepare_campaign

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 20_000

UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.getClientRects().length > 0)
  .filter(el => !(el.labels && Array.from(el.labels).some(l => l.textContent.trim() !== '')))
  .map(el => el.outerHTML)"""
SIDEWAYS_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def survey(store_url, tmp_path):
    """(server, prepared campaign, backend name): 3 invitations to AT33 x cluster_manager, in English."""
    prepared = prepare_campaign(store_url, 3, region="AT33", group="cluster_manager", language="en")
    server = WebServer(store_url, tmp_path / "server.log", env={"S3ST_DATA_DIR": str(tmp_path / "data")}).start()
    yield server, prepared, "postgres" if store_url.startswith("postgresql") else "sqlite"
    server.stop()


class Checks:
    """Per-page checks and screenshots of one run."""

    def __init__(self, backend: str, viewport: dict):
        self.backend, self.viewport = backend, viewport
        self.phone = viewport["width"] <= 360
        self.problems: list[str] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def page(self, page, what: str) -> None:
        page.wait_for_load_state("load")
        unlabelled = page.evaluate(UNLABELLED_JS)
        assert not unlabelled, f"{what}: inputs without a label: {unlabelled}"
        if self.phone:
            overflow = page.evaluate(SIDEWAYS_JS)
            assert overflow <= 0, f"{what}: scrolls {overflow} px sideways on a {self.viewport['width']} px screen"

    def shot(self, page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{self.backend}-{name}.png"), full_page=True)

    def watch(self, page) -> None:
        """Record script errors and Content-Security-Policy violations of the page."""
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.problems.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )


# -- keyboard ----------------------------------------------------------------------------------
def focused(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '', type: el.type || '',
                value: el.value || '', checked: !!el.checked, text: (el.textContent || '').trim(),
                href: el.getAttribute('href') || '', outline: getComputedStyle(el).outlineStyle}; }""")


def tab_until(page, want, what: str, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies `want(info)`; fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        if want(info):
            return info
    raise AssertionError(f"Tab never reached {what}")


def pick_by_keyboard(page, name: str, index: int) -> None:
    """With the focus on the first option of radio group `name`, tick option `index` (0-based):
    Space ticks the focused option, each ArrowDown moves to the next one and ticks it."""
    info = focused(page)
    assert info["name"] == name and info["type"] == "radio", f"focus on {info}, expected the group {name}"
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    info = focused(page)
    assert info["name"] == name and info["checked"] and info["id"] == f"q-{name}-{index + 1}", info
    assert info["outline"] != "none", f"no visible focus on {info['id']}"


def submit_by_keyboard(page, label: str) -> None:
    """Tab on to the page's 'save and continue' button and press Enter."""
    info = focused(page)
    if not (info["tag"] == "button" and info["value"] == "next"):
        info = tab_until(page, lambda i: i["tag"] == "button", "the save button", limit=5)
    assert info["value"] == "next" and info["text"] == label, info
    assert info["outline"] != "none", "no visible focus on the save button"
    with page.expect_navigation():
        page.keyboard.press("Enter")


# -- the questionnaire -------------------------------------------------------------------------
def plan_answers(instrument, page, rng: random.Random) -> dict:
    """{item: (kind, value, option index or None)} for every question of a page."""
    out = {}
    for item in page.answerable:
        cl = instrument.choices_of(item)
        if item.type == "select_one" and cl is not None:
            k = rng.randrange(len(cl.choices))
            out[item.name] = ("radio", cl.choices[k].name, k)
        elif item.type == "integer":
            out[item.name] = ("text", str(rng.randint(1, 30)), None)
        else:
            out[item.name] = ("text", f"Antwort zu {item.name}: Cluster in Tirol", None)
    return out


def answer_by_mouse(page, plan: dict) -> None:
    for name, (kind, value, k) in plan.items():
        if kind == "radio":
            page.click(f'label[for="q-{name}-{k + 1}"]')  # the label ticks its option
            assert page.is_checked(f"#q-{name}-{k + 1}")
        else:
            page.fill(f"#q-{name}", value)


def assert_answers_shown(page, plan: dict, what: str) -> None:
    for name, (kind, value, _k) in plan.items():
        if kind == "radio":
            assert page.is_checked(f'input[name="{name}"][value="{value}"]'), f"{what}: {name}={value} not ticked"
        else:
            assert page.input_value(f"#q-{name}") == value, f"{what}: {name} lost its text"


def german_texts_shown(page, instrument, qpage) -> None:
    from s3stresstest.instrument import pick_label

    assert page.get_attribute("html", "lang") == "de"
    assert page.inner_text("h1") == pick_label(qpage.labels, "de")
    assert f"Seite {qpage.number} von" in page.inner_text("#progress-label")
    body = page.inner_text("main")
    for item in qpage.answerable:
        de, en = pick_label(item.labels, "de"), pick_label(item.labels, "en")
        assert de and de != en, f"{item.name} has no German label"
        assert " ".join(de.split()) in " ".join(body.split()), f"German label of {item.name} not shown"
        cl = instrument.choices_of(item)
        for n, choice in enumerate(cl.choices if cl else [], start=1):
            shown = page.inner_text(f'label[for="q-{item.name}-{n}"]').strip()
            assert shown == pick_label(choice.labels, "de").strip(), f"{item.name} option {n}: {shown!r}"


# -- the test ----------------------------------------------------------------------------------
def test_respondent_resumes_in_german_submits_and_admin_sees_it(survey):
    from playwright.sync_api import sync_playwright

    from s3stresstest.store import Store

    server, prepared, backend = survey
    viewport = PHONE if backend == "postgres" else DESKTOP
    checks = Checks(backend, viewport)
    instrument, pages = builtin_pages()
    rng = random.Random(2026)
    plans = [plan_answers(instrument, p, rng) for p in pages]
    token = prepared.tokens[0]
    base = f"{server.base_url}/s/{token}"
    phone = viewport is PHONE
    context_args = {
        "viewport": viewport,
        "is_mobile": phone,
        "has_touch": phone,
        "device_scale_factor": 2 if phone else 1,
        "locale": "en-GB",
    }

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(**context_args)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            checks.watch(page)

            # 1. the invitation, in English, then in German
            page.goto(base)
            assert page.inner_text("h1") == "Welcome" and page.get_attribute("html", "lang") == "en"
            checks.page(page, "landing")
            checks.shot(page, "landing")
            page.click('nav.languages a[hreflang="de"]')
            page.wait_for_url(re.compile(r"\?lang=de$"))
            assert page.inner_text("h1") == "Willkommen" and page.get_attribute("html", "lang") == "de"
            assert "0 von 8 Seiten gespeichert" in page.inner_text("main")
            checks.page(page, "landing (de)")
            checks.shot(page, "landing-de")

            # 2. keyboard only: Tab to "start", Enter; the privacy notice in German, agreed to by
            # keyboard; the profile page
            tab_until(page, lambda i: i["tag"] == "a" and i["text"] == "Fragebogen beginnen", "the start link")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url.endswith("/consent") and page.inner_text("h1") == "Datenschutzerklärung"
            assert "Was gespeichert wird" in page.inner_text("#privacy-notice")
            checks.page(page, "consent (de)")
            checks.shot(page, "consent-de")
            agree = "Ich stimme zu – weiter zum Fragebogen"
            tab_until(page, lambda i: i["tag"] == "button" and i["text"] == agree, "the agree button")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url.endswith("/page/1")
            german_texts_shown(page, instrument, pages[0])
            checks.page(page, "page 1")
            first = pages[0].answerable[0].name
            tab_until(page, lambda i: i["name"] == first, f"the first question ({first})")
            for item in pages[0].answerable:
                kind, value, k = plans[0][item.name]
                if item.name != first:
                    page.keyboard.press("Tab")
                info = focused(page)
                assert info["name"] == item.name, f"Tab order: focus on {info}, expected {item.name}"
                if kind == "radio":
                    pick_by_keyboard(page, item.name, k)
                else:
                    page.keyboard.type(value)
            page.keyboard.press("Tab")
            submit_by_keyboard(page, "Speichern und weiter")
            assert page.url.endswith("/page/2"), page.url

            # 3. block 1, keyboard only: one Tab per question group, Space/arrows to tick, Enter to save
            german_texts_shown(page, instrument, pages[1])
            checks.page(page, "page 2")
            first = pages[1].answerable[0].name
            tab_until(page, lambda i: i["name"] == first, f"the first question ({first})")
            for n, item in enumerate(pages[1].answerable):
                if n:
                    page.keyboard.press("Tab")
                pick_by_keyboard(page, item.name, plans[1][item.name][2])
            page.keyboard.press("Tab")
            checks.shot(page, "question-phone" if phone else "question-desktop")
            other = DESKTOP if phone else PHONE
            page.set_viewport_size(other)
            checks.shot(page, "question-desktop" if phone else "question-phone")
            page.set_viewport_size(viewport)
            submit_by_keyboard(page, "Speichern und weiter")
            assert page.url.endswith("/page/3"), page.url

            # 4. block 2 with the mouse (or a finger): each label ticks its option
            german_texts_shown(page, instrument, pages[2])
            checks.page(page, "page 3")
            answer_by_mouse(page, plans[2])
            with page.expect_navigation():
                page.click('button[value="next"]')
            assert page.url.endswith("/page/4"), page.url
            rid = _respondent_id(Store, server.database_url, token)
            with Store.open(server.database_url) as store:
                assert store.respondent(rid)["last_page"] == pages[2].key
                assert store.respondent(rid)["language"] == "de"

            # 5. close the page, reopen the link: German still, resume on page 4, answers kept
            page.close()
            page = context.new_page()
            checks.watch(page)
            page.goto(base)
            assert page.get_attribute("html", "lang") == "de"
            main = page.inner_text("main")
            assert "3 von 8 Seiten gespeichert" in main
            resume = page.get_by_role("link", name="Dort weitermachen, wo Sie aufgehört haben")
            assert resume.get_attribute("href").endswith(f"/s/{token}/page/4")
            checks.page(page, "landing (resume)")
            for k in range(3):
                page.goto(f"{base}/page/{k + 1}")
                assert_answers_shown(page, plans[k], f"page {k + 1} after reopening")
            page.goto(base)
            with page.expect_navigation():
                page.get_by_role("link", name="Dort weitermachen, wo Sie aufgehört haben").click()
            assert page.url.endswith("/page/4"), page.url

            # 6. finish the questionnaire
            for k in range(3, len(pages)):
                assert page.url.endswith(f"/page/{k + 1}"), page.url
                german_texts_shown(page, instrument, pages[k])
                checks.page(page, f"page {k + 1}")
                answer_by_mouse(page, plans[k])
                with page.expect_navigation():
                    page.click('button[value="next"]')
            assert page.url.endswith(f"/s/{token}/review"), page.url
            assert page.inner_text("h1") == "Antworten überprüfen"
            review = " ".join(page.inner_text("main").split())
            from s3stresstest.instrument import pick_label

            for k in (1, 5):
                for name, (_kind, value, idx) in plans[k].items():
                    item = instrument.item(name)
                    shown = pick_label(instrument.choices_of(item).choices[idx].labels, "de")
                    assert " ".join(shown.split()) in review, f"review does not show {name}={value}"
            checks.page(page, "review")
            checks.shot(page, "review")

            # 7. submit; a second submit (from a second tab on the review page) changes nothing
            second = context.new_page()
            second.goto(f"{base}/review")
            tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Antworten absenden", "the submit button")
            with page.expect_navigation():  # submitted by keyboard too
                page.keyboard.press("Enter")
            assert page.url.endswith(f"/s/{token}/thanks")
            assert page.inner_text("h1") == "Vielen Dank!"
            checks.page(page, "thank-you")
            checks.shot(page, "thanks")
            with Store.open(server.database_url) as store:
                submitted_at = store.respondent(rid)["submitted_at"]
                answers = store.answers(rid)
                assert submitted_at is not None
            expected = {name: value for plan in plans for name, (_kind, value, _k) in plan.items()}
            assert answers == expected
            with second.expect_navigation():
                second.get_by_role("button", name="Antworten absenden").click()
            assert second.url.endswith(f"/s/{token}/thanks") and second.inner_text("h1") == "Vielen Dank!"
            with Store.open(server.database_url) as store:
                assert store.respondent(rid)["submitted_at"] == submitted_at
                assert store.answers(rid) == expected
                assert list(store.audit_log(prepared.campaign_id)["event"]).count("submit") == 1
            page.goto(base)  # the link now leads to the thank-you page
            assert page.url.endswith(f"/s/{token}/thanks")
            context.close()

            # 8. the admin signs in through the form and sees the response counted
            admin = browser.new_context(**context_args)
            admin.set_default_timeout(TIMEOUT_MS)
            page = admin.new_page()
            checks.watch(page)
            page.goto(f"{server.base_url}/admin/login")
            assert len(page.input_value('form input[name="csrf_token"]')) >= 32
            checks.page(page, "admin login")
            checks.shot(page, "admin-login")
            page.get_by_label("User name").fill(ADMIN)
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            assert page.url == f"{server.base_url}/admin", page.url
            with page.expect_navigation():
                page.get_by_role("link", name="Alpine clusters 2026").click()
            assert page.url.endswith(f"/admin/campaigns/{prepared.campaign_id}")
            rows = page.locator("section[aria-labelledby=h-rates] tbody tr")
            table = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
            assert ["AT33", "Cluster manager", "3", "1", "1", "33%"] in table, table
            assert len(table) == 1, table
            checks.page(page, "admin campaign")
            checks.shot(page, "admin-campaign")
            admin.close()
        finally:
            browser.close()
    assert not checks.problems, checks.problems


def _respondent_id(Store, url: str, token: str) -> str:
    with Store.open(url) as store:
        rid = store.resolve_token(token)["respondent_id"]
    assert rid, "the first save did not start a respondent"
    return rid


@contextmanager
def served(url: str, tmp_path, env: dict | None = None):
    """(server, browser): the service on `url` as a subprocess and a headless Chromium, both
    stopped on leaving."""
    from playwright.sync_api import sync_playwright

    server = WebServer(
        url, tmp_path / "server.log", env={"S3ST_DATA_DIR": str(tmp_path / "data"), **(env or {})}
    ).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                yield server, browser
            finally:
                browser.close()
    finally:
        server.stop()


def desktop_page(browser, checks: Checks):
    """(context, page) of a new desktop browser context whose page `checks` watches."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    checks.watch(page)
    return context, page


def test_questionnaire_filled_in_and_submitted_in_each_of_five_languages(tmp_path):
    """One invitation per language (en, de, fr, it, sl): every page shows its title, questions
    and options in the invitation's language; the whole questionnaire is answered with the mouse
    and submitted; the database holds every answer and the language."""
    from s3stresstest.instrument import pick_label
    from s3stresstest.store import Store
    from s3stresstest.web import i18n

    languages = ("en", "de", "fr", "it", "sl")
    url = f"sqlite:///{tmp_path / 'five.db'}"
    prepared = prepare_campaign(url, 0, admin=False, languages=languages)
    with Store.open(url) as store:
        tokens = {
            lang: store.create_invitations(prepared.campaign_id, [("AT33", "policy_maker", lang)])[0]["token"]
            for lang in languages
        }
    instrument, pages = builtin_pages()
    rng = random.Random(5)
    checks = Checks("sqlite", DESKTOP)
    with served(url, tmp_path) as (server, browser):
        for lang in languages:
            context, page = desktop_page(browser, checks)
            base = f"{server.base_url}/s/{tokens[lang]}"
            page.goto(base)
            assert page.get_attribute("html", "lang") == lang
            t = i18n.translator(lang)
            assert page.inner_text("h1") == t._("Welcome")
            checks.page(page, f"landing ({lang})")
            with page.expect_navigation():
                page.get_by_role("link", name=t._("Start the questionnaire")).click()
            assert page.inner_text("h1") == t._("Privacy notice"), f"{lang}: no consent step"
            checks.page(page, f"consent ({lang})")
            with page.expect_navigation():
                page.get_by_role("button", name=t._("I agree – continue to the questionnaire")).click()
            assert page.url.endswith("/page/1"), page.url
            plans = [plan_answers(instrument, qpage, rng) for qpage in pages]
            for qpage, plan in zip(pages, plans, strict=True):
                page.goto(f"{base}/page/{qpage.number}")
                assert page.get_attribute("html", "lang") == lang
                assert page.inner_text("h1") == pick_label(qpage.labels, lang), f"{lang} page {qpage.number}"
                body = " ".join(page.inner_text("main").split())
                for item in qpage.answerable:
                    label = " ".join(pick_label(item.labels, lang).split())
                    assert label in body, f"{lang}: label of {item.name} not shown"
                    cl = instrument.choices_of(item)
                    for n, choice in enumerate(cl.choices if cl else [], start=1):
                        shown = page.inner_text(f'label[for="q-{item.name}-{n}"]').strip()
                        assert shown == pick_label(choice.labels, lang).strip(), f"{lang} {item.name} {n}"
                checks.page(page, f"page {qpage.number} ({lang})")
                answer_by_mouse(page, plan)
                with page.expect_navigation():
                    page.click('button[value="next"]')
            assert page.url.endswith("/review"), page.url
            assert page.inner_text("h1") == t._("Review your answers")
            checks.shot(page, f"review-{lang}")
            with page.expect_navigation():
                page.get_by_role("button", name=t._("Submit my answers")).click()
            assert page.url.endswith("/thanks") and page.inner_text("h1") == t._("Thank you!")
            context.close()
            with Store.open(url) as store:
                rid = store.resolve_token(tokens[lang])["respondent_id"]
                assert store.respondent(rid)["language"] == lang
                assert store.respondent(rid)["submitted_at"] is not None
                assert store.answers(rid) == {
                    name: value for plan in plans for name, (_kind, value, _k) in plan.items()
                }
    assert not checks.problems, checks.problems


def test_autosave_keeps_answers_of_a_page_left_without_continuing(tmp_path):
    """Answers are saved as they are given (a status line says so); a page closed without
    'Save and continue' opens again with them, on the same page; continuing right after a change
    keeps the latest answer (the page waits for a draft on its way)."""
    from playwright.sync_api import expect

    from s3stresstest.store import Store

    url = f"sqlite:///{tmp_path / 'autosave.db'}"
    prepared = prepare_campaign(url, 1, admin=False)
    token = prepared.tokens[0]
    instrument, pages = builtin_pages()
    size = next(i for i in pages[0].answerable if i.type == "select_one")
    sector = next(i for i in pages[0].answerable if i.type == "text")
    checks = Checks("sqlite", DESKTOP)

    def stored() -> dict:
        with Store.open(url) as store:
            rid = store.resolve_token(token)["respondent_id"]
            return ({}, None) if rid is None else (store.answers(rid), store.respondent(rid)["last_page"])

    with served(url, tmp_path) as (server, browser):
        base = f"{server.base_url}/s/{token}"
        context, page = desktop_page(browser, checks)
        page.goto(f"{base}/page/1")  # sent to the privacy notice first
        with page.expect_navigation():
            page.get_by_role("button", name="I agree – continue to the questionnaire").click()
        assert page.url.endswith("/page/1")
        page.click(f'label[for="q-{size.name}-2"]')
        status = page.locator("#autosave-status")
        expect(status).to_have_text(re.compile(r"^Saved automatically at \d"))
        page.evaluate("() => { document.getElementById('autosave-status').textContent = ''; }")
        page.fill(f"#q-{sector.name}", "Mechatronics")  # typing stopped: saved after a moment
        expect(status).to_have_text(re.compile(r"^Saved automatically at \d"))
        choice2 = instrument.choices_of(size).choices[1].name
        assert stored() == ({size.name: choice2, sector.name: "Mechatronics"}, None)
        checks.page(page, "autosave")
        page.close()

        page = context.new_page()
        checks.watch(page)
        page.goto(base)
        assert (
            page.get_by_role("link", name="Continue where you left off")
            .get_attribute("href")
            .endswith(f"/s/{token}/page/1")
        )
        page.goto(f"{base}/page/1")
        assert page.is_checked(f"#q-{size.name}-2") and page.input_value(f"#q-{sector.name}") == "Mechatronics"

        # a change followed at once by 'Save and continue': the latest answer stands
        page.click(f'label[for="q-{size.name}-3"]')
        with page.expect_navigation():
            page.click('button[value="next"]')
        assert page.url.endswith("/page/2")
        choice3 = instrument.choices_of(size).choices[2].name
        page.wait_for_timeout(500)
        answers, last = stored()
        assert answers[size.name] == choice3 and last == pages[0].key

        # typed, then the tab closed at once (before the pause that saves typing): the page
        # sends what is unsaved as it goes
        block1 = pages[1].answerable[0]
        page.click(f'label[for="q-{block1.name}-1"]')
        expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved automatically at \d"))
        page.goto(f"{base}/page/1")
        page.fill(f"#q-{sector.name}", "Mechatronics and robotics")
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 10
        while stored()[0].get(sector.name) != "Mechatronics and robotics" and time.monotonic() < deadline:
            time.sleep(0.1)
        answers, last = stored()
        assert answers[sector.name] == "Mechatronics and robotics" and last == pages[0].key
        assert answers[block1.name] == instrument.choices_of(block1).choices[0].name
        context.close()
    assert not checks.problems, checks.problems


def test_admin_sees_response_rates_change_without_reloading(tmp_path):
    from playwright.sync_api import expect

    from s3stresstest.store import Store

    url = f"sqlite:///{tmp_path / 'rates.db'}"
    prepared = prepare_campaign(url, 2, region="AT33", group="cluster_manager")
    checks = Checks("sqlite", DESKTOP)
    with served(url, tmp_path, env={"S3ST_RATES_REFRESH_SECONDS": "1"}) as (server, browser):
        context, page = desktop_page(browser, checks)
        page.goto(f"{server.base_url}/admin/login")
        page.get_by_label("User name").fill(ADMIN)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"{server.base_url}/admin/campaigns/{prepared.campaign_id}")
        row = page.locator("#rates tbody tr").first
        expect(row).to_have_text(re.compile(r"AT33\s*Cluster manager\s*2\s*0\s*0\s*0%"))
        with Store.open(url) as store:  # a respondent submits meanwhile
            rid = store.start_and_save_page(prepared.tokens[0], "profile", {"years_involved": "5"})
            store.submit(rid)
        expect(row).to_have_text(re.compile(r"AT33\s*Cluster manager\s*2\s*1\s*1\s*50%"))
        checks.page(page, "admin campaign (refreshed)")
        context.close()
    assert not checks.problems, checks.problems
