"""Joint cluster action plans: validation, Gantt chart, documents in five languages, draft from a run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from typer.testing import CliRunner

from s3stresstest.actionplan import gantt_svg, load_plan, plan_document, plan_from_data, starter_plan
from s3stresstest.cli import app
from s3stresstest.errors import InputError
from s3stresstest.i18n.tools import template

PLAN = {
    "format": "s3stresstest-action-plan/1",
    "title": "Test plan",
    "status": "agreed",
    "source": "Steering group meeting of 3 March 2027 (test)",
    "territories": ["AT32", "ITC1", "SI"],
    "start": "2027-01",
    "end": "2028-12",
    "actions": [
        {"id": "A1", "line": "cooperation", "title": "Matchmaking", "owner": "Cluster X", "partners": ["AT32", "SI"],
         "start": "2027-03", "end": "2027-08", "budget_eur": 120000,
         "kpis": [{"indicator": "Companies", "target": 40.5, "unit": "companies", "baseline": 10}]},
        {"id": "A2", "line": "funding", "title": "Joint call", "owner": "Agency Y", "partners": ["ITC1"],
         "start": "2027-09", "end": "2028-12"},
    ],
}  # fmt: skip


def test_every_problem_names_its_action_and_field():
    bad = dict(PLAN, source="")
    bad["actions"] = [
        dict(PLAN["actions"][0], line="nowhere", partners=["AT32", "XX"]),
        dict(PLAN["actions"][1], start="2027-13", budget_eur=-5),
        dict(PLAN["actions"][1], id="A1", end="2026-05", start="2026-01"),
    ]
    with pytest.raises(InputError) as caught:
        plan_from_data(bad, source="plan.yaml")
    text = caught.value.report()
    assert "action 2 (A2), field start: Value error, must be a month written YYYY-MM" in text
    assert "action 2 (A2), field budget_eur" in text
    with pytest.raises(InputError) as caught:
        plan_from_data(dict(bad, actions=[bad["actions"][0], bad["actions"][2]]), source="plan.yaml")
    text = caught.value.report()
    assert "an agreed plan says who agreed it" in text
    assert "action 1 (A1), field line: unknown line 'nowhere'" in text
    assert "action 1 (A1), field partners: not territories of the plan: XX" in text
    assert "action 2 (A1), field id: used by an earlier action" in text
    assert "action 2 (A1): runs 2026-01 to 2026-05, outside the plan's 2027-01 to 2028-12" in text


def test_gantt_places_each_bar_at_its_months():
    plan = plan_from_data(PLAN)
    svg = gantt_svg(plan)
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="12" rx="2"', svg)
    assert len(bars) == 2
    (x1, w1), (x2, w2) = [(float(a), float(b)) for a, b in bars]
    col = w1 / 6  # A1 runs 6 months (March to August)
    assert x1 == pytest.approx(300 + 2 * col, abs=0.1)  # starts in the third month of the plan
    assert x2 == pytest.approx(300 + 8 * col, abs=0.1) and w2 == pytest.approx(16 * col, abs=0.1)


def test_document_in_german_has_no_english_fixed_text_and_keeps_missing_budget_missing():
    plan = plan_from_data(PLAN)
    de = plan_document(plan, "de").text()
    english = [m.id for m in template("action") if isinstance(m.id, str) and len(m.id) > 12]
    leaked = [e for e in english if "{" not in e and e in de]
    assert not leaked, leaked
    assert "Zeitplan der Maßnahmen" in de and "Vereinbart von: Steering group" in de
    assert "120.000" in de and "40,5 companies" in de and "(Ausgangswert 10)" in de
    assert "Budget (EUR): noch festzulegen" in de  # A2 has no budget: not 0
    assert "1 Maßnahme hat noch kein Budget." in de
    en = plan_document(plan, "en").text()
    assert "Budget of the actions with a budget: EUR 120,000. 1 action has no budget yet." in en


def test_draft_from_the_demo_run_validates_and_builds(shared_data, tmp_path):
    from s3stresstest.cooperation import cooperation_topics
    from s3stresstest.run import ReferenceData, run_demo, write_run

    run = run_demo(seed=2017, bootstrap=20, reference=ReferenceData.load(shared_data))
    topics = cooperation_topics(run, ["ITC1", "ITC4", "ITH2", "SI", "AT31", "AT32", "DE1", "DE2"])
    text = starter_plan(topics, top=2, start=dt.date(2027, 1, 1))
    data = yaml.safe_load(text)
    assert data["status"] == "draft" and data["synthetic"] is True and "&id" not in text
    plan = plan_from_data(data)
    assert len(plan.actions) == 4 and all(a.owner["en"].startswith("[") for a in plan.actions)
    assert all(a.budget_eur is None for a in plan.actions)
    for a in plan.actions:  # words for the partners' document: priorities by title, no codes, no command line
        for text in a.description.values():
            assert "~" not in text and "`" not in text and "s3stresstest" not in text
    assert "“" in plan.actions[0].description["en"] and "of 100" in plan.actions[0].description["en"]
    write_run(run, tmp_path / "run")
    runner = CliRunner()
    result = runner.invoke(app, ["plan", "new", "--results", str(tmp_path / "run"), "--out", str(tmp_path / "p.yaml"),
                                 "--start", "2027-01", "--top", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["plan", "new", "--results", str(tmp_path / "run"), "--out", str(tmp_path / "p.yaml")])
    assert again.exit_code == 2 and "never overwrites" in again.output
    out = tmp_path / "docs"
    result = runner.invoke(
        app, ["plan", "build", "--actions", str(tmp_path / "p.yaml"), "--out", str(out), "--format", "html,docx",
              "--language", "it"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (out / "action_plan.it.html").read_text(encoding="utf-8")
    assert 'lang="it"' in html and "ESEMPIO SINTETICO" in html and "Cronoprogramma delle azioni" in html
    assert (out / "action_plan.it.docx").stat().st_size > 0
    assert load_plan(tmp_path / "p.yaml").status == "draft"
    de = plan_document(load_plan(tmp_path / "p.yaml"), "de").text()
    leaked = _starter_english(de)
    assert not leaked, leaked
    assert "[von den Partnern zu vereinbaren]" in de and "Gemeinsamer Cluster-Aktionsplan" in de
    assert "Matchmaking der Cluster zum Thema" in de and " von 100" in de


def _starter_english(text: str) -> list[str]:
    """The English fixed words of the draft's texts (its msgids, placeholders aside) found in `text`."""
    ours = [m.id for m in template("action") if isinstance(m.id, str)
            and any(f.endswith(("actionplan/starter.py", "actionplan/model.py")) for f, _ in m.locations)]  # fmt: skip
    assert len(ours) >= 10
    fragments = {f.strip(" .:;,()“”") for msgid in ours for f in re.split(r"\{[^}]*\}", msgid)}
    return [f for f in fragments if len(f) >= 4 and re.search(r"\b" + re.escape(f) + r"\b", text)]


