"""Issue 12: every recommendation in en, de, fr, it, sl, composed once at run time (`recommendation_texts`);
issue 11's leftovers: the questions of merged rows, open-answer themes and S3 priorities in the texts."""

from __future__ import annotations

import importlib
import json
import re

import pandas as pd
import pytest
import recommend_support as h

from s3stresstest.errors import InputError
from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.i18n.tools import template
from s3stresstest.i18n.translator import placeholders
from s3stresstest.instrument.model import pick_label
from s3stresstest.recommend import load_rules, recommend
from s3stresstest.recommend.rules import TEXT_FIELDS, TRANSLATED_LANGUAGES
from s3stresstest.run import ReferenceData, run_demo
from s3stresstest.run.stages import _items

c = importlib.import_module("s3stresstest.recommend.compose")  # the module (the package exports its function)
OTHERS = [x for x in LANGUAGES if x != "en"]


@pytest.fixture(scope="module")
def demo(shared_data):
    return run_demo(seed=2017, bootstrap=30, reference=ReferenceData.load(shared_data))


@pytest.fixture(scope="module")
def texts(demo):
    return demo.recommendation_texts


# --- every recommendation in every language -----------------------------------------------


def test_every_recommendation_has_its_texts_in_five_languages(demo, texts):
    recs = demo.recommendations
    assert texts is not None and len(texts) == len(LANGUAGES) * len(recs)
    keys = set(zip(recs["region"], recs["rank"], strict=True))
    for lang in LANGUAGES:
        mine = texts[texts["language"] == lang]
        assert set(zip(mine["region"], mine["rank"], strict=True)) == keys, lang
        for col in ("title", "action", "rationale"):
            assert (mine[col].str.strip() != "").all(), (lang, col)
    en = texts[texts["language"] == "en"].merge(recs, on=["region", "rank"], suffixes=("", "_main"))
    assert (en["title"] == en["title_main"]).all()
    assert (en["action"] == en["action_main"]).all()
    assert (en["rationale"] == en["rationale_main"]).all()
    for lang in OTHERS:  # the texts are really in the language, not English copies
        other = texts[texts["language"] == lang].merge(recs, on=["region", "rank"], suffixes=("", "_main"))
        assert (other["action"] != other["action_main"]).mean() > 0.95, lang


def test_german_figures_use_a_decimal_comma(texts):
    de = " ".join(texts[texts["language"] == "de"]["action"])
    # quoted names are data in their own spelling ("Industry 4.0" is a priority's name, not a figure)
    de = re.sub(r"„[^“]*“|“[^”]*”|\"[^\"]*\"", "", de)
    de = re.sub(r"\bb\d+\.\d+:", "", de)  # question numbers ('b1.2: 87' whom to learn from) are codes
    assert re.search(r"\d,\d", de), "no decimal figure in the German texts to check"
    assert not re.search(r"\d\.\d", de)
    en = " ".join(texts[texts["language"] == "en"]["action"])
    assert re.search(r"\d\.\d", en)  # the same figures in English have a decimal point


def _fixed_phrases() -> list[str]:
    """The English fixed phrases of the composer: the parts of its messages between `{fields}`."""
    out = set()
    for m in template("recommend"):
        if not m.id:
            continue
        for msgid in [m.id] if isinstance(m.id, str) else list(m.id):
            for part in re.split(r"\{[a-z_]+\}", msgid):
                part = part.strip(" .,:;()")
                if len(part) >= 12 and len(part.split()) >= 3:
                    out.add(part)
    return sorted(out)


def test_no_fixed_english_phrase_of_the_composer_in_the_other_languages(texts):
    phrases = _fixed_phrases()
    assert len(phrases) > 40
    en = " ".join(texts[texts["language"] == "en"]["action"])
    assert sum(p in en for p in phrases) > 10  # the check finds them where they are
    for lang in OTHERS:
        sub = texts[texts["language"] == lang]
        joined = " ".join([*sub["title"], *sub["action"], *sub["rationale"]])
        found = [p for p in phrases if p in joined]
        assert not found, (lang, found[:5])
        # questions and answer options are quoted in the language's marks and words
        assert "\u2018" not in joined and "\u2018No\u2019" not in joined, lang


