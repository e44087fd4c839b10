"""The campaign page's layout in a real browser (Playwright driving Debian's Chromium, headless), at
1280 px and on a 390 px phone, in English and Slovenian:

- no word in a table breaks inside itself (the body's `overflow-wrap: anywhere` once gave "answer s
  submitt ed" in the audit log and "Re gio n", "Invite d" over the response rates); only id and token
  cells (`td.code`) may; a table wider than the phone scrolls in its own box, not the page, and the
  response rates become one block per row, each count with its label;
- the language switch sits on one line at 390 px (it left "Slovenščina" alone on a second line), and on
  a 360 px phone leaves no language alone on a line either;
- a campaign whose privacy notice names no controller shows the warning above the response rates.

Screenshots go to test-artifacts/screenshots. A missing /usr/bin/chromium fails this test; never skipped.
"""

from __future__ import annotations

from browser_support import ADMIN, PASSWORD, SCREENSHOTS, WebServer, launch_chromium, prepare_campaign

TIMEOUT_MS = 20_000

# every word (split at spaces, hyphens and slashes, where a line may end) of visible table cells
# that is drawn on more than one line
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table th, table td:not(.code)')) {
    const head = cell.closest('thead');
    if (head && getComputedStyle(head).position === 'absolute') continue;  // visually hidden headers
    if (cell.closest('.visually-hidden')) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const m of node.data.matchAll(/[^\\s\\-\\u2013\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""
SWITCH_LINES = """() => {
  const lines = {};
  for (const a of document.querySelectorAll('.lang-switch a')) {
    const top = Math.round(a.getBoundingClientRect().top);
    (lines[top] = lines[top] || []).push(a.textContent.trim());
  }
  return Object.values(lines);
}"""


def _campaign(url: str) -> tuple[int, int]:
    """A campaign with invitations, a submission and audit entries; and one whose notice names nobody."""
    import pandas as pd

    from s3stresstest.store import Store

    prepared = prepare_campaign(url, 3, region="AT33", group="cluster_manager")
    with Store.open(url) as store:
        cid = prepared.campaign_id
        store.create_invitations(cid, [("SI", "policy_maker", "sl")] * 2)
        store.submit(store.start_respondent(prepared.tokens[0]))
        store.log_admin_action(cid, "invitations", ADMIN, count=2)
        bare = store.create_campaign("No controller yet", prepared.instrument_id, languages=["en", "sl"])
        store.add_regions(bare, pd.DataFrame({"region": ["SI"], "name": ["Slovenija"]}))
    return cid, bare


def test_tables_break_between_words_and_the_language_switch_fits_a_phone(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url = f"sqlite:///{tmp_path / 'layout.db'}"
    cid, bare = _campaign(url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    server = WebServer(url, tmp_path / "server.log", env={"S3ST_DATA_DIR": str(tmp_path / "data")}).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for width in (1280, 390, 360):
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    page.goto(f"{server.base_url}/admin/login")
                    page.fill("input[name=username]", ADMIN)
                    page.fill("input[name=password]", PASSWORD)
                    with page.expect_navigation():
                        page.click("button[type=submit]")
                    for lang in ("en", "sl"):
                        page.goto(f"{server.base_url}/admin/language?lang={lang}&next=/admin/campaigns/{cid}")
                        where = f"{width} px, {lang}"
                        assert page.locator("table.audit tbody tr").count() >= 3, where
                        assert page.evaluate(BROKEN_WORDS) == [], where
                        assert page.evaluate("document.documentElement.scrollWidth") <= width, where
                        if width < 1280:  # the response rates as blocks: every count in sight, with its label
                            wrap = page.locator("#rates .table-wrap")
                            assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), where
                            label = page.locator("#rates td.num").first.evaluate(
                                "e => getComputedStyle(e, '::before').content"
                            )
                            assert label.strip('"').rstrip(": ") == page.locator("#rates th.num").first.inner_text()
                        lines = page.evaluate(SWITCH_LINES)
                        if width >= 390:
                            assert len(lines) == 1, (where, lines)
                        assert min(len(line) for line in lines) >= 2, (where, lines)
                        if width != 360:
                            page.screenshot(
                                path=str(SCREENSHOTS / f"admin-campaign-{width}-{lang}.png"), full_page=True
                            )
                    page.goto(f"{server.base_url}/admin/language?lang=en&next=/admin/campaigns/{bare}")
                    warning = page.locator(".privacy-gap")
                    expect(warning).to_contain_text("does not name the controller and a privacy contact")
                    rates = page.locator("#h-rates").bounding_box()
                    assert warning.bounding_box()["y"] < rates["y"]
                    assert page.locator("#inv-count-0").count() == 0 and page.locator("#open-region").count() == 0
                    page.screenshot(path=str(SCREENSHOTS / f"admin-campaign-no-controller-{width}.png"), full_page=True)
                    context.close()
            finally:
                browser.close()
    finally:
        server.stop()