def test_draft_texts_are_in_every_language_and_old_single_texts_still_build():
    topics = _topics(("ecosystem:health", "Health", "ITC1 AT32", "“Health” (Piemonte) and …: 79 of 100"))
    topics.match_parts = {"ecosystem:health": [("Health", "Piemonte", "Life sciences", "Salzburg", 79.4)]}
    data = yaml.safe_load(starter_plan(topics, top=1, start=dt.date(2027, 1, 1)))
    assert set(data["title"]) == set(data["actions"][0]["owner"]) == {"en", "de", "fr", "it", "sl"}
    plan = plan_from_data(data)
    assert plan.actions[0].title["fr"] == "Mise en relation des clusters sur le thème Santé"
    assert plan.actions[0].description["de"] == (
        "Am besten übereinstimmende S3-Prioritäten der Partner: „Health“ (Piemonte) und „Life sciences“ (Salzburg): "
        "79 von 100."
    )
    for lang in ("de", "fr", "it", "sl"):
        leaked = _starter_english(plan_document(plan, lang).text())
        assert not leaked, (lang, leaked)
    # a plan of single texts (as before): the partners' texts as written, an English gap read as a gap
    old = dict(PLAN, actions=[dict(PLAN["actions"][0], owner="[to be agreed by the partners]"), PLAN["actions"][1]])
    de = plan_document(plan_from_data(old), "de").text()
    assert "Test plan" in de and "A1 — Matchmaking" in de and "40,5 companies" in de
    assert "Verantwortlich: [von den Partnern zu vereinbaren]" in de and "to be agreed" not in de
    sl = plan_document(plan_from_data(dict(PLAN, title={"en": "Plan", "sl": "Načrt"})), "sl").text()
    assert "Načrt" in sl.splitlines()[0]