def test_answer_options_are_worded_as_the_questionnaire_does_in_each_language(demo, texts):
    rows = demo.recommendations[demo.recommendations["rule"] == "b1-no-governance-seat"]
    assert len(rows)
    key = rows.iloc[0][["region", "rank"]].tolist()
    mine = texts[(texts["region"] == key[0]) & (texts["rank"] == key[1])].set_index("language")["action"]
    inst = demo.instrument
    no = inst.select_list(inst.item("b1_governance_seat")).choice("no")
    for lang in LANGUAGES:
        label = pick_label(no.labels, lang)
        assert translator(lang).pgettext("quotation", "\u2018{text}\u2019", text=label) in mine[lang], lang


def _pattern(message: str) -> re.Pattern:
    return re.compile(re.sub(r"\\\{[a-z_]+\\\}", ".+?", re.escape(message)))


GROUPS = {
    "weakest": c.WEAKEST_OPENERS,
    "below_peers": c.BELOW_PEERS_OPENERS,
    "share": c.SHARE_OPENERS,
    "share_no_n": c.SHARE_OPENERS_NO_N,
    "below": c.BELOW_OPENERS,
    "learn_question": c.LEARN_QUESTION,
    "learn_measure": c.LEARN_MEASURE,
}


def _variants(text: str, lang: str) -> dict[str, tuple[int, ...]]:
    t = translator(lang)
    out = {}
    for name, group in GROUPS.items():
        hits = tuple(i for i, msgid in enumerate(group) if _pattern(t._(msgid)).search(text))
        if hits:
            out[name] = hits
    if "share" in out:  # '{pct} of {n} respondents' also matches '{pct} of respondents' in some languages
        out.pop("share_no_n", None)
    return out


def test_every_language_uses_the_same_phrase_variant(texts):
    wide = texts.pivot(index=["region", "rank"], columns="language", values="action")
    checked, used = 0, set()
    for _, row in wide.iterrows():
        en = _variants(row["en"], "en")
        for lang in OTHERS:
            assert _variants(row[lang], lang) == en, (lang, row["en"][:80], row[lang][:80])
        checked += bool(en)
        used |= {(k, v) for k, v in en.items()}
    assert checked > 100
    assert {(name, (i,)) for name in ("weakest", "learn_question") for i in range(3)} <= used


def test_the_variant_index_does_not_depend_on_the_language():
    parts = ("AT32", "r", "learn")
    picked = {lang: c._pick(translator(lang), c.LEARN_QUESTION, parts, names="X") for lang in LANGUAGES}
    i = c.variant(3, "AT32", "r", "learn")
    for lang, text in picked.items():
        assert text == translator(lang)._(c.LEARN_QUESTION[i], names="X")


# --- rules in five languages ------------------------------------------------------------------


def _translated(rule: dict, langs=TRANSLATED_LANGUAGES) -> dict:
    return {
        **rule,
        "translations": {
            lang: {
                "title": f"[{lang}] title",
                "recommendation": f"[{lang}] Tun Sie etwas.",
                "rationale": f"[{lang}] Begründung.",
            }
            for lang in langs
        },
    }


def test_every_builtin_rule_has_its_texts_in_all_four_languages():
    for rule in load_rules():
        assert sorted(rule.translations) == sorted(TRANSLATED_LANGUAGES), rule.id
        for lang in TRANSLATED_LANGUAGES:
            got = rule.translations[lang]
            assert sorted(got) == sorted(TEXT_FIELDS), (rule.id, lang)
            for name in TEXT_FIELDS:
                assert got[name].strip() and got[name] != getattr(rule, name), (rule.id, lang, name)
                assert placeholders(got[name]) == placeholders(getattr(rule, name)), (rule.id, lang, name)


