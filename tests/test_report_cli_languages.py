"""The language of each report: a `language` column in the regions file, carried into the run folder;
`report --language xx` (every report and the index in xx), the default `--language territory` (each
regional report in its territory's language, the rest in English) and `--also-english`.

Which builder is called in which language is tested with stand-in builders that record their
language (fast, and independent of how far the builders' translations are); the translated reports
themselves are tested in test_report_languages.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import s3stresstest.report as report_pkg
from s3stresstest.campaign import read_regions
from s3stresstest.cli.report import report_app
from s3stresstest.errors import InputError
from s3stresstest.report import Document, ReportInputs, build_reports, parse_language

runner = CliRunner()
LANGUAGES_OF = {"ITC1": "it", "AT31": "de", "ES21": ""}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A small run from files: responses, and a regions file with a language column (ES21 without one)."""
    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.campaign.territories import demo_regions
    from s3stresstest.instrument import load_builtin
    from s3stresstest.run import ReferenceData, RunParams, run_from_files, write_run
    from s3stresstest.scoring import ScoringParams

    folder = tmp_path_factory.mktemp("lang")
    regions = demo_regions()
    regions = regions[regions["region"].isin(list(LANGUAGES_OF))].reset_index(drop=True)
    campaign = generate_campaign(load_builtin(), regions, respondents=8, spec=SyntheticSpec(seed=3))
    campaign.responses.to_csv(folder / "responses.csv", index=False)
    regions.assign(language=[LANGUAGES_OF[c] for c in regions["region"]]).to_csv(folder / "regions.csv", index=False)
    run = run_from_files(
        folder / "responses.csv",
        regions=folder / "regions.csv",
        params=RunParams(scoring=ScoringParams(bootstrap=10)),
        reference=ReferenceData.none(),
    )
    return write_run(run, folder / "results")


@pytest.fixture
def stand_ins(monkeypatch):
    """Replace the three builders with ones that make an empty document in the language asked for."""
    calls: list[tuple[str, str]] = []

    def make(kind: str, what: str, language: str) -> Document:
        calls.append((what, language))
        return Document(kind=kind, title=f"{what} [{language}]", stem=what, language=language)

    monkeypatch.setattr(
        report_pkg, "build_regional", lambda inputs, code, *, language: make("regional", code, language)
    )
    monkeypatch.setattr(
        report_pkg, "build_synthesis", lambda inputs, *, language, **kw: make("synthesis", "synthesis", language)
    )
    monkeypatch.setattr(report_pkg, "build_memo", lambda inputs, *, language, **kw: make("memo", "memo", language))
    return calls


def _html_lang(path: Path) -> str:
    m = re.search(r'<html[^>]*\blang="([^"]+)"', path.read_text(encoding="utf-8"))
    assert m, path
    return m.group(1)


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


# -- the regions file ---------------------------------------------------------------------------


def test_regions_file_language_column_is_read_normalised_and_optional(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("region,name,language\nAT32,Salzburg,de\nITC1,Piemonte, IT \nES21,País Vasco,\n", encoding="utf-8")
    df = read_regions(path)
    assert list(df["language"]) == ["de", "it", ""]
    path.write_text("region,name\nAT32,Salzburg\n", encoding="utf-8")
    assert list(read_regions(path).columns) == ["region", "name"]


def test_bad_language_in_the_regions_file_is_refused_naming_row_column_and_allowed_values(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("region,name,language\nAT32,Salzburg,de\nSI,Slovenija,si\nITC1,Piemonte,italian\n")
    with pytest.raises(InputError) as err:
        read_regions(path)
    problems = err.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, "language"), (4, "language")]
    assert "'si'" in problems[0].message and "en, de, fr, it, sl" in problems[0].message
    assert "'italian'" in problems[1].message


