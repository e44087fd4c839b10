"""Mapping files: which source column holds which item, and how its answer codes are recoded.

A mapping file is a CSV with the header `source,item[,value_map]`:

    source,item,value_map
    G1Q1,b1_edp_informed,A1=yes;A2=partly;A3=no;A4=dk
    G1Q5,b1_forms,SQ001=a;SQ002=b
    G0Q1,stakeholder_group,A1=company;A2=policy_maker
    City,region,Nairobi=KE;Abidjan=CI
    ConsentText,

* `source` is a column of the export (`G1Q1`, `G1Q2[SQ001]`, `block1/q3`) or the
  code of a multiple-choice question whose columns are one per option
  (`G1Q5` for `G1Q5[SQ001]`, `G1Q5[SQ002]`…, or Kobo's `q3` for `q3/a`, `q3/b`).
* `item` is an item of the instrument, or one of the respondent fields
  `respondent_id`, `region`, `stakeholder_group`, `language` (when the instrument has
  no item of that name), or empty to ignore the column.
* `value_map` recodes answers, `from=to` pairs separated by `;`; `to` may be empty
  (the answer becomes blank). For a multiple-choice item it recodes each ticked
  option (the option code of a `Q[SQ]` column, or each space-separated name).
  Answers not in the map are kept as they are.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..campaign.csvfile import decode_utf8
from ..campaign.model import STAKEHOLDER_GROUPS, TERRITORY_CODE
from ..errors import InputError, Problem
from ..instrument import Instrument
from ..instrument.model import SELECT_TYPES
from .tables import Table, parse_csv

RESPONDENT_FIELDS = ("respondent_id", "region", "stakeholder_group", "language")


@dataclass(frozen=True)
class MapEntry:
    source: str
    item: str  # '' = ignore the column
    value_map: dict[str, str] = field(default_factory=dict)
    line: int | None = None

    def recode(self, value: str, multiple: bool = False) -> str:
        if not self.value_map or value == "":
            return value
        if multiple:
            return " ".join(t for t in (self.value_map.get(v, v) for v in value.split()) if t)
        return self.value_map.get(value, value)


@dataclass
class Mapping:
    """Source column -> item, with optional recoding; built from a file or from code."""

    entries: dict[str, MapEntry] = field(default_factory=dict)
    source: str = "mapping"

    def get(self, column: str) -> MapEntry | None:
        return self.entries.get(column)

    def __contains__(self, column: str) -> bool:
        return column in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_dict(cls, pairs: dict[str, str | tuple[str, dict[str, str]]], source: str = "mapping") -> Mapping:
        """`{'G1Q1': 'q1', 'G1Q2': ('q2', {'A1': 'yes'})}`."""
        entries = {}
        for src, target in pairs.items():
            item, vmap = (target, {}) if isinstance(target, str) else target
            entries[src] = MapEntry(src, item, dict(vmap))
        return cls(entries, source)

    def check(self, instrument: Instrument, columns: set[str], bases: set[str]) -> list[Problem]:
        """Problems with the mapping itself: unknown targets, sources not in the file, bad recodings."""
        problems: list[Problem] = []
        answerable = {i.name for i in instrument.answerable_items}
        for e in self.entries.values():
            if e.source not in columns and e.source not in bases:
                problems.append(
                    Problem(f"source column '{e.source}' is not in the imported file", e.line, "source", self.source)
                )
            if not e.item:
                continue
            if e.item in answerable:
                item = instrument.item(e.item)
                cl = instrument.choices_of(item) if item.type in SELECT_TYPES else None
                if cl is not None:
                    bad = [
                        t
                        for v in e.value_map.values()
                        for t in (v.split() if item.type == "select_multiple" else [v])
                        if t and cl.get(t) is None
                    ]
                    if bad:
                        problems.append(
                            Problem(
                                f"recodes to {', '.join(repr(b) for b in bad)}, not a choice of item '{e.item}' "
                                f"(list '{item.list_name}': {', '.join(c.name for c in cl.choices)})",
                                e.line,
                                "value_map",
                                self.source,
                            )
                        )
            elif e.item in RESPONDENT_FIELDS:
                targets = [v for v in e.value_map.values() if v]
                if e.item == "stakeholder_group":
                    bad = [t for t in targets if t not in STAKEHOLDER_GROUPS]
                    if bad:
                        problems.append(
                            Problem(
                                f"recodes to unknown stakeholder group(s) {', '.join(map(repr, bad))} "
                                f"(one of: {', '.join(STAKEHOLDER_GROUPS)})",
                                e.line,
                                "value_map",
                                self.source,
                            )
                        )
                elif e.item == "region":
                    bad = [t for t in targets if not TERRITORY_CODE.fullmatch(t)]
                    if bad:
                        problems.append(
                            Problem(
                                f"recodes to {', '.join(map(repr, bad))}, not territory codes "
                                "(a NUTS code such as DE2, ITH2, SI or CH022)",
                                e.line,
                                "value_map",
                                self.source,
                            )
                        )
            elif instrument.has_item(e.item):
                problems.append(
                    Problem(
                        f"item '{e.item}' is a {instrument.item(e.item).type} and takes no answer",
                        e.line,
                        "item",
                        self.source,
                    )
                )
            else:
                hint = difflib.get_close_matches(e.item, sorted(answerable), n=1)
                problems.append(
                    Problem(
                        f"unknown item '{e.item}'"
                        + (f" (did you mean '{hint[0]}'?)" if hint else "")
                        + f"; an item of the instrument, one of {', '.join(RESPONDENT_FIELDS)}, "
                        "or empty to ignore the column",
                        e.line,
                        "item",
                        self.source,
                    )
                )
        return problems


def parse_value_map(text: str) -> tuple[dict[str, str], str | None]:
    """'A1=agree;A2=disagree' -> ({'A1': 'agree', 'A2': 'disagree'}, None) or ({}, error message)."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" not in part:
            return {}, f"'{part}' is not a from=to pair (pairs are separated by ';', e.g. A1=agree;A2=disagree)"
        src, _, dst = part.partition("=")
        src, dst = src.strip(), dst.strip()
        if not src:
            return {}, f"'{part}' has nothing before '='"
        if src in out:
            return {}, f"'{src}' is recoded twice"
        out[src] = dst
    return out, None


