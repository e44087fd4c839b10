"""Read and validate the long responses format and its companion files.

Validation is all-or-nothing: every problem is collected with its line number and
the whole file is refused, so nothing is ever half-read into a result.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..instrument import Instrument
from .csvfile import read_csv_table
from .model import LANGUAGE_CODE, RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, TERRITORY_CODE, Campaign
from .validation import value_problem as _value_problem


def read_regions(path: str | Path) -> pd.DataFrame:
    """`region,name[,custom][,language]` CSV: the territories of a campaign (custom: a territory outside
    NUTS; language: the language its regional report is written in by default, one of en, de, fr, it,
    sl, or empty for English)."""
    from ..i18n import LANGUAGES

    df = read_csv_table(path, ("region", "name"))
    src = Path(path).name
    problems = _bad_codes(df, "region", src)
    dup = df[df.duplicated("region", keep="first")]
    problems += [
        Problem(f"region '{region}' is listed twice", line, "region", src) for line, region in _rows(dup, "region")
    ]
    if "language" in df.columns:
        df["language"] = df["language"].str.strip().str.lower()
        bad = df[(df["language"] != "") & ~df["language"].isin(LANGUAGES)]
        problems += [
            Problem(
                f"language '{value}' is not a report language (use one of {', '.join(LANGUAGES)}, or leave it empty)",
                line,
                "language",
                src,
            )
            for line, value in _rows(bad, "language")
        ]
    if problems:
        raise InputError(problems)
    extra = [c for c in ("custom", "language") if c in df.columns]
    return df[["region", "name", *extra]].reset_index(drop=True)


def read_groups(path: str | Path, known_regions: set[str] | None = None) -> pd.DataFrame:
    """`region,group` CSV: peer groups; a region may belong to several."""
    df = read_csv_table(path, ("region", "group"))
    src = Path(path).name
    problems = _bad_codes(df, "region", src)
    problems += [
        Problem("group name is empty", line, "group", src) for line, _ in _rows(df[df["group"] == ""], "group")
    ]
    if known_regions is not None:
        problems += [
            Problem(f"unknown region '{region}' (not in the regions file)", line, "region", src)
            for line, region in _rows(df[~df["region"].isin(known_regions)], "region")
        ]
    dup = df[df.duplicated(["region", "group"])]
    problems += [
        Problem(f"region '{region}' is listed twice in group '{group}'", line, source=src)
        for line, region, group in _rows(dup, "region", "group")
    ]
    if problems:
        raise InputError(problems)
    return df[["region", "group"]].reset_index(drop=True)


def _bad_codes(df: pd.DataFrame, col: str, src: str) -> list[Problem]:
    bad = df[~df[col].str.fullmatch(TERRITORY_CODE.pattern)]
    return [
        Problem(f"'{code}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)", line, col, src)
        for line, code in _rows(bad, col)
    ]


def _rows(df: pd.DataFrame, *cols: str) -> Iterator[tuple[Any, ...]]:
    """(line, *values) tuples; `_line` is the CSV line number added by the reader."""
    return zip(df["_line"].astype(int), *(df[c] for c in cols), strict=True)


def read_responses(path: str | Path, instrument: Instrument, known_regions: set[str] | None = None) -> pd.DataFrame:
    """Read a long responses CSV and validate it against the instrument. The formula guard of the
    product's own exports comes off first (`unguard_frame`), so export -> read gives the answers."""
    from ..transfer.safe import unguard_frame  # here: transfer imports this module

    df = unguard_frame(read_csv_table(path, RESPONSE_COLUMNS))
    return validate_responses(df, instrument, known_regions, source=Path(path).name)


