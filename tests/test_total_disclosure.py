"""No respondent count derivable by difference: a run total never gives back a territory shown as
"fewer than k" (docs/anonymity.md, "Run totals"). The reviewer's web run had ITC1 with 2 respondents
(below k = 3) and AT31, ITC4, SI with none: ITC1's report withheld its count, yet the synthesis said
"2 respondents in all" and the memo "asked 2 people", so ITC1 = 2 followed."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from report_support import make_results

from s3stresstest.disclosure import publishable_total
from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.report import ReportInputs, build_memo, build_synthesis
from s3stresstest.report.memo import respondents_phrase
from s3stresstest.report.render import _block_text
from s3stresstest.report.synthesis import answered_sentences


def _fake(counts: dict[str, int], k: int) -> SimpleNamespace:
    """What the run-total sentences read of a run: respondents per territory and group, k, the instrument."""
    rows = [(c, "g", n) for c, n in counts.items() if n > 0]
    frame = pd.DataFrame(rows, columns=["region", "stakeholder_group", "respondents"])
    return SimpleNamespace(
        respondent_counts=lambda: frame,
        territories=list(counts),
        min_respondents=k,
        instrument=SimpleNamespace(title="S3 StressTest questionnaire", version="1.0.0"),
    )


def _printed(counts: dict[str, int], k: int, language: str) -> str:
    """Everything the synthesis and the memo print about how many answered."""
    t, inputs = translator(language), _fake(counts, k)
    return answered_sentences(inputs, t) + "\n" + respondents_phrase(inputs, t)


def _regional(counts: dict[str, int], k: int) -> dict[str, int | None]:
    """The count each regional report prints: its own from k up, zero as "no answers", else nothing."""
    return {c: (n if n >= k or n == 0 else None) for c, n in counts.items()}


runs = st.integers(min_value=2, max_value=6).flatmap(
    lambda k: st.tuples(
        st.just(k),
        st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
        st.sampled_from(LANGUAGES),
    )
)


def _total(text: str) -> int | None:
    """The run total an English text prints ("N respondents in all", "... at least k respondents each: N")."""
    m = re.search(r"(\d+) respondents? in all|respondents each: (\d+)", text)
    return int(m.group(1) or m.group(2)) if m else None


@settings(max_examples=150, deadline=None)
@given(runs, st.randoms(use_true_random=False))
@example((4, [3], "en"), random.Random(0))  # one territory below k: the "3" of "S3" is not its count
def test_no_below_k_count_follows_from_the_printed_totals(run, rnd):
    k, values, language = run
    counts = {f"T{i}": n for i, n in enumerate(values)}
    shown = _regional(counts, k)
    hidden = [c for c, n in shown.items() if n is None]
    published = sum(n for n in shown.values() if n)
    # total minus the regional reports' printed counts gives back nothing of a territory below k
    english = _printed(counts, k, "en")
    total = _total(english)
    if total is not None:
        assert total == published
    if hidden:
        numbers = re.findall(r"(?<!\w)(?<!\d\.)\d+(?!\w)(?!\.\d)", english)  # counts, not the 3 of "S3" or a version
        assert str(sum(counts.values())) not in numbers or sum(counts.values()) in (
            k,
            len(counts),
            published,
            len(hidden),
            sum(1 for n in counts.values() if n > 0),
        ), "the true total printed"
    # stronger: the printed texts are the same whatever the hidden territories' counts (1 to k-1) are
    text = _printed(counts, k, language)
    other = {c: (rnd.randint(1, k - 1) if c in hidden else n) for c, n in counts.items()}
    assert _printed(other, k, language) == text


def test_publishable_total_counts_only_territories_from_k():
    tot = publishable_total({"ITC1": 2, "AT31": 0, "ITC4": 0, "SI": 0}, 3)
    assert (tot.territories, tot.answered, tot.published, tot.below_k, tot.respondents) == (4, 1, 0, 1, 0)
    assert not tot.complete
    tot = publishable_total({"A": 5, "B": 2, "C": 9, "D": 0}, 3)
    assert (tot.answered, tot.published, tot.below_k, tot.respondents) == (3, 2, 1, 14)
    assert publishable_total({"A": 5, "D": 0}, 3).complete


def test_the_reviewers_run_says_how_many_answered_and_no_total(tmp_path_factory):
    """ITC1 with 2, AT31 and ITC4 with none, SI in full: one territory is below k."""
    text = _printed({"AT31": 0, "ITC1": 2, "ITC4": 0, "SI": 11}, 3, "en")
    assert "2 of 4 territories answered" in text
    assert "Respondents in the territories with at least 3 respondents each: 11." in text
    assert "1 territory has fewer than 3 respondents" in text
    assert "13" not in text and "in all" not in text
    assert "11 respondents in the territories with at least 3 each" in text
    alone = _printed({"AT31": 0, "ITC1": 2, "ITC4": 0, "SI": 0}, 3, "en")
    assert "1 of 4 territories answered" in alone and "No territory has 3 or more respondents" in alone
    assert not re.search(r"\b2\b", alone.replace("1 of 4", ""))
    whole = _printed({"AT31": 5, "SI": 11}, 3, "en")
    assert "2 of 2 territories answered" in whole and "16 respondents in all." in whole


def _keep(responses: pd.DataFrame, keep: dict[str, int]) -> pd.DataFrame:
    """Responses with only the first `keep[region]` respondents of the regions named."""
    out = []
    for region, part in responses.groupby("region", sort=False):
        ids = list(dict.fromkeys(part["respondent_id"]))
        n = keep.get(region, len(ids))
        out.append(part[part["respondent_id"].isin(ids[:n])])
    return pd.concat(out, ignore_index=True)


@pytest.fixture(scope="module")
def few(tmp_path_factory, shared_data):
    """Results as in the reviewer's web run, twice: ITC1 with 2 respondents, and with 1."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        for itc1 in (2, 1):
            folder = make_results(
                tmp_path_factory.mktemp(f"few{itc1}") / "results",
                ["AT31", "ITC1", "ITC4", "SI"],
                edit=lambda r, n=itc1: _keep(r, {"AT31": 0, "ITC1": n, "ITC4": 0}),
                alignment=False,
                context=False,
            )
            out[itc1] = ReportInputs.load(folder, data_folder=shared_data)
    return out


