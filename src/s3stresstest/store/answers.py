"""Answering a questionnaire: starting from a link, saving pages and drafts, submitting.

Each value is checked with `campaign.validation.validate_answer` (the rule file imports use
too) before anything is written. Saves lock the respondent row and, on PostgreSQL, hold the
campaign's advisory lock shared, so a concurrent `close_campaign` either waits for them or
they see the campaign closed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..campaign.validation import validate_answer
from ..errors import InputError, Problem
from ..instrument import Instrument
from . import models as m
from .base import MAX_NAME, RESPONDENT_ID_MAX, Locked, NotFound, _now, _once_more_after_a_lost_connection, _usable, _utc
from .invitations import InvitationsMixin


class AnswersMixin(InvitationsMixin):
    """start_respondent, save_page, start_and_save_page, set_language, submit."""

    def start_respondent(self, token: str, *, stakeholder_group: str | None = None, language: str | None = None) -> str:
        """Respondent id (random, pseudonymous) for a link. Invitations are idempotent (same token,
        same respondent; the group is the invitation's); open links need `stakeholder_group` and
        give a new respondent each time. `language` defaults to the link's. InputError for a dead
        token (same message whatever the reason) or a bad group/language."""
        for _attempt in range(3):
            try:
                with self._write() as s:
                    return self._start_in(s, token, stakeholder_group, language)
            except IntegrityError:  # the same invitation started concurrently: take that respondent
                continue
        raise InputError("could not start the questionnaire, please try again")

    def _start_in(self, s: Session, token: str, stakeholder_group: str | None, language: str | None) -> str:
        """start_respondent inside a writing transaction that is already open."""
        hit = self._live_link(s, token)
        if hit is None:
            raise InputError(Problem("this link is not valid (unknown, expired or closed)", field="token"))
        inv, c = hit
        if inv.kind == "invitation":
            found = s.scalar(select(m.Respondent.id).where(m.Respondent.personal_invitation_id == inv.id))
            if found is not None:
                return found
            group = inv.stakeholder_group
        else:
            group = (stakeholder_group or "").strip()
        lang = (language or inv.language).strip()
        problems = self._check_link(s, c, None, group, lang, None)  # the link's own region stands
        if problems:
            raise InputError(problems)
        rid = secrets.token_hex(16)  # hex: never starts with "-", safe as a CLI argument
        now = _now()
        s.execute(
            insert(m.Respondent).values(
                id=rid,
                campaign_id=c.id,
                invitation_id=inv.id,
                personal_invitation_id=inv.id if inv.kind == "invitation" else None,
                region=inv.region,
                stakeholder_group=group,
                language=lang,
                source="web",
                created=now,
                updated=now,
            )
        )
        return rid

    def _writable(self, s: Session, respondent_id: str) -> tuple[m.Respondent, m.Campaign]:
        r = self._respondent_row(s, respondent_id, lock=True)
        # shared campaign lock: a concurrent close_campaign waits for this submit, or this submit
        # sees the campaign closed (the next statement reads a snapshot taken after the lock)
        self._campaign_lock(s.connection(), r.campaign_id, shared=True)
        c = s.scalars(select(m.Campaign).where(m.Campaign.id == r.campaign_id)).one()
        if c.status != "open":
            raise Locked("the campaign is closed: answers are no longer accepted")
        return r, c

    def save_page(
        self, respondent_id: str, page: str, answers: dict[str, str], *, draft: bool = False
    ) -> dict[str, Any]:
        """Validate each value against the instrument (InputError naming each field, nothing saved),
        upsert the answers (empty value = clear the answer), record `page` as last page, commit.
        Returns {'saved': n, 'page': page} (n = fields written, cleared ones included).
        `draft`: an autosave while the respondent is still on the page: the answers are kept but the
        last page stays, so resuming opens this page again rather than the next one.
        Refused (Locked) after submit or when the campaign is closed."""
        page, answers = self._check_save_args(page, answers)
        if not _usable(respondent_id) or len(respondent_id) > RESPONDENT_ID_MAX:
            raise NotFound("unknown respondent")
        for attempt in _once_more_after_a_lost_connection():
            with attempt:
                self._grouped_write(lambda conn: self._save_in(conn, respondent_id, page, answers, draft=draft))
        return {"saved": len(answers), "page": page}

    def _save_in(
        self, conn: Connection, respondent_id: str, page: str, answers: Mapping[str, object], *, draft: bool = False
    ) -> None:
        """save_page inside a writing transaction that is already open (`conn`: its Connection)."""
        sql = self._save_sql
        now = _now()
        # Locks the respondent row (a concurrent save or submit of the same respondent waits) and,
        # on PostgreSQL, takes the campaign's lock shared (CAMPAIGN_LOCK): a concurrent
        # close_campaign waits for this save, or this save, whose next statement reads a snapshot
        # taken after the lock, sees it closed. Refusals raise, which rolls the update back.
        if draft:
            row = conn.execute(sql.touch_draft, {"rid": respondent_id, "now": now}).first()
        else:
            row = conn.execute(sql.touch, {"rid": respondent_id, "page": page, "now": now}).first()
        if row is None:
            submitted = conn.execute(sql.submitted, {"rid": respondent_id}).first()
            if submitted is None:
                raise NotFound("unknown respondent")
            raise Locked("the questionnaire was already submitted")
        cid, instrument_id = row[0], row[1]
        if sql.write is None:  # SQLite: one writer at a time, the status cannot change meanwhile
            self._check_open(conn, cid)
        instrument = self._instruments.get(instrument_id)
        if instrument is None:
            with self._read() as s:
                instrument = self._instrument(s, instrument_id)
        closed, texts, problems = _check_answers(instrument, answers)
        if problems:
            if sql.write is not None:  # a closed campaign is said first, as on SQLite
                self._check_open(conn, cid)
            raise InputError(problems)
        if sql.write is not None:  # PostgreSQL: the status and every write in one statement
            params: dict[str, Any] = {"cid": cid, "rid": respondent_id, "now": now}
            for prefix, values in (("answers", closed), ("comments", texts)):
                params[f"{prefix}_cleared"] = [k for k, v in values.items() if v == ""]
                params[f"{prefix}_items"] = [k for k, v in values.items() if v]
                params[f"{prefix}_values"] = [v for v in values.values() if v]
            if conn.execute(sql.write, params).scalar() != "open":
                raise Locked("the campaign is closed: answers are no longer accepted")
            return
        for table, values, upsert in ((m.Answer, closed, sql.upsert_answer), (m.Comment, texts, sql.upsert_comment)):
            cleared = [k for k, v in values.items() if v == ""]
            if cleared:
                conn.execute(delete(table).where(table.respondent_id == respondent_id, table.item.in_(cleared)))
            kept = [{"rid": respondent_id, "item": k, "v": v, "now": now} for k, v in values.items() if v]
            if kept:
                conn.execute(upsert, kept)  # executemany of one constant statement: compiled once

    def _check_open(self, conn: Connection, campaign_id: int) -> None:
        """Locked unless the campaign is open (read after the touch took the campaign's lock)."""
        c = conn.execute(self._save_sql.campaign, {"cid": campaign_id}).first()
        if c is None or c[0] != "open":
            raise Locked("the campaign is closed: answers are no longer accepted")

    def start_and_save_page(
        self, token: str, page: str, answers: dict[str, str], *, language: str | None = None, draft: bool = False
    ) -> str:
        """start_respondent(token, language=...) and save_page(..., draft=draft) in one transaction (one
        commit: the first save of a personal invitation). Returns the respondent id. InputError as
        either refuses; when it does, nothing is kept (not even the respondent)."""
        page, answers = self._check_save_args(page, answers)
        for _attempt in range(3):
            try:
                for attempt in _once_more_after_a_lost_connection():  # safe: a personal link has one respondent
                    with attempt, self._write() as s:
                        rid = self._start_in(s, token, None, language)
                        self._save_in(s.connection(), rid, page, answers, draft=draft)
                return rid
            except IntegrityError:  # the same invitation started concurrently: take that respondent
                continue
        raise InputError("could not start the questionnaire, please try again")

    @staticmethod
    def _check_save_args(page: object, answers: object) -> tuple[str, dict[str, Any]]:
        page = "" if page is None else str(page)
        if len(page) > MAX_NAME or "\x00" in page:
            raise InputError(Problem(f"page name must be text of at most {MAX_NAME} characters", field="page"))
        if not isinstance(answers, dict):
            raise InputError(Problem("answers must be a mapping of item to value", field="answers"))
        return page, answers

    def set_language(self, respondent_id: str, language: str) -> None:
        """Keep the respondent's choice of language, so the link opens in it on any device.
        InputError unless it is one of the campaign's languages; Locked once submitted or closed."""
        language = str(language or "").strip()
        with self._write() as s:
            r, c = self._writable(s, respondent_id)
            if r.submitted_at is not None:
                raise Locked("the questionnaire was already submitted")
            if language not in c.languages.split():
                raise InputError(
                    Problem(
                        f"language '{language}' is not one of the campaign's languages "
                        f"({', '.join(c.languages.split())})",
                        field="language",
                    )
                )
            r.language = language
            r.updated = _now()

    def submit(self, respondent_id: str) -> dict[str, Any]:
        """Mark submitted (idempotent); the audit log gets one entry. {'submitted_at', 'already'}.
        Refused (Locked) once the campaign is closed, unless it was submitted before."""
        for attempt in _once_more_after_a_lost_connection():  # a second submit changes nothing
            with attempt, self._write() as s:
                r = self._respondent_row(s, respondent_id, lock=True)
                if r.submitted_at is not None:
                    return {"submitted_at": _utc(r.submitted_at), "already": True}
                self._writable(s, respondent_id)
                now = _now()
                n = (
                    s.scalars(select(func.count()).select_from(m.Answer).where(m.Answer.respondent_id == r.id)).one()
                    + s.scalars(
                        select(func.count()).select_from(m.Comment).where(m.Comment.respondent_id == r.id)
                    ).one()
                )
                r.submitted_at, r.updated = now, now
                self._audit(s, r.campaign_id, "submit", r.id, {"answers": n})
        return {"submitted_at": now, "already": False}


def _check_answers(
    instrument: Instrument, answers: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """Split into closed answers and free text, each value checked with `validate_answer`."""
    closed: dict[str, str] = {}
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for item, value in answers.items():
        name = str(item)
        verdict = validate_answer(instrument, name, value)
        if isinstance(verdict, Problem):
            problems.append(verdict)
        elif instrument.item(name).type == "text":
            texts[name] = verdict
        else:
            closed[name] = verdict
    return closed, texts, problems