def test_texts_per_language_need_english_and_known_languages():
    bad = dict(PLAN, title={"de": "Plan"})
    bad["actions"] = [
        dict(PLAN["actions"][0], title={"de": "Vermittlung"}, kpis=[{"indicator": {"en": "Firms", "es": "Empresas"}}]),
        dict(PLAN["actions"][1], owner={"en": "Agency", "de": 5}, description=["a list"]),
    ]
    with pytest.raises(InputError) as caught:
        plan_from_data(bad, source="plan.yaml")
    text = caught.value.report()
    assert "title: Value error, needs at least an English text (en)" in text
    assert "action 1 (A1), field title: Value error, needs at least an English text (en)" in text
    assert "action 1 (A1), field kpis.0.indicator: Value error, unknown language es; use en, de, fr, it, sl" in text
    assert "action 2 (A2), field owner: Value error, the text in de must be a text" in text
    assert "action 2 (A2), field description: Value error, must be a text or a mapping of languages" in text
    with pytest.raises(InputError, match=r"action 1 \(A1\), field owner: Value error, must not be empty"):
        plan_from_data(dict(PLAN, actions=[dict(PLAN["actions"][0], owner="")]))


def _topics(*rows):
    """Ranked cooperation topics by hand: (topic, title, partners, readable best match)."""
    import pandas as pd

    from s3stresstest.cooperation import CooperationTopics

    table = pd.DataFrame(
        [{"rank": k, "topic": t, "title": ti, "partners": p, "best_matches": "X:X-01~Y:Y-01 (80)"}
         for k, (t, ti, p, _) in enumerate(rows, start=1)]
    )  # fmt: skip
    texts = {t: [m] for t, _, _, m in rows}
    return CooperationTopics(table, pd.DataFrame(), ["ITC1", "ITC4", "AT32"], "ecosystem", {}, True, texts)


def test_draft_indicators_fit_the_partnership_and_texts_name_priorities():
    topics = _topics(
        ("ecosystem:aerospace_defence", "Aerospace & defence", "ITC1 ITC4", "“Aerospace” (Piemonte) and …: 83 of 100"),
        ("ecosystem:health", "Health", "ITC1 AT32", "“Health” (Piemonte) and “Life sciences” (Salzburg): 79 of 100"),
    )
    plan = plan_from_data(yaml.safe_load(starter_plan(topics, top=2, start=dt.date(2027, 1, 1))))
    kpis = {a.id: a.kpis[0].indicator["en"] for a in plan.actions}
    assert kpis["T1.1"] == "Interregional project ideas"  # two Italian regions: not cross-border
    assert kpis["T2.1"] == "Cross-border project ideas"  # Italy and Austria
    assert (
        plan.actions[0].description["en"]
        == "Best-matching S3 priorities of the partners: “Aerospace” (Piemonte) and …: 83 of 100."
    )
    assert "`" not in plan.actions[1].description["en"] and "s3stresstest" not in plan.actions[1].description["en"]


def test_overview_counts_the_partners_that_take_part_and_names_the_others():
    plan = plan_from_data(dict(PLAN, territories=["AT32", "ITC1", "SI", "DE2"]))
    en = plan_document(plan, "en").text()
    assert "with 3 partner territories" in en  # AT32, SI, ITC1 take part; DE2 does not
    assert "1 territory of the plan takes part in no action yet: DE2." in en
    bare = plan_from_data(
        dict(PLAN, actions=[{k: v for k, v in a.items() if k != "budget_eur"} for a in PLAN["actions"]])
    )
    en = plan_document(bare, "en").text()
    assert "EUR not set" not in en and "Budget: to be set (none of the 2 actions has a budget yet)." in en
    assert "Budget: noch festzulegen" in plan_document(bare, "de").text()


