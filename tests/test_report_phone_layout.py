"""Regional report and synthesis on a phone (390 px, Chromium): every table fits its box, every chart is legible.

The review read an Italian regional report at 390 px: the block table's right columns were cut off and the
block chart (760 px drawn into 363) and the synthesis heat map had text of about 5 px. Now a table of four or
more columns reflows into one card per row, the block chart and the heat map have a phone layout, and any
other chart keeps at least 80% of its size and scrolls sideways in its own box.
"""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, launch_chromium
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional, build_synthesis, render_html

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LEGIBLE_PX = 8.0  # the smallest chart text on screen (tick labels: 10 px drawn at 80%)

MEASURE = """() => {
  const tables = [...document.querySelectorAll('.table-wrap')].map((w) => {
    const t = w.querySelector('table'); const c = t.querySelector('caption');
    return {caption: c ? c.textContent : '', box: w.clientWidth, table: t.scrollWidth};
  });
  const charts = [...document.querySelectorAll('figure.chart svg')].filter((s) => s.getBoundingClientRect().width > 0)
    .map((s) => {
      const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
      const sizes = [...s.querySelectorAll('text')].map((x) => parseFloat(getComputedStyle(x).fontSize));
      return {id: s.closest('.svg').id, title: s.querySelector('title').textContent,
              px: Math.min(...sizes) * scale, narrow: !!s.closest('.svg-narrow')};
    });
  return {page: document.documentElement.scrollWidth, tables, charts};
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("phonelayout") / "results", bootstrap=10)
    inputs = ReportInputs.load(folder, data_folder=shared_data)
    return {
        "regional": render_html(build_regional(inputs, "ITC1", language="it")),
        "synthesis": render_html(build_synthesis(inputs, language="it")),
    }


def _measure(html: str, viewport: dict, shot: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            phone = viewport is PHONE
            page = browser.new_page(viewport=viewport, is_mobile=phone, has_touch=phone)
            page.set_content(html, wait_until="load")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
            return page.evaluate(MEASURE)
        finally:
            browser.close()


@pytest.mark.parametrize("kind", ["regional", "synthesis"])
def test_on_a_phone_every_table_fits_its_box_and_every_chart_is_legible(pages, kind):
    got = _measure(pages[kind], PHONE, f"phone_layout_{kind}_it.png")
    assert got["page"] <= PHONE["width"], f"the page is {got['page']} px wide"
    cut = [(t["caption"], t["table"], t["box"]) for t in got["tables"] if t["table"] > t["box"] + 1]
    assert not cut, f"tables wider than their box (columns cut off): {cut}"
    small = [(c["id"], c["title"], round(c["px"], 1)) for c in got["charts"] if c["px"] < LEGIBLE_PX - 0.1]
    assert not small, f"chart text below {LEGIBLE_PX} px on a 390 px screen: {small}"
    # the overview chart (regional: block scores; synthesis: heat map) is shown in its phone layout
    assert got["charts"][0]["narrow"], got["charts"][0]


@pytest.mark.parametrize("kind", ["regional", "synthesis"])
def test_on_a_desktop_the_full_charts_show_and_not_their_phone_layout(pages, kind):
    got = _measure(pages[kind], DESKTOP, f"desktop_layout_{kind}_it.png")
    assert got["charts"] and not [c for c in got["charts"] if c["narrow"]]
    assert got["page"] <= DESKTOP["width"]
