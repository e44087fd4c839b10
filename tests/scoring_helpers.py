"""Shared builders for the scoring / benchmark tests: a tiny hand-made instrument and responses.

The instrument (scores chosen so hand computations stay simple):

list `lvl`  (select_one):       no=0, some=50, full=100, dont_know=(no score)
list `inv`  (select_multiple):  a=40, b=40, c=30, dk=(no score)
list `five` (select_one):       s0=0, s25=25, s50=50, s75=75, s100=100

block B1: q1 (lvl), q2 (lvl), q3 (select_multiple inv), q4 (lvl)   -> 4 scored items
block B2: q5 (lvl), q6 (five)                                        -> 2 scored items
unscored: comment (text), loose (select_one lvl without a block)
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from s3stresstest.instrument import Sheet, instrument_from_workbook
from s3stresstest.scoring import ScoringParams

COLUMNS = ["respondent_id", "region", "stakeholder_group", "item", "value"]

LVL = {"no": 0.0, "some": 50.0, "full": 100.0, "dont_know": None}
INV = {"a": 40.0, "b": 40.0, "c": 30.0, "dk": None}
FIVE = {"s0": 0.0, "s25": 25.0, "s50": 50.0, "s75": 75.0, "s100": 100.0}
LISTS = {"lvl": LVL, "inv": INV, "five": FIVE}

ITEM_LIST = {"q1": "lvl", "q2": "lvl", "q3": "inv", "q4": "lvl", "q5": "lvl", "q6": "five"}
ITEM_BLOCK = {"q1": "B1", "q2": "B1", "q3": "B1", "q4": "B1", "q5": "B2", "q6": "B2"}
ITEM_TYPE = {
    "q1": "select_one",
    "q2": "select_one",
    "q3": "select_multiple",
    "q4": "select_one",
    "q5": "select_one",
    "q6": "select_one",
}
SCORED_ITEMS = list(ITEM_LIST)
BLOCK_ITEMS = {"B1": ["q1", "q2", "q3", "q4"], "B2": ["q5", "q6"]}


def make_workbook(lists, items, blocks):
    """lists: {list: {choice: score|None}}; items: [(name, type, list, block)]; blocks: [name]."""
    survey_rows = []
    for name, typ, list_name, block in items:
        row = {"type": f"{typ} {list_name}" if list_name else typ, "name": name, "label": f"Question {name}"}
        if block:
            row["block"] = block
        survey_rows.append(row)
    choice_rows = []
    for list_name, choices in lists.items():
        for cname, score in choices.items():
            row = {"list_name": list_name, "name": cname, "label": cname}
            row["score"] = "" if score is None else f"{score:g}"
            choice_rows.append(row)
    return {
        "survey": Sheet(columns=["type", "name", "label", "block"], rows=survey_rows),
        "choices": Sheet(columns=["list_name", "name", "label", "score"], rows=choice_rows),
        "blocks": Sheet(columns=["name", "label"], rows=[{"name": b, "label": f"Block {b}"} for b in blocks]),
    }


def make_instrument(lists, items, blocks):
    return instrument_from_workbook(make_workbook(lists, items, blocks), source="test-instrument")


@lru_cache(maxsize=1)
def instrument():
    items = [(n, ITEM_TYPE[n], ITEM_LIST[n], ITEM_BLOCK[n]) for n in SCORED_ITEMS]
    items += [("comment", "text", None, None), ("loose", "select_one", "lvl", None)]
    return make_instrument(LISTS, items, ["B1", "B2"])


def responses(rows) -> pd.DataFrame:
    """rows: iterable of (respondent_id, region, stakeholder_group, item, value)."""
    df = pd.DataFrame([tuple(str(x) for x in r) for r in rows], columns=COLUMNS)
    if df.empty:
        df = pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})
    return df


def person(rid, region, group, answers: dict[str, str]):
    """Rows of one respondent; `answers` maps item -> value ('' = blank)."""
    return [(rid, region, group, item, value) for item, value in answers.items()]


def people(region, group, prefix, values, item="q1", start=0):
    """One respondent per value, all answering `item` only."""
    rows = []
    for k, v in enumerate(values, start=start):
        rows += person(f"{prefix}{k}", region, group, {item: v})
    return rows


def params(**kw) -> ScoringParams:
    kw.setdefault("bootstrap", 0)
    return ScoringParams(**kw)


def row(df: pd.DataFrame, **keys) -> pd.Series:
    sel = df
    for col, val in keys.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, f"expected exactly one row for {keys}, got {len(sel)}"
    return sel.iloc[0]


def isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, np.floating) and np.isnan(x))
