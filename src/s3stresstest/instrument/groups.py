"""The stakeholder groups' names as the questionnaire gives them (its `stakeholder_group` choice list),
so the survey, the admin pages and the reports call a group the same in every language."""

from __future__ import annotations

import functools

from .model import Instrument, language_code

LIST_NAME = "stakeholder_group"


def group_label(instrument: Instrument | None, group: str, language: str) -> str | None:
    """The instrument's label of stakeholder group `group` in `language`; None when the instrument has
    no such group or no label in that language (the caller then uses its own words)."""
    if instrument is None:
        return None
    choices = instrument.lists.get(LIST_NAME)
    choice = choices.get(group) if choices else None
    if choice is None:
        return None
    for key, text in choice.labels.items():
        if text and language_code(key) == language:
            return text
    return None


@functools.lru_cache(maxsize=1)
def builtin_instrument() -> Instrument:
    """The built-in questionnaire, read once per process."""
    from .builtin import load_builtin

    return load_builtin()
