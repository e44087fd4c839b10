"""The questionnaire as web pages: one page per XLSForm group, in the order of the form.

Items outside any group are gathered into pages of their own (each run of consecutive
ungrouped items is one page). Metadata types (start, end, calculate, hidden...) are not
shown. An item named `stakeholder_group` is not asked on the web: the invitation or the
open-link declaration already says which group a respondent belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..instrument import Instrument, Item, pick_label
from ..instrument.loader import GROUP_ALIASES, _labels
from ..instrument.model import language_code
from . import i18n

SHOWN_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "date", "time", "datetime", "note")
HIDDEN_NAMES = ("stakeholder_group",)
INPUT_TYPES = {"integer": "text", "decimal": "text", "date": "date", "time": "time", "datetime": "datetime-local"}
INPUT_MODES = {"integer": "numeric", "decimal": "decimal"}


@dataclass
class Page:
    number: int  # 1-based
    key: str  # group name, or 'page<n>' for a run of ungrouped items; stored as `last_page`
    labels: dict[str, str]
    items: list[Item] = field(default_factory=list)

    @property
    def answerable(self) -> list[Item]:
        return [i for i in self.items if i.type != "note"]


def group_labels(instrument: Instrument) -> dict[str, dict[str, str]]:
    """Labels of every begin_group row, read from the workbook (the model keeps only names)."""
    out: dict[str, dict[str, str]] = {}
    survey = instrument.workbook.get("survey")
    if survey is None:
        return out
    for row in survey.rows:
        raw = " ".join(row.get("type", "").split()).lower()
        if GROUP_ALIASES.get(raw, raw) == "begin_group" and row.get("name"):
            out[row["name"]] = _labels(row, "label")
    return out


def shown(item: Item) -> bool:
    return item.type in SHOWN_TYPES and item.name not in HIDDEN_NAMES


def build_pages(instrument: Instrument) -> list[Page]:
    labels = group_labels(instrument)
    runs: list[tuple[str | None, list[Item]]] = []
    for item in instrument.items:
        if not shown(item):
            continue
        if runs and runs[-1][0] == item.group:
            runs[-1][1].append(item)
        else:
            runs.append((item.group, [item]))
    pages: list[Page] = []
    used: set[str] = set()
    for group, items in runs:
        n = len(pages) + 1
        key = group if group and group not in used else f"page{n}"
        used.add(key)
        page_labels = dict(labels.get(group, {})) if group else {}
        if not page_labels:
            blocks = {i.block for i in items}
            if len(blocks) == 1 and None not in blocks:
                b = next(x for x in instrument.blocks if x.name == next(iter(blocks)))
                page_labels = dict(b.labels)
        pages.append(Page(n, key, page_labels, items))
    return pages


def page_title(page: Page, language: str) -> str:
    return pick_label(page.labels, language) if page.labels else i18n.t(language, "questions")


def page_index(pages: list[Page], key: str | None) -> int:
    """Number (1-based) of the page whose key is `key`; 0 when none."""
    if not key:
        return 0
    for p in pages:
        if p.key == key or str(p.number) == str(key):
            return p.number
    return 0


def read_answers(page: Page, form) -> dict[str, str]:
    """The page's answers from a submitted form: text as typed (trimmed), ticked choices space-separated."""
    answers: dict[str, str] = {}
    for item in page.answerable:
        if item.type == "select_multiple":
            values = [v for v in form.getlist(item.name) if isinstance(v, str) and v]
            answers[item.name] = " ".join(dict.fromkeys(values))
        else:
            value = form.get(item.name)
            answers[item.name] = value.strip() if isinstance(value, str) else ""
    return answers


def error_message(instrument: Instrument, item_name: str, language: str) -> str:
    """A message in the respondent's language for a refused value of `item_name`."""
    if not instrument.has_item(item_name):
        return i18n.t(language, "invalid_value")
    kind = instrument.item(item_name).type
    key = {
        "integer": "invalid_integer",
        "decimal": "invalid_decimal",
        "select_one": "invalid_choice",
        "select_multiple": "invalid_choice",
    }.get(kind, "invalid_value")
    return i18n.t(language, key)


def choice_options(instrument: Instrument, item: Item, language: str) -> list[tuple[str, str]]:
    cl = instrument.choices_of(item)
    return [(c.name, pick_label(c.labels, language)) for c in cl.choices] if cl else []


def display_value(instrument: Instrument, item: Item, value: str, language: str) -> str:
    """An answer as the respondent reads it on the review page ('' when unanswered)."""
    if not value:
        return ""
    cl = instrument.choices_of(item)
    if cl is not None and item.type in ("select_one", "select_multiple"):
        names = value.split() if item.type == "select_multiple" else [value]
        out = []
        for name in names:
            c = cl.get(name)
            out.append(pick_label(c.labels, language) if c else name)
        return "; ".join(out)
    return value


def missing_languages(instrument: Instrument, languages: list[str]) -> list[str]:
    """The campaign's languages the form has no labels in (its respondents would read the default
    labels under a switcher offering their language): the admin page warns about them. A form with
    plain `label` columns names no language, so every campaign language is listed."""
    have = {language_code(lang) for lang in instrument.languages}
    if instrument.default_language:
        have.add(language_code(instrument.default_language))
    return [code for code in languages if code not in have]
