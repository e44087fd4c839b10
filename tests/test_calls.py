"""The synchronised joint-call planner: hand-checked windows, infeasible calls and their fix, files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from s3stresstest.calls import (
    CALL_COLUMNS,
    Programme,
    blocking_changes,
    earliest_window,
    example_programmes_path,
    load_programmes,
    plan_calls,
    programmes_from_data,
    write_plan,
)
from s3stresstest.calls.ics import calendar
from s3stresstest.calls.window import _relaxed
from s3stresstest.cli import app
from s3stresstest.errors import InputError

D = dt.date


def prog(pid: str, region: str, **kw) -> dict:
    base = {
        "id": pid,
        "region": region,
        "name": f"Programme {pid}",
        "topics": ["ecosystem:digital"],
        "budget_eur": 1_000_000,
        "funding_rate": 0.5,
        "max_grant_eur": 100_000,
        "earliest_open": "2027-01-10",
        "latest_close": "2027-06-30",
        "min_open_days": 30,
        "evaluation_days": 60,
    }
    base.update(kw)
    return base


def programmes(*items: dict):
    return programmes_from_data(
        {"format": "s3stresstest-programmes/1", "source": "test case", "programmes": list(items)}
    )


A = prog("a", "AT32")
B = prog("b", "ITC1", earliest_open="2027-02-01", latest_close="2027-05-31", min_open_days=45, evaluation_days=90)


def test_window_is_the_latest_earliest_open_plus_the_longest_minimum():
    plan = plan_calls(programmes(A, B), ["ecosystem:digital"])
    row = plan.table().iloc[0]
    # 1 Feb (B opens last) + 45 days (B's minimum) = 18 March; decision + 90 days (B evaluates longest)
    assert (row["open"], row["close"], row["decision"]) == ("2027-02-01", "2027-03-18", "2027-06-16")
    assert row["status"] == "feasible" and row["blocking"] == ""
    assert row["budget_eur"] == 2_000_000
    assert row["programmes"] == "a b" and row["regions"] == "AT32 ITC1"
    assert list(plan.table().columns) == CALL_COLUMNS


def test_blackout_moves_the_opening_and_the_closing_day():
    b = dict(B, blackout=[["2027-02-01", "2027-02-10"]])
    w = earliest_window(list(programmes(A, b)))
    assert w is not None and (w.open, w.close) == (D(2027, 2, 11), D(2027, 3, 28))
    a = dict(A, blackout=[["2027-03-15", "2027-03-20"]])
    w = earliest_window(list(programmes(a, B)))
    assert w is not None and (w.open, w.close) == (D(2027, 2, 1), D(2027, 3, 21))


def test_infeasible_call_names_the_conflict_and_the_smallest_change_which_then_works():
    a = dict(A, latest_close="2027-03-10")  # 1 Feb + 45 days = 18 March > 10 March
    plan = plan_calls(programmes(a, B), ["ecosystem:digital"])
    row = plan.table().iloc[0]
    assert row["status"] == "infeasible" and row["open"] == "" and row["decision"] == ""
    assert "a.latest_close (2027-03-10)" in row["blocking"] and "b.earliest_open (2027-02-01)" in row["blocking"]
    best = plan.calls[0].changes[0]
    # later closing by 8 days, earlier opening by 8 days, or 8 days shorter minimum: ties go to latest_close
    assert (best.programme, best.field, best.days, best.new) == ("a", "latest_close", 8, "2027-03-18")
    assert "smallest change: a.latest_close 2027-03-10 -> 2027-03-18 (8 days)" in row["blocking"]
    fixed = plan_calls(programmes(dict(a, latest_close=best.new), B), ["ecosystem:digital"]).table().iloc[0]
    assert (fixed["status"], fixed["open"], fixed["close"]) == ("feasible", "2027-02-01", "2027-03-18")
    one_day_less = plan_calls(programmes(dict(a, latest_close="2027-03-17"), B), ["ecosystem:digital"])
    assert one_day_less.table().iloc[0]["status"] == "infeasible"


def test_a_blackout_can_be_the_smallest_change():
    # window 1-18 March fixed by dates; closing day 18 March lies in A's blackout 16-25 March
    a = dict(
        A,
        earliest_open="2027-03-01",
        latest_close="2027-03-18",
        min_open_days=17,
        blackout=[["2027-03-16", "2027-03-25"]],
    )
    b = dict(B, earliest_open="2027-03-01", min_open_days=17)  # a shorter minimum of A alone does not help
    changes = blocking_changes(list(programmes(a, b)))
    assert (changes[0].programme, changes[0].field, changes[0].days) == ("a", "blackout[0].start", 3)  # -> 19 March
    assert [(c.field, c.days) for c in changes if c.programme == "a" and c.field == "latest_close"] == [
        ("latest_close", 8)  # close on 26 March, the first day after the blackout
    ]
    assert not [c for c in changes if c.field == "min_open_days"]


def test_topics_count_taxonomy_parents_and_children_and_a_joint_call_needs_two_regions():
    c = prog("c", "AT32", topics=["nace:C"])
    c26 = prog("c26", "ITC1", topics=["nace:C26"])
    j = prog("j", "SI", topics=["nace:J"])
    plan = plan_calls(programmes(c, c26, j), ["nace:C26", "nace:C", "nace:J"])
    rows = plan.table().set_index("topic")
    assert rows.loc["nace:C26", "programmes"] == "c c26" and rows.loc["nace:C", "programmes"] == "c c26"
    assert rows.loc["nace:J", "status"] == "infeasible"
    assert "at least 2 regions" in rows.loc["nace:J", "blocking"]


def test_regions_restrict_the_programmes():
    plan = plan_calls(programmes(A, B, prog("c", "SI")), ["ecosystem:digital"], regions=["AT32", "SI"])
    assert plan.table().iloc[0]["regions"] == "AT32 SI"
    with pytest.raises(InputError, match="no programme of XX"):
        plan_calls(programmes(A, B), ["ecosystem:digital"], regions=["XX"])


def test_bad_programmes_file_names_every_programme_and_field():
    bad = [
        prog("a", "AT32", funding_rate=1.5),
        {k: v for k, v in prog("b", "ITC1").items() if k != "budget_eur"},
        prog("c", "SI", blackout=[["2027-03-10", "2027-03-01"]]),
        prog("a", "DE2"),
    ]
    with pytest.raises(InputError) as caught:
        programmes(*bad)
    text = caught.value.report()
    assert "programme 1 (a)" in text and "funding_rate" in text
    assert "programme 2 (b)" in text and "budget_eur" in text
    assert "programme 3 (c)" in text and "ends before it starts" in text
    assert "programme 4 (a), field id: also used by programme 1" in text
    with pytest.raises(InputError, match="synthetic: true"):
        programmes_from_data({"programmes": [A]})
    with pytest.raises(InputError, match="unknown industrial ecosystem code"):
        plan_calls(programmes(prog("x", "AT32", topics=["ecosystem:nonsense"]), B), ["ecosystem:digital"])


days = st.dates(min_value=D(2027, 1, 1), max_value=D(2027, 4, 30))


@st.composite
def random_programme(draw, i: int) -> Programme:
    start = draw(days)
    end = start + dt.timedelta(days=draw(st.integers(0, 120)))
    blackouts = []
    for _ in range(draw(st.integers(0, 2))):
        b = draw(st.dates(min_value=D(2027, 1, 1), max_value=D(2027, 8, 31)))
        blackouts.append((b, b + dt.timedelta(days=draw(st.integers(0, 20)))))
    return Programme(
        id=f"p{i}", region=f"R{i}", name=f"P{i}", topics=("ecosystem:digital",), budget_eur=1, funding_rate=0.5,
        max_grant_eur=1, earliest_open=start, latest_close=end, min_open_days=draw(st.integers(0, 60)),
        evaluation_days=draw(st.integers(0, 90)), blackout=tuple(blackouts),
    )  # fmt: skip


def brute_force(ps: list[Programme]) -> tuple[dt.date, dt.date] | None:
    first, last = max(p.earliest_open for p in ps), min(p.latest_close for p in ps)
    need = max(p.min_open_days for p in ps)

    def free(d: dt.date) -> bool:
        return not any(s <= d <= e for p in ps for s, e in p.blackout)

    d = first
    while d <= last:
        c = d + dt.timedelta(days=need)
        while c <= last:
            if free(d) and free(c):
                return d, c
            c += dt.timedelta(days=1)
        d += dt.timedelta(days=1)
    return None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(), min_size=2, max_size=3).flatmap(
        lambda xs: st.tuples(*[random_programme(i) for i in range(len(xs))])
    )
)
def test_window_equals_brute_force_and_the_smallest_change_is_minimal(ps):
    ps = list(ps)
    w = earliest_window(ps)
    expected = brute_force(ps)
    assert (None if w is None else (w.open, w.close)) == expected
    if w is None:
        for change in blocking_changes(ps):
            k = next(i for i, p in enumerate(ps) if p.id == change.programme)
            fixed = list(ps)
            fixed[k] = _relaxed(ps[k], change.field, change.days)[0]
            assert brute_force(fixed) is not None
            if change.days > 1:
                less = list(ps)
                less[k] = _relaxed(ps[k], change.field, change.days - 1)[0]
                assert brute_force(less) is None


def test_calendar_is_valid_icalendar():
    text = calendar(
        [("u1@x", D(2027, 3, 1), "Opens; a, b", "x" * 200 + "é" * 50)], dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "N"
    )
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART;VALUE=DATE:20270301" in lines and "DTEND;VALUE=DATE:20270302" in lines
    assert "SUMMARY:Opens\\; a\\, b" in lines
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "x" * 200 + "é" * 50 in unfolded


def test_example_plan_writes_every_output_and_says_synthetic(tmp_path):
    out = tmp_path / "calls"
    result = CliRunner().invoke(
        app, ["calls", "plan", "--topic", "ecosystem:digital", "--topic", "ecosystem:health", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = (out / "calls.csv").read_text(encoding="utf-8")
    assert table.splitlines()[0] == ",".join(CALL_COLUMNS)
    assert "synthetic-call-1" in table and "synthetic-call-2" in table
    assert "SYNTHETIC" in (out / "calls.ics").read_text(encoding="utf-8")
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["synthetic"] is True
    for lang, words in {
        "de": "Gemeinsame Ausschreibung",
        "fr": "Appel conjoint",
        "it": "Bando congiunto",
        "sl": "Skupni razpis",
    }.items():
        text = (out / "call_texts" / f"synthetic-call-1.{lang}.md").read_text(encoding="utf-8")
        assert (words in text and "SYNTHETIC" in text.upper()) or "SINTETI" in text.upper()
    de = (out / "call_texts" / "synthetic-call-1.de.md").read_text(encoding="utf-8")
    assert "Purpose of the call" not in de and "1.200.000" in de
    harmon = (out / "harmonisation" / "synthetic-call-1.csv").read_text(encoding="utf-8")
    assert harmon.startswith("field,") and "funding_rate" in harmon and "Synthetic example" in harmon


def test_refused_input_writes_nothing(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump({"source": "t", "programmes": [dict(A, funding_rate=2)]}), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["calls", "plan", "--programmes", str(f), "--topic", "ecosystem:digital", "--out", str(out)]
    )
    assert result.exit_code == 2 and "funding_rate" in result.output
    assert not out.exists()


def test_loaded_example_and_write_plan_roundtrip(tmp_path):
    plan = plan_calls(load_programmes(example_programmes_path()), ["nace:J62"])
    write_plan(plan, tmp_path / "o", languages=["en"], now=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    assert "DTSTAMP:20261206T000000Z" in (tmp_path / "o" / "calls.ics").read_text(encoding="utf-8")


def test_the_written_plan_gives_back_each_calls_dates_or_why_not(tmp_path):
    from s3stresstest.calls import plan_partner_calls, read_outcomes
    from s3stresstest.i18n import translator

    wanted = [("C1", "ecosystem:digital", ["AT32", "DE2", "SI"]), ("C2", "ecosystem:health", ["AT32", "SI"]),
              ("C3", "ecosystem:aerospace_defence", ["ITC1", "ITC4"])]  # fmt: skip
    plan = plan_partner_calls(load_programmes(example_programmes_path()), wanted)
    write_plan(plan, tmp_path / "o", languages=["en"])
    assert read_outcomes(tmp_path / "o") == plan.outcomes()  # what `plan build --calls` reads is what was planned
    c1, c2, c3 = plan.outcomes()
    assert (c1.action, c1.feasible, c1.without, c1.partners) == ("C1", True, ("SI",), {"AT32", "DE2", "SI"})
    assert not c2.feasible and c2.open is None and "latest closing date" in c2.reason(translator("en"))
    assert c3.reason(translator("en")) == "No region has a programme on this topic."
    text = (tmp_path / "o" / "call_texts" / f"{c3.call}.en.md").read_text(encoding="utf-8")
    assert "not feasible as planned. No region has a programme on this topic." in text


def test_a_call_opens_no_earlier_than_its_actions_start_or_says_its_only_window_comes_before():
    from s3stresstest.alignment.taxonomy import builtin_taxonomies
    from s3stresstest.calls import CallOutcome, plan_call
    from s3stresstest.i18n import translator

    ps, tax = programmes(A, B), builtin_taxonomies()
    later = plan_call("c", "ecosystem:digital", ps, tax, ["AT32", "ITC1"], not_before=D(2027, 3, 1))
    assert later.window is not None and (later.window.open, later.window.close) == (D(2027, 3, 1), D(2027, 4, 15))
    assert later.decision == D(2027, 7, 14)  # 15 April + 90 days
    late = plan_call("c", "ecosystem:digital", ps, tax, ["AT32", "ITC1"], not_before=D(2027, 5, 1))
    assert not late.feasible and late.earlier is not None and late.earlier.open == D(2027, 2, 1)
    assert late.blocking.startswith("no common window: action start (2027-05-01)")
    # the smallest change frees a window from the action's start: b closes 45 days from 1 May at the earliest
    assert late.changes[0].field == "latest_close" and late.changes[0].new == "2027-06-15"
    reason = CallOutcome.of(late).reason(translator("en"))
    assert "allow a common window only before the action starts in May 2027" in reason
    assert "opens on 1 February 2027 and closes on 18 March 2027" in reason
    assert "feasible from the action's start: programme b: latest closing date 31 May 2027 → 15 June 2027" in reason


@settings(max_examples=40, deadline=None)
@given(
    st.tuples(random_programme(0), random_programme(1)),
    st.dates(min_value=D(2026, 12, 1), max_value=D(2027, 10, 31)),
)
def test_window_from_a_start_equals_brute_force_and_its_changes_work_from_that_start(ps, start):
    ps = list(ps)
    w = earliest_window(ps, start)
    late = [p.model_copy(update={"earliest_open": max(p.earliest_open, start)}) for p in ps]
    expected = brute_force(late) if all(p.earliest_open <= p.latest_close for p in late) else None
    assert (None if w is None else (w.open, w.close)) == expected
    assert w is None or w.open >= start
    for change in blocking_changes(ps, start):
        k = next(i for i, p in enumerate(ps) if p.id == change.programme)
        fixed = list(ps)
        fixed[k] = _relaxed(ps[k], change.field, change.days)[0]
        assert earliest_window(fixed, start) is not None


def test_a_call_without_programmes_has_no_budget_not_a_budget_of_zero(tmp_path):
    from s3stresstest.calls import plan_partner_calls
    from s3stresstest.i18n import LANGUAGES, translator

    wanted = [("C3", "ecosystem:aerospace_defence", ["ITC1", "ITC4"])]
    plan = plan_partner_calls(load_programmes(example_programmes_path()), wanted)
    assert plan.calls[0].budget_eur is None
    write_plan(plan, tmp_path / "o")
    rows = (tmp_path / "o" / "calls.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].split(",")[7] == ""  # budget_eur: empty, not 0.0
    for lang in LANGUAGES:
        t = translator(lang)
        text = (tmp_path / "o" / "call_texts" / f"synthetic-call-C3.{lang}.md").read_text(encoding="utf-8")
        sentence = "No programme contributes to this call: no region has a programme on this topic."
        assert t._(sentence) in text and (lang == "en" or t._(sentence) != sentence), lang
        assert "EUR 0" not in text and "|---|" not in text