def test_translations_are_validated_field_by_field():
    base = h.rule("r1", {"item_below": {"item": "b1_q1", "threshold": 40}})
    ok = load_rules(extra=[_translated(base)], replace=True)["r1"]
    assert ok.text("title", "de") == "[de] title" and ok.text("title", "en") == "Title of r1"
    assert ok.untranslated() == []
    bad = _translated(base)
    bad["translations"]["xx"] = bad["translations"]["de"]
    del bad["translations"]["fr"]["rationale"]
    bad["translations"]["it"]["summary"] = "?"
    bad["translations"]["sl"]["title"] = "{territory} naslov"
    with pytest.raises(InputError) as exc:
        load_rules(extra=[bad], replace=True)
    text = str(exc.value)
    for where in ("translations.xx", "translations.fr.rationale", "translations.it.summary", "translations.sl.title"):
        assert where in text, where


def test_a_user_rule_without_a_language_falls_back_to_english_and_is_listed():
    res = h.make_result(
        items=[h.item(r, "b1_q1", v, half=5.0, n=20) for r, v in (("AA11", 20), ("PP1", 60), ("PP2", 65))],
        peer_groups={"g": ["AA11", "PP1", "PP2"]},
    )
    rules = load_rules(
        extra=[_translated(h.rule("r1", {"item_below": {"item": "b1_q1", "threshold": 40}}), langs=("de", "fr"))],
        replace=True,
    )
    out = c.compose(recommend(res, rules=rules), res, rules=rules)
    assert out.attrs["record"]["untranslated"] == {"r1": ["it", "sl"]}
    row = out[(out["region"] == "AA11") & (out["rule_id"] == "r1")].iloc[0]
    assert row["texts"]["de"]["title"] == "[de] title" and "[de] Tun Sie etwas." in row["texts"]["de"]["action"]
    assert row["texts"]["it"]["title"] == "Title of r1" and "Do something about r1." in row["texts"]["it"]["action"]
    # the composer's own sentences are in Italian all the same
    it_opener = row["texts"]["it"]["action"].split("Do something")[0]
    assert it_opener and it_opener not in row["texts"]["en"]["action"]


def test_rule_texts_in_the_other_languages_leave_no_english_rule_text(demo, texts):
    rules = load_rules()
    fired = set(demo.recommendations["rule"])
    english = [getattr(r, name) for r in rules if r.id in fired for name in ("recommendation",)]
    for lang in OTHERS:
        joined = " ".join(texts[texts["language"] == lang]["action"])
        assert not [e for e in english if e in joined], lang


# --- issue 11: merged rows' questions, themes of open answers, S3 priorities --------------------


def test_the_items_column_lists_the_questions_of_merged_rows_too():
    ev = {
        "triggered_by": [{"item": "b2_q1"}],
        "questions_behind_peers": [{"item": "b2_q4"}],
        "merged": [{"rule_id": "x", "triggered_by": [{"item": "b2_q2"}, {"item": "b2_q1"}]}, {"rule_id": "y"}],
    }
    assert _items(json.dumps(ev)) == "b2_q1 b2_q4 b2_q2"
    assert _items("not json") == ""


def test_demo_items_include_every_merged_question(demo):
    checked = 0
    for r in demo.recommendations.to_dict("records"):
        ev = json.loads(r["evidence"])
        merged = {f["item"] for m in ev.get("merged") or [] for f in m.get("triggered_by") or [] if f.get("item")}
        assert merged <= set(str(r["items"]).split()), (r["region"], r["rank"])
        checked += bool(merged)
    assert checked > 5


def _three(**extra):
    items = [h.item(r, "b1_q1", v, half=5.0, n=20) for r, v in (("AA11", 20), ("PP1", 60), ("PP2", 65), ("PP3", 70))]
    return h.make_result(items=items, peer_groups={"g": ["AA11", "PP1", "PP2", "PP3"]}, **extra)


