"""Answer scales named for readers ("Strongly disagree … Strongly agree, 5 points"), in the report's language.

An instrument's choice lists have internal names (`agree5`, `yesno`) that mean nothing to a reader, and an
uploaded XLSForm may name them anything: the name is built from the list's own choice labels instead.
"""

from __future__ import annotations

from ..i18n import Translator
from ..instrument import pick_label


def _label(choice, language: str) -> str:
    return pick_label(choice.labels, None if language == "en" else language) or choice.name


def scale_name(choices, t: Translator) -> str:
    """A scored list by its lowest and highest choice and its number of scored choices; an unscored list
    (profile questions) by its number of choices."""
    scored = sorted((c for c in choices.choices if c.score is not None), key=lambda c: c.score)
    if len(scored) >= 2:
        return t.ngettext(
            "{low} … {high}, {n} point",
            "{low} … {high}, {n} points",
            len(scored),
            low=_label(scored[0], t.language),
            high=_label(scored[-1], t.language),
        )
    return t.ngettext("{n} choice, no score", "{n} choices, no score", len(choices.choices))


def scale_names(instrument, items, t: Translator) -> dict[str, str]:
    """The reader's name of each choice list the items use, in questionnaire order; two lists that would
    read alike are numbered ("…, 5 points (2)") so the annex's table of scales tells them apart."""
    names: dict[str, str] = {}
    for it in items:
        choices = instrument.choices_of(it) if it.list_name else None
        if choices is None or it.list_name in names:
            continue
        name = scale_name(choices, t)
        taken = set(names.values())
        k = 2
        unique = name
        while unique in taken:
            unique = f"{name} ({k})"
            k += 1
        names[it.list_name] = unique
    return names
