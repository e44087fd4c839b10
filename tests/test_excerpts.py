"""Open-answer excerpts in EN, DE, FR, IT and SL: chosen for the right block, marked with their language."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from s3stresstest.recommend.engine import _Comments, select_excerpts
from s3stresstest.recommend.keywords import BLOCK_KEYWORDS, detect_language, fold, language_of, mentions, quoted
from s3stresstest.report.regional import _excerpts

# (text, block it speaks about, its language)
ANSWERS = [
    ("Cooperation with neighbouring regions across the border should be stronger.", "b2", "en"),
    ("Die Förderprogramme für Clusterorganisationen sind zu kompliziert und die Anträge dauern zu lange.", "b3", "de"),
    ("Die Clusterorganisationen sollten früher in die Überarbeitung der Strategie einbezogen werden.", "b1", "de"),
    ("Les indicateurs de suivi de la stratégie devraient être partagés avec les clusters.", "b4", "fr"),
    ("Un evento congiunto di tutti i cluster manager una volta all'anno sarebbe utile.", "b6", "it"),
    ("Razpisi za spodbude so preveč zapleteni za mala podjetja.", "b3", "sl"),
    ("I nuovi servizi del cluster hanno un impatto positivo per i membri.", "b5", "it"),
]
IRRELEVANT = [
    "Das Wetter war heute sehr schön.",
    "Thank you, it was nice to take part.",
    "Die größte Herausforderung ist der Fachkräftemangel.",  # "Herausforderung" is no "Förderung"
]


def test_fold_ignores_case_and_accents():
    assert fold("FÖRDERPROGRAMME  für  Évaluation") == "forderprogramme fur evaluation"
    assert fold("Preveč ŽELJA, straße") == "prevec zelja, strasse"


@pytest.mark.parametrize(("text", "block", "language"), ANSWERS)
def test_answers_in_each_language_are_found_for_their_block(text, block, language):
    assert mentions(text, block)
    assert detect_language(text) == language
    # a single block here: the stems do not spill into unrelated blocks
    assert [b for b in BLOCK_KEYWORDS if mentions(text, b)] == [block]


@pytest.mark.parametrize("text", IRRELEVANT)
def test_an_answer_about_nothing_relevant_is_not_selected(text):
    assert not any(mentions(text, b) for b in BLOCK_KEYWORDS)


def test_german_compounds_match_inside_a_word():
    assert mentions("Mehr Innovationsförderung für KMU", "b3")
    assert not mentions("innovationsforum", "b3")


def test_every_block_has_stems_in_all_five_languages():
    for block, by_lang in BLOCK_KEYWORDS.items():
        assert set(by_lang) == {"en", "de", "fr", "it", "sl"}, block
        for stems in by_lang.values():
            assert stems and all(s == fold(s) and s for s in stems), block


def test_language_recorded_wins_and_unknown_stays_unmarked():
    assert language_of("Interreg!", "de-AT") == "de"
    assert language_of("Interreg!", None) == ""
    assert language_of("Interreg!", "es") == ""  # not one of the five: detected, here nothing
    assert detect_language("Zeta idea") == ""
    assert quoted("Mehr Daten (de)") == "“Mehr Daten” (German)"
    assert quoted("Zeta idea") == "“Zeta idea”"


# -- the regional report's block excerpts ------------------------------------------------------


def _inputs(rows, k=3, languages=None):
    answers = pd.DataFrame(rows, columns=["respondent_id", "region", "stakeholder_group", "item", "value"])
    responses = answers.assign(language=[(languages or {}).get(r, "") for r in answers["respondent_id"]])
    return SimpleNamespace(open_answers=lambda: answers, min_respondents=k, responses=responses)


def _rows(texts, region="AT32", item="open_comments"):
    return [(f"{region}-{i}", region, "cluster_manager", item, t) for i, t in enumerate(texts)]


def test_regional_excerpts_quote_each_language_marked():
    texts = [t for t, _, _ in ANSWERS] + IRRELEVANT
    inp = _inputs(_rows(texts), k=1)  # one answer per language: the per-language k has its own test
    got, why = _excerpts(inp, "AT32", "b3")
    assert why == ""
    assert sorted(got) == sorted(
        [
            "“Die Förderprogramme für Clusterorganisationen sind zu kompliziert und die Anträge dauern "
            "zu lange.” (German)",
            "“Razpisi za spodbude so preveč zapleteni za mala podjetja.” (Slovenian)",
        ]
    )
    got, _ = _excerpts(inp, "AT32", "b4")
    assert got == ["“Les indicateurs de suivi de la stratégie devraient être partagés avec les clusters.” (French)"]


def test_regional_excerpts_use_the_recorded_language():
    inp = _inputs(_rows(["Interreg!", "x", "y"]), k=1, languages={"AT32-0": "sl"})
    assert _excerpts(inp, "AT32", "b2")[0] == ["“Interreg!” (Slovenian)"]


def test_regional_excerpts_keep_anonymity():
    secret = "Förderung: schreiben Sie an max.muster@land.example.at oder +43 662 1234 5678, www.foerder.example.at"
    rows = _rows([secret, "Weniger Bürokratie bei Anträgen.", "Keine weiteren Anmerkungen zu den Anträgen."])
    # below k respondents on a question: nothing quoted, even when it matches
    assert _excerpts(_inputs(rows[:2]), "AT32", "b3")[0] == []
    # another territory's answers count neither towards k nor into the excerpts
    other = _rows(["Zu wenig Förderung für KMU."] * 5, region="ITH2")
    got, _ = _excerpts(_inputs(rows + other), "AT32", "b3")
    joined = " ".join(got)
    assert len(got) == 3 and "KMU" not in joined  # three German answers: k = 3 writers of German
    for leak in ("max.muster", "@", "1234", "www.", "example", "AT32-", "cluster_manager"):
        assert leak not in joined, leak
    assert "[e-mail]" in joined and "[phone]" in joined and "[link]" in joined


# -- recommendation excerpts (engine) ----------------------------------------------------------


def _comments(texts, languages=None, region="AT32", item="open_comments"):
    df = pd.DataFrame(
        {
            "respondent_id": [f"{region}-{i}" for i in range(len(texts))],
            "region": region,
            "stakeholder_group": "policy_maker",
            "item": item,
            "text": texts,
        }
    )
    if languages is not None:
        df["language"] = languages
    return df


RULE = SimpleNamespace(id="r1", open_items=("open_comments",), blocks=("b2",))


def test_recommendation_excerpts_are_marked_with_their_language():
    texts = [t for t, _, _ in ANSWERS[:5]]
    comments = _Comments(_comments(texts))
    got = [x for _, block, _ in ANSWERS[:5] for x in select_excerpts(comments, "AT32", RULE, 1, 10, 0, block)]
    assert sorted(got) == sorted(f"{t} ({lang})" for t, _, lang in ANSWERS[:5])
    german = ["Die Zusammenarbeit mit den Nachbarregionen sollte gestärkt werden.", "Mehr Abstimmung mit den Nachbarn."]
    got_k3 = select_excerpts(_Comments(_comments(texts + german)), "AT32", RULE, 3, 10, 0, "b2")
    assert sorted(got_k3) == sorted(f"{t} (de)" for t in german)  # 3 raise b2, but only 1 of them in English
    assert {quoted(g).rsplit(" (", 1)[1] for g in got} == {"English)", "German)", "French)", "Italian)"}


def test_a_recommendation_quotes_only_answers_about_its_own_subject():
    """AT31 (review 2): a monitoring recommendation quoted answers about funding calls and neighbours.
    Its quotes are the answers that mention its block's keywords, and only when k respondents raise it."""
    funding = "Die Förderausschreibungen sollten für kleine Unternehmen einfacher sein."
    neighbours = "Die Zusammenarbeit mit den Nachbarregionen sollte gestärkt werden."
    indicators = "Die Indikatoren für die Prioritätsbereiche der S3 sollten mit den Clustern geteilt werden."
    monitoring = SimpleNamespace(id="b4-x", open_items=("open_comments",), blocks=("b4",))
    few = _Comments(_comments([funding, funding, neighbours, neighbours, indicators, indicators]))
    assert few.raising("AT32", "b4") == 2
    assert select_excerpts(few, "AT32", monitoring, 3, 3, 0) == []  # 6 answered, but only 2 raise monitoring
    enough = _Comments(_comments([funding, funding, neighbours, indicators, indicators, indicators + " Bitte."]))
    assert enough.raising("AT32", "b4") == 3
    got = select_excerpts(enough, "AT32", monitoring, 3, 3, 0)
    assert got == [f"{indicators} (de)", f"{indicators} Bitte. (de)"]
    assert select_excerpts(enough, "AT32", SimpleNamespace(**{**vars(monitoring), "blocks": ("b3",)}), 3, 3, 0) == []
    assert select_excerpts(enough, "AT32", SimpleNamespace(**{**vars(monitoring), "blocks": ()}), 3, 3, 0) == []


