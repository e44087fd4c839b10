"""Instrument versions and campaigns: adding, listing, opening and closing them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..campaign.model import LANGUAGE_CODE
from ..errors import InputError, Problem
from ..instrument import Instrument
from . import models as m
from .base import DEFAULT_LANGUAGES, MAX_NAME, NotFound, StoreBase, _now, _utc


class CampaignsMixin(StoreBase):
    """add_instrument, get_instrument, list_instruments, create_campaign, list_campaigns,
    get_campaign, close_campaign."""

    # -- instruments ---------------------------------------------------------
    def add_instrument(self, instrument: Instrument) -> int:
        """Store the text form + form_id + version + checksum; the same checksum gives the same id."""
        from ..instrument.textform import dumps

        checksum = instrument.checksum
        with self._read() as s:
            found = s.scalar(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum))
        if found is not None:
            return found
        row = {
            "form_id": instrument.form_id,
            "version": instrument.version or "",
            "title": instrument.title or "",
            "checksum": checksum,
            "text": dumps(instrument.workbook),
            "created": _now(),
        }
        try:
            with self._write() as s:
                found = s.scalar(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum))
                if found is not None:
                    return found
                new_id: int = s.scalars(
                    insert(m.InstrumentVersion).values(**row).returning(m.InstrumentVersion.id)
                ).one()
                return new_id
        except IntegrityError:  # the same version added concurrently
            with self._read() as s:
                return s.scalars(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum)).one()

    def get_instrument(self, instrument_id: int) -> Instrument:
        """The stored instrument, rebuilt from its text form (NotFound when unknown)."""
        with self._lock:
            hit = self._instruments.get(instrument_id)
        if hit is not None:
            return hit
        with self._read() as s:
            return self._instrument(s, instrument_id)

    def list_instruments(self) -> list[dict[str, Any]]:
        """[{id, form_id, version, title, checksum, created}] ordered by id."""
        t = m.InstrumentVersion
        with self._read() as s:
            rows = s.execute(select(t.id, t.form_id, t.version, t.title, t.checksum, t.created).order_by(t.id)).all()
        return [{**r._asdict(), "created": _utc(r.created)} for r in rows]

    # -- campaigns -------------------------------------------------------------
    def create_campaign(self, name: str, instrument_id: int, *, languages: Iterable[str] = DEFAULT_LANGUAGES) -> int:
        """A new open campaign pinned to one instrument version. Languages: codes such as en, de."""
        name = (name or "").strip()
        codes = [str(x).strip() for x in ([languages] if isinstance(languages, str) else languages)]
        problems = []
        if not name or len(name) > MAX_NAME or "\x00" in name:
            problems.append(Problem(f"campaign name must be 1 to {MAX_NAME} characters", field="name"))
        bad = [x for x in codes if not LANGUAGE_CODE.fullmatch(x)]
        if bad or not codes:
            problems.append(
                Problem(f"languages must be codes such as en, de, fr, it, sl (got {bad or 'none'})", field="languages")
            )
        if len(set(codes)) != len(codes):
            problems.append(Problem("a language is listed twice", field="languages"))
        if problems:
            raise InputError(problems)
        with self._write() as s:
            if s.get(m.InstrumentVersion, instrument_id) is None:
                raise NotFound(Problem(f"no instrument {instrument_id}", field="instrument_id"))
            campaign_id: int = s.scalars(
                insert(m.Campaign)
                .values(
                    name=name, instrument_id=instrument_id, status="open", languages=" ".join(codes), created=_now()
                )
                .returning(m.Campaign.id)
            ).one()
            return campaign_id

    @staticmethod
    def _campaign_dict(c: m.Campaign) -> dict[str, Any]:
        return {
            "id": c.id,
            "name": c.name,
            "status": c.status,
            "instrument_id": c.instrument_id,
            "languages": c.languages.split(),
            "created": _utc(c.created),
            "closed_at": _utc(c.closed_at),
        }

    def list_campaigns(self) -> list[dict[str, Any]]:
        """get_campaign() of every campaign, ordered by id."""
        with self._read() as s:
            return [self._campaign_dict(c) for c in s.scalars(select(m.Campaign).order_by(m.Campaign.id))]

    def get_campaign(self, campaign_id: int) -> dict[str, Any]:
        """{id, name, status ('open'|'closed'), instrument_id, languages (list), created, closed_at}."""
        with self._read() as s:
            return self._campaign_dict(self._campaign(s, campaign_id))

    def close_campaign(self, campaign_id: int, *, admin: str | None = None) -> None:
        """Close a campaign: its links stop working and no answers are accepted (idempotent).
        Waits for saves and submits in flight; those that start later are refused. The audit
        entry names the admin who closed it (when the caller knows one: the web layer always does)."""
        with self._write() as s:
            self._campaign_lock(s.connection(), campaign_id, shared=False)
            c = self._campaign(s, campaign_id, lock=True)
            if c.status == "closed":
                return
            c.status, c.closed_at = "closed", _now()
            self._audit(s, campaign_id, "close", None, {"admin": admin} if admin else {})