def _section(doc, key: str) -> str:
    (s,) = [s for s in doc.sections if s.id == key]
    return "\n".join(x for b in s.blocks for x in _block_text(b) if x)


def test_synthesis_and_memo_neither_total_nor_wrong_status(few):
    inputs = few[2]
    si = int(inputs.respondent_counts().query("region == 'SI'")["respondents"].sum())
    syn, memo = build_synthesis(inputs), build_memo(inputs)
    about, table = _section(syn, "about"), _section(syn, "heatmap")
    assert "2 of 4 territories answered" in about
    assert f"at least 3 respondents each: {si}." in about
    assert str(si + 2) not in about + memo.subtitle + memo.text()
    assert "in all" not in about and "asked" not in memo.text()
    assert f"{si} respondents in the territories with at least 3 each" in memo.subtitle
    # true status words in place of "insufficient" (fewer than half of the block's items published)
    rows = {line.split(")")[0]: line for line in table.splitlines() if line.startswith(("Ober", "Piem", "Lomb"))}
    assert rows and all("insufficient" not in r for r in rows.values())
    assert "no answers" in rows["Oberösterreich (AT31"] and "no answers" in rows["Lombardia (ITC4"]
    assert "fewer than 3 respondents" in rows["Piemonte (ITC1"]


@pytest.mark.parametrize("language", ["en", "de", "sl"])
def test_one_or_two_below_k_print_the_same(few, language):
    """Whatever ITC1's count below k, the synthesis's and the memo's counts and status words read the same."""
    a, b = few[2], few[1]
    for key in ("about", "heatmap"):
        assert _section(build_synthesis(a, language=language), key) == _section(
            build_synthesis(b, language=language), key
        )
    ma, mb = build_memo(a, language=language), build_memo(b, language=language)
    assert ma.subtitle == mb.subtitle
    assert _section(ma, "short") == _section(mb, "short")