def test_texts_name_the_themes_respondents_raise_in_their_open_answers_in_every_language():
    res = _three()
    rules = load_rules(extra=[h.rule("r1", {"item_below": {"item": "b1_q1", "threshold": 40}})], replace=True)
    answers = ["Mehr Beteiligung der Cluster am Entwurf", "Le pilotage devrait associer les clusters", "ok"]

    def composed(n_about):
        comments = pd.DataFrame(
            {
                "respondent_id": range(n_about + 1),
                "region": "AA11",
                "item": "b1_open",
                "text": [answers[i % 2] for i in range(n_about)] + [answers[2]],
            }
        )
        out = c.compose(recommend(res, rules=rules), res, rules=rules, open_comments=comments, min_respondents=3)
        return out[(out["region"] == "AA11") & (out["rule_id"] == "r1")].iloc[0]["texts"]

    row = composed(4)
    for lang in LANGUAGES:
        t = translator(lang)
        expected = t.ngettext(
            "In their open answers, {n} respondent in {who} raises {theme} as well.",
            "In their open answers, {n} respondents in {who} raise {theme} as well.",
            4,
            who="AA11",
            theme=t._(c.THEMES["b1"]),
        )
        assert expected in row[lang]["action"], lang
    row = composed(2)  # fewer than k respondents raise it: not said
    assert "open answers" not in row["en"]["action"]


def test_texts_about_alignment_name_the_territorys_s3_priorities_in_every_language():
    res = _three()
    rules = load_rules(
        extra=[h.rule("r2", {"item_below": {"item": "b1_q1", "threshold": 40}}, topics=["alignment"])],
        replace=True,
    )
    matches = pd.DataFrame(
        {
            "territory_a": ["AA11", "AA11", "PP1"],
            "territory_b": ["PP1", "PP2", "PP2"],
            "priority_a": ["AA11-01", "AA11-02", "PP1-01"],
            "title_a": ["Agri-food", "Smart mobility", "Tourism"],
            "priority_b": ["PP1-01", "PP2-01", "PP2-01"],
            "title_b": ["Tourism", "Health", "Health"],
        }
    )
    terr = pd.DataFrame({"territory": ["AA11"], "n_priorities": [5]})
    out = c.compose(
        recommend(res, rules=rules),
        res,
        rules=rules,
        alignment={"priority_matches": matches, "alignment_territories": terr},
    )
    row = out[(out["region"] == "AA11") & (out["rule_id"] == "r2")].iloc[0]["texts"]
    for lang in LANGUAGES:
        action = row[lang]["action"]
        assert "Agri-food" in action and "Smart mobility" in action and "Tourism" not in action, lang
        assert translator(lang).integer(5) in action
    assert "Its S3 names 5 priority areas, among them ‘Agri-food’ and ‘Smart mobility’." in row["en"]["action"]


def test_a_low_national_alignment_names_the_period_of_the_national_s3_in_every_language():
    rules = load_rules()
    terr = pd.DataFrame({"territory": ["AA11"], "n_priorities": [5], "vertical": [28.9]})
    composer = c.Composer(_three(), rules, alignment={"alignment_territories": terr}, names={"AA11": "Aland"})
    fig = {
        "trigger": "alignment_below",
        "kind": "vertical",
        "statistic": "vertical",
        "score": 28.9,
        "threshold": 30.0,
        "pairs": [{"territory": "AA", "score": 28.9}],
        "national_period": "2014-2020",
    }
    english = composer.opener("AA11", "r", [fig], translator("en"))
    assert "matches the national S3 2014–2020 at 29 of 100" in english
    for lang in OTHERS:
        text = composer.opener("AA11", "r", [fig], translator(lang))
        assert "2014–2020" in text and "national S3" not in text, (lang, text)
    older = {k: v for k, v in fig.items() if k != "national_period"}  # a run recorded before periods were
    assert "matches the national strategy at 29 of 100" in composer.opener("AA11", "r", [older], translator("en"))
