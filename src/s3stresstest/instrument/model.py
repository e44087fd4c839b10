"""The instrument: questions, answer scales and blocks, read from an XLSForm workbook.

Scoring needs only a few facts per item (its block, its type, the score of each
choice); the full workbook is kept beside them so an instrument can be written
back out unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from .sheets import Workbook

DEFAULT_LANGUAGE = "default"
LANG_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$")

SELECT_TYPES = ("select_one", "select_multiple")
NUMBER_TYPES = ("integer", "decimal")
TEXT_TYPES = (
    "text",
    "date",
    "datetime",
    "time",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "calculate",
    "hidden",
    "geopoint",
)
ANSWERABLE_TYPES = SELECT_TYPES + NUMBER_TYPES + TEXT_TYPES
STRUCTURE_TYPES = ("note", "begin_group", "end_group")


def language_code(column_language: str) -> str:
    """'English (en)' -> 'en'; a bare name is its own code."""
    m = LANG_RE.match(column_language)
    return m.group("code").lower() if m else column_language


def pick_label(labels: dict[str, str], language: str | None = None) -> str:
    """Label in the wanted language (name or code), else default, else the first one."""
    if not labels:
        return ""
    if language:
        for key, text in labels.items():
            if key == language or language_code(key) == language.lower():
                return text
    return labels.get(DEFAULT_LANGUAGE) or next(iter(labels.values()))


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]
    score: float | None  # None: counts as answered, carries no value ("don't know")


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    @property
    def scored(self) -> bool:
        return any(c.score is not None for c in self.choices)

    def get(self, name: str) -> Choice | None:
        return next((c for c in self.choices if c.name == name), None)

    def choice(self, name: str) -> Choice:
        """The choice called `name`, for names already validated against this list."""
        found = self.get(name)
        if found is None:
            raise KeyError(f"'{name}' is not a choice of list '{self.name}'")
        return found


@dataclass(frozen=True)
class Item:
    name: str
    type: str  # base type, e.g. 'select_one'
    labels: dict[str, str]
    row: int
    list_name: str | None = None
    block: str | None = None
    group: str | None = None  # innermost enclosing XLSForm group
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.type in ANSWERABLE_TYPES


@dataclass(frozen=True)
class Block:
    name: str
    labels: dict[str, str]


@dataclass
class Instrument:
    """A validated questionnaire. Build it with `load_instrument` or `instrument_from_workbook`."""

    form_id: str
    version: str
    title: str
    default_language: str | None
    languages: list[str]
    blocks: list[Block]
    items: list[Item]
    lists: dict[str, ChoiceList]
    workbook: Workbook
    warnings: list[str] = field(default_factory=list)

    # -- lookups -----------------------------------------------------------
    def item(self, name: str) -> Item:
        return self._items_by_name[name]

    def __post_init__(self) -> None:
        self._items_by_name = {i.name: i for i in self.items}

    def has_item(self, name: str) -> bool:
        return name in self._items_by_name

    def choices_of(self, item: Item) -> ChoiceList | None:
        return self.lists.get(item.list_name) if item.list_name else None

    def select_list(self, item: Item) -> ChoiceList:
        """The choice list of a select item: a validated instrument gives every select item one."""
        cl = self.choices_of(item)
        if cl is None:
            raise ValueError(f"item '{item.name}' has no choice list")
        return cl

    def is_scored(self, item: Item) -> bool:
        """Scored items sit in a block and offer at least one choice with a score."""
        cl = self.choices_of(item)
        return bool(item.block) and item.type in SELECT_TYPES and cl is not None and cl.scored

    @property
    def scored_items(self) -> list[Item]:
        return [i for i in self.items if self.is_scored(i)]

    @property
    def answerable_items(self) -> list[Item]:
        return [i for i in self.items if i.answerable]

    def block_items(self, block: str) -> list[Item]:
        return [i for i in self.scored_items if i.block == block]

    def item_number(self, name: str) -> str:
        """The scored item's number in its block, as reports print it ('b1.3'); else its name."""
        it = self.item(name) if self.has_item(name) else None
        if it is None or not it.block:
            return name
        items = [i.name for i in self.block_items(it.block)]
        return f"{it.block}.{items.index(name) + 1}" if name in items else name

    def block_label(self, block: str, language: str | None = None) -> str:
        b = next((b for b in self.blocks if b.name == block), None)
        return pick_label(b.labels, language or self.default_language) if b else block

    def item_label(self, name: str, language: str | None = None) -> str:
        return pick_label(self.item(name).labels, language or self.default_language)

    @property
    def checksum(self) -> str:
        """sha256 of the workbook content: same questions and scores, same checksum."""
        payload = {n: {"columns": s.columns, "rows": s.rows} for n, s in self.workbook.items()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
