"""One answer checked against its instrument item.

The web questionnaire (through `Store.save_page`) and file imports (`validate_responses`) apply
the same rule, so a value accepted in one place is accepted in the other:

- `validate_answer`: one raw answer as a form or API sends it -> the value to store, or a `Problem`;
- `value_problem`: the type check alone, for a value already normalised (used per distinct
  value by the bulk validation of a responses file).

What is checked: the item exists and takes an answer; select_one = one of its choice names;
select_multiple = space-separated choice names, none repeated; integer = a whole number;
decimal = a finite number; text = at most `MAX_TEXT` characters. Other answerable types
(date, time...) take any short text. Answers are never required here: an empty value clears
an answer (drafts and partly answered pages are normal).
"""

from __future__ import annotations

import math

from ..errors import Problem
from ..instrument import Instrument

__all__ = ["MAX_CLOSED", "MAX_TEXT", "validate_answer", "value_problem"]

MAX_TEXT = 20_000  # characters of one free-text answer
MAX_CLOSED = 1_000  # characters of any other answer (a select_multiple of many choices included)


def validate_answer(instrument: Instrument, item_name: str, value: object) -> str | Problem:
    """The answer to store for `item_name`, or a `Problem` (field = the item name) saying why not.

    `value` may be text, a number (stored as its text) or None (= ''); '' means "no answer" (the
    store clears a saved one). Text answers keep their spacing but whitespace alone becomes '';
    select_multiple choices are joined by single spaces; other values are stripped.
    """
    name = str(item_name)
    if not instrument.has_item(name):
        return Problem(f"unknown item '{name}'", field=name)
    item = instrument.item(name)
    if not item.answerable:
        return Problem(f"item '{name}' is a {item.type} and takes no answer", field=name)
    if value is None:
        value = ""
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return Problem(f"the answer to '{name}' must be text", field=name)
    text = str(value)
    if item.type == "text":
        text = text if text.strip() else ""
        if "\x00" in text:
            return Problem(f"the answer to '{name}' contains a NUL character", field=name)
        if len(text) > MAX_TEXT:
            return Problem(f"the answer to '{name}' is longer than {MAX_TEXT} characters", field=name)
        return text
    text = " ".join(text.split()) if item.type == "select_multiple" else text.strip()
    if "\x00" in text or len(text) > MAX_CLOSED:
        return Problem(f"the answer to '{name}' is not valid", field=name)
    if text:
        verdict = value_problem(instrument, name, text)
        if verdict:
            return Problem(verdict, field=name)
    return text


def value_problem(instrument: Instrument, item_name: str, value: str) -> str | None:
    """Why the non-empty `value` is not an answer to the answerable item `item_name`; None when it is.

    `value` must already be normalised (stripped; select_multiple: names split on whitespace)."""
    item = instrument.item(item_name)
    if item.type in ("select_one", "select_multiple"):
        cl = instrument.choices_of(item)
        choices = cl.choices if cl is not None else ()
        known = {c.name for c in choices}
        if item.type == "select_one":
            if value not in known:
                return (
                    f"'{value}' is not a choice of item '{item_name}' (list '{item.list_name}': "
                    f"{', '.join(c.name for c in choices)})"
                )
            return None
        names = value.split()
        bad = [n for n in names if n not in known]
        if bad:
            return f"{', '.join(repr(b) for b in bad)} not a choice of item '{item_name}' (list '{item.list_name}')"
        if len(set(names)) != len(names):
            return f"a choice is repeated in '{value}'"
    elif item.type == "integer":
        try:
            int(value)
        except ValueError:
            return f"'{value}' is not a whole number (item '{item_name}' is an integer)"
    elif item.type == "decimal":
        try:
            ok = math.isfinite(float(value))
        except ValueError:
            ok = False
        if not ok:
            return f"'{value}' is not a number (item '{item_name}' is a decimal)"
    return None
