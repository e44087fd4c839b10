"""A campaign's territories and the peer groups they are compared in."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, delete, exists, func, insert, or_, select, update

from ..errors import InputError, Problem
from ..i18n import LANGUAGES
from ..regions.languages import territory_language
from ..regions.territories import nuts_registry, territory_problems
from . import models as m
from .base import MAX_NAME, NotFound, StoreBase, _frame


class RegionsMixin(StoreBase):
    """add_regions, remove_region, set_region_language, add_groups, answered_regions, regions, groups."""

    def add_regions(self, campaign_id: int, regions: pd.DataFrame) -> None:
        """Add `region,name[,custom][,language]` rows (territory codes, each once; an empty name becomes
        the code; an empty or missing language becomes the territory's default, `territory_language`).

        Codes are checked against the NUTS 2021 registry (`regions.territories`): a code outside
        NUTS needs `custom` true and a name; without the reference data only custom rows pass.
        InputError names each bad row (line = row number + 1, as in a CSV with a header)."""
        df = _frame(regions, ("region", "name", "custom", "language"), optional=("name", "custom", "language"))
        problems = territory_problems(
            zip(df["_line"], df["region"], df["name"], df["custom"], strict=True), nuts_registry()
        )
        with self._write() as s:
            self._campaign(s, campaign_id)
            known = self._region_set(s, campaign_id)
            seen: set[str] = set()
            rows = []
            for line, region, name, lang in zip(df["_line"], df["region"], df["name"], df["language"], strict=True):
                if region in known or region in seen:
                    problems.append(Problem(f"region '{region}' is listed twice", line, "region"))
                if "\x00" in name or len(name) > 1000:
                    problems.append(Problem("region name must be text of at most 1000 characters", line, "name"))
                lang = lang.lower() or territory_language(region)
                if lang not in LANGUAGES:
                    problems.append(_language_problem(lang, line))
                seen.add(region)
                rows.append({"campaign_id": campaign_id, "region": region, "name": name or region, "language": lang})
            if problems:
                raise InputError(sorted(problems, key=lambda p: p.line or 0))
            if rows:
                s.execute(insert(m.Region), rows)

    def remove_region(self, campaign_id: int, region: str, admin: str | None = None) -> None:
        """Remove a region with its peer-group rows, links and unanswered respondents; refused
        (InputError) once anyone from it has answered, so no answer loses its territory."""
        with self._write() as s:
            self._campaign(s, campaign_id, lock=True)
            if region not in self._region_set(s, campaign_id):
                raise NotFound(f"no region '{region}' in campaign {campaign_id}")
            r = m.Respondent
            ids = select(r.id).where(r.campaign_id == campaign_id, r.region == region)
            answered = s.scalar(select(func.count()).select_from(r).where(_answered(campaign_id), r.region == region))
            if answered:
                raise InputError(f"region '{region}' cannot be removed: {answered} respondent(s) from it have answered")
            s.execute(delete(m.Contact).where(m.Contact.respondent_id.in_(ids)))
            s.execute(delete(r).where(r.campaign_id == campaign_id, r.region == region))
            s.execute(
                delete(m.Invitation).where(m.Invitation.campaign_id == campaign_id, m.Invitation.region == region)
            )
            s.execute(delete(m.PeerGroup).where(m.PeerGroup.campaign_id == campaign_id, m.PeerGroup.region == region))
            s.execute(delete(m.Region).where(m.Region.campaign_id == campaign_id, m.Region.region == region))
            self._audit(
                s, campaign_id, "remove_region", None, {"region": region, **({"admin": admin} if admin else {})}
            )

    def set_region_language(self, campaign_id: int, region: str, language: str, admin: str | None = None) -> None:
        """Set the report language of a campaign's territory (one of en, de, fr, it, sl), audited."""
        if language not in LANGUAGES:
            raise InputError([_language_problem(language, None)])
        with self._write() as s:
            self._campaign(s, campaign_id)
            if region not in self._region_set(s, campaign_id):
                raise NotFound(f"no region '{region}' in campaign {campaign_id}")
            s.execute(
                update(m.Region)
                .where(m.Region.campaign_id == campaign_id, m.Region.region == region)
                .values(language=language)
            )
            detail = {"region": region, "language": language, **({"admin": admin} if admin else {})}
            self._audit(s, campaign_id, "region_language", None, detail)

    def add_groups(self, campaign_id: int, groups: pd.DataFrame) -> None:
        """Add `region,group` peer-group rows; the regions must be the campaign's."""
        df = _frame(groups, ("region", "group"))
        problems = []
        with self._write() as s:
            self._campaign(s, campaign_id)
            known = self._region_set(s, campaign_id)
            have = {
                (a, b)
                for a, b in s.execute(
                    select(m.PeerGroup.region, m.PeerGroup.group_name).where(m.PeerGroup.campaign_id == campaign_id)
                )
            }
            rows = []
            for line, region, group in zip(df["_line"], df["region"], df["group"], strict=True):
                if region not in known:
                    problems.append(
                        Problem(f"unknown region '{region}' (not one of the campaign's regions)", line, "region")
                    )
                if not group or len(group) > MAX_NAME or "\x00" in group:
                    problems.append(Problem(f"group name must be 1 to {MAX_NAME} characters", line, "group"))
                elif (region, group) in have:
                    problems.append(Problem(f"region '{region}' is listed twice in group '{group}'", line, "group"))
                have.add((region, group))
                rows.append({"campaign_id": campaign_id, "region": region, "group_name": group})
            if problems:
                raise InputError(problems)
            if rows:
                s.execute(insert(m.PeerGroup), rows)

    def answered_regions(self, campaign_id: int) -> set[str]:
        """The regions someone has answered from (saved an answer or comment, or submitted): those
        `remove_region` refuses, so the admin page offers no "Remove" for them."""
        r = m.Respondent
        with self._read() as s:
            self._campaign(s, campaign_id)
            return set(s.scalars(select(r.region).where(_answered(campaign_id)).distinct()))

    def regions(self, campaign_id: int) -> pd.DataFrame:
        """`region,name,language` sorted by region (language: the territory's report language; the
        territory's default for regions stored before languages were)."""
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(
                select(m.Region.region, m.Region.name, m.Region.language)
                .where(m.Region.campaign_id == campaign_id)
                .order_by(m.Region.region)
            ).all()
        table = [(code, name, lang or territory_language(code)) for code, name, lang in rows]
        return pd.DataFrame(table, columns=["region", "name", "language"], dtype=object).astype(str)

    def groups(self, campaign_id: int) -> pd.DataFrame:
        """`region,group` sorted by group, region."""
        g = m.PeerGroup
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(
                select(g.region, g.group_name).where(g.campaign_id == campaign_id).order_by(g.group_name, g.region)
            ).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["region", "group"], dtype=object).astype(str)


def _answered(campaign_id: int):
    """The condition of a respondent of the campaign who has answered: submitted, or saved an answer or comment."""
    r = m.Respondent
    return and_(
        r.campaign_id == campaign_id,
        or_(
            r.submitted_at.is_not(None),
            exists().where(m.Answer.respondent_id == r.id),
            exists().where(m.Comment.respondent_id == r.id),
        ),
    )


def _language_problem(language: str, line: int | None) -> Problem:
    return Problem(
        f"language '{language}' is not a report language (use one of {', '.join(LANGUAGES)})", line, "language"
    )
