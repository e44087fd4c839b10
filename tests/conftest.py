"""Shared fixtures: small hand-made instruments and response files."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3stresstest.instrument import Sheet, instrument_from_workbook

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def small_workbook() -> dict:
    """Two blocks, four scored items, one profile item, one open question, two languages."""
    return {
        "settings": Sheet(["form_title", "form_id", "version"], [{"form_title": "Tiny", "form_id": "tiny", "version": "2"}]),
        "blocks": Sheet(["name", "label::English (en)", "label::Deutsch (de)"],
                        [{"name": "b1", "label::English (en)": "Design", "label::Deutsch (de)": "Gestaltung"},
                         {"name": "b2", "label::English (en)": "Impact", "label::Deutsch (de)": "Wirkung"}]),
        "survey": Sheet(["type", "name", "label::English (en)", "label::Deutsch (de)", "block"], [
            {"type": "integer", "name": "years", "label::English (en)": "Years", "label::Deutsch (de)": "Jahre"},
            {"type": "begin_group", "name": "g1", "label::English (en)": "Block 1"},
            {"type": "select_one yn", "name": "q1", "label::English (en)": "Q1", "block": "b1"},
            {"type": "select_one yn", "name": "q2", "label::English (en)": "Q2", "block": "b1"},
            {"type": "select_multiple forms", "name": "q3", "label::English (en)": "Q3", "block": "b1"},
            {"type": "end_group"},
            {"type": "select_one yn", "name": "q4", "label::English (en)": "Q4", "block": "b2"},
            {"type": "note", "name": "n1", "label::English (en)": "Thanks"},
            {"type": "text", "name": "open1", "label::English (en)": "Good practice?"},
        ]),
        "choices": Sheet(["list_name", "name", "label::English (en)", "score"], [
            {"list_name": "yn", "name": "yes", "label::English (en)": "Yes", "score": "100"},
            {"list_name": "yn", "name": "partly", "label::English (en)": "Partly", "score": "50"},
            {"list_name": "yn", "name": "no", "label::English (en)": "No", "score": "0"},
            {"list_name": "yn", "name": "dk", "label::English (en)": "Don't know"},
            {"list_name": "forms", "name": "a", "label::English (en)": "A", "score": "40"},
            {"list_name": "forms", "name": "b", "label::English (en)": "B", "score": "40"},
            {"list_name": "forms", "name": "c", "label::English (en)": "C", "score": "40"},
            {"list_name": "forms", "name": "dk", "label::English (en)": "Don't know"},
        ]),
    }


@pytest.fixture
def tiny_book():
    return small_workbook()


@pytest.fixture
def tiny_instrument():
    return instrument_from_workbook(small_workbook(), source="tiny")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real reference data beside the checkout (`../shared/data`); CI always has it.

    Missing data fails the test rather than skipping it: a skipped test would hide a gap.
    """
    assert SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA} (expected ../shared/data)"
    return SHARED_DATA
