"""Why a recommendation fired, as sentences: every trigger type of the engine, hand-made figures."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3stresstest.recommend.triggers import TRIGGER_TYPES
from s3stresstest.report.evidence import evidence_sentences, sentence

SCORE = {"score": 41.6, "ci_low": 35.2, "ci_high": 48.9, "n": 14}
CASES = {
    "block_below_peers": (
        {
            "block": "b2",
            "peer_group": "alpine",
            **SCORE,
            "peer_mean": 55.0,
            "gap_to_mean": -13.4,
            "interval_excludes_mean": True,
        },
        "Block b2 scores 42 (interval 35–49, n = 14), 13 points below the mean of peer group "
        "'Alpine regions' (55); the interval excludes that mean.",
    ),
    "block_below": (
        {"block": "b5", **SCORE, "threshold": 45.0},
        "Block b5 scores 42 (interval 35–49, n = 14), below the rule's threshold of 45.",
    ),
    "block_gap_to_frontrunner": (
        {"block": "b1", "peer_group": "all", **SCORE, "frontrunner_level": 70.0, "gap_to_frontrunner": -28.4},
        "Block b1 scores 42 (interval 35–49, n = 14), 28 points below the frontrunner level of peer group "
        "'All territories' (70).",
    ),
    "item_below": (
        {
            "item": "b3_stable",
            "block": "b3",
            "score": 29.6,
            "ci_low": 16.0,
            "ci_high": 44.0,
            "n": 11,
            "threshold": 30.0,
        },
        "Question b3.8 scores 29.6 (interval 16–44, n = 11), below the rule's threshold of 30.",
    ),
    "item_share": (
        {"item": "b4_framework", "choices": ["no", "dk"], "share": 0.5714, "n": 14, "min_share": 0.5},
        "57% of 14 respondents who answered chose ‘No’ or ‘Don't know’ at question b4.1 (the rule looks "
        "for at least 50%).",
    ),
    "groups_disagree": (
        {"item": "b1_consulted", "block": "b1", "group_spread": 31.25, "groups_published": 3},
        "Stakeholder groups disagree at question b1.2: their published scores are 31 points apart "
        "(3 groups published).",
    ),
    "stakeholder_groups_below": (
        {"block": "b4", "groups_published": 1, "min_groups": 2},
        "Block b4: 1 stakeholder group with a published score (the rule wants at least 2).",
    ),
    "insufficient_data": (
        {"block": "b6", "status": "insufficient_items"},
        "Block b6 has no published score (insufficient items).",
    ),
    "alignment_below": (
        {
            "kind": "neighbour",
            "statistic": "neighbours_mean",
            "score": 28.3,
            "threshold": 30.0,
            "pairs": [{"territory": "AT31", "score": 16.2}, {"territory": "DE2", "score": 39.4}],
        },
        "Mean alignment with the neighbours is 28 of 100, below the rule's threshold of 30 "
        "(Oberösterreich (AT31) 16 and Bayern (DE2) 39).",
    ),
    "perception_flag": (
        {
            "perceived": 69.1,
            "perceived_ci_low": 62.0,
            "perceived_ci_high": 76.0,
            "vertical": None,
            "neighbours": 28.3,
            "measured": 28.3,
            "gap": 51.0,
            "flag": "perceived higher",
        },
        "Respondents rate alignment (block b2) at 69 (interval 62–76); the written strategies "
        "measure 28 (neighbours 28). Compared as percentile ranks: perceived higher.",
    ),
    "synergy_shared": (
        {
            "min_strength": 1.0,
            "n_topics": 7,
            "topics": [
                {
                    "axis": "ecosystem",
                    "code": "health",
                    "title": "Health",
                    "partners": ["AT31", "DE2"],
                    "strength": 2.5,
                },
                {
                    "axis": "nace",
                    "code": "C21",
                    "title": "Manufacture of basic pharmaceutical products",
                    "partners": ["DE2"],
                    "strength": 2.0,
                },
            ],
        },
        "7 topics shared with its own neighbours, the strongest: Health (industrial ecosystem; "
        "strength 2.5 with Oberösterreich (AT31) and Bayern (DE2)); Manufacture of basic pharmaceutical products "
        "(NACE; strength 2.0 with Bayern (DE2)).",
    ),
}
NAMES = {"AT31": "Oberösterreich (AT31)", "DE2": "Bayern (DE2)"}
NUMBERS = {"b3_stable": "b3.8", "b4_framework": "b4.1", "b1_consulted": "b1.2"}
CHOICES = {"no": "No", "dk": "Don't know"}
LABELS = {
    "block": lambda b: f"Block {b}",
    "item": lambda i: f"question {NUMBERS[i]}",
    "territory": lambda t: NAMES.get(t, t),
    "choice": lambda _item, c: CHOICES[c],
}


def test_every_trigger_type_has_a_sentence():
    assert set(CASES) == set(TRIGGER_TYPES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_sentence_names_the_figures_and_the_bound(kind):
    figures, expected = CASES[kind]
    evidence = json.dumps({"triggered_by": [{"trigger": kind, **figures}]})
    assert evidence_sentences(evidence, **LABELS) == [expected]
    assert "_" not in expected.replace("ci_", "")  # no field names leak into the text


def test_unknown_trigger_falls_back_to_its_figures_and_long_lists_are_cut():
    assert sentence({"trigger": "my_rule", "level": 3}) == "my rule: level 3"
    figs = [
        {"trigger": "groups_disagree", "item": "b1_consulted", "group_spread": 30 + k, "groups_published": 2}
        for k in range(6)
    ]
    lines = evidence_sentences({"triggered_by": figs}, limit=4, **LABELS)
    assert len(lines) == 5 and lines[-1] == "… and 2 more figures of the same kind."
    assert evidence_sentences("not json") == [] and evidence_sentences(None) == []


def test_every_alignment_axis_has_words_in_the_reports():
    from s3stresstest.alignment.taxonomy import AXES as TAXONOMY_AXES
    from s3stresstest.report.evidence import AXES

    assert set(TAXONOMY_AXES) <= set(AXES), set(TAXONOMY_AXES) - set(AXES)


def test_national_alignment_evidence_names_the_period_of_the_national_s3_in_every_language():
    vertical = {
        "trigger": "alignment_below",
        "kind": "vertical",
        "statistic": "vertical",
        "score": 28.9,
        "threshold": 30.0,
        "pairs": [{"territory": "IT", "score": 28.9}],
        "national_period": "2014-2020",
    }
    perceived = {
        "trigger": "perception_flag",
        "perceived": 55.6,
        "vertical": 32.3,
        "neighbours": 27.5,
        "measured": 29.9,
        "gap": 28.6,
        "flag": "perceived higher",
        "national_period": "2014-2020",
    }
    assert sentence(vertical) == (
        "Alignment with the national S3 2014–2020 is 29 of 100, below the rule's threshold of 30 (IT 29)."
    )
    assert "(national S3 2014–2020: 32 and neighbours 28)" in sentence(perceived)
    english = {id(f): sentence(f) for f in (vertical, perceived)}
    for lang in ("de", "fr", "it", "sl"):
        for fig in (vertical, perceived):
            text = sentence(fig, language=lang)
            assert "2014–2020" in text and text != english[id(fig)], (lang, text)
            assert "national S3" not in text, (lang, text)  # translated, not the English words


def test_points_below_is_the_difference_of_the_printed_figures():
    """16.4 against 50.6 prints '16' and '51': the sentence says 35 points, not the 34 of 34.2."""
    fig = {
        "trigger": "block_below_peers",
        "block": "b3",
        "score": 16.4,
        "ci_low": 12.6,
        "ci_high": 20.1,
        "n": 31,
        "peer_group": "all",
        "peer_mean": 50.6,
        "gap_to_mean": -34.2,
        "interval_excludes_mean": True,
    }
    text = sentence(fig)
    assert "scores 16 " in text and "(51)" in text and "35 points below" in text, text
    assert "35 points de moins" in sentence(fig, language="fr")


@given(st.floats(0, 100), st.floats(0, 100))
def test_printed_gap_is_what_a_reader_computes(a, b):
    from s3stresstest.formatting import printed_gap

    assert printed_gap(a, b) == abs(int(f"{a:.0f}") - int(f"{b:.0f}"))


def test_french_evidence_puts_the_article_before_the_question():
    """'ont choisi « Non » à la question b3.4', not 'à question b3.4'."""
    fig = {"trigger": "item_share", "item": "b3_4", "choices": ["no"], "share": 0.9, "n": 30, "min_share": 0.5}
    text = sentence(fig, item=lambda _name: "question b3.4 (« Soutien ? »)", language="fr")
    assert "à la question b3.4" in text and "à question" not in text, text