def test_the_run_folder_keeps_each_territory_language(results):
    text = (results / "inputs" / "regions.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "region,name,language"
    inputs = ReportInputs.load(results, reference_data=False)
    assert {c: inputs.territory_language(c) for c in LANGUAGES_OF} == {"ITC1": "it", "AT31": "de", "ES21": None}


def test_a_run_without_territory_languages_has_an_empty_column(tmp_path):
    from s3stresstest.campaign.synthetic import generate_campaign
    from s3stresstest.campaign.territories import demo_regions
    from s3stresstest.instrument import load_builtin
    from s3stresstest.run import ReferenceData, RunParams, build_run, write_run
    from s3stresstest.scoring import ScoringParams

    ins = load_builtin()
    campaign = generate_campaign(ins, demo_regions().head(2), respondents=6)
    run = build_run(campaign, ins, RunParams(scoring=ScoringParams(bootstrap=5)), reference=ReferenceData.none())
    folder = write_run(run, tmp_path / "run")
    lines = (folder / "inputs" / "regions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "region,name,language" and all(line.endswith(",") for line in lines[1:])
    inputs = ReportInputs.load(folder, reference_data=False)
    assert [inputs.territory_language(c) for c in inputs.territories] == [None, None]


def test_the_demo_territories_have_their_country_language():
    from s3stresstest.run import build as build_module

    seen = {}

    def fake_build_run(campaign, *args, **kwargs):
        seen.update(zip(campaign.regions["region"], campaign.regions["language"], strict=True))
        raise RuntimeError("stop")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "build_run", fake_build_run)
        with pytest.raises(RuntimeError, match="stop"):
            build_module.run_demo(bootstrap=5)
    assert {c: seen[c] for c in ("AT32", "DE2", "FRC2", "ITC1", "SI", "CH022", "BE3", "BE2", "ES21")} == {
        "AT32": "de",
        "DE2": "de",
        "FRC2": "fr",
        "ITC1": "it",
        "SI": "sl",
        "CH022": "fr",  # Fribourg: bilingual, French-speaking majority
        "BE3": "fr",  # Wallonia
        "BE2": "",  # Flanders: Dutch is not a report language
        "ES21": "",
    }


# -- which report in which language -------------------------------------------------------------


def test_parse_language():
    assert parse_language(None) is None and parse_language("territory") is None and parse_language(" DE ") == "de"
    with pytest.raises(InputError, match="choose from en, de, fr, it, sl"):
        parse_language("es")


def test_default_each_regional_report_in_its_territory_language_the_rest_in_english(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    build_reports(results, out, "html", inputs=ReportInputs.load(results, reference_data=False))
    assert _files(out) == [
        "index.html",
        "memo.html",
        "regional/AT31.html",
        "regional/ES21.html",
        "regional/ITC1.html",
        "synthesis.html",
    ]
    assert {rel.name: _html_lang(rel) for rel in (out / "regional").iterdir()} == {
        "AT31.html": "de",
        "ES21.html": "en",
        "ITC1.html": "it",
    }
    assert _html_lang(out / "synthesis.html") == _html_lang(out / "memo.html") == _html_lang(out / "index.html") == "en"
    assert sorted(stand_ins) == sorted(
        [("synthesis", "en"), ("memo", "en"), ("ITC1", "it"), ("AT31", "de"), ("ES21", "en")]
    )


def test_also_english_writes_the_english_version_beside_and_links_it(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    build_reports(results, out, "html,docx", inputs=ReportInputs.load(results, reference_data=False), also_english=True)
    files = _files(out)
    for stem in ("regional/AT31", "regional/ITC1"):
        for ext in ("html", "docx"):
            assert f"{stem}.{ext}" in files and f"{stem}.en.{ext}" in files
    assert not [f for f in files if f.startswith(("regional/ES21.en", "synthesis.en", "memo.en"))]
    assert _html_lang(out / "regional" / "AT31.en.html") == "en"
    assert _html_lang(out / "regional" / "AT31.html") == "de"
    index = (out / "index.html").read_text(encoding="utf-8")
    for rel in [f for f in files if f != "index.html"]:
        assert f'href="{rel}"' in index, rel
    assert "Deutsch" in index and "Italiano" in index  # the language of a report not in the index's language
    regional = list(dict.fromkeys(re.findall(r'href="regional/([A-Z0-9]+(?:\.en)?)\.', index)))
    assert regional == ["AT31", "AT31.en", "ES21", "ITC1", "ITC1.en"]  # by code, each English version after it


def test_a_fixed_language_for_every_report_and_the_index(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    build_reports(
        results,
        out,
        "html",
        inputs=ReportInputs.load(results, reference_data=False),
        language="fr",
        also_english=True,
    )
    files = _files(out)
    assert {_html_lang(out / f) for f in files if ".en." not in f} == {"fr"}
    assert {_html_lang(out / f) for f in files if ".en." in f} == {"en"}
    assert sorted(f for f in files if ".en." in f) == [
        "memo.en.html",
        "regional/AT31.en.html",
        "regional/ES21.en.html",
        "regional/ITC1.en.html",
        "synthesis.en.html",
    ]


def test_english_reports_get_no_second_english_copy(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    build_reports(
        results, out, "html", inputs=ReportInputs.load(results, reference_data=False), language="en", also_english=True
    )
    assert not [f for f in _files(out) if ".en." in f]


# -- the command -----------------------------------------------------------------------------------


def test_report_command_refuses_an_unknown_language_and_writes_nothing(results, tmp_path):
    out = tmp_path / "rep"
    r = runner.invoke(report_app, ["--results", str(results), "--out", str(out), "--language", "español"])
    assert r.exit_code == 2
    assert "español" in r.output and "en, de, fr, it, sl" in r.output
    assert not out.exists() or not any(out.iterdir())


def test_report_command_default_is_territory_and_says_so(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    r = runner.invoke(
        report_app, ["--results", str(results), "--out", str(out), "--also-english", "--data", str(tmp_path / "none")]
    )
    assert r.exit_code == 0, r.output
    assert "territory's language (de: 1, en: 1, it: 1)" in r.output
    assert (out / "regional" / "ITC1.en.html").is_file() and _html_lang(out / "regional" / "ITC1.html") == "it"


def test_report_command_with_a_language(results, tmp_path, stand_ins):
    out = tmp_path / "rep"
    args = ["--results", str(results), "--out", str(out), "--language", "SL", "--data", str(tmp_path / "none")]
    r = runner.invoke(report_app, args)
    assert r.exit_code == 0, r.output
    assert "every report in sl" in r.output
    assert {_html_lang(p) for p in out.rglob("*.html")} == {"sl"}


def test_real_reports_in_their_territory_language_with_english_beside(results, tmp_path):
    """The real builders: each regional report declares its territory's language, its English copy English."""
    out = tmp_path / "rep"
    inputs = ReportInputs.load(results, reference_data=False)
    build_reports(results, out, "html", inputs=inputs, also_english=True)
    langs = {str(p.relative_to(out)): _html_lang(p) for p in out.rglob("*.html")}
    assert langs == {
        "index.html": "en",
        "synthesis.html": "en",
        "memo.html": "en",
        "regional/ITC1.html": "it",
        "regional/ITC1.en.html": "en",
        "regional/AT31.html": "de",
        "regional/AT31.en.html": "en",
        "regional/ES21.html": "en",
    }
    german = (out / "regional" / "AT31.html").read_text(encoding="utf-8")
    english = (out / "regional" / "AT31.en.html").read_text(encoding="utf-8")
    assert "Executive summary" in english and "Executive summary" not in german
