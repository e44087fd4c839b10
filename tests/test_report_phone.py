"""A regional report read on a phone (390 px, Chromium): nothing scrolls sideways, the synthetic-data banner
does not cover the title, the contents run in one column; on a desktop the banner stays clear of it too."""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, launch_chromium
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional, render_html

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
REGION = "AT31"  # German: long compounds ("Clusterorganisationen") and a long synthetic notice


@pytest.fixture(scope="module")
def html(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("phone") / "results", seed=3)
    inputs = ReportInputs.load(folder, data_folder=shared_data)
    return render_html(build_regional(inputs, REGION, language="de"))


def _layout(html: str, viewport: dict, shot: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            phone = viewport is PHONE
            page = browser.new_page(viewport=viewport, is_mobile=phone, has_touch=phone)
            page.set_content(html, wait_until="load")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / shot))
            return page.evaluate(
                """() => {
                  const box = (el) => el ? el.getBoundingClientRect() : null;
                  const banner = box(document.querySelector('.synthetic-banner'));
                  const title = box(document.querySelector('h1'));
                  const items = [...document.querySelectorAll('nav.toc li')].map((li) => box(li).left);
                  return {
                    scrollWidth: document.documentElement.scrollWidth,
                    bannerBottom: banner ? banner.bottom : null,
                    titleTop: title.top,
                    tocLefts: [...new Set(items.map((x) => Math.round(x)))],
                  };
                }"""
            )
        finally:
            browser.close()


def test_phone_no_sideways_scroll_banner_clear_of_the_title_one_column_contents(html):
    got = _layout(html, PHONE, "report_AT31_de_phone.png")
    assert got["scrollWidth"] <= PHONE["width"], f"the page is {got['scrollWidth']} px wide on a 390 px screen"
    assert got["bannerBottom"] is not None and got["bannerBottom"] <= got["titleTop"], got
    assert len(got["tocLefts"]) == 1, f"contents in {len(got['tocLefts'])} columns on a phone"


def test_desktop_banner_clear_of_the_title(html):
    got = _layout(html, DESKTOP, "report_AT31_de_desktop.png")
    assert got["scrollWidth"] <= DESKTOP["width"]
    assert got["bannerBottom"] <= got["titleTop"], got