def test_calls_follow_the_joint_call_actions_of_a_plan(tmp_path):
    import pandas as pd

    data = dict(PLAN, territories=["AT32", "ITC1", "SI", "DE2", "ITC4"])
    data["actions"] = [
        dict(PLAN["actions"][1], id="C1", topic="ecosystem:digital", partners=["AT32", "DE2", "SI"]),
        dict(PLAN["actions"][1], id="C2", topic="ecosystem:aerospace_defence", partners=["ITC1", "ITC4"]),
        dict(PLAN["actions"][0], topic="ecosystem:health"),  # matchmaking: not a call
    ]
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["calls", "plan", "--plan", str(tmp_path / "plan.yaml"), "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    calls = pd.read_csv(tmp_path / "c" / "calls.csv")
    assert calls["topic"].tolist() == ["ecosystem:digital", "ecosystem:aerospace_defence"]
    assert calls["call"].tolist() == ["synthetic-call-C1", "synthetic-call-C2"]
    assert calls.loc[0, "regions"] == "AT32 DE2"  # the partners' programmes only (ITC1 has one too, not a partner)
    assert calls.loc[1, "status"] == "infeasible" and "cover" in calls.loc[1, "blocking"]  # says why not
    assert "partners without a programme on it: ITC1, ITC4" in " ".join(result.output.split())
    both = CliRunner().invoke(app, ["calls", "plan", "--plan", str(tmp_path / "plan.yaml"),
                                    "--topic", "ecosystem:digital", "--out", str(tmp_path / "d")])  # fmt: skip
    assert both.exit_code != 0 and "not both" in both.output


def test_topics_read_as_titles_in_the_documents_language():
    data = dict(PLAN, actions=[dict(PLAN["actions"][0], topic="ecosystem:health"), PLAN["actions"][1]])
    plan = plan_from_data(data)
    assert "Thema: Gesundheit" in plan_document(plan, "de").text()
    assert "Topic: Health" in plan_document(plan, "en").text() and "ecosystem:" not in plan_document(plan, "en").text()


CALL_PLAN = dict(PLAN, territories=["AT32", "ITC1", "SI", "DE2", "ITC4"])
CALL_PLAN["actions"] = [
    PLAN["actions"][0],
    dict(PLAN["actions"][1], id="C1", topic="ecosystem:digital", partners=["AT32", "DE2", "SI"]),
    dict(PLAN["actions"][1], id="C2", topic="ecosystem:aerospace_defence", partners=["ITC1", "ITC4"]),
]


def test_joint_call_actions_run_on_the_planned_calls_dates_or_are_marked_not_feasible():
    from s3stresstest.actionplan.joint_calls import scheduled
    from s3stresstest.calls import example_programmes_path, load_programmes, plan_partner_calls
    from s3stresstest.i18n import LANGUAGES, translator

    plan = plan_from_data(CALL_PLAN)
    calls = plan_partner_calls(load_programmes(example_programmes_path()), plan.joint_calls()).outcomes()
    c1 = next(c for c in calls if c.action == "C1")
    # the programmes could open in March 2027, but the call opens no earlier than its action (2027-09)
    assert (c1.open, c1.close, c1.decision) == (dt.date(2027, 9, 1), dt.date(2027, 11, 15), dt.date(2028, 3, 14))
    en = " ".join(plan_document(plan, "en", calls).text().split())
    # the action keeps the partners' months: the call fits in them
    assert "Runs from September 2027 to December 2028 (16 months)" in en and "Moved:" not in en
    assert "opens on 1 September 2027, closes on 15 November 2027, funding decisions by 14 March 2028" in en
    assert "1 of 3 partners has no programme on this topic: SI." in en
    assert "This call is not feasible as planned. No region has a programme on this topic." in en
    assert "2 of 2 partners have no programme on this topic: ITC1, ITC4." in en
    assert "1 of the 2 joint calls can run on the partners' programmes as planned" in en
    assert "planned on SYNTHETIC example programmes" in en
    by_action = {c.action: c for c in calls}
    scheduled_plan = scheduled(plan, by_action)
    svg = gantt_svg(scheduled_plan, "en", by_action)
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="12" rx="2"', svg)
    assert len(bars) == 2 and "not feasible" in svg  # A1 and C1; C2 has no bar
    col = float(bars[0][1]) / scheduled_plan.actions[0].months
    assert float(bars[1][0]) == pytest.approx(300 + 8 * col, abs=0.1)  # C1 from September 2027
    assert float(bars[1][1]) == pytest.approx(16 * col, abs=0.1)
    for lang in LANGUAGES[1:]:
        t = translator(lang)
        text = " ".join(plan_document(plan, lang, calls).text().split())
        for sentence in ("This call is not feasible as planned.", "No region has a programme on this topic."):
            assert t._(sentence) in text and t._(sentence) != sentence, (lang, sentence)
        assert "partners have no programme" not in text and "Joint call synthetic-call-C1:" not in text


def test_plan_build_takes_the_calls_planned_first_and_refuses_calls_of_another_plan(tmp_path):
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(CALL_PLAN), encoding="utf-8")
    run = CliRunner().invoke
    made = run(app, ["calls", "plan", "--plan", str(tmp_path / "plan.yaml"), "--out", str(tmp_path / "calls")])
    assert made.exit_code == 0, made.output
    built = run(app, ["plan", "build", "--actions", str(tmp_path / "plan.yaml"), "--calls", str(tmp_path / "calls"),
                      "--out", str(tmp_path / "doc"), "--format", "html"])  # fmt: skip
    assert built.exit_code == 0, built.output
    html = (tmp_path / "doc" / "action_plan.en.html").read_text(encoding="utf-8")
    assert "1 September 2027" in html and "not feasible" in html
    other = dict(CALL_PLAN, actions=[dict(a, partners=["AT32", "DE2"]) if a["id"] == "C1" else a
                                     for a in CALL_PLAN["actions"]])  # fmt: skip
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other), encoding="utf-8")
    refused = run(app, ["plan", "build", "--actions", str(tmp_path / "other.yaml"), "--calls", str(tmp_path / "calls"),
                        "--out", str(tmp_path / "doc2"), "--format", "html"])  # fmt: skip
    assert refused.exit_code != 0 and not (tmp_path / "doc2").exists()
    assert "action C1: call synthetic-call-C1 was planned on ecosystem:digital with AT32, DE2, SI" in " ".join(
        refused.output.split()
    )


