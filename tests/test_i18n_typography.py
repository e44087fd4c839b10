"""Typography of the translations: Italian articles before "StressTest", one kind of Slovenian quotation marks.

Checked on the catalogues' texts (every message, every plural form) and on the data files' Slovenian texts,
so a new message cannot bring the mistake back, and on a sentence the reports print.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from s3stresstest.i18n import translator
from s3stresstest.i18n.catalogues import LOCALE_DIR

SRC = Path(__file__).resolve().parents[1] / "src" / "s3stresstest"

# "StressTest" starts with s + consonant: Italian takes lo/allo/dello/dallo/nello/sullo, never il/al/del...
WRONG_ITALIAN_ARTICLE = re.compile(r"\b(il|al|del|dal|nel|sul|col|un)\s+(S3\s+)?StressTest\b", re.IGNORECASE)
# Slovenian quotes with »…«; „…“, “…”, ‘…’ and straight quotes around a text are the other conventions.
OTHER_SLOVENIAN_QUOTES = re.compile(r"[„“”‘’]|(?<![\w])'[^']+'(?![\w])|\"[^\"]+\"")


def _texts(language: str):
    for po in sorted((Path(LOCALE_DIR) / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            for m in read_po(f):
                if not m.id:
                    continue
                for s in m.string if isinstance(m.string, (tuple, list)) else [m.string]:
                    if s:
                        yield po.name, m.id if isinstance(m.id, str) else m.id[0], s


def _slovenian_data_texts():
    """Every Slovenian string of the packaged data files (rules, action lines, instruments...)."""

    def walk(node, slovenian):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, slovenian or k == "sl" or str(k).endswith("(sl)"))
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, slovenian)
        elif isinstance(node, str) and slovenian:
            yield node

    for path in sorted(SRC.glob("*/data/*.yaml")):
        for text in walk(yaml.safe_load(path.read_text(encoding="utf-8")), False):
            yield path.name, text


def test_italian_takes_lo_before_stresstest():
    wrong = [(f, i, s) for f, i, s in _texts("it") if WRONG_ITALIAN_ARTICLE.search(s)]
    assert not wrong, wrong


def test_the_italian_respondents_sentence_reads_allo_stresstest():
    t = translator("it")
    text = t.ngettext(
        "{territory}: {total} respondent from {groups} answered the StressTest.",
        "{territory}: {total} respondents from {groups} answered the StressTest.",
        12,
        territory="Piemonte (ITC1)",
        total=12,
        groups="3 gruppi",
    )
    assert text.startswith("Piemonte (ITC1): allo StressTest hanno risposto 12"), text


def test_slovenian_quotes_only_with_guillemets():
    wrong = [(f, i, s) for f, i, s in _texts("sl") if OTHER_SLOVENIAN_QUOTES.search(s)]
    wrong += [(f, "", s) for f, s in _slovenian_data_texts() if OTHER_SLOVENIAN_QUOTES.search(s)]
    assert not wrong, wrong
    # and the guillemets open with » and close with «, the Slovenian way round
    reversed_ = [(f, i, s) for f, i, s in _texts("sl") if re.search(r"«\w|\w»(?!\S)", s)]
    assert not reversed_, reversed_


@pytest.mark.parametrize("language, quoted", [("sl", "»Več razpisov«"), ("de", "„Mehr Aufrufe“")])
def test_an_answer_is_quoted_in_the_page_language(language, quoted):
    from s3stresstest.recommend.keywords import quoted as quote

    text = "Več razpisov" if language == "sl" else "Mehr Aufrufe"
    assert quote(text, language).startswith(quoted)


# a Slovenian preposition that governs a case other than the nominative ("pri vprašanju", "na vprašanje" is
# accusative and reads alike, so it is left out); the question label "vprašanje b3.2 (»…«)" is nominative
SLOVENIAN_PREPOSITION_BEFORE_NOMINATIVE = re.compile(r"\b(pri|o|v|po|z|s|od|do|iz|k|h|med|pred|nad|pod)\s+vprašanje\b")


@pytest.mark.parametrize(
    "figures",
    [
        {"trigger": "groups_disagree", "item": "b3_2", "group_spread": 40.0, "groups_published": 3},
        {"trigger": "groups_disagree", "item": "b3_2", "group_spread": 40.0},
        {"trigger": "item_share", "item": "b1_5", "share": 0.55, "n": 22, "choices": ["no"], "min_share": 0.5},
        {"trigger": "item_share", "item": "b1_5", "share": 0.55, "choices": ["no"], "min_share": 0.5},
    ],
)
def test_slovenian_evidence_declines_around_the_question_label(figures):
    """The reports name a question 'vprašanje b3.2 (»…«)', a nominative: a sentence may not put it after a
    preposition that needs another case ('se pri vprašanje b3.2 … ne strinjajo')."""
    from s3stresstest.report.evidence import sentence

    t = translator("sl")
    label = lambda code: t._("question {number} (“{text}”)", number=code.replace("_", "."), text="Besedilo?")  # noqa: E731
    text = sentence(figures, item=label, language="sl")
    assert "vprašanje b" in text, text
    assert not SLOVENIAN_PREPOSITION_BEFORE_NOMINATIVE.search(text), text


# Italian elides with the typographic apostrophe (l’organizzazione, dell’EDP), as the privacy notice does;
# a straight ' between letters is the other convention and must not come back in reader-facing text
STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def _italian_data_texts():
    """Every Italian string of the packaged data files: the built-in questionnaires' labels, hints and
    choices (`label::Italiano (it)`), the rules' Italian texts (`it:`) ..."""

    def walk(node, italian):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, italian or k == "it" or str(k).endswith("(it)"))
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, italian)
        elif isinstance(node, str) and italian:
            yield node

    for path in sorted(SRC.glob("*/data/*.yaml")):
        for text in walk(yaml.safe_load(path.read_text(encoding="utf-8")), False):
            yield path.name, text