def read_campaign(
    responses: str | Path, instrument: Instrument, regions: str | Path | None = None, groups: str | Path | None = None
) -> Campaign:
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
    assert resp_df is not None  # read, or its problems were raised above
    if region_df is None:
        region_df = pd.DataFrame({"region": sorted(resp_df["region"].unique()), "name": ""})
        region_df["name"] = region_df["region"]
    if group_df is None:
        group_df = pd.DataFrame(columns=["region", "group"])
    return Campaign(responses=resp_df, regions=region_df, groups=group_df)


class _Coded:
    """A text column as codes into its distinct values.

    A campaign file has ~10^6 rows but only a few hundred distinct regions, items or
    values, so each check runs once per distinct value and is spread back by code.
    """

    def __init__(self, column: pd.Series):
        self.codes, uniques = pd.factorize(column, use_na_sentinel=False)
        self.uniques = pd.Series(uniques)

    def rows(self, check: Callable[[pd.Series], object]) -> np.ndarray:
        """Row mask of `check` (a vectorised Series -> bool Series test) on the distinct values."""
        return np.asarray(check(self.uniques), dtype=bool)[self.codes]


def validate_responses(
    df: pd.DataFrame, instrument: Instrument, known_regions: set[str] | None = None, source: str = "responses"
) -> pd.DataFrame:
    """Check every row; return the five response columns or raise `InputError` listing each problem."""
    if "_line" not in df.columns:
        df = df.assign(_line=range(2, len(df) + 2))
    problems: list[Problem] = []
    col = {c: _Coded(df[c]) for c in RESPONSE_COLUMNS}

    def add(mask: np.ndarray, name: str, message: Callable[[str], str]) -> None:
        if mask.any():
            for row in df.loc[mask, ["_line", name]].itertuples(index=False):
                problems.append(Problem(message(row[1]), int(row[0]), name, source))

    add(col["respondent_id"].rows(lambda s: s == ""), "respondent_id", lambda v: "respondent_id is empty")
    add(
        col["stakeholder_group"].rows(lambda s: ~s.isin(STAKEHOLDER_GROUPS)),
        "stakeholder_group",
        lambda v: f"unknown stakeholder group '{v}' (one of: {', '.join(STAKEHOLDER_GROUPS)})",
    )
    if known_regions is not None:
        add(
            col["region"].rows(lambda s: ~s.isin(known_regions)),
            "region",
            lambda v: f"unknown region '{v}' (not in the regions file)",
        )
    else:
        add(
            col["region"].rows(lambda s: ~s.str.fullmatch(TERRITORY_CODE.pattern)),
            "region",
            lambda v: f"'{v}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)",
        )

    answerable = {i.name for i in instrument.answerable_items}
    unknown_item = col["item"].rows(lambda s: ~s.isin(answerable))
    add(unknown_item, "item", lambda v: _unknown_item_message(v, instrument, answerable))
    _check_values(df, col["item"], col["value"], ~unknown_item, instrument, problems, source)
    _check_repeats(df, col["respondent_id"], col["item"], problems, source)
    _check_consistency(df, col, problems, source)
    keep = list(RESPONSE_COLUMNS)
    if "language" in df.columns:  # optional: the language each respondent answered in
        keep.append("language")
        add(
            _Coded(df["language"]).rows(lambda s: ~s.str.fullmatch(LANGUAGE_CODE.pattern)),
            "language",
            lambda v: f"'{v}' is not a language code (such as en, de, fr, it, sl)",
        )
        langs = df.groupby("respondent_id")["language"].nunique()
        for rid in langs[langs > 1].index:
            rows = df[df["respondent_id"] == rid]
            other = rows[rows["language"] != rows["language"].iloc[0]].iloc[0]
            problems.append(
                Problem(
                    f"respondent '{rid}' has language '{other['language']}' here but "
                    f"'{rows['language'].iloc[0]}' on line {rows['_line'].iloc[0]}",
                    int(other["_line"]),
                    "language",
                    source,
                )
            )
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise InputError(problems)
    return df[keep].reset_index(drop=True)