def test_a_joint_call_action_ends_no_earlier_than_its_calls_decision_and_says_when_it_moved(tmp_path):
    from s3stresstest.calls import example_programmes_path, load_programmes, plan_partner_calls
    from s3stresstest.i18n import LANGUAGES, translator

    short = dict(CALL_PLAN, actions=[dict(a, end="2027-12") if a["id"] == "C1" else a for a in CALL_PLAN["actions"]])
    plan = plan_from_data(short)
    calls = plan_partner_calls(load_programmes(example_programmes_path()), plan.joint_calls()).outcomes()
    en = " ".join(plan_document(plan, "en", calls).text().split())
    assert "Runs from September 2027 to March 2028 (7 months)" in en
    assert (
        "Moved: the call's funding decisions (14 March 2028) come after the planned end (December 2027), "
        "so the action now ends in March 2028." in en
    )
    for lang in LANGUAGES[1:]:
        t = translator(lang)
        moved = t._(
            "Moved: the call's funding decisions ({decision}) come after the planned end ({end}), "
            "so the action now ends in {new_end}.",
            decision=t.date(dt.date(2028, 3, 14)),
            end=t.date(dt.date(2027, 12, 1), "MMMM y"),
            new_end=t.date(dt.date(2028, 3, 1), "MMMM y"),
        )
        assert moved in " ".join(plan_document(plan, lang, calls).text().split()) and "Moved:" not in moved, lang
    # the calls planned for a start the plan no longer has are refused
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(CALL_PLAN), encoding="utf-8")
    run = CliRunner().invoke
    assert (
        run(app, ["calls", "plan", "--plan", str(tmp_path / "plan.yaml"), "--out", str(tmp_path / "c")]).exit_code == 0
    )
    later = dict(CALL_PLAN, actions=[dict(a, start="2027-10") if a["id"] == "C1" else a for a in CALL_PLAN["actions"]])
    (tmp_path / "later.yaml").write_text(yaml.safe_dump(later), encoding="utf-8")
    refused = run(app, ["plan", "build", "--actions", str(tmp_path / "later.yaml"), "--calls", str(tmp_path / "c"),
                        "--out", str(tmp_path / "doc"), "--format", "html"])  # fmt: skip
    assert refused.exit_code != 0 and not (tmp_path / "doc").exists()
    assert "call synthetic-call-C1 was planned from 2027-09, the action starts in 2027-10" in " ".join(
        refused.output.split()
    )