def test_italian_apostrophes_are_typographic():
    wrong = [(f, i, s) for f, i, s in _texts("it") if STRAIGHT_APOSTROPHE.search(s)]
    wrong += [(f, "", s) for f, s in _italian_data_texts() if STRAIGHT_APOSTROPHE.search(s)]
    assert not wrong, wrong[:10]


def test_the_builtin_questionnaire_reads_d_accordo_with_the_typographic_apostrophe():
    from s3stresstest.instrument.builtin import load_builtin

    ins = load_builtin()
    italian = [c.labels.get("Italiano (it)", "") for cl in ins.lists.values() for c in cl.choices]
    assert "Totalmente d’accordo" in italian
    italian += [i.labels.get("Italiano (it)", "") for i in ins.items]
    italian += [b.labels.get("Italiano (it)", "") for b in ins.blocks]
    assert not [x for x in italian if STRAIGHT_APOSTROPHE.search(x)]


@pytest.mark.parametrize(
    "language, start",
    [
        ("de", "S3-StressTest-Fragebogen (s3_stresstest, Version 1.0.0): alle Fragen"),
        ("fr", "Questionnaire S3 StressTest (s3_stresstest version 1.0.0) : toutes les questions"),
        ("it", "Questionario S3 StressTest (s3_stresstest versione 1.0.0): tutte le domande"),
        ("sl", "Vprašalnik S3 StressTest (s3_stresstest, različica 1.0.0): vsa vprašanja"),
        ("en", "S3 StressTest questionnaire (s3_stresstest version 1.0.0): every question"),
    ],
)
def test_the_annex_names_the_questionnaire_apart_from_the_sentence(language, start):
    """'Alle Fragen von S3-StressTest-Fragebogen' lacked the genitive (and 'Vsa vprašanja vprašalnika
    Vprašalnik …' doubled the noun): the name stands before a colon, where no case or article must fit it."""
    from s3stresstest.report.regional import _title

    t = translator(language)
    text = t._(
        "{title} ({form} version {version}): every question in questionnaire order, with its answer "
        "scale and this territory's score.",
        title=_title("S3 StressTest questionnaire", t),
        form="s3_stresstest",
        version="1.0.0",
    )
    assert text.startswith(start), text
