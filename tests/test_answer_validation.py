"""campaign.validation: one answer checked against its item, as the web store and imports do."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import small_workbook
from hypothesis import given, settings
from hypothesis import strategies as st

from s3stresstest.campaign import validate_responses
from s3stresstest.campaign.validation import MAX_CLOSED, MAX_TEXT, validate_answer, value_problem
from s3stresstest.errors import InputError, Problem
from s3stresstest.instrument import Sheet, instrument_from_workbook


def _instrument():
    book = small_workbook()
    survey = book["survey"]
    rows = [
        *survey.rows,
        {"type": "decimal", "name": "share", "label::English (en)": "Share"},
        {"type": "date", "name": "since", "label::English (en)": "Since"},
    ]
    book["survey"] = Sheet(survey.columns, rows)
    return instrument_from_workbook(book, source="tiny+")


INSTRUMENT = _instrument()
YN = ["yes", "partly", "no", "dk"]


@pytest.mark.parametrize(
    "item, value, stored",
    [
        ("q1", "yes", "yes"),
        ("q1", "  dk ", "dk"),
        ("q1", "", ""),
        ("q1", None, ""),
        ("q3", "a  c\tdk", "a c dk"),
        ("years", " 12 ", "12"),
        ("years", 7, "7"),
        ("years", "-3", "-3"),
        ("share", "0.25", "0.25"),
        ("share", 1.5, "1.5"),
        ("open1", "  two  spaces kept ", "  two  spaces kept "),
        ("open1", "   ", ""),
        ("since", "2020-01-31", "2020-01-31"),
    ],
)
def test_accepted_values_are_normalised(item, value, stored):
    assert validate_answer(INSTRUMENT, item, value) == stored


@pytest.mark.parametrize(
    "item, value, words",
    [
        ("q1", "maybe", "is not a choice of item 'q1' (list 'yn': yes, partly, no, dk)"),
        ("q1", "yes no", "is not a choice"),
        ("q3", "a z", "'z' not a choice of item 'q3'"),
        ("q3", "a a", "a choice is repeated"),
        ("years", "3.5", "is not a whole number"),
        ("years", "three", "is not a whole number"),
        ("share", "nan", "is not a number"),
        ("share", "inf", "is not a number"),
        ("share", "1,5", "is not a number"),
        ("nope", "yes", "unknown item 'nope'"),
        ("n1", "x", "item 'n1' is a note and takes no answer"),
        ("q1", True, "must be text"),
        ("q1", ["yes"], "must be text"),
        ("open1", "a\x00b", "contains a NUL character"),
        ("open1", "x" * (MAX_TEXT + 1), f"longer than {MAX_TEXT} characters"),
        ("since", "y" * (MAX_CLOSED + 1), "is not valid"),
        ("q1", "yes\x00", "is not valid"),
    ],
)
def test_refused_values_name_the_item(item, value, words):
    verdict = validate_answer(INSTRUMENT, item, value)
    assert isinstance(verdict, Problem)
    assert words in verdict.message
    assert verdict.field == item


def test_limits_are_inclusive():
    assert validate_answer(INSTRUMENT, "open1", "x" * MAX_TEXT) == "x" * MAX_TEXT
    assert validate_answer(INSTRUMENT, "since", "y" * MAX_CLOSED) == "y" * MAX_CLOSED


def test_imports_and_web_answers_share_the_rule():
    """validate_responses (files) refuses exactly the values validate_answer refuses."""
    values = ["yes", "maybe", "dk", "a b", "a a", "q"]
    df = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(len(values))],
            "region": "SI",
            "stakeholder_group": "company",
            "item": ["q1", "q1", "q3", "q3", "q3", "q3"],
            "value": values,
        }
    )
    with pytest.raises(InputError) as caught:
        validate_responses(df, INSTRUMENT)
    refused_lines = {p.line for p in caught.value.problems}
    expected = {
        line
        for line, item, value in zip(range(2, 2 + len(values)), df["item"], values, strict=True)
        if isinstance(validate_answer(INSTRUMENT, item, value), Problem)
    }
    assert refused_lines == expected == {3, 6, 7}


def test_value_problem_is_the_type_check_alone():
    assert value_problem(INSTRUMENT, "q1", "no") is None
    assert value_problem(INSTRUMENT, "since", "anything") is None
    assert "not a whole number" in (value_problem(INSTRUMENT, "years", "1e3") or "")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.sampled_from(YN + ["", " yes", "no ", "YES", "yes no"]),
        st.text(max_size=30),
    )
)
def test_an_accepted_select_one_answer_is_a_choice_name(value):
    verdict = validate_answer(INSTRUMENT, "q1", value)
    if not isinstance(verdict, Problem):
        assert verdict == "" or verdict in YN


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "dk", "z", "A"]), max_size=5), st.sampled_from([" ", "  ", "\t"]))
def test_an_accepted_select_multiple_answer_is_distinct_choice_names(names, sep):
    verdict = validate_answer(INSTRUMENT, "q3", sep.join(names))
    if isinstance(verdict, Problem):
        assert set(names) - {"a", "b", "c", "dk"} or len(set(names)) != len(names)
    else:
        assert verdict.split() == names and len(set(names)) == len(names)