def test_the_draft_plans_joint_call_opens_after_the_matchmaking_starts_not_inside_its_first_months():
    """The starter puts T1.2 from month 10 on: its call opens then, not when the programmes first could."""
    from s3stresstest.calls import example_programmes_path, load_programmes, plan_partner_calls

    digital = dict(CALL_PLAN["actions"][1], start="2027-10", end="2029-03")
    plan = plan_from_data(dict(CALL_PLAN, end="2029-12", actions=[CALL_PLAN["actions"][0], digital]))
    (c1,) = plan_partner_calls(load_programmes(example_programmes_path()), plan.joint_calls()).outcomes()
    assert c1.open == dt.date(2027, 10, 1) and c1.decision is not None and c1.decision <= dt.date(2029, 3, 31)
    assert "Runs from October 2027 to March 2029" in " ".join(plan_document(plan, "en", [c1]).text().split())


def test_gantt_labels_wrap_instead_of_being_cut():
    long = "Joint call on Energy-renewables built on the partners' programmes of the Alpine regions"
    after = dict(PLAN["actions"][1], id="A3", start="2028-01")
    plan = plan_from_data(dict(PLAN, actions=[dict(PLAN["actions"][1], title=long), after, PLAN["actions"][0]]))
    svg = gantt_svg(plan)
    assert "…" not in svg
    rows = [(float(y), re.findall(r"<tspan[^>]*>([^<]*)</tspan>", x)) for y, x in
            re.findall(r'<text x="14" y="([\d.]+)">(.*?)</text>', svg)]  # fmt: skip
    (y2, lines), (y3, _) = [r for r in rows if r[1][0].startswith(("A2", "A3"))]
    assert len(lines) >= 2 and " ".join(lines) == "A2  " + long.replace("'", "&#x27;")  # every word, in order
    assert y3 - y2 >= 13 * len(lines)  # the next row starts below the wrapped label's last line


def test_the_duration_of_an_action_agrees_with_its_number_of_months():
    """Slovenian has four plural forms (1 mesec, 2 meseca, 3 meseci, 5 mesecev): the plan's
    "Runs from ... (n months)" line is a plural message, not one fixed word."""
    from s3stresstest.i18n import translator

    def runs(lang: str, n: int) -> str:
        t = translator(lang)
        return t.ngettext(
            "Runs from {start} to {end} ({months} month)",
            "Runs from {start} to {end} ({months} months)",
            n,
            start="a",
            end="b",
            months=n,
        )

    assert [runs("sl", n).rsplit("(", 1)[1] for n in (1, 2, 3, 5, 18, 101)] == [
        "1 mesec)",
        "2 meseca)",
        "3 meseci)",
        "5 mesecev)",
        "18 mesecev)",
        "101 mesec)",
    ]
    assert runs("en", 1).endswith("(1 month)") and runs("en", 18).endswith("(18 months)")
    assert runs("de", 1).endswith("(1 Monat)") and runs("de", 18).endswith("(18 Monate)")
    assert runs("it", 1).endswith("(1 mese)") and runs("it", 18).endswith("(18 mesi)")


def test_a_code_like_ecosystem_title_reads_as_words_in_english_and_is_translated_elsewhere():
    data = dict(PLAN, actions=[dict(PLAN["actions"][0], topic="ecosystem:energy_renewables"), PLAN["actions"][1]])
    plan = plan_from_data(data)
    en = plan_document(plan, "en").text()
    assert "Topic: Renewable energy" in en and "Energy-renewables" not in en
    assert "Thema: Energie – erneuerbare Energien" in plan_document(plan, "de").text()
