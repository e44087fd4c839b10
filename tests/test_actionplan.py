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
    assert "Budget (EUR): nicht festgelegt" in de  # A2 has no budget: not 0
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
    assert len(plan.actions) == 4 and all(a.owner.startswith("[") for a in plan.actions)
    assert all(a.budget_eur is None for a in plan.actions)
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