def test_recommendation_excerpts_prefer_the_recorded_language_and_keep_anonymity():
    texts = ["Interreg!", "No further comment.", "Interreg: mail to a.b@c.de please"]
    got = select_excerpts(_Comments(_comments(texts, ["fr", "en", ""])), "AT32", RULE, 1, 10, 0)
    assert sorted(got) == ["Interreg! (fr)", "Interreg: mail to [e-mail] please (en)"]
    assert select_excerpts(_Comments(_comments(texts[:2])), "AT32", RULE, 3, 10, 0) == []
    assert "AT32-" not in json.dumps(got) and "policy_maker" not in json.dumps(got)


def test_marked_excerpts_stay_within_the_length_limit():
    got = select_excerpts(_Comments(_comments(["the interreg " * 50] * 3)), "AT32", RULE, 3, 10, 0)
    assert len(got) == 1 and got[0].endswith("… (en)") and len(got[0]) <= 200


def test_campaign_open_comments_carry_the_recorded_language_to_the_excerpts():
    from s3stresstest.campaign.model import Campaign

    responses = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r1"],
            "region": "AT32",
            "stakeholder_group": "cluster_manager",
            "item": ["open_comments"] * 3 + ["q1"],
            "value": ["Interreg!", "Interreg?", "Interreg.", "3"],
            "language": ["it", "sl", "de", "it"],
        }
    )
    instrument = SimpleNamespace(
        answerable_items=[SimpleNamespace(name="open_comments", type="text"), SimpleNamespace(name="q1", type="int")]
    )
    oc = Campaign(responses).open_comments(instrument)
    assert list(oc["language"]) == ["it", "sl", "de"]
    got = select_excerpts(_Comments(oc), "AT32", RULE, 1, 10, 0)
    assert sorted(got) == ["Interreg! (it)", "Interreg. (de)", "Interreg? (sl)"]
    # without a recorded language the column is absent, as before
    assert "language" not in Campaign(responses.drop(columns="language")).open_comments(instrument).columns


