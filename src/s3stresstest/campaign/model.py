"""Campaign: who answered what, in which territory, and which peer groups exist.

A territory is identified by a NUTS code of any level (or a country code), since an
S3 belongs to whoever owns it: Bayern is NUTS-1 `DE2`, Trento NUTS-2 `ITH2`,
Slovenia the country `SI`, Fribourg NUTS-3 `CH022`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..instrument import Instrument

STAKEHOLDER_GROUPS = (
    "cluster_manager",
    "policy_maker",
    "development_agency",
    "research_institution",
    "industry_association",
    "company",
    "other",
)

RESPONSE_COLUMNS = ("respondent_id", "region", "stakeholder_group", "item", "value")
OPTIONAL_RESPONSE_COLUMNS = ("language",)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")

# Two-letter country code followed by up to three NUTS characters (levels 0-3).
TERRITORY_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")


@dataclass
class Campaign:
    """Answers in the long responses format plus the territories and peer groups they refer to.

    `responses` has the columns of `RESPONSE_COLUMNS`, all text, empty value = not answered,
    and optionally `language` (the respondent's questionnaire language, e.g. `de`).
    `regions` has `region,name` (and optionally `language`, the territory's report language, "" for none);
    `groups` has `region,group` (a region may be in several).
    """

    responses: pd.DataFrame
    regions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "name"]))
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "group"]))
    synthetic: bool = False
    description: str = ""

    @property
    def respondents(self) -> pd.DataFrame:
        """One row per respondent: id, region, stakeholder group, language ('' when not recorded)."""
        cols = ["respondent_id", "region", "stakeholder_group"]
        extra = ["language"] if "language" in self.responses.columns else []
        out = self.responses[cols + extra].drop_duplicates("respondent_id").sort_values(cols[:2])
        if not extra:
            out = out.assign(language="")
        return out.reset_index(drop=True)

    def open_comments(self, instrument: Instrument) -> pd.DataFrame:
        """Non-empty answers to free-text items: respondent, region, group, item, text (and language, if recorded).

        The language lets excerpts be marked with the language the respondent answered in.
        """
        text_items = [i.name for i in instrument.answerable_items if i.type == "text"]
        rows = self.responses[self.responses["item"].isin(text_items) & (self.responses["value"] != "")]
        extra = ["language"] if "language" in rows.columns else []
        return rows.rename(columns={"value": "text"})[
            ["respondent_id", "region", "stakeholder_group", "item", "text", *extra]
        ].reset_index(drop=True)

    @property
    def territories(self) -> list[str]:
        found = set(self.responses["region"].unique())
        if len(self.regions):
            found |= set(self.regions["region"])
        return sorted(found)

    def region_name(self, code: str) -> str:
        hit = self.regions.loc[self.regions["region"] == code, "name"]
        return str(hit.iloc[0]) if len(hit) else code
