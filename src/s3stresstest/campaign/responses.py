"""Read and validate the long responses format and its companion files.

Validation is all-or-nothing: every problem is collected with its line number and
the whole file is refused, so nothing is ever half-read into a result.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..instrument import Instrument
from .csvfile import read_csv_table
from .model import RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, TERRITORY_CODE, Campaign


def read_regions(path: str | Path) -> pd.DataFrame:
    """`region,name` CSV: the territories of a campaign."""
    df = read_csv_table(path, ("region", "name"))
    src = Path(path).name
    problems = _bad_codes(df, "region", src)
    dup = df[df.duplicated("region", keep="first")]
    problems += [Problem(f"region '{region}' is listed twice", line, "region", src) for line, region in _rows(dup, "region")]
    if problems:
        raise InputError(problems)
    return df[["region", "name"]].reset_index(drop=True)


def read_groups(path: str | Path, known_regions: set[str] | None = None) -> pd.DataFrame:
    """`region,group` CSV: peer groups; a region may belong to several."""
    df = read_csv_table(path, ("region", "group"))
    src = Path(path).name
    problems = _bad_codes(df, "region", src)
    problems += [Problem("group name is empty", line, "group", src) for line, _ in _rows(df[df["group"] == ""], "group")]
    if known_regions is not None:
        problems += [Problem(f"unknown region '{region}' (not in the regions file)", line, "region", src)
                     for line, region in _rows(df[~df["region"].isin(known_regions)], "region")]
    dup = df[df.duplicated(["region", "group"])]
    problems += [Problem(f"region '{region}' is listed twice in group '{group}'", line, source=src)
                 for line, region, group in _rows(dup, "region", "group")]
    if problems:
        raise InputError(problems)
    return df[["region", "group"]].reset_index(drop=True)


def _bad_codes(df: pd.DataFrame, col: str, src: str) -> list[Problem]:
    bad = df[~df[col].str.fullmatch(TERRITORY_CODE.pattern)]
    return [Problem(f"'{code}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)", line, col, src)
            for line, code in _rows(bad, col)]


def _rows(df: pd.DataFrame, *cols: str):
    """(line, *values) tuples; `_line` is the CSV line number added by the reader."""
    return zip(df["_line"].astype(int), *(df[c] for c in cols))


def read_responses(path: str | Path, instrument: Instrument, known_regions: set[str] | None = None) -> pd.DataFrame:
    """Read a long responses CSV and validate it against the instrument."""
    df = read_csv_table(path, RESPONSE_COLUMNS)
    return validate_responses(df, instrument, known_regions, source=Path(path).name)


def read_campaign(responses: str | Path, instrument: Instrument, regions: str | Path | None = None,
                  groups: str | Path | None = None) -> Campaign:
    """The files of a campaign, each validated; problems from all files are reported together."""
    problems: list[Problem] = []
    region_df = group_df = resp_df = None
    try:
        region_df = read_regions(regions) if regions else None
    except InputError as exc:
        problems += exc.problems
    known = set(region_df["region"]) if region_df is not None else None
    try:
        group_df = read_groups(groups, known) if groups else None
    except InputError as exc:
        problems += exc.problems
    try:
        resp_df = read_responses(responses, instrument, known)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    if region_df is None:
        region_df = pd.DataFrame({"region": sorted(resp_df["region"].unique()), "name": ""})
        region_df["name"] = region_df["region"]
    if group_df is None:
        group_df = pd.DataFrame(columns=["region", "group"])
    return Campaign(responses=resp_df, regions=region_df, groups=group_df)


def validate_responses(df: pd.DataFrame, instrument: Instrument, known_regions: set[str] | None = None,
                       source: str = "responses") -> pd.DataFrame:
    """Check every row; return the five response columns or raise `InputError` listing each problem."""
    if "_line" not in df.columns:
        df = df.assign(_line=range(2, len(df) + 2))
    problems: list[Problem] = []

    def add(mask: pd.Series, col: str, message) -> None:
        for row in df.loc[mask, ["_line", col]].itertuples(index=False):
            problems.append(Problem(message(row[1]), int(row[0]), col, source))

    add(df["respondent_id"] == "", "respondent_id", lambda v: "respondent_id is empty")
    add(~df["stakeholder_group"].isin(STAKEHOLDER_GROUPS), "stakeholder_group",
        lambda v: f"unknown stakeholder group '{v}' (one of: {', '.join(STAKEHOLDER_GROUPS)})")
    if known_regions is not None:
        add(~df["region"].isin(known_regions), "region", lambda v: f"unknown region '{v}' (not in the regions file)")
    else:
        add(~df["region"].str.fullmatch(TERRITORY_CODE.pattern), "region",
            lambda v: f"'{v}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)")

    answerable = {i.name for i in instrument.answerable_items}
    unknown_item = ~df["item"].isin(answerable)
    add(unknown_item, "item", lambda v: _unknown_item_message(v, instrument, answerable))

    # Values are checked once per distinct (item, value) pair: few pairs, many rows.
    pairs = df.loc[~unknown_item & (df["value"] != ""), ["item", "value"]].drop_duplicates()
    verdicts = {(it, val): _value_problem(instrument, it, val) for it, val in pairs.itertuples(index=False)}
    bad_pairs = {k for k, v in verdicts.items() if v}
    if bad_pairs:
        keys = pd.Series(list(zip(df["item"], df["value"])), index=df.index)
        mask = keys.isin(bad_pairs)
        for row in df.loc[mask, ["_line", "item", "value"]].itertuples(index=False):
            problems.append(Problem(verdicts[(row[1], row[2])], int(row[0]), "value", source))

    dup = df.duplicated(["respondent_id", "item"], keep=False)
    if dup.any():
        first_line = df[dup].groupby(["respondent_id", "item"])["_line"].transform("min")
        for line, first, rid, item in zip(df.loc[dup, "_line"], first_line, df.loc[dup, "respondent_id"], df.loc[dup, "item"]):
            if line != first:
                problems.append(Problem(f"respondent '{rid}' answers item '{item}' again (first on line {first})",
                                        int(line), "item", source))

    per_resp = df.groupby("respondent_id")[["region", "stakeholder_group"]].nunique()
    inconsistent = per_resp[(per_resp > 1).any(axis=1)].index
    for rid in inconsistent:
        rows = df[df["respondent_id"] == rid]
        first = rows.iloc[0]
        other = rows[(rows["region"] != first["region"]) | (rows["stakeholder_group"] != first["stakeholder_group"])].iloc[0]
        problems.append(Problem(f"respondent '{rid}' has region/stakeholder group '{other['region']}/"
                                f"{other['stakeholder_group']}' here but '{first['region']}/{first['stakeholder_group']}' "
                                f"on line {first['_line']}", int(other["_line"]), "respondent_id", source))
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise InputError(problems)
    return df[list(RESPONSE_COLUMNS)].reset_index(drop=True)


def _unknown_item_message(name: str, instrument: Instrument, answerable: set[str]) -> str:
    if instrument.has_item(name):
        return f"item '{name}' is a {instrument.item(name).type} and takes no answer"
    hint = difflib.get_close_matches(name, sorted(answerable), n=1)
    return f"unknown item '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")


def _value_problem(instrument: Instrument, item_name: str, value: str) -> str | None:
    item = instrument.item(item_name)
    if item.type == "select_one":
        if instrument.choices_of(item).get(value) is None:
            return f"'{value}' is not a choice of item '{item_name}' (list '{item.list_name}': " \
                   f"{', '.join(c.name for c in instrument.choices_of(item).choices)})"
    elif item.type == "select_multiple":
        names = value.split()
        cl = instrument.choices_of(item)
        bad = [n for n in names if cl.get(n) is None]
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
