"""The glossary (docs/glossary.md) is well formed and the message catalogues use its terms (issue 12, point 4).

For every row of the glossary marked "checked: yes", every translated catalogue entry whose
English text contains the English term (whole word, case-insensitive, `{fields}` removed) must
contain one of the language's stems in its translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "src" / "s3stresstest" / "locale"
INSTRUMENTS = ROOT / "src" / "s3stresstest" / "instrument" / "data"
TRANSLATED = ("de", "fr", "it", "sl")
LANGUAGE_COLUMNS = {"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano", "sl": "Slovenščina"}
FIELD = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Term:
    id: str
    words: dict[str, str]  # language -> the glossary's term (with notes)
    checked: bool
    patterns: dict[str, tuple[re.Pattern[str], ...]]  # language -> alternatives; "en" gets word boundaries


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; "\\|" inside a cell is a literal bar."""
    inner = line.strip()[1:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def _table(text: str, heading: str) -> list[dict[str, str]]:
    """The first Markdown table after the heading, as a list of {column: cell}."""
    start = text.index(heading)
    lines = text[start:].splitlines()[1:]
    rows = [ln for ln in lines if ln.startswith("|")]
    first = lines.index(rows[0])
    block: list[str] = []
    for ln in lines[first:]:
        if not ln.startswith("|"):
            break
        block.append(ln)
    header = _cells(block[0])
    assert set(_cells(block[1])) <= {"---"}, f"{heading}: second line must be the separator"
    return [dict(zip(header, _cells(ln), strict=True)) for ln in block[2:]]


def _spans(cell: str) -> tuple[str, ...]:
    return tuple(s.replace("\\|", "|") for s in re.findall(r"`([^`]+)`", cell))


def load_glossary(path: Path = GLOSSARY) -> list[Term]:
    text = path.read_text(encoding="utf-8")
    terms = _table(text, "## Terms")
    checks = {row["id"]: row for row in _table(text, "## How the check works")}
    out = []
    for row in terms:
        pats: dict[str, tuple[re.Pattern[str], ...]] = {}
        check = checks.get(row["id"])
        if check is not None:
            for lang in LANGUAGE_COLUMNS:
                spans = _spans(check[lang])
                if lang == "en":
                    pats[lang] = tuple(re.compile(rf"\b(?:{s})\b", re.IGNORECASE) for s in spans)
                else:
                    pats[lang] = tuple(re.compile(s, re.IGNORECASE) for s in spans)
        out.append(
            Term(
                id=row["id"],
                words={lang: row[col] for lang, col in LANGUAGE_COLUMNS.items()},
                checked=row["checked"].lower().startswith("yes"),
                patterns=pats,
            )
        )
    return out


def violations(catalogue: Catalog, language: str, terms: list[Term], where: str = "") -> list[str]:
    """One line per translated entry that has a checked English term but none of the language's stems."""
    found = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        strs = tuple(s for s in strs if s)
        if not strs:
            continue  # untranslated: the completeness test's business
        english = " ".join(FIELD.sub(" ", s) for s in ids)
        for term in terms:
            if not term.checked or not any(p.search(english) for p in term.patterns["en"]):
                continue
            for s in strs:
                plain = FIELD.sub(" ", s)
                if not any(p.search(plain) for p in term.patterns[language]):
                    found.append(f"{where} [{language}] term '{term.id}': {ids[0]!r} -> {s!r}")
    return found


@pytest.fixture(scope="module")
def glossary() -> list[Term]:
    return load_glossary()


def test_glossary_is_well_formed(glossary):
    ids = [t.id for t in glossary]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    for t in glossary:
        assert all(t.words[lang] for lang in LANGUAGE_COLUMNS), t.id
        if t.checked:
            assert set(t.patterns) == set(LANGUAGE_COLUMNS) and all(t.patterns.values()), t.id
    # the terms of the common glossary are all there
    by_id = {t.id: t for t in glossary}
    assert "strategija pametne specializacije" in by_id["s3"].words["sl"]
    assert by_id["cluster_organisation"].words["de"] == "Clusterorganisation"
    assert by_id["edp"].words["fr"].startswith("processus de découverte entrepreneuriale")
    assert by_id["peer_group"].words["it"] == "gruppo di confronto"


def test_each_language_term_matches_its_own_pattern(glossary):
    """The stems accept the glossary's own wording (so a translation that follows it passes)."""
    for t in glossary:
        if not t.checked:
            continue
        for lang in LANGUAGE_COLUMNS:
            word = FIELD.sub(" ", t.words[lang])
            assert any(p.search(word) for p in t.patterns[lang]), (t.id, lang, t.words[lang])


def test_every_checked_term_is_decidable_against_the_questionnaire_terms(glossary):
    """Stems accept the questionnaire's inflected wording too, e.g. the Slovenian genitive plural."""
    by_id = {t.id: t for t in glossary}
    samples = {
        ("cluster_organisation", "sl"): "Kakšen vpliv ima S3 na organizacije grozdov?",
        ("cluster_organisation", "fr"): "Quel impact la S3 a-t-elle sur les organisations de clusters ?",
        ("cluster_organisation", "de"): "Welche Wirkung hat die S3 auf die Clusterorganisationen?",
        ("edp", "sl"): "o podjetniškem procesu odkrivanja (EDP)",
        ("edp", "de"): "über den unternehmerischen Entdeckungsprozess (EDP)",
        ("priority", "sl"): "o prednostnih usmeritvah S3",
        ("cluster_portfolio", "fr"): "le portefeuille régional de clusters",
        ("neighbouring_region", "it"): "le strategie delle regioni limitrofe",
    }
    for (tid, lang), text in samples.items():
        assert any(p.search(text) for p in by_id[tid].patterns[lang]), (tid, lang, text)


def test_check_finds_a_translation_that_ignores_the_glossary(glossary):
    cat = Catalog(locale="de")
    cat.add("Involve cluster organisations in {territory}", "Binden Sie die Clusterorganisationen in {territory} ein")
    cat.add("Fewer than {k} respondents", "Weniger als {k} Befragte")
    assert violations(cat, "de", glossary) == []
    bad = Catalog(locale="de")
    bad.add("Involve cluster organisations", "Binden Sie die Netzwerkorganisationen ein")
    bad.add("{n} peer group", "{n} Peergruppe")
    bad.add("Untranslated peer group", "")  # left to the completeness test
    bad.add(("{n} respondent", "{n} respondents"), ("{n} Befragte", "{n} Teilnehmende"))
    found = violations(bad, "de", glossary)
    assert len(found) == 4, found  # "cluster organisations" lacks both 'cluster' and 'cluster_organisation'
    assert any("'cluster'" in f for f in found) and any("cluster_organisation" in f for f in found)
    assert any("peer_group" in f for f in found)
    assert any("respondent" in f and "Teilnehmende" in f for f in found)


def _catalogues() -> list[Path]:
    return sorted(p for lang in TRANSLATED for p in (LOCALE / lang / "LC_MESSAGES").glob("*.po"))


def test_catalogues_use_the_glossary_terms(glossary):
    paths = _catalogues()
    assert paths, "no catalogues found"
    found: list[str] = []
    for path in paths:
        language = path.parent.parent.name
        with path.open("rb") as f:
            cat = read_po(f, locale=language)
        found += violations(cat, language, glossary, where=str(path.relative_to(LOCALE)))
    assert not found, f"{len(found)} catalogue entries do not use the glossary's term:\n" + "\n".join(found)


#: Questionnaire texts where a checked English word is not the glossary's concept (see docs/glossary.md).
QUESTIONNAIRE_EXCEPTIONS = {
    ("finding", "Findings from cluster-level monitoring"),  # everyday "findings", not the product's finding
    ("cluster", "European Secretariat for Cluster Analysis"),  # a proper name, stays English
}


def test_questionnaire_uses_the_glossary_terms(glossary):
    columns = {
        "de": "Deutsch (de)",
        "fr": "Français (fr)",
        "it": "Italiano (it)",
        "sl": "Slovenščina (sl)",
    }
    paths = sorted(INSTRUMENTS.glob("*.yaml"))
    assert paths
    found: list[str] = []
    for path in paths:
        sheets = yaml.safe_load(path.read_text(encoding="utf-8"))["sheets"]
        for language, column in columns.items():
            cat = Catalog(locale=language)
            for sheet in sheets.values():
                for row in sheet.get("rows") or []:
                    for kind in ("label", "hint"):
                        english, text = row.get(f"{kind}::English (en)"), row.get(f"{kind}::{column}")
                        if english and text:
                            cat.add(str(english), str(text))
            found += [
                v
                for v in violations(cat, language, glossary, where=path.name)
                if not any(f"'{tid}'" in v and needle in v for tid, needle in QUESTIONNAIRE_EXCEPTIONS)
            ]
    assert not found, f"{len(found)} questionnaire texts do not use the glossary's term:\n" + "\n".join(found)
