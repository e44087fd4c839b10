"""Questions that do not apply to every territory: the regional S3 against the national level.

A territory that is a country (a two-letter NUTS-0 code such as SI or EE) has a national S3: asking
whether "the regional S3 is in line with the national research and innovation strategy" there
compares the strategy with itself. Its respondents' answers are kept and shown as given, but
nothing is concluded from them there: no recommendation (rules, weak points of the profile) and
no cross-territory count ("below 50 in n of m territories") uses them.
"""

from __future__ import annotations

from typing import overload

import pandas as pd

#: Questions of the built-in instrument that compare the regional S3 with the national level.
REGIONAL_VS_NATIONAL = frozenset({"b2_national_ri_alignment", "b2_national_ind_alignment", "b2_vertical_coordination"})


def is_country(territory: str) -> bool:
    """A NUTS-0 code (two letters): the territory's S3 is a national strategy."""
    code = str(territory).strip()
    return len(code) == 2 and code.isalpha()


def applies(item: str, territory: str) -> bool:
    """Whether question `item` applies to `territory` (a regional-vs-national question not to a country)."""
    return not (str(item) in REGIONAL_VS_NATIONAL and is_country(territory))


@overload
def applicable(df: pd.DataFrame, *, item: str = ..., region: str = ...) -> pd.DataFrame: ...
@overload
def applicable(df: None, *, item: str = ..., region: str = ...) -> None: ...
def applicable(df: pd.DataFrame | None, *, item: str = "item", region: str = "region") -> pd.DataFrame | None:
    """The rows of a per-territory, per-question table whose question applies to their territory."""
    if df is None or not len(df) or item not in df.columns or region not in df.columns:
        return df
    keep = [applies(i, r) for i, r in zip(df[item], df[region], strict=True)]
    return df if all(keep) else df.loc[keep].reset_index(drop=True)