def read_mapping(path: str | Path) -> Mapping:
    """Read and check the form of a mapping file; the instrument check comes with the import."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", source=path.name)
    return parse_mapping(decode_utf8(path.read_bytes(), path.name), path.name)


def parse_mapping(text: str, source: str = "mapping") -> Mapping:
    table: Table = parse_csv(text, source, allow_short=True)
    problems: list[Problem] = []
    missing = [c for c in ("source", "item") if c not in table.columns]
    if missing:
        raise InputError(
            [
                Problem(
                    f"required column '{c}' is missing (header has: {', '.join(table.columns)}; "
                    "expected source,item[,value_map])",
                    1,
                    c,
                    source,
                )
                for c in missing
            ]
        )
    unknown = [c for c in table.columns if c not in ("source", "item", "value_map")]
    if unknown:
        problems.append(
            Problem(
                f"unexpected column(s) {', '.join(unknown)} (expected source,item[,value_map])", 1, unknown[0], source
            )
        )
    pos = {c: table.columns.index(c) for c in table.columns}
    mapping = Mapping(source=source)
    for line, row in zip(table.lines, table.rows, strict=True):
        src, item = row[pos["source"]], row[pos["item"]]
        raw_map = row[pos["value_map"]] if "value_map" in pos else ""
        if not src:
            problems.append(Problem("source is empty", line, "source", source))
            continue
        if src in mapping.entries:
            problems.append(
                Problem(
                    f"source '{src}' is mapped twice (first on line {mapping.entries[src].line})",
                    line,
                    "source",
                    source,
                )
            )
            continue
        vmap, error = parse_value_map(raw_map)
        if error:
            problems.append(Problem(error, line, "value_map", source))
            continue
        if vmap and not item:
            problems.append(
                Problem("a column that is ignored (empty item) cannot be recoded", line, "value_map", source)
            )
            continue
        mapping.entries[src] = MapEntry(src, item, vmap, line)
    if problems:
        raise InputError(problems)
    return mapping


def as_mapping(mapping) -> Mapping | None:
    """Accept a path, a `Mapping`, a dict or None."""
    if mapping is None or isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, dict):
        return Mapping.from_dict(mapping)
    return read_mapping(mapping)