def test_the_language_mark_is_named_in_the_pages_language():
    from s3stresstest.recommend.keywords import quoted

    assert quoted("Mehr Förderung (de)") == "“Mehr Förderung” (German)"
    assert quoted("Mehr Förderung (de)", "fr") == "« Mehr Förderung » (allemand)"  # the page's quotation marks
    assert quoted("Più fondi (it)", "sl") == "»Più fondi« (italijanščina)"
    assert quoted("no mark") == "“no mark”"


def test_non_answers_in_every_survey_language_are_never_quoted():
    from s3stresstest.recommend.engine import NON_ANSWER

    for text in ("Keine weiteren Anmerkungen.", "Pas d'autres commentaires", "Nessun commento", "Brez pripomb."):
        assert NON_ANSWER.match(text), text
    assert not NON_ANSWER.match("Keine Förderung für Cluster ohne Strategie")


def test_an_answer_in_a_language_fewer_than_k_used_is_not_quoted():
    """Twelve respondents answer in German, two in English: the English answers would point to their
    writers (by the mark or by the text itself), so only German excerpts are usable."""
    import pandas as pd

    from s3stresstest.recommend.engine import _Comments

    german = [f"Die Cluster brauchen mehr Förderung für gemeinsame Projekte, Nummer {i}." for i in range(12)]
    english = ["Clusters need more funding for joint projects across the border.", "More money for clusters please."]
    rows = [(f"r{i}", "AT32", "open_suggestions", text) for i, text in enumerate(german + english)]
    comments = _Comments(pd.DataFrame(rows, columns=["respondent_id", "region", "item", "text"]))
    usable = comments.usable(("AT32", "open_suggestions"), 3)
    assert usable and all(x.endswith(" (de)") for x in usable)
    assert len(comments.usable(("AT32", "open_suggestions"), 13)) == 0  # 14 answered, but only 12 in German
