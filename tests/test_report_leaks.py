"""English words and raw codes that come from data or run records, not from the catalogues, must not leak
into a German, French, Italian or Slovenian output (review of 2026-12-06, items 5-13, 16, 18).

`test_report_languages` catches English fixed texts of the catalogues. This file catches what it cannot
see, generally rather than phrase by phrase, in regional reports of a small synthetic run with alignment:

- raw ids of the run: peer-group ids ('alpine', 'european', quoted 'all'), taxonomy axis ids ('nabs',
  'horizon_cluster'), the keyword stems of the excerpts ('uberarbeit');
- English texts recorded by the pipeline: the ranking rule of the recommendations, the demo's
  '[synthetic] ' mark of open answers, the GISCO attribution, the English titles of the built-in EU
  topic lists ("Health"), the alignment notes;
- typography: answers quoted with the language's quotation marks, not English ones;
- the header lists the peer groups the report compares with;
- call texts (beneficiaries, the smallest change, the topic) and footers per document type;
- catalogue grammar that would need a name's gender, number or case (item 13).
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from report_support import make_results

from s3stresstest.i18n.catalogues import po_path
from s3stresstest.recommend.keywords import BLOCK_KEYWORDS
from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.report.alignment_notes import PATTERNS as NOTE_PATTERNS
from s3stresstest.report.alignment_notes import note_parts
from s3stresstest.report.render import Document
from s3stresstest.report.topic_names import TITLES

OTHERS = ["de", "fr", "it", "sl"]
REGIONAL = ["ITC4", "AT31"]  # an Italian and a German-speaking Alpine territory, both with neighbours in the run
QUOTES = {"de": ("„", "“"), "fr": ("« ", " »"), "it": ("«", "»"), "sl": ("»", "«")}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("leaks") / "results", bootstrap=20)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def pages(inputs):
    """(language, region) -> (document, the page's text, whitespace collapsed)."""
    out = {}
    for lang in ["en", *OTHERS]:
        for region in REGIONAL:
            doc = build_regional(inputs, region, language=lang)
            out[(lang, region)] = (doc, _text(render_html(doc)))
    return out


def _text(html: str) -> str:
    html = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]*?>", lambda m: " " + " ".join(re.findall(r'="([^"]*)"', m[0])) + " ", html)
    import html as html_lib

    return " ".join(html_lib.unescape(html).split())


def _raw_ids(inputs) -> dict[str, list[str]]:
    """What the run calls by code and a reader must never see as such."""
    groups = sorted(inputs.peer_groups)
    syn = (inputs.alignment or {}).get("synergies")
    axes = sorted(set(syn["topic_axis"].astype(str))) if syn is not None and len(syn) else []
    stems = sorted({s for by_lang in BLOCK_KEYWORDS.values() for ss in by_lang.values() for s in ss})
    return {"groups": groups, "axes": axes, "stems": stems}


def _leaks(text: str, language: str, inputs) -> list[str]:
    from s3stresstest.recommend.compose import RANKING as COMPOSED
    from s3stresstest.recommend.engine import RANKING as ENGINE
    from s3stresstest.report.common import peer_label
    from s3stresstest.report.maps import ATTRIBUTION

    ids = _raw_ids(inputs)
    found = []
    named = text
    for g in ids["groups"]:  # a group's name may hold its id as a word ("Regioni alpine")
        named = named.replace(peer_label(g, language=language), " ")
    for g in ids["groups"]:
        if re.search(rf"[„«‘'\"“]\s?{re.escape(g)}\s?[“»’'\"”]", named):
            found.append(f"quoted peer-group id {g!r}")
        if g != "all" and re.search(rf"\b{re.escape(g)}\b", named):
            found.append(f"peer-group id {g!r}")
    found += [
        f"taxonomy axis id {a!r}" for a in ids["axes"] if re.search(rf"(?<![\w/.-]){re.escape(a)}(?![\w/.-])", text)
    ]
    found += [f"keyword stem {s!r}" for s in ids["stems"] if f"'{s}'" in text]
    for english in (COMPOSED, ENGINE, "per territory", ATTRIBUTION, "[synthetic]", "\u201d"):
        if english in text:
            found.append(f"English record text {english!r}")
    for code, pattern in NOTE_PATTERNS.items():  # the alignment's English notes ("... in the input")
        if re.search(pattern, text):
            found.append(f"English alignment note {code!r}")
    from s3stresstest.i18n import translator

    t = translator(language)
    for title in set(TITLES.values()):
        # the title on its own, not the start of a strategy's own priority area ("Health and life science")
        if t._(title) != title and re.search(rf"\b{re.escape(title)}\b(?![ -][a-z])", text):
            found.append(f"English EU topic title {title!r}")
    return found


def test_the_checker_finds_the_leaks_it_looks_for(inputs):
    text = (
        "Mittelwert von „alpine“ 42; Health | nabs AT31; '[synthetic] Mehr Daten'; 'uberarbeit', 'antrage'; "
        "Reihung: per territory: priority score (0-100) first, then larger |gap|, then rule id; « all » 3; "
        "Nationale Abstimmung no national strategy for AT in the input; no neighbour with a strategy in the input"
    )
    found = " | ".join(_leaks(text, "de", inputs))
    for what in (
        "'alpine'",
        "'all'",
        "'nabs'",
        "'uberarbeit'",
        "[synthetic]",
        "per territory",
        "'Health'",
        "'no_national'",
        "'no_neighbour'",
    ):
        assert what in found, what
    assert _leaks("Alpenregionen, Gesundheit (NABS 07)", "de", inputs) == []


@pytest.mark.parametrize("language", OTHERS)
def test_no_raw_id_or_english_record_text_in_a_regional_report(pages, inputs, language):
    for region in REGIONAL:
        _doc, text = pages[(language, region)]
        assert not _leaks(text, language, inputs), f"{region} in {language}: {_leaks(text, language, inputs)}"


@pytest.mark.parametrize("language", OTHERS)
def test_quoted_answers_use_the_language_marks_and_say_synthetic_in_the_language(pages, language):
    from s3stresstest.i18n import translator

    t = translator(language)
    label = t._("{quote} (synthetic answer)", quote="").strip(" ()")
    opening, closing = QUOTES[language]
    seen = 0
    for region in REGIONAL:
        doc, _ = pages[(language, region)]
        quoted = [x for x in doc.text().splitlines() if label in x]
        seen += len(quoted)
        for line in quoted:
            assert line.startswith(opening) and closing in line, line
    assert seen, f"no synthetic answer quoted in {language}"


def test_english_keeps_its_marks_and_the_synthetic_label(pages):
    doc, _text = pages[("en", "ITC4")]
    quoted = [x for x in doc.text().splitlines() if "synthetic answer" in x]
    assert quoted and all(x.startswith("\u201c") and "[synthetic]" not in x for x in quoted)


@pytest.mark.parametrize("language", ["en", *OTHERS])
def test_the_header_names_every_peer_group_the_report_compares_with(pages, inputs, language):
    from s3stresstest.report.common import peer_label

    for region in REGIONAL:
        doc, _ = pages[(language, region)]
        compared = set(inputs.rows("benchmarks", region)["peer_group"])
        assert compared - set(inputs.groups_of(region)), "the test needs a group the territory is not in"
        for g in compared:
            assert peer_label(g, language=language) in doc.subtitle, (g, doc.subtitle)


def test_synergy_topics_are_listed_once_each_with_readable_classifications(pages):
    doc, _ = pages[("de", "ITC4")]
    from s3stresstest.report.render import Table

    tables = [
        b
        for s in doc.sections
        for b in s.blocks
        if isinstance(b, Table) and b.caption == "Synergiethemen, die mit Nachbarn geteilt werden"
    ]
    assert tables, "no synergy table"
    topics = [r[0] for r in tables[0].rows]
    assert len(topics) == len({x.casefold() for x in topics}), topics
    assert "Gesundheit" in topics and "Health" not in topics
    assert any("NABS 07" in r[1] for r in tables[0].rows)


# -- call texts and footers -----------------------------------------------------------------------


def _plan():
    from s3stresstest.calls import plan_calls, programmes_from_data

    def prog(pid, region, **kw):
        base = {
            "id": pid,
            "region": region,
            "name": f"Programme {pid}",
            "topics": ["ecosystem:health"],
            "budget_eur": 1_000_000,
            "funding_rate": 0.5,
            "max_grant_eur": 100_000,
            "earliest_open": "2027-01-10",
            "latest_close": "2027-03-01",
            "min_open_days": 30,
            "evaluation_days": 60,
            "eligible_beneficiaries": ["SME", "large enterprise", "research organisation"],
            "languages": ["de", "en"],
        }
        return base | kw

    data = {
        "format": "s3stresstest-programmes/1",
        "source": "test case",
        "programmes": [prog("a", "AT32"), prog("b", "ITC1", earliest_open="2027-02-15", latest_close="2027-06-30")],
    }
    return plan_calls(programmes_from_data(data), ["ecosystem:health"])


@pytest.mark.parametrize("language", OTHERS)
def test_call_texts_carry_no_english_data_words_or_raw_changes(language):
    from s3stresstest.calls.texts import call_text

    plan = _plan()
    call = plan.calls[0]
    assert not call.feasible and call.changes
    text = call_text(call, plan, language)
    for english in ("SME", "large enterprise", "research organisation", "Health", "->", "days)", "latest_close"):
        assert english not in text, (language, english)
    assert "Deutsch" in text or "allemand" in text or "tedesco" in text or "nemščina" in text


def test_footer_per_document_type_names_the_version():
    from s3stresstest import __version__

    def footer(kind):
        html = render_html(Document(kind=kind, title="x", toc=False, language="de"))
        return _text(html.split('<footer class="doc-footer">', 1)[1])

    for kind in ("actionplan", "pilot"):
        f = footer(kind)
        assert __version__ in f and "s3stresstest ." not in f and "Rangliste" not in f, f
    assert "Rangliste" in footer("regional")


# -- grammar of the catalogues (item 13) ----------------------------------------------------------


def _strings(language: str, domain: str):
    with po_path(language, domain).open("rb") as f:
        cat = read_po(f, locale=language, domain=domain)
    for m in cat:
        if m.id:
            yield m.id, ([m.string] if isinstance(m.string, str) else list(m.string))


@pytest.mark.parametrize("domain", ["report", "regional", "recommend", "findings", "synthesis"])
def test_no_translation_needs_a_names_case_gender_or_number(domain):
    """Names are not inflected: Slovenian puts no preposition that governs a case right before a name
    ('za območje {territory}', not 'za {territory}'); Italian does not let a participle agree with one
    ('Il territorio {territory} è confrontato'); German starts no relative clause after a list of names."""
    bad = []
    for mid, strings in _strings("sl", domain):
        bad += [(mid, s) for s in strings if re.search(r"\b(za|pri|iz|od|do|o|k|h|s|z|v|na) \{(territory|who)\}", s)]
    for mid, strings in _strings("it", domain):
        bad += [(mid, s) for s in strings if re.search(r"(^|[.;:] )\{(territory|who)\} è \w+(at|it|ut)[oa]\b", s)]
    for mid, strings in _strings("de", domain):
        bad += [(mid, s) for s in strings if re.search(r"\{names\}( \([^)]*\))?, die\b", s)]
    assert not bad, bad


def test_one_subject_on_several_classifications_is_one_topic():
    from s3stresstest.recommend.topics import collapse_topics
    from s3stresstest.report.topic_names import topic_title

    def tp(axis, code, title, partners=("AT31", "DE2")):
        return {"axis": axis, "code": code, "title": title, "partners": list(partners)}

    out = collapse_topics(
        [
            tp("nabs", "07", "Health"),
            tp("horizon_cluster", "CL1", "Health"),
            tp("ecosystem", "digital", "Digital"),
            tp("priorities", "G6", "Digitalisation"),  # a priority group titled by the strategies' word
            tp("nace", "Z99", "Quantum technologies"),  # no subject: the same title still merges
            tp("priorities", "G9", "Quantum technologies"),
            tp("priorities", "G7", "Quantum technologies", partners=("DE2",)),  # other partners: apart
        ]
    )
    assert [x["code"] for x in out] == ["07", "digital", "Z99", "G7"]
    assert [x["code"] for x in out[1]["same_as"]] == ["G6"]
    # the row reads in the report's language when it or a merged topic has a built-in EU title
    assert topic_title(out[0], "de") == "Gesundheit" and topic_title(out[2], "de") == "Quantum technologies"


# -- alignment notes (item 5) -----------------------------------------------------------------------


def test_every_alignment_note_of_a_run_is_read_completely(inputs, national_run):
    for run in (inputs, national_run):
        notes = run.alignment["alignment_territories"]["note"].dropna().astype(str)
        assert (notes != "").any()
        for note in notes:
            assert all(code for code, _ in note_parts(note)), note


@pytest.fixture(scope="module")
def national_run(tmp_path_factory, shared_data):
    """A run with Slovenia, whose S3 is the national strategy, and territories without a national strategy."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(
            tmp_path_factory.mktemp("national") / "results", ["SI", "ITC4", "AT31", "ES21"], bootstrap=10
        )
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.mark.parametrize("language", OTHERS)
def test_alignment_notes_are_worded_in_the_language_and_in_their_row(national_run, language):
    from s3stresstest.i18n import translator
    from s3stresstest.report.render import Table

    t = translator(language)
    for region in ("SI", "AT31"):
        doc = build_regional(national_run, region, language=language)
        text = _text(render_html(doc))
        assert not _leaks(text, language, national_run), (region, _leaks(text, language, national_run))
        facts = next(
            b
            for s in doc.sections
            if s.id == "alignment"
            for b in s.blocks
            if isinstance(b, Table) and b.columns == [t._("Measure"), t._("Value")]
        )
        national = {r[0]: r[1] for r in facts.rows}[t._("National (vertical) alignment")]
        if region == "SI":  # a national S3: no neighbour message in the national row
            assert national == t._("not applicable: its S3 is the national strategy"), national
        else:
            assert national == t._("no national S3 of {code} is in the sourced data", code="AT"), national


# -- why a part is left out (second review: "L'allineamento non è riportato: no strategies given (the S3
# priorities file): alignment is left out." in Italian, German and Slovenian web-run reports) --


def _recorded(message: str) -> tuple[str, dict[str, str]]:
    fields = {name: f"<{name}-value>" for name in re.findall(r"\{(\w+)\}", message)}
    return message.format(**fields), fields


@pytest.mark.parametrize("language", OTHERS)
def test_every_left_out_reason_a_run_records_is_said_in_the_language(language):
    from s3stresstest.run.reasons import PARTS, REASONS, part_text, reason_text

    for message in REASONS:
        recorded, fields = _recorded(message)
        said = reason_text(recorded, language)
        assert said != recorded, message
        assert all(v in said for v in fields.values()), said  # paths, rule ids and errors kept as recorded
    for key in PARTS:
        assert part_text(key, language) != part_text(key, "en"), key
    assert reason_text("a reason of an older version", language) == "a reason of an older version"


def test_the_run_records_no_reason_that_is_not_a_message():
    """Every `missing[...] = ...` of the run stages uses a message of `run.reasons`, so reports can translate it."""
    from pathlib import Path

    import s3stresstest.run as run_pkg

    for path in Path(run_pkg.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"missing\[[^\]]+\]\s*=\s*\(?\s*f?[\"']", source), path.name
        assert not re.search(r"why\s*=\s*\(?\s*f?[\"']", source), path.name


@pytest.fixture(scope="module")
def no_alignment(tmp_path_factory, shared_data):
    """A run made without a strategies file (as every run made on the web pages is)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(
            tmp_path_factory.mktemp("no-alignment") / "results", REGIONAL, bootstrap=20, alignment=False
        )
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("web", [False, True])
def test_a_report_without_alignment_says_why_in_its_language(no_alignment, language, web):
    from s3stresstest.i18n import translator
    from s3stresstest.run.reasons import NO_STRATEGIES, NO_STRATEGIES_WEB, REASONS

    assert no_alignment.missing["alignment"] == NO_STRATEGIES
    if web:
        no_alignment.missing["alignment"] = NO_STRATEGIES_WEB
    try:
        text = _text(render_html(build_regional(no_alignment, "AT31", language=language)))
    finally:
        no_alignment.missing["alignment"] = NO_STRATEGIES
    for message in REASONS:
        longest = max(re.split(r"\{\w+\}", message), key=len).strip(" :()")
        assert longest not in text, f"English reason in {language}: {longest!r}"
    expected = translator(language)._(NO_STRATEGIES_WEB if web else NO_STRATEGIES)
    assert text.count(expected) >= 2, expected  # in the alignment section and in the provenance list
    assert "alignment:" not in text and "left out" not in text
