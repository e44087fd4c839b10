"""The alignment notes of a run in the report's language.

The alignment step records a note per territory in English (`alignment.analysis`: "no national strategy
for AT in the input", "national strategy IT 2014-2020, the latest sourced; 2021-2027 not sourced"), as
its tables and run record keep it. A report reads each note back as codes with their parameters
(`note_parts`) and words them in its own language (`note_text`); a note it does not know is shown as
recorded. A test checks that every note of a run is read completely.
"""

from __future__ import annotations

import re

from ..i18n import translator
from .render import N_

_PERIOD = r"\d{4}-\d{4}"
# code -> the English wording of `alignment.analysis` (a regular expression with the note's parameters)
PATTERNS: dict[str, str] = {
    "no_national": r"no national strategy for (?P<code>\S+) in the input",
    "national_only": r"national strategy \(vertical comparisons only\)",
    "national_older": (
        rf"national strategy (?P<code>\S+) (?P<national_period>{_PERIOD}), the latest sourced; "
        rf"(?P<period>{_PERIOD}) not sourced"
    ),
    "regional_older": (
        rf"regional strategy (?P<period>{_PERIOD}), the latest sourced; "
        rf"national strategy (?P<code>\S+) (?P<national_period>{_PERIOD})"
    ),
    "no_neighbour": r"no neighbour with a strategy in the input",
    "neighbours_outside": r"neighbours outside the horizontal set",
}
TEXTS = {
    "no_national": N_("no national S3 of {code} is in the sourced data"),
    "national_only": N_("national strategy (compared with its regions only)"),
    "national_older": N_("national S3 {code} {national_period}, the latest sourced; its S3 {period} is not sourced"),
    "regional_older": N_("regional S3 {period}, the latest sourced; national S3 {code} {national_period}"),
    "no_neighbour": N_("no neighbour with a sourced strategy"),
    "neighbours_outside": N_("its neighbours are outside the territories compared"),
}
_MATCHERS = {code: re.compile(p) for code, p in PATTERNS.items()}


def note_parts(note: object) -> list[tuple[str, dict[str, str]]]:
    """A recorded note as (code, parameters) parts in order; an unknown part as ("", {"text": ...})."""
    rest = "" if note is None or note != note else str(note).strip()
    parts: list[tuple[str, dict[str, str]]] = []
    while rest:
        for code, matcher in _MATCHERS.items():
            m = matcher.match(rest)
            if m and (m.end() == len(rest) or rest[m.end() :].startswith("; ")):
                parts.append((code, m.groupdict()))
                rest = rest[m.end() :].removeprefix("; ").strip()
                break
        else:
            parts.append(("", {"text": rest}))
            break
    return parts


def _period(p: str) -> str:
    return p.replace("-", "\u2013")  # 2014–2020, as the report writes periods


def note_text(note: object, language: str = "en", *, codes: tuple[str, ...] | None = None) -> str:
    """The note in `language` ("" when empty); `codes` keeps only those parts (e.g. the national ones)."""
    t = translator(language)
    out = []
    for code, params in note_parts(note):
        if codes is not None and code not in codes:
            continue
        if not code:
            out.append(params["text"])
            continue
        values = {k: _period(v) if k.endswith("period") else v for k, v in params.items()}
        out.append(t._(TEXTS[code], **values))
    # TRANSLATORS: separates the parts of an alignment note
    return t.pgettext("note parts", "; ").join(out)


NATIONAL = ("no_national", "national_only", "national_older", "regional_older")
NEIGHBOURS = ("no_neighbour", "neighbours_outside")

__all__ = ["NATIONAL", "NEIGHBOURS", "PATTERNS", "TEXTS", "note_parts", "note_text"]
