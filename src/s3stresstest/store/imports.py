"""Answers collected elsewhere (CSV, Kobo, LimeSurvey...) brought into a campaign in one go."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from ..campaign.model import RESPONSE_COLUMNS
from ..errors import InputError, Problem
from . import models as m
from .base import RESPONDENT_ID_MAX, _frame, _now
from .campaigns import CampaignsMixin


class ImportsMixin(CampaignsMixin):
    """import_responses."""

    def import_responses(self, campaign_id: int, responses: pd.DataFrame, *, source: str) -> int:
        """Validate with validate_responses against the campaign's instrument and regions first,
        then insert everything in ONE transaction (all rows or none); respondents are created
        as submitted with their ids from the file (which must be new); rows with an empty value
        are not stored; one audit entry. Returns the number of answer rows stored."""
        from ..campaign import validate_responses

        source = (source or "").strip() or "import"
        info = self.get_campaign(campaign_id)
        instrument = self.get_instrument(info["instrument_id"])
        df = _frame(responses, RESPONSE_COLUMNS + ("language",), optional=("language",), keep_missing=True)
        nul = [
            Problem("contains a NUL character", int(line), col, source)
            for col in df.columns
            if col != "_line"
            for line, v in zip(df["_line"], df[col], strict=True)
            if "\x00" in v
        ]
        if nul:
            raise InputError(nul)
        with self._read() as s:
            known = self._region_set(s, campaign_id) or None
        valid = validate_responses(df, instrument, known, source=source)
        ids = list(dict.fromkeys(valid["respondent_id"]))
        problems = [
            Problem(f"respondent_id '{x}' is longer than {RESPONDENT_ID_MAX} characters", None, "respondent_id", source)
            for x in ids
            if len(x) > RESPONDENT_ID_MAX
        ]
        if problems:
            raise InputError(problems)
        text_items = {i.name for i in instrument.answerable_items if i.type == "text"}
        has_lang = "language" in valid.columns
        people = valid.drop_duplicates("respondent_id")
        now = _now()
        respondents = [
            {
                "id": rid,
                "campaign_id": campaign_id,
                "invitation_id": None,
                "personal_invitation_id": None,
                "region": region,
                "stakeholder_group": group,
                "language": lang if has_lang else "",
                "source": f"import:{source}"[:200],
                "created": now,
                "updated": now,
                "last_page": None,
                "submitted_at": now,
            }
            for rid, region, group, lang in zip(
                people["respondent_id"],
                people["region"],
                people["stakeholder_group"],
                people["language"] if has_lang else people["region"],
                strict=True,
            )
        ]
        answered = valid[valid["value"] != ""]
        is_text = answered["item"].isin(text_items)
        keys = ("respondent_id", "item", "value")
        closed = [
            {"respondent_id": a, "item": b, "value": c, "updated": now}
            for a, b, c in zip(*(answered.loc[~is_text, k] for k in keys), strict=True)
        ]
        texts = [
            {"respondent_id": a, "item": b, "text": c, "updated": now}
            for a, b, c in zip(*(answered.loc[is_text, k] for k in keys), strict=True)
        ]
        with self._write() as s:
            c = self._campaign(s, campaign_id, lock=True)
            taken: set[Any] = set()
            for start in range(0, len(ids), 500):
                taken |= set(s.scalars(select(m.Respondent.id).where(m.Respondent.id.in_(ids[start : start + 500]))))
            if taken:
                raise InputError(
                    [
                        Problem(f"respondent_id '{x}' exists already in the database", None, "respondent_id", source)
                        for x in sorted(taken)
                    ]
                )
            if respondents:
                s.execute(insert(m.Respondent), respondents)
            if closed:
                s.execute(insert(m.Answer), closed)
            if texts:
                s.execute(insert(m.Comment), texts)
            self._audit(
                s,
                c.id,
                "import",
                None,
                {"source": source, "respondents": len(respondents), "answers": len(closed) + len(texts)},
            )
        return len(closed) + len(texts)
