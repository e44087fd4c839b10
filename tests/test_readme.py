"""The README's statements about report languages agree with the code that decides them."""

from __future__ import annotations

import re
from pathlib import Path

from s3stresstest.campaign.territories import demo_language, demo_regions

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
NAMES = {"de": "German", "fr": "French", "it": "Italian", "sl": "Slovenian"}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_readme_lists_each_demo_territory_under_its_report_language():
    text = _flat(README)
    m = re.search(r"Demo report languages: (.*?); English: the other (\d+) territories", text)
    assert m, "the README lists the demo's report languages"
    listed: dict[str, str] = {}
    for part in m.group(1).split("; "):
        name, codes = part.split(": ")
        for code in codes.split(", "):
            listed[code] = name
    codes = list(demo_regions()["region"])
    expected = {c: NAMES[demo_language(c)] for c in codes if demo_language(c)}
    assert listed == expected
    assert int(m.group(2)) == len(codes) - len(expected)


def test_the_readme_no_longer_says_web_campaigns_or_the_swiss_canton_get_english():
    text = _flat(README)
    assert "has no territory language yet" not in text
    assert "the Swiss canton and the European reference set have none" not in text
    assert "each regional report in its region's language" in text
