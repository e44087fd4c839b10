"""The common engine of every import: a wide table (one row per respondent) to the long responses format.

Each importer describes its source as a `Dialect` (how metadata columns look, how a
column names an item, how multiple-choice options are spread over columns); this
module resolves every column to an item, a respondent field, an ignored column or an
unknown one, builds the long rows and validates them with
`campaign.validate_responses`. Problems found there are translated back to the row
and column of the source file. Nothing is returned unless every row is valid.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ..campaign.model import LANGUAGE_CODE, RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, TERRITORY_CODE
from ..campaign.responses import validate_responses
from ..errors import InputError, Problem
from ..instrument import Instrument, Item
from .mapping import RESPONDENT_FIELDS, MapEntry, Mapping
from .tables import Table

_INTEGER_FLOAT = re.compile(r"^[+-]?\d+\.0*$")


@dataclass
class Dialect:
    """How one kind of export names its columns."""

    name: str
    id_columns: tuple[str, ...]
    language_column: str | None = None
    # column -> names it may stand for, most specific first (e.g. 'g1/q3' -> ['g1/q3', 'q3'])
    candidates: Callable[[str], list[str]] = lambda c: [c]
    # column -> (question, option) when it is one option of a multiple-choice question
    split: Callable[[str], tuple[str, str] | None] = lambda c: None
    # column -> why it is left out (metadata, timings), or None
    metadata: Callable[[str, list[str]], str | None] = lambda c, cols: None
    ticked: frozenset[str] = frozenset({"1", "true", "yes", "y"})
    unticked: frozenset[str] = frozenset({"", "0", "false", "no", "n"})


@dataclass
class ImportReport:
    """What an import took, left out and skipped; printed by the CLI and shown by the admin page."""

    source: str
    format: str
    respondents: int = 0
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # source column -> item (or respondent field)
    ignored: dict[str, str] = field(default_factory=dict)  # source column -> reason
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of records left out
    missing_items: list[str] = field(default_factory=list)  # answerable items no column fills
    respondent_fields: dict[str, str] = field(default_factory=dict)  # field -> "column 'x'" or "constant 'y'"
    notes: list[str] = field(default_factory=list)

    def lines(self, limit: int = 10) -> list[str]:
        out = [
            f"{self.source} ({self.format}): {self.respondents} respondents, {self.rows} answer rows, "
            f"{len(set(self.columns.values()))} items from {len(self.columns)} columns"
        ]
        if self.respondent_fields:
            out.append("respondent fields: " + ", ".join(f"{k} from {v}" for k, v in self.respondent_fields.items()))
        if self.skipped:
            out.append(
                f"skipped {len(self.skipped)} record(s): "
                + "; ".join(f"line {line}: {why}" for line, why in self.skipped[:limit])
                + (" ..." if len(self.skipped) > limit else "")
            )
        if self.ignored:
            reasons: dict[str, list[str]] = {}
            for col, why in self.ignored.items():
                reasons.setdefault(why, []).append(col)
            for why, cols in reasons.items():
                shown = ", ".join(cols[:limit]) + (f" and {len(cols) - limit} more" if len(cols) > limit else "")
                out.append(f"ignored {len(cols)} column(s) ({why}): {shown}")
        if self.missing_items:
            shown = ", ".join(self.missing_items[:limit])
            more = f" and {len(self.missing_items) - limit} more" if len(self.missing_items) > limit else ""
            out.append(f"{len(self.missing_items)} item(s) of the instrument have no column: {shown}{more}")
        out += self.notes
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class ImportResult:
    responses: pd.DataFrame  # validated long format: RESPONSE_COLUMNS (+ language)
    report: ImportReport


@dataclass
class Respondents:
    """Where the respondent fields come from: a column or a constant (None: the dialect's default)."""

    id_column: str | None = None
    region: str | None = None
    region_column: str | None = None
    stakeholder_group: str | None = None
    group_column: str | None = None
    language: str | None = None
    language_column: str | None = None
    id_prefix: str = ""


@dataclass
class _Plan:
    items: dict[str, str] = field(default_factory=dict)  # column -> item
    dummies: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # item -> [(column, option)]
    attributes: dict[str, str] = field(default_factory=dict)  # respondent field -> column
    constants: dict[str, str] = field(default_factory=dict)  # respondent field -> value
    entries: dict[str, MapEntry] = field(default_factory=dict)  # column or question -> mapping entry used


def import_table(
    table: Table,
    instrument: Instrument,
    dialect: Dialect,
    *,
    mapping: Mapping | None = None,
    who: Respondents | None = None,
    ignore_unknown: bool = False,
    attribute_only: bool = False,
    known_regions: set[str] | None = None,
    keep_blank: bool = True,
    report: ImportReport | None = None,
) -> ImportResult:
    """Resolve columns, build and validate the long rows; raise `InputError` with every problem."""
    who = who or Respondents()
    report = report or ImportReport(source=table.source, format=dialect.name)
    src = table.source
    answerable = {i.name: i for i in instrument.answerable_items}
    problems: list[Problem] = []
    if mapping is not None:
        bases = {b for c in table.columns if (s := dialect.split(c)) for b in _with_prefixes(s[0], dialect)}
        problems += mapping.check(instrument, set(table.columns), bases)

    plan = _Plan()
    problems += _plan_attributes(table, instrument, dialect, mapping, who, attribute_only, plan, known_regions)
    attribute_columns = set(plan.attributes.values())
    unknown: list[str] = []
    for number, col in enumerate(table.columns, start=1):
        if not col:
            report.ignored[f"column {number} (no name)"] = "no header: an index column"
            continue
        if col == plan.attributes.get("respondent_id") or (attribute_only and col in attribute_columns):
            continue
        verdict = _resolve(col, answerable, dialect, mapping, plan, table.columns)
        if col in attribute_columns and (verdict is None or verdict[0] == "ignore"):
            continue  # a respondent field only
        if verdict is None:
            unknown.append(col)
        elif verdict[0] == "ignore":
            report.ignored[col] = verdict[1]
        elif verdict[0] == "error":
            problems.append(Problem(verdict[1], 1, col, src))
    if unknown and not ignore_unknown:
        names = sorted(answerable)
        problems.append(
            Problem(
                f"{len(unknown)} column(s) match no item of the instrument: map each to an item in a "
                "mapping file (source,item), leave its item empty there to ignore it, or ignore "
                "all such columns with ignore_unknown (--ignore-unknown)",
                1,
                source=src,
            )
        )
        for col in unknown:
            hint = difflib.get_close_matches(dialect.candidates(col)[-1], names, n=1)
            problems.append(
                Problem(
                    "matches no item of the instrument" + (f" (did you mean '{hint[0]}'?)" if hint else ""), 1, col, src
                )
            )
    for col in unknown:
        report.ignored.setdefault(col, "matches no item (ignored on request)")
    problems += _check_claims(plan, src)
    for item, parts in list(plan.dummies.items()):
        if item in plan.items.values():  # the combined column is there: the 0/1 option columns are redundant
            for col, _ in parts:
                report.ignored[col] = f"option column of '{item}' (the combined column is used)"
            del plan.dummies[item]
    if not plan.items and not plan.dummies:
        problems.append(Problem("no column matches an item of the instrument", 1, source=src))
    if problems:
        raise InputError(_sorted(problems))

    long, origin, problems = _build(table, instrument, dialect, plan, who)
    try:
        valid = validate_responses(long, instrument, known_regions, source=src)
    except InputError as exc:
        problems += _translate(exc.problems, origin, plan, src)
    if problems:  # record problems (ids, option cells) and value problems, all at once
        raise InputError(_sorted(problems))
    if not keep_blank:
        valid = valid[valid["value"] != ""].reset_index(drop=True)
    filled = [i.name for i in instrument.answerable_items if i.name in set(plan.items.values()) | set(plan.dummies)]
    report.columns.update(plan.items)
    for item, parts in plan.dummies.items():
        report.columns.update({c: item for c, _ in parts})
    report.respondent_fields = {
        **{f: f"column '{c}'" for f, c in plan.attributes.items()},
        **{f: f"constant '{v}'" for f, v in plan.constants.items()},
    }
    report.missing_items = [n for n in answerable if n not in filled]
    report.respondents = int(valid["respondent_id"].nunique())
    report.rows = len(valid)
    return ImportResult(valid, report)


def _with_prefixes(name: str, dialect: Dialect) -> list[str]:
    return list(dict.fromkeys([name, *dialect.candidates(name)]))


def _resolve(
    col: str, answerable: dict[str, Item], dialect: Dialect, mapping: Mapping | None, plan: _Plan, columns: list[str]
):
    """('item'|'ignore'|'error', detail) or None for an unknown column; fills `plan`."""
    entry = mapping.get(col) if mapping else None
    if entry is not None:
        if not entry.item:
            return "ignore", "ignored by the mapping file"
        if entry.item in answerable:
            plan.items[col] = entry.item
            plan.entries[col] = entry
            return "item", entry.item
        if entry.item in RESPONDENT_FIELDS:
            return "ignore", f"respondent field '{entry.item}'"  # claimed by _plan_attributes
        return "ignore", "mapped to an unknown item"  # reported by Mapping.check
    for cand in dialect.candidates(col):
        if cand in answerable:
            plan.items[col] = cand
            return "item", cand
    parts = dialect.split(col)
    if parts:
        question, option = parts
        for q in _with_prefixes(question, dialect):
            entry = mapping.get(q) if mapping else None
            if entry is not None:
                if not entry.item:
                    return "ignore", f"option of '{q}', ignored by the mapping file"
                item = answerable.get(entry.item)
                if item is None:
                    return "ignore", "mapped to an unknown item"
                if item.type != "select_multiple":
                    return "error", (
                        f"is one option of '{q}', which the mapping file (line {entry.line}) maps to "
                        f"'{item.name}', a {item.type}: map each option column to an item of its own, "
                        "or map the question to a select_multiple item"
                    )
                plan.dummies.setdefault(item.name, []).append((col, option))
                plan.entries[q] = entry
                plan.entries[col] = entry
                return "item", item.name
            item = answerable.get(q)
            if item is not None and item.type == "select_multiple":
                plan.dummies.setdefault(item.name, []).append((col, option))
                return "item", item.name
    why = dialect.metadata(col, columns)
    if why:
        return "ignore", why
    return None


def _check_claims(plan: _Plan, src: str) -> list[Problem]:
    by_item: dict[str, list[str]] = {}
    for col, item in plan.items.items():
        by_item.setdefault(item, []).append(col)
    return [
        Problem(
            f"columns {', '.join(repr(c) for c in cols)} all hold item '{item}'; keep one, or map the "
            "others to other items or to nothing in a mapping file",
            1,
            cols[1],
            src,
        )
        for item, cols in by_item.items()
        if len(cols) > 1
    ]


def _plan_attributes(
    table: Table,
    instrument: Instrument,
    dialect: Dialect,
    mapping: Mapping | None,
    who: Respondents,
    attribute_only: bool,
    plan: _Plan,
    known_regions,
) -> list[Problem]:
    """Find the column (or constant) of each respondent field; check constants once."""
    src = table.source
    problems: list[Problem] = []
    columns = set(table.columns)
    by_target = {e.item: e.source for e in (mapping.entries.values() if mapping else []) if e.source in columns}

    def column_of(name: str) -> str | None:
        """The column that holds `name`: mapped to it, named so, or named so under a group prefix."""
        if name in by_target:
            return by_target[name]
        if attribute_only:
            return name if name in columns else None
        if name in columns and not (mapping and (entry := mapping.get(name)) is not None and entry.item != name):
            return name
        return next(
            (c for c in table.columns if name in dialect.candidates(c)[1:] and not (mapping and mapping.get(c))), None
        )

    def choose(
        name: str, constant: str | None, column: str | None, flag: str, default: str | None, required: bool
    ) -> None:
        if constant is not None and column is not None:
            problems.append(Problem(f"give either a constant {name} or {flag}, not both", field=name, source=src))
        elif constant is not None:
            plan.constants[name] = constant
        elif column is not None:
            if column in columns:
                plan.attributes[name] = column
            else:
                problems.append(
                    Problem(
                        f"{flag} names column '{column}', which is not in the file "
                        f"(columns: {_shorten(table.columns)})",
                        1,
                        column,
                        src,
                    )
                )
        else:
            found = column_of(name)
            if found is None and default in columns:
                found = default
            if found is not None:
                plan.attributes[name] = found
            elif required:
                problems.append(
                    Problem(
                        f"no {name} for the respondents: no column '{name}' (nor one mapped to it); "
                        f"give a constant {name} or {flag}",
                        1,
                        name,
                        src,
                    )
                )

    if who.id_column is not None or "respondent_id" in by_target:
        choose(
            "respondent_id", None, who.id_column or by_target["respondent_id"], "id_column (--id-column)", None, True
        )
    else:
        found = next((c for c in dialect.id_columns if c in columns), None)
        if found is None:
            problems.append(
                Problem(
                    f"no respondent id column: looked for {', '.join(dialect.id_columns)}; "
                    "name the column with id_column (--id-column)",
                    1,
                    "respondent_id",
                    src,
                )
            )
        else:
            plan.attributes["respondent_id"] = found
    choose("region", who.region, who.region_column, "region_column (--region-column)", None, True)
    choose("stakeholder_group", who.stakeholder_group, who.group_column, "group_column (--group-column)", None, True)
    choose(
        "language",
        who.language,
        who.language_column,
        "language_column (--language-column)",
        dialect.language_column,
        False,
    )
    for col in plan.attributes.values():  # a mapped column's recoding applies to the respondent field too
        entry = mapping.get(col) if mapping else None
        if entry is not None and entry.item:
            plan.entries[col] = entry

    for name, value in plan.constants.items():  # constants: checked once, not on every row
        if name == "region":
            if known_regions is not None and value not in known_regions:
                problems.append(
                    Problem(f"unknown region '{value}' (not in the regions file)", field="region", source=src)
                )
            elif not TERRITORY_CODE.fullmatch(value):
                problems.append(
                    Problem(
                        f"'{value}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)",
                        field="region",
                        source=src,
                    )
                )
        elif name == "stakeholder_group" and value not in STAKEHOLDER_GROUPS:
            problems.append(
                Problem(
                    f"unknown stakeholder group '{value}' (one of: {', '.join(STAKEHOLDER_GROUPS)})",
                    field="stakeholder_group",
                    source=src,
                )
            )
        elif name == "language" and not LANGUAGE_CODE.fullmatch(value):
            problems.append(
                Problem(f"'{value}' is not a language code (such as en, de, fr, it, sl)", field="language", source=src)
            )
    return problems


def _shorten(cols: list[str], n: int = 12) -> str:
    return ", ".join(cols[:n]) + (f" ... ({len(cols)} in all)" if len(cols) > n else "")


def _normalise(item: Item, value: str) -> str:
    if not value:
        return value
    if item.type == "integer" and _INTEGER_FLOAT.match(value):
        return value.split(".")[0].lstrip("+") or "0"
    if item.type == "select_multiple":
        return " ".join(value.split())
    return value


def _build(table: Table, instrument: Instrument, dialect: Dialect, plan: _Plan, who: Respondents):
    """Long rows (with `_line` = row index into `origin`), origin [(source line, column)], record problems."""
    src = table.source
    pos = {c: i for i, c in enumerate(table.columns)}
    order = [i.name for i in instrument.answerable_items]
    col_of = {item: col for col, item in plan.items.items()}
    items = [n for n in order if n in col_of or n in plan.dummies]
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    rid_col = plan.attributes.get("respondent_id")

    def attribute(row: list[str], name: str) -> str:
        if name in plan.constants:
            return plan.constants[name]
        col = plan.attributes.get(name)
        if col is None:
            return ""
        value = row[pos[col]]
        entry = plan.entries.get(col)
        return entry.recode(value) if entry else value

    rows: dict[str, list] = {c: [] for c in (*RESPONSE_COLUMNS, "language")}
    origin: list[tuple[int, str]] = []
    has_language = "language" in plan.attributes or "language" in plan.constants
    mapping_entries = plan.entries
    for line, row in zip(table.lines, table.rows, strict=True):
        rid = row[pos[rid_col]] if rid_col else ""
        if rid_col and not rid:
            problems.append(Problem("respondent id is empty", line, rid_col, src))
            continue
        if rid_col and rid in seen_ids:
            problems.append(
                Problem(f"respondent id '{rid}' repeats (first on line {seen_ids[rid]})", line, rid_col, src)
            )
            continue
        seen_ids[rid] = line
        rid = who.id_prefix + rid
        region, group = attribute(row, "region"), attribute(row, "stakeholder_group")
        language = attribute(row, "language") if has_language else ""
        for name in items:
            item = instrument.item(name)
            if name in col_of:
                col = col_of[name]
                value = row[pos[col]]
                entry = mapping_entries.get(col)
                if entry:
                    value = entry.recode(value, item.type == "select_multiple")
                value = _normalise(item, value)
            else:
                col, value = _rebuild(row, pos, item, instrument, plan, dialect, line, src, problems)
            rows["respondent_id"].append(rid)
            rows["region"].append(region)
            rows["stakeholder_group"].append(group)
            rows["item"].append(name)
            rows["value"].append(value)
            rows["language"].append(language)
            origin.append((line, col))
    if not has_language:
        del rows["language"]
    df = pd.DataFrame(rows, dtype=object)
    df["_line"] = range(len(df))
    return df, origin, problems


def _rebuild(
    row,
    pos,
    item: Item,
    instrument: Instrument,
    plan: _Plan,
    dialect: Dialect,
    line: int,
    src: str,
    problems: list[Problem],
) -> tuple[str, str]:
    """A select_multiple answer from its option columns (Kobo's q3/a 0/1, LimeSurvey's Q[SQ001] Y/empty)."""
    parts = plan.dummies[item.name]
    cl = instrument.choices_of(item)
    ticked: list[str] = []
    for col, option in parts:
        cell = row[pos[col]]
        low = cell.lower()
        if low in dialect.ticked or (low.replace(".0", "") in dialect.ticked and low.endswith(".0")):
            entry = plan.entries.get(col)
            for token in (entry.recode(option, True) if entry else option).split():
                if cl is not None and cl.get(token) is None:
                    problems.append(
                        Problem(
                            f"ticks '{token}', not a choice of item '{item.name}' (list "
                            f"'{item.list_name}': {', '.join(c.name for c in cl.choices)})",
                            line,
                            col,
                            src,
                        )
                    )
                else:
                    ticked.append(token)
        elif low not in dialect.unticked and low.replace(".0", "") not in dialect.unticked:
            problems.append(
                Problem(
                    f"'{cell}' is not a tick of option '{option}' of '{item.name}' "
                    f"(ticked: {'/'.join(sorted(dialect.ticked))}; not ticked: empty or "
                    f"{'/'.join(sorted(v for v in dialect.unticked if v))})",
                    line,
                    col,
                    src,
                )
            )
    rank = {c.name: k for k, c in enumerate(cl.choices)} if cl else {}
    ticked = sorted(dict.fromkeys(ticked), key=lambda t: rank.get(t, len(rank)))
    base = parts[0][0]
    split = dialect.split(base)
    label = split[0] if split else base
    return f"{label}{'[*]' if '[' in base else '/*'}", " ".join(ticked)


def _translate(problems: list[Problem], origin: list[tuple[int, str]], plan: _Plan, src: str) -> list[Problem]:
    """Long-row problems of `validate_responses` -> the line and column of the source file, once each."""
    out: dict[tuple, Problem] = {}
    for p in problems:
        if p.line is None or not 0 <= p.line < len(origin):
            out.setdefault((p.message, None, p.field), p)
            continue
        line, col = origin[p.line]
        field_name: str | None
        if p.field in ("item", "value"):
            field_name = col
        elif p.field in plan.attributes:
            field_name = plan.attributes[p.field]
        else:
            field_name = p.field
        key = (p.message, line, field_name)
        out.setdefault(key, Problem(p.message, line, field_name, src))
    return list(out.values())


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)