def _pair_keys(a: _Coded, b: _Coded) -> tuple[np.ndarray, int]:
    """One integer per row for its pair of values (equal pairs, equal keys), and the base to decode it."""
    base = max(len(b.uniques), 1)
    return a.codes.astype(np.int64) * base + b.codes, base


def _check_values(
    df: pd.DataFrame,
    item: _Coded,
    value: _Coded,
    known_item: np.ndarray,
    instrument: Instrument,
    problems: list[Problem],
    source: str,
) -> None:
    """Values are checked once per distinct (item, value) pair: few pairs, many rows."""
    keys, base = _pair_keys(item, value)
    checked = known_item & value.rows(lambda s: s != "")
    verdicts = {}
    for key in np.unique(keys[checked]):
        # Both columns hold text (CSV cells or strings given by the caller).
        item_name, answer = cast(str, item.uniques.iat[key // base]), cast(str, value.uniques.iat[key % base])
        verdict = _value_problem(instrument, item_name, answer)
        if verdict:
            verdicts[key] = verdict
    if verdicts:
        mask = checked & np.isin(keys, list(verdicts))
        for line, key in zip(df["_line"].to_numpy()[mask], keys[mask], strict=True):
            problems.append(Problem(verdicts[key], int(line), "value", source))


def _check_repeats(df: pd.DataFrame, rid: _Coded, item: _Coded, problems: list[Problem], source: str) -> None:
    """A respondent answers each item once; later answers point at the first line."""
    dup = pd.Series(_pair_keys(rid, item)[0]).duplicated(keep=False).to_numpy()
    if dup.any():
        first_line = df[dup].groupby(["respondent_id", "item"])["_line"].transform("min")
        for line, first, r, it in zip(
            df.loc[dup, "_line"], first_line, df.loc[dup, "respondent_id"], df.loc[dup, "item"], strict=True
        ):
            if line != first:
                problems.append(
                    Problem(
                        f"respondent '{r}' answers item '{it}' again (first on line {first})", int(line), "item", source
                    )
                )


def _check_consistency(df: pd.DataFrame, col: dict[str, _Coded], problems: list[Problem], source: str) -> None:
    """A respondent keeps one region and one stakeholder group on all of their rows."""
    rid = col["respondent_id"]
    varies = _varies(rid, col["region"]) | _varies(rid, col["stakeholder_group"])
    varies &= rid.uniques.notna().to_numpy()  # as groupby: rows without an id are not a respondent
    for r in sorted(rid.uniques[varies]):
        rows = df[df["respondent_id"] == r]
        first = rows.iloc[0]
        other = rows[
            (rows["region"] != first["region"]) | (rows["stakeholder_group"] != first["stakeholder_group"])
        ].iloc[0]
        problems.append(
            Problem(
                f"respondent '{r}' has region/stakeholder group '{other['region']}/"
                f"{other['stakeholder_group']}' here but '{first['region']}/{first['stakeholder_group']}' "
                f"on line {first['_line']}",
                int(other["_line"]),
                "respondent_id",
                source,
            )
        )


def _varies(owner: _Coded, values: _Coded) -> np.ndarray:
    """Per distinct owner: do its rows hold two or more distinct values? Missing values do not count (as `nunique`)."""
    rows = values.uniques.notna().to_numpy()[values.codes]
    lowest = np.full(len(owner.uniques), np.iinfo(np.int64).max)
    highest = np.full(len(owner.uniques), -1, dtype=np.int64)
    np.minimum.at(lowest, owner.codes[rows], values.codes[rows])
    np.maximum.at(highest, owner.codes[rows], values.codes[rows])
    return highest > lowest


def _unknown_item_message(name: str, instrument: Instrument, answerable: set[str]) -> str:
    if instrument.has_item(name):
        return f"item '{name}' is a {instrument.item(name).type} and takes no answer"
    hint = difflib.get_close_matches(name, sorted(answerable), n=1)
    return f"unknown item '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
