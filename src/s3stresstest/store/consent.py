"""Consent (GDPR Art. 6(1)(a), 7): a campaign's privacy notice and each respondent's agreement to it.

A campaign names its controller (the organisation responsible) and a privacy contact, and may
have its own notice text per offered language; where it has none, the web pages show the
built-in notice (`web/notice.py`). A respondent's consent is recorded with the time and the
sha256 of the exact text they were shown; that text is kept verbatim in `notice_texts`, so the
proof survives later edits of the notice. Consent and every change of the notice are audited
(the admin's name, never answers).

The web pages store nothing before consent: a personal invitation's respondent is created by
its consent (`start_with_consent`), an open link's together with its group. Respondents stored
before the consent step (consented_at NULL) are asked once (`record_consent`). Imported answers
carry no consent here: it was collected with them elsewhere.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError, Problem
from . import models as m
from .answers import AnswersMixin
from .base import MAX_ID, MAX_NAME, Locked, NotFound, _expired, _hash_token, _now, _upsert, _usable, _utc
from .invitations import group_language_problems, privacy_from_rows
from .statements import PRIVACY_SETTINGS, RESPONDENT_INSERT, START_LINK, dialect_insert

NOTICE_MAX = 20_000  # characters of a notice text


def notice_checksum(text: str) -> str:
    """The sha256 (hex) of a notice text as shown: what a respondent's consent points to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentMixin(AnswersMixin):
    """privacy_settings, set_privacy, start_with_consent, record_consent, consent_of, notice_text."""

    # -- the campaign's notice ---------------------------------------------------------------
    def privacy_settings(self, campaign_id: int) -> dict[str, Any]:
        """{controller, contact (None when unset), notices: {language: the campaign's own text}}.
        A language without its own text shows the built-in notice. One Core statement: every
        consent page reads it."""
        if not isinstance(campaign_id, int) or not 0 < campaign_id <= MAX_ID:
            raise NotFound(f"no campaign {campaign_id}")
        with self._readonly_conn() as conn:
            settings = privacy_from_rows(conn.execute(PRIVACY_SETTINGS, {"cid": campaign_id}).all())
        if settings is None:
            raise NotFound(f"no campaign {campaign_id}")
        return settings

    def set_privacy(
        self,
        campaign_id: int,
        *,
        admin: str,
        controller: str | None = None,
        contact: str | None = None,
        notices: Mapping[str, str | None] | None = None,
    ) -> list[str]:
        """Set the controller, the privacy contact and the campaign's own notice per language ('' or
        None: back to the built-in notice). Only the languages given in `notices` change. Returns
        what changed ('controller', 'contact', 'notice:de', ...), audited as 'privacy_edit' with the
        admin's name and each new text's checksum; nothing changed, nothing logged."""
        if not admin:
            raise ValueError("a change of the privacy notice needs the admin's name")
        controller, contact = _clean(controller), _clean(contact)
        problems = []
        for name, value in (("controller", controller), ("contact", contact)):
            if value is not None and (len(value) > MAX_NAME or "\x00" in value):
                problems.append(Problem(f"the {name} must be at most {MAX_NAME} characters", field=name))
        if contact is not None and "@" not in contact and "://" not in contact:
            problems.append(Problem("the privacy contact must be an e-mail address or a web address", field="contact"))
        # a browser's textarea sends CRLF: kept as LF, the text shown is the text stored and checksummed
        texts = {
            str(k): (v or "").replace("\r\n", "\n").replace("\r", "\n").strip() for k, v in (notices or {}).items()
        }
        with self._write() as s:
            c = self._campaign(s, campaign_id)
            offered = c.languages.split()
            for lang, text in texts.items():
                if lang not in offered:
                    problems.append(
                        Problem(f"language '{lang}' is not one of the campaign's ({' '.join(offered)})", field=lang)
                    )
                elif len(text) > NOTICE_MAX or "\x00" in text:
                    problems.append(Problem(f"a notice must be at most {NOTICE_MAX} characters", field=lang))
            if problems:
                raise InputError(problems)
            changed: list[str] = []
            detail: dict[str, Any] = {}
            if controller != c.privacy_controller:
                c.privacy_controller = controller
                changed.append("controller")
            if contact != c.privacy_contact:
                c.privacy_contact = contact
                changed.append("contact")
            own = dict(
                s.execute(
                    select(m.PrivacyNotice.language, m.PrivacyNotice.text).where(m.PrivacyNotice.campaign_id == c.id)
                ).all()
            )
            now = _now()
            for lang, text in sorted(texts.items()):
                if text == own.get(lang, ""):
                    continue
                if text:
                    _upsert(
                        s,
                        m.PrivacyNotice,
                        [{"campaign_id": c.id, "language": lang, "text": text, "updated": now}],
                        ["campaign_id", "language"],
                        ["text", "updated"],
                    )
                    detail[f"notice:{lang}"] = notice_checksum(text)
                else:
                    s.execute(
                        delete(m.PrivacyNotice).where(
                            m.PrivacyNotice.campaign_id == c.id, m.PrivacyNotice.language == lang
                        )
                    )
                    detail[f"notice:{lang}"] = "built-in"
                changed.append(f"notice:{lang}")
            if changed:
                self._audit(s, c.id, "privacy_edit", None, {"admin": admin, "changed": changed, **detail})
        return changed

    # -- a respondent's consent ---------------------------------------------------------------
    def start_with_consent(
        self,
        token: str,
        notice: str,
        *,
        language: str | None = None,
        notice_language: str | None = None,
        stakeholder_group: str | None = None,
    ) -> str:
        """Start the respondent of a link (as `start_respondent`: `language` of the questionnaire,
        default the link's) and record their consent to `notice`, the exact text they were shown
        (in `notice_language`, default the questionnaire's), in one transaction: nobody is stored
        without consent. A personal invitation's existing respondent (from before the consent
        step) gets the consent recorded. Returns the respondent id.

        Core statements, not the ORM (one per respondent at the start of a survey, so it counts
        under load): the link, the notice text unless this process has stored it already, the
        respondent with their consent, the audit entry."""
        notice = _check_notice(notice)
        checksum = notice_checksum(notice)
        for _attempt in range(3):
            try:
                rid, existing, lang = self._grouped_write(
                    lambda conn: self._start_consented(
                        conn, token, notice, checksum, language, notice_language, stakeholder_group
                    )
                )
                if existing:  # from before the consent step: asked once, the first consent stands
                    with self._write() as s:
                        self._consent_in(s, rid, notice, lang)
                else:
                    self._known_notices.add(checksum)  # committed: stored for good
                return rid
            except IntegrityError:  # the same invitation started concurrently: take that respondent
                continue
        raise InputError("could not start the questionnaire, please try again")

    @property
    def _known_notices(self) -> set[str]:
        """Checksums of notice texts this Store saw committed (texts are never deleted): a
        consent to one of them skips its INSERT ... ON CONFLICT DO NOTHING."""
        known = self.__dict__.get("_known_notice_set")
        if known is None:
            known = self.__dict__.setdefault("_known_notice_set", set())
        return known

    def _start_consented(
        self,
        conn: Connection,
        token: str,
        notice: str,
        checksum: str,
        language: str | None,
        notice_language: str | None,
        stakeholder_group: str | None,
    ) -> tuple[str, bool, str]:
        """start_with_consent's transaction: (respondent id, whether it existed already, the notice's
        language). A new respondent is inserted with the consent; an existing one is left to
        `_consent_in`, as before the consent step."""
        row = None
        if _usable(token) and len(token) <= 200:
            row = conn.execute(START_LINK, {"h": _hash_token(token)}).first()
        if row is None or row.revoked_at is not None or _expired(row.expires_at) or row.status != "open":
            raise InputError(Problem("this link is not valid (unknown, expired or closed)", field="token"))
        if row.kind == "invitation" and row.r_id is not None:
            return row.r_id, True, str(notice_language or row.r_language)
        group = row.stakeholder_group if row.kind == "invitation" else (stakeholder_group or "").strip()
        lang = (language or row.language).strip()
        problems = group_language_problems(group, lang, row.languages, None)
        if problems:
            raise InputError(problems)
        shown_in = str(notice_language or lang)
        if shown_in not in row.languages.split():
            raise InputError(Problem(f"language '{shown_in}' is not one of the campaign's", field="language"))
        now = _now()
        if checksum not in self._known_notices:
            conn.execute(
                dialect_insert(self.backend)(m.NoticeText)
                .values(checksum=checksum, text=notice, created=now)
                .on_conflict_do_nothing(index_elements=["checksum"])
            )
        rid = secrets.token_hex(16)  # hex: never starts with "-", safe as a CLI argument
        conn.execute(
            RESPONDENT_INSERT,
            {
                "id": rid,
                "campaign_id": row.campaign_id,
                "invitation_id": row.id,
                "personal_invitation_id": row.id if row.kind == "invitation" else None,
                "region": row.region,
                "stakeholder_group": group,
                "language": lang,
                "source": "web",
                "created": now,
                "updated": now,
                "consented_at": now,
                "consent_notice": checksum,
            },
        )
        self._audit(conn, row.campaign_id, "consent", rid, {"notice": checksum, "language": shown_in})
        return rid, False, shown_in

    def record_consent(self, respondent_id: str, notice: str, *, language: str) -> dict[str, Any]:
        """Record an existing respondent's consent to `notice` (the text shown, in `language`).
        Idempotent: a respondent who already agreed keeps their first consent. Locked once the
        campaign is closed. Returns consent_of()."""
        notice = _check_notice(notice)
        with self._write() as s:
            self._writable(s, respondent_id)
            self._consent_in(s, respondent_id, notice, language)
        return self.consent_of(respondent_id)

    def _consent_in(self, s: Session, respondent_id: str, notice: str, language: str) -> None:
        r = self._respondent_row(s, respondent_id, lock=True)
        c = s.scalars(select(m.Campaign).where(m.Campaign.id == r.campaign_id)).one()
        if c.status != "open":
            raise Locked("the campaign is closed: answers are no longer accepted")
        if language not in c.languages.split():
            raise InputError(Problem(f"language '{language}' is not one of the campaign's", field="language"))
        if r.consented_at is not None:  # the first consent stands
            return
        checksum, now = notice_checksum(notice), _now()
        insert = dialect_insert(self.backend)
        s.execute(
            insert(m.NoticeText)
            .values(checksum=checksum, text=notice, created=now)
            .on_conflict_do_nothing(index_elements=["checksum"])
        )
        s.execute(update(m.Respondent).where(m.Respondent.id == r.id).values(consented_at=now, consent_notice=checksum))
        self._audit(s, r.campaign_id, "consent", r.id, {"notice": checksum, "language": language})

    def consent_of(self, respondent_id: str) -> dict[str, Any]:
        """{consented_at (None: not given), notice (sha256), text (the notice agreed to, verbatim)}."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            text = s.scalar(select(m.NoticeText.text).where(m.NoticeText.checksum == r.consent_notice))
            return {"consented_at": _utc(r.consented_at), "notice": r.consent_notice, "text": text}

    def notice_text(self, checksum: str) -> str | None:
        """A notice text some respondent agreed to, by its checksum (None when nobody did)."""
        if not isinstance(checksum, str) or len(checksum) != 64:
            return None
        with self._read() as s:
            return s.scalar(select(m.NoticeText.text).where(m.NoticeText.checksum == checksum.lower()))


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _check_notice(notice: object) -> str:
    if not isinstance(notice, str) or not notice.strip() or len(notice) > 4 * NOTICE_MAX or "\x00" in notice:
        raise InputError(Problem("consent needs the text of the notice shown", field="notice"))
    return notice
