"""The storage API the web app and the CLI build on.

Every method runs in its own transaction and has committed before it returns, so an
answer the server acknowledged is on disk (SQLite: WAL + synchronous=FULL; PostgreSQL:
default fsync). Return values are plain: dicts, lists, DataFrames, `Instrument`s (cached
per id, shared: do not mutate them).

Bad input raises `s3stresstest.errors.InputError` listing each problem; the subclasses
`NotFound` (unknown campaign, instrument or respondent) and `Locked` (campaign closed,
questionnaire already submitted) let a caller pick a status code. Unknown, wrong, expired
or revoked tokens are indistinguishable: `resolve_token` gives None.
Timestamps are timezone-aware UTC `datetime`s.

Privacy: tokens are `secrets.token_urlsafe(24)` (192 bits) and only their sha256 is stored;
respondent ids are random (`secrets.token_hex(16)`, 128 bits, also usable as a session
secret); no names or e-mails are asked; optional contact details sit in their own table and
only reach an export when asked for; the audit log holds events and counts, never answers.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import secrets
import threading
from contextlib import contextmanager
from typing import Iterable, Iterator

import pandas as pd
from sqlalchemy import Engine, Integer, bindparam, delete, func, insert, literal_column, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..campaign.model import LANGUAGE_CODE, RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, TERRITORY_CODE
from ..errors import InputError, Problem
from ..instrument import Instrument
from . import models as m
from .db import ENV_URL, database_url, make_engine, upgrade
from .writequeue import WriteQueue

DEFAULT_LANGUAGES = ("en", "de", "fr", "it", "sl")
MIN_PASSWORD = 8
MAX_TEXT = 20_000  # characters of one free-text answer
MAX_NAME = 200
RESPONDENT_ID_MAX = 40
# PostgreSQL advisory lock space of campaigns (first key of the two-int4 form; the second is the
# campaign id). Saves and submits hold it shared, closing a campaign exclusive: a close waits for
# the saves in flight and later saves wait for the close, then see the campaign closed. A row lock
# (FOR SHARE on the campaign row) did the same, but every shared row lock rewrites the row's header
# and, with many concurrent holders, creates a MultiXact: under 200 concurrent savers that was
# most of the database's work.
CAMPAIGN_LOCK = 0x53335343  # "S3SC"

__all__ = ["DEFAULT_LANGUAGES", "ENV_URL", "Locked", "MIN_PASSWORD", "NotFound", "Store", "database_url"]


class NotFound(InputError):
    """The campaign, instrument or respondent does not exist."""


class Locked(InputError):
    """Refused because the campaign is closed or the questionnaire was already submitted."""


def _sqlite_file(engine: Engine) -> str | None:
    """Path of a SQLite database file (None for in-memory databases and file: URIs)."""
    db = engine.url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return os.path.abspath(os.path.expanduser(db))


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _utc(value: _dt.datetime | None) -> _dt.datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _expired(expires_at: _dt.datetime | None) -> bool:
    return expires_at is not None and _utc(expires_at) <= _now()


class Store:
    """An Engine + sessionmaker over the survey database. Open with `Store.open()`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._readonly_engine = engine.execution_options(s3st_readonly=True)
        self._readonly = sessionmaker(self._readonly_engine, expire_on_commit=False)
        self._one_statement_engine = (engine.execution_options(isolation_level="AUTOCOMMIT")
                                      if engine.dialect.name == "postgresql" else self._readonly_engine)
        self._instruments: dict[int, Instrument] = {}
        self._lock = threading.Lock()
        self._hasher = None
        # SQLite has one writer at a time: writers queue (threads on a mutex, processes on a flock)
        # instead of polling the file lock; see writequeue.py.
        self._write_lock = WriteQueue(_sqlite_file(engine)) if engine.dialect.name == "sqlite" else None
        self._save_sql = _SaveStatements(engine.dialect.name)

    @classmethod
    def open(cls, url: str | None = None) -> "Store":
        """Connect (url or $S3ST_DATABASE_URL or the SQLite file in the data directory) and run
        the Alembic migrations up to head."""
        engine = make_engine(database_url(url))
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        """Dispose of the engine's connections."""
        self.engine.dispose()
        if self._write_lock is not None:
            self._write_lock.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    # -- transactions ------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One writing transaction, committed on leaving (SQLite: BEGIN IMMEDIATE)."""
        if self._write_lock is None:
            with self._session.begin() as s:
                yield s
            return
        with self._write_lock, self._session.begin() as s:
            yield s

    @contextmanager
    def _write_conn(self):
        """A Core connection in one writing transaction (no ORM session: the hot path of a save)."""
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._readonly.begin() as s:
            yield s

    # -- admin -------------------------------------------------------------
    def _argon(self):
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher()
        return self._hasher

    def create_admin(self, username: str, password: str) -> int:
        """New admin with an argon2 password hash. InputError on a duplicate username, an empty
        or over-long username, or a password shorter than MIN_PASSWORD (8) characters."""
        username = (username or "").strip()
        problems = []
        if not username or len(username) > MAX_NAME or "\x00" in username:
            problems.append(Problem(f"username must be 1 to {MAX_NAME} characters", field="username"))
        if not isinstance(password, str) or len(password) < MIN_PASSWORD or "\x00" in password:
            problems.append(Problem(f"password must be at least {MIN_PASSWORD} characters", field="password"))
        if problems:
            raise InputError(problems)
        hashed = self._argon().hash(password)
        try:
            with self._write() as s:
                if s.scalar(select(m.Admin.id).where(m.Admin.username == username)) is not None:
                    raise InputError(Problem(f"admin '{username}' exists already", field="username"))
                admin = m.Admin(username=username, password_hash=hashed, created=_now())
                s.add(admin)
                s.flush()
                return admin.id
        except IntegrityError:  # created concurrently
            raise InputError(Problem(f"admin '{username}' exists already", field="username")) from None

    def verify_admin(self, username: str, password: str) -> int | None:
        """Admin id when the password matches, else None (unknown user included, in similar time)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        ph = self._argon()
        username = (username or "").strip() if isinstance(username, str) else ""
        with self._read() as s:
            row = None
            if _usable(username) and len(username) <= MAX_NAME:
                row = s.execute(select(m.Admin.id, m.Admin.password_hash)
                                .where(m.Admin.username == username)).first()
        if row is None:
            try:  # spend the same effort as for a real user
                ph.verify(_dummy_hash(ph), password or "")
            except (VerificationError, InvalidHashError):
                pass
            return None
        try:
            ph.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if ph.check_needs_rehash(row.password_hash):
            with self._write() as s:
                s.execute(update(m.Admin).where(m.Admin.id == row.id).values(password_hash=ph.hash(password)))
        return row.id

    def list_admins(self) -> list[dict]:
        """[{id, username, created}] (never the hashes)."""
        with self._read() as s:
            rows = s.execute(select(m.Admin.id, m.Admin.username, m.Admin.created).order_by(m.Admin.id)).all()
        return [{"id": r.id, "username": r.username, "created": _utc(r.created)} for r in rows]

    # -- instruments & campaigns ---------------------------------------------
    def add_instrument(self, instrument: Instrument) -> int:
        """Store the text form + form_id + version + checksum; the same checksum gives the same id."""
        from ..instrument.textform import dumps

        checksum = instrument.checksum
        with self._read() as s:
            found = s.scalar(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum))
        if found is not None:
            return found
        row = dict(form_id=instrument.form_id, version=instrument.version or "",
                   title=instrument.title or "", checksum=checksum, text=dumps(instrument.workbook), created=_now())
        try:
            with self._write() as s:
                found = s.scalar(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum))
                if found is not None:
                    return found
                return s.scalar(insert(m.InstrumentVersion).values(**row).returning(m.InstrumentVersion.id))
        except IntegrityError:  # the same version added concurrently
            with self._read() as s:
                return s.scalar(select(m.InstrumentVersion.id).where(m.InstrumentVersion.checksum == checksum))

    def get_instrument(self, instrument_id: int) -> Instrument:
        """The stored instrument, rebuilt from its text form (NotFound when unknown)."""
        with self._lock:
            hit = self._instruments.get(instrument_id)
        if hit is not None:
            return hit
        with self._read() as s:
            return self._instrument(s, instrument_id)

    def _instrument(self, s: Session, instrument_id: int) -> Instrument:
        """get_instrument inside a transaction that is already open (no second connection)."""
        with self._lock:
            hit = self._instruments.get(instrument_id)
        if hit is not None:
            return hit
        from ..instrument import instrument_from_workbook
        from ..instrument.textform import loads

        text = s.scalar(select(m.InstrumentVersion.text).where(m.InstrumentVersion.id == instrument_id))
        if text is None:
            raise NotFound(f"no instrument {instrument_id}")
        source = f"instrument {instrument_id}"
        inst = instrument_from_workbook(loads(text, source=source), source=source)
        with self._lock:
            return self._instruments.setdefault(instrument_id, inst)

    def list_instruments(self) -> list[dict]:
        """[{id, form_id, version, title, checksum, created}] ordered by id."""
        t = m.InstrumentVersion
        with self._read() as s:
            rows = s.execute(select(t.id, t.form_id, t.version, t.title, t.checksum, t.created).order_by(t.id)).all()
        return [{**r._asdict(), "created": _utc(r.created)} for r in rows]

    def create_campaign(self, name: str, instrument_id: int, *,
                        languages: Iterable[str] = DEFAULT_LANGUAGES) -> int:
        """A new open campaign pinned to one instrument version. Languages: codes such as en, de."""
        name = (name or "").strip()
        languages = [str(x).strip() for x in ([languages] if isinstance(languages, str) else languages)]
        problems = []
        if not name or len(name) > MAX_NAME or "\x00" in name:
            problems.append(Problem(f"campaign name must be 1 to {MAX_NAME} characters", field="name"))
        bad = [x for x in languages if not LANGUAGE_CODE.fullmatch(x)]
        if bad or not languages:
            problems.append(Problem(f"languages must be codes such as en, de, fr, it, sl (got {bad or 'none'})",
                                    field="languages"))
        if len(set(languages)) != len(languages):
            problems.append(Problem("a language is listed twice", field="languages"))
        if problems:
            raise InputError(problems)
        with self._write() as s:
            if s.get(m.InstrumentVersion, instrument_id) is None:
                raise NotFound(Problem(f"no instrument {instrument_id}", field="instrument_id"))
            return s.scalar(insert(m.Campaign).values(
                name=name, instrument_id=instrument_id, status="open", languages=" ".join(languages),
                created=_now()).returning(m.Campaign.id))

    @staticmethod
    def _campaign_dict(c: m.Campaign) -> dict:
        return {"id": c.id, "name": c.name, "status": c.status, "instrument_id": c.instrument_id,
                "languages": c.languages.split(), "created": _utc(c.created), "closed_at": _utc(c.closed_at)}

    def list_campaigns(self) -> list[dict]:
        """get_campaign() of every campaign, ordered by id."""
        with self._read() as s:
            return [self._campaign_dict(c) for c in s.scalars(select(m.Campaign).order_by(m.Campaign.id))]

    def get_campaign(self, campaign_id: int) -> dict:
        """{id, name, status ('open'|'closed'), instrument_id, languages (list), created, closed_at}."""
        with self._read() as s:
            return self._campaign_dict(self._campaign(s, campaign_id))

    @staticmethod
    def _campaign(s: Session, campaign_id: int, *, lock: bool = False) -> m.Campaign:
        q = select(m.Campaign).where(m.Campaign.id == campaign_id)
        c = s.scalar(q.with_for_update() if lock else q)
        if c is None:
            raise NotFound(f"no campaign {campaign_id}")
        return c

    def _campaign_lock(self, conn, campaign_id: int, *, shared: bool) -> None:
        """PostgreSQL: the campaign's advisory lock until the transaction ends (see CAMPAIGN_LOCK).
        SQLite needs none: one writer at a time."""
        if self.backend == "postgresql":
            fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
            conn.execute(select(getattr(func, fn)(literal_column(str(CAMPAIGN_LOCK)), bindparam("cid", type_=Integer))),
                         {"cid": int(campaign_id)})

    def close_campaign(self, campaign_id: int) -> None:
        """Close a campaign: its links stop working and no answers are accepted (idempotent).
        Waits for saves and submits in flight; those that start later are refused."""
        with self._write() as s:
            self._campaign_lock(s.connection(), campaign_id, shared=False)
            c = self._campaign(s, campaign_id, lock=True)
            if c.status == "closed":
                return
            c.status, c.closed_at = "closed", _now()
            self._audit(s, campaign_id, "close", None, {})

    def add_regions(self, campaign_id: int, regions: pd.DataFrame) -> None:
        """Add `region,name` rows (territory codes, each once; an empty name becomes the code).
        InputError names each bad row (line = row number + 1, as in a CSV with a header)."""
        df = _frame(regions, ("region", "name"), optional=("name",))
        problems = []
        with self._write() as s:
            self._campaign(s, campaign_id)
            known = set(s.scalars(select(m.Region.region).where(m.Region.campaign_id == campaign_id)))
            seen: set[str] = set()
            rows = []
            for line, region, name in zip(df["_line"], df["region"], df["name"]):
                if not TERRITORY_CODE.fullmatch(region):
                    problems.append(Problem(f"'{region}' is not a territory code (a NUTS code such as DE2, ITH2, "
                                            f"SI or CH022)", line, "region"))
                elif region in known or region in seen:
                    problems.append(Problem(f"region '{region}' is listed twice", line, "region"))
                if "\x00" in name or len(name) > 1000:
                    problems.append(Problem("region name must be text of at most 1000 characters", line, "name"))
                seen.add(region)
                rows.append({"campaign_id": campaign_id, "region": region, "name": name or region})
            if problems:
                raise InputError(problems)
            if rows:
                s.execute(insert(m.Region), rows)

    def add_groups(self, campaign_id: int, groups: pd.DataFrame) -> None:
        """Add `region,group` peer-group rows; the regions must be the campaign's."""
        df = _frame(groups, ("region", "group"))
        problems = []
        with self._write() as s:
            self._campaign(s, campaign_id)
            known = set(s.scalars(select(m.Region.region).where(m.Region.campaign_id == campaign_id)))
            have = {(a, b) for a, b in s.execute(select(m.PeerGroup.region, m.PeerGroup.group_name)
                                                 .where(m.PeerGroup.campaign_id == campaign_id))}
            rows = []
            for line, region, group in zip(df["_line"], df["region"], df["group"]):
                if region not in known:
                    problems.append(Problem(f"unknown region '{region}' (not one of the campaign's regions)",
                                            line, "region"))
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

    def regions(self, campaign_id: int) -> pd.DataFrame:
        """`region,name` sorted by region."""
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(select(m.Region.region, m.Region.name).where(m.Region.campaign_id == campaign_id)
                             .order_by(m.Region.region)).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["region", "name"], dtype=object).astype(str)

    def groups(self, campaign_id: int) -> pd.DataFrame:
        """`region,group` sorted by group, region."""
        g = m.PeerGroup
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(select(g.region, g.group_name).where(g.campaign_id == campaign_id)
                             .order_by(g.group_name, g.region)).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["region", "group"], dtype=object).astype(str)

    # -- invitations -------------------------------------------------------
    def _check_link(self, s: Session, campaign: m.Campaign, region: str, group: str | None, language: str,
                    line: int | None) -> list[Problem]:
        problems = []
        known = self._region_set(s, campaign.id) if region is not None else set()
        if region is None:  # not checked (a link's own region stands)
            pass
        elif known and region not in known:
            problems.append(Problem(f"unknown region '{region}' (not one of the campaign's regions)", line, "region"))
        elif not known and not TERRITORY_CODE.fullmatch(region or ""):
            problems.append(Problem(f"'{region}' is not a territory code (a NUTS code such as DE2, ITH2, SI or "
                                    f"CH022)", line, "region"))
        if group is not None and group not in STAKEHOLDER_GROUPS:
            problems.append(Problem(f"unknown stakeholder group '{group}' (one of: {', '.join(STAKEHOLDER_GROUPS)})",
                                    line, "stakeholder_group"))
        if language not in campaign.languages.split():
            problems.append(Problem(f"language '{language}' is not one of the campaign's ({campaign.languages})",
                                    line, "language"))
        return problems

    @staticmethod
    def _region_set(s: Session, campaign_id: int) -> set[str]:
        return set(s.scalars(select(m.Region.region).where(m.Region.campaign_id == campaign_id)))

    def create_invitations(self, campaign_id: int, rows: list[tuple[str, str, str]], *,
                           expires: _dt.datetime | None = None) -> list[dict]:
        """One personal link per (region, stakeholder_group, language), in the order given.

        Returns [{invitation_id, region, stakeholder_group, language, token}]; the token
        (secrets.token_urlsafe(24), 192 bits) is shown only here, the database keeps sha256(token).
        All rows or none: InputError names each bad row (line = position, from 1).
        """
        expires = _utc(expires)
        out = []
        with self._write() as s:
            c = self._campaign(s, campaign_id)
            if c.status != "open":
                raise Locked(f"campaign {campaign_id} is closed")
            problems = []
            for line, row in enumerate(rows, start=1):
                try:
                    region, group, language = (str(x).strip() for x in row)
                except (TypeError, ValueError):
                    problems.append(Problem("expected (region, stakeholder_group, language)", line))
                    continue
                problems += self._check_link(s, c, region, group, language, line)
                out.append({"region": region, "stakeholder_group": group, "language": language,
                            "token": secrets.token_urlsafe(24)})
            if problems:
                raise InputError(problems)
            now = _now()
            for inv in out:
                inv["invitation_id"] = s.scalar(insert(m.Invitation).values(
                    campaign_id=campaign_id, kind="invitation", token_hash=_hash_token(inv["token"]),
                    region=inv["region"], stakeholder_group=inv["stakeholder_group"], language=inv["language"],
                    created=now, expires_at=expires).returning(m.Invitation.id))
        return [{k: inv[k] for k in ("invitation_id", "region", "stakeholder_group", "language", "token")}
                for inv in out]

    def create_open_link(self, campaign_id: int, region: str, language: str = "en", *,
                         expires: _dt.datetime | None = None) -> str:
        """Token of an open per-region link; each start makes a new respondent who declares a group."""
        region, language = str(region).strip(), str(language).strip()
        token = secrets.token_urlsafe(24)
        with self._write() as s:
            c = self._campaign(s, campaign_id)
            if c.status != "open":
                raise Locked(f"campaign {campaign_id} is closed")
            problems = self._check_link(s, c, region, None, language, None)
            if problems:
                raise InputError(problems)
            s.execute(insert(m.Invitation).values(
                campaign_id=campaign_id, kind="open", token_hash=_hash_token(token), region=region,
                stakeholder_group=None, language=language, created=_now(), expires_at=_utc(expires)))
        return token

    def revoke_token(self, token: str) -> bool:
        """Make a link dead (as if it never existed); True when it was live."""
        if not isinstance(token, str) or not token:
            return False
        with self._write() as s:
            res = s.execute(update(m.Invitation).where(m.Invitation.token_hash == _hash_token(token),
                                                       m.Invitation.revoked_at.is_(None)).values(revoked_at=_now()))
            return res.rowcount > 0

    def _live_link(self, s: Session, token: str) -> tuple[m.Invitation, m.Campaign] | None:
        if not _usable(token) or len(token) > 200:
            return None
        row = s.execute(select(m.Invitation, m.Campaign).join(m.Campaign, m.Campaign.id == m.Invitation.campaign_id)
                        .where(m.Invitation.token_hash == _hash_token(token))).first()
        if row is None:
            return None
        inv, c = row
        if inv.revoked_at is not None or _expired(inv.expires_at) or c.status != "open":
            return None
        return inv, c

    def resolve_token(self, token: str) -> dict | None:
        """{kind: 'invitation'|'open', campaign_id, region, stakeholder_group|None, language,
        respondent_id|None}; None for an unknown, wrong, expired or revoked token or a closed campaign."""
        with self._read() as s:
            hit = self._live_link(s, token)
            if hit is None:
                return None
            inv, _c = hit
            rid = None
            if inv.kind == "invitation":
                rid = s.scalar(select(m.Respondent.id).where(m.Respondent.personal_invitation_id == inv.id))
            return {"kind": inv.kind, "campaign_id": inv.campaign_id, "region": inv.region,
                    "stakeholder_group": inv.stakeholder_group, "language": inv.language, "respondent_id": rid}

    def warm_pool(self, n: int | None = None) -> None:
        """Open `n` pooled connections now (default: the pool size), so that the first burst of
        requests does not pay for connecting (and SQLite's pragmas) while others wait.

        On PostgreSQL each connection also rehearses a first save (see `_rehearse_first_save`):
        a new server process loads the catalog entries of every table, index and foreign key it
        touches, and prepares each foreign-key check, on first use. Measured: without the
        rehearsal the first second of 200 arriving respondents had a p99 of ~250 ms, the same
        load a minute later ~60 ms."""
        n = n or getattr(self.engine.pool, "size", lambda: 1)()
        conns = []
        try:
            for _ in range(n):
                conn = self.engine.connect()
                conns.append(conn)
                conn.execute(_TOKEN_CONTEXT, {"h": ""}).all()
                for table in (m.Answer, m.Comment):
                    conn.execute(select(table.item).where(table.respondent_id == "")).all()
                conn.rollback()
                if self.backend == "postgresql":
                    try:
                        self._rehearse_first_save(conn)
                    finally:
                        conn.rollback()
        finally:
            for c in conns:
                c.close()

    def _rehearse_first_save(self, conn) -> None:
        """Start a made-up respondent on a made-up copy of an existing link and save one answer
        of each kind (and clear one), in a transaction the caller rolls back: nothing is kept.
        Does nothing when no open campaign has a link yet (then no respondent can arrive). The
        invitation ids it draws are not given back, so ids have gaps after a start (harmless)."""
        i, c = m.Invitation, m.Campaign
        link = conn.execute(select(i.campaign_id, i.kind, i.region, i.stakeholder_group, i.language,
                                   c.instrument_id).join(c, c.id == i.campaign_id)
                            .where(c.status == "open", i.revoked_at.is_(None)).limit(1)).first()
        if link is None:
            return
        with Session(bind=conn) as s:
            instrument = self._instrument(s, link.instrument_id)  # cached after the first parse
        answers: dict[str, str] = {}  # one answer of each kind the save path writes differently
        for kind, value in (("select_one", None), ("text", "rehearsal"), ("integer", "")):
            item = next((it for it in instrument.answerable_items if it.type == kind), None)
            choices = instrument.choices_of(item) if item is not None else None
            if value is None and choices is not None and choices.choices:
                value = choices.choices[0].name
            if item is not None and value is not None:
                answers[item.name] = value
        token = secrets.token_urlsafe(24)
        conn.execute(insert(i).values(campaign_id=link.campaign_id, kind=link.kind, token_hash=_hash_token(token),
                                      region=link.region, stakeholder_group=link.stakeholder_group,
                                      language=link.language, created=_now()))
        with Session(bind=conn) as s:
            rid = self._start_in(s, token, link.stakeholder_group or "other", None)
            self._save_in(s.connection(), rid, "rehearsal", answers)

    def token_context(self, token: str) -> tuple[dict, dict, dict | None] | None:
        """(resolve_token(token), get_campaign(...), respondent(...) of a personal invitation or None)
        in one read transaction and one query; None where resolve_token gives None."""
        if not _usable(token) or len(token) > 200:
            return None
        with self._readonly_conn() as conn:
            row = conn.execute(_TOKEN_CONTEXT, {"h": _hash_token(token)}).first()
        if row is None:
            return None
        if row.revoked_at is not None or _expired(row.expires_at) or row.status != "open":
            return None
        rid = row.r_id if row.kind == "invitation" else None
        info = {"kind": row.kind, "campaign_id": row.campaign_id, "region": row.region,
                "stakeholder_group": row.stakeholder_group, "language": row.language, "respondent_id": rid}
        campaign = {"id": row.campaign_id, "name": row.name, "status": row.status,
                    "instrument_id": row.instrument_id, "languages": row.languages.split(),
                    "created": _utc(row.c_created), "closed_at": _utc(row.closed_at)}
        resp = None
        if rid is not None:
            resp = {"id": rid, "campaign_id": row.r_campaign_id, "region": row.r_region,
                    "stakeholder_group": row.r_group, "language": row.r_language, "last_page": row.last_page,
                    "created": _utc(row.r_created), "updated": _utc(row.r_updated),
                    "submitted_at": _utc(row.submitted_at), "source": row.source}
        return info, campaign, resp

    @contextmanager
    def _readonly_conn(self):
        """For one read-only statement. PostgreSQL: autocommit (a single statement needs no BEGIN and
        COMMIT, two round trips to the server); SQLite: a plain BEGIN (`s3st_readonly`)."""
        with self._one_statement_engine.connect() as conn:
            yield conn
            if conn.in_transaction():
                conn.commit()

    # -- respondents & answers ---------------------------------------------
    def start_respondent(self, token: str, *, stakeholder_group: str | None = None,
                         language: str | None = None) -> str:
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
            rid = s.scalar(select(m.Respondent.id).where(m.Respondent.personal_invitation_id == inv.id))
            if rid is not None:
                return rid
            group = inv.stakeholder_group
        else:
            group = (stakeholder_group or "").strip()
        lang = (language or inv.language).strip()
        problems = self._check_link(s, c, None, group, lang, None)  # the link's own region stands
        if problems:
            raise InputError(problems)
        rid = secrets.token_hex(16)  # hex: never starts with "-", safe as a CLI argument
        now = _now()
        s.execute(insert(m.Respondent).values(
            id=rid, campaign_id=c.id, invitation_id=inv.id,
            personal_invitation_id=inv.id if inv.kind == "invitation" else None,
            region=inv.region, stakeholder_group=group, language=lang, source="web",
            created=now, updated=now))
        return rid

    def _respondent_row(self, s: Session, respondent_id: str, *, lock: bool = False) -> m.Respondent:
        if not _usable(respondent_id) or len(respondent_id) > RESPONDENT_ID_MAX:
            raise NotFound("unknown respondent")
        q = select(m.Respondent).where(m.Respondent.id == respondent_id)
        r = s.scalar(q.with_for_update() if lock else q)
        if r is None:
            raise NotFound("unknown respondent")
        return r

    def _writable(self, s: Session, respondent_id: str) -> tuple[m.Respondent, m.Campaign]:
        r = self._respondent_row(s, respondent_id, lock=True)
        # shared campaign lock: a concurrent close_campaign waits for this submit, or this submit
        # sees the campaign closed (the next statement reads a snapshot taken after the lock)
        self._campaign_lock(s.connection(), r.campaign_id, shared=True)
        c = s.scalar(select(m.Campaign).where(m.Campaign.id == r.campaign_id))
        if c.status != "open":
            raise Locked("the campaign is closed: answers are no longer accepted")
        return r, c

    def save_page(self, respondent_id: str, page: str, answers: dict[str, str], *, draft: bool = False) -> dict:
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
            with attempt, self._write_conn() as conn:
                self._save_in(conn, respondent_id, page, answers, draft=draft)
        return {"saved": len(answers), "page": page}

    def _save_in(self, conn, respondent_id: str, page: str, answers: dict, *, draft: bool = False) -> None:
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
        c = conn.execute(sql.campaign, {"cid": row[0]}).first()
        if c is None or c[0] != "open":
            raise Locked("the campaign is closed: answers are no longer accepted")
        instrument = self._instruments.get(c[1])
        if instrument is None:
            with self._read() as s:
                instrument = self._instrument(s, c[1])
        closed, texts, problems = _check_answers(instrument, answers)
        if problems:
            raise InputError(problems)
        for table, col, values, upsert in ((m.Answer, "value", closed, sql.upsert_answer),
                                           (m.Comment, "text", texts, sql.upsert_comment)):
            cleared = [k for k, v in values.items() if v == ""]
            if cleared:
                conn.execute(delete(table).where(table.respondent_id == respondent_id, table.item.in_(cleared)))
            kept = [{"rid": respondent_id, "item": k, "v": v, "now": now} for k, v in values.items() if v]
            if kept:
                conn.execute(upsert, kept)  # executemany of one constant statement: compiled once

    def start_and_save_page(self, token: str, page: str, answers: dict[str, str], *,
                            language: str | None = None, draft: bool = False) -> str:
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
    def _check_save_args(page, answers) -> tuple[str, dict]:
        page = "" if page is None else str(page)
        if len(page) > MAX_NAME or "\x00" in page:
            raise InputError(Problem(f"page name must be text of at most {MAX_NAME} characters", field="page"))
        if not isinstance(answers, dict):
            raise InputError(Problem("answers must be a mapping of item to value", field="answers"))
        return page, answers

    def answers(self, respondent_id: str) -> dict[str, str]:
        """All saved answers of a respondent (free-text comments included), item -> value."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            out = {k: v for k, v in s.execute(select(m.Answer.item, m.Answer.value)
                                              .where(m.Answer.respondent_id == r.id))}
            out.update({k: v for k, v in s.execute(select(m.Comment.item, m.Comment.text)
                                                   .where(m.Comment.respondent_id == r.id))})
        return dict(sorted(out.items()))

    def respondent(self, respondent_id: str) -> dict:
        """{id, campaign_id, region, stakeholder_group, language, last_page, created, updated,
        submitted_at, source}."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            return {"id": r.id, "campaign_id": r.campaign_id, "region": r.region,
                    "stakeholder_group": r.stakeholder_group, "language": r.language, "last_page": r.last_page,
                    "created": _utc(r.created), "updated": _utc(r.updated), "submitted_at": _utc(r.submitted_at),
                    "source": r.source}

    def set_language(self, respondent_id: str, language: str) -> None:
        """Keep the respondent's choice of language, so the link opens in it on any device.
        InputError unless it is one of the campaign's languages; Locked once submitted or closed."""
        language = str(language or "").strip()
        with self._write() as s:
            r, c = self._writable(s, respondent_id)
            if r.submitted_at is not None:
                raise Locked("the questionnaire was already submitted")
            if language not in c.languages.split():
                raise InputError(Problem(f"language '{language}' is not one of the campaign's languages "
                                         f"({', '.join(c.languages.split())})", field="language"))
            r.language = language
            r.updated = _now()

    def submit(self, respondent_id: str) -> dict:
        """Mark submitted (idempotent); the audit log gets one entry. {'submitted_at', 'already'}.
        Refused (Locked) once the campaign is closed, unless it was submitted before."""
        for attempt in _once_more_after_a_lost_connection():  # a second submit changes nothing
            with attempt, self._write() as s:
                r = self._respondent_row(s, respondent_id, lock=True)
                if r.submitted_at is not None:
                    return {"submitted_at": _utc(r.submitted_at), "already": True}
                self._writable(s, respondent_id)
                now = _now()
                n = (s.scalar(select(func.count()).select_from(m.Answer).where(m.Answer.respondent_id == r.id))
                     + s.scalar(select(func.count()).select_from(m.Comment).where(m.Comment.respondent_id == r.id)))
                r.submitted_at, r.updated = now, now
                self._audit(s, r.campaign_id, "submit", r.id, {"answers": n})
        return {"submitted_at": now, "already": False}

    def delete_respondent(self, respondent_id: str) -> int:
        """Remove a respondent, their answers, comments and contact details and revoke their
        invitation. Returns rows deleted (respondent included); NotFound when unknown.
        The audit log gets a deletion event without answers."""
        with self._write() as s:
            r = self._respondent_row(s, respondent_id, lock=True)
            n = 0
            for table in (m.Answer, m.Comment, m.Contact):
                n += s.execute(delete(table).where(table.respondent_id == r.id)).rowcount
            if r.personal_invitation_id is not None:
                s.execute(update(m.Invitation).where(m.Invitation.id == r.personal_invitation_id)
                          .values(revoked_at=_now()))
            campaign_id, rid = r.campaign_id, r.id
            n += s.execute(delete(m.Respondent).where(m.Respondent.id == rid)).rowcount
            self._audit(s, campaign_id, "delete", rid, {"rows": n})
        return n

    def set_contact(self, respondent_id: str, contact: str | None) -> None:
        """Optional contact details, kept in their own table; None or '' removes them."""
        contact = (contact or "").strip()
        if len(contact) > 1000 or "\x00" in contact:
            raise InputError(Problem("contact details longer than 1000 characters", field="contact"))
        with self._write() as s:
            r = self._respondent_row(s, respondent_id, lock=True)
            if not contact:
                s.execute(delete(m.Contact).where(m.Contact.respondent_id == r.id))
            else:
                _upsert(s, m.Contact, [{"respondent_id": r.id, "contact": contact, "updated": _now()}],
                        ["respondent_id"], ["contact", "updated"])

    def contact(self, respondent_id: str) -> str | None:
        """The contact details of a respondent, if any."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            return s.scalar(select(m.Contact.contact).where(m.Contact.respondent_id == r.id))

    # -- monitoring, export, scoring -----------------------------------------
    def response_rates(self, campaign_id: int) -> pd.DataFrame:
        """region, stakeholder_group, invited, started, submitted, rate (submitted/invited; NaN
        when nobody was invited, e.g. open links or imports). Sorted by region, group."""
        r, i = m.Respondent, m.Invitation
        with self._read() as s:
            self._campaign(s, campaign_id)
            invited = s.execute(select(i.region, i.stakeholder_group, func.count())
                                .where(i.campaign_id == campaign_id, i.kind == "invitation")
                                .group_by(i.region, i.stakeholder_group)).all()
            started = s.execute(select(r.region, r.stakeholder_group, func.count(), func.count(r.submitted_at))
                                .where(r.campaign_id == campaign_id)
                                .group_by(r.region, r.stakeholder_group)).all()
        table: dict[tuple[str, str], list[int]] = {}
        for region, group, n in invited:
            table.setdefault((region, group), [0, 0, 0])[0] = n
        for region, group, n, done in started:
            t = table.setdefault((region, group), [0, 0, 0])
            t[1], t[2] = n, done
        rows = [(k[0], k[1], v[0], v[1], v[2], (v[2] / v[0]) if v[0] else math.nan)
                for k, v in sorted(table.items())]
        df = pd.DataFrame(rows, columns=["region", "stakeholder_group", "invited", "started", "submitted", "rate"])
        return df.astype({"invited": "int64", "started": "int64", "submitted": "int64", "rate": "float64"})

    def invitation_status(self, campaign_id: int) -> pd.DataFrame:
        """One row per personal invitation, for reminders: invitation_id, region, stakeholder_group,
        language, created, expires_at, revoked (bool), status ('not started' | 'started' |
        'submitted'), last_page (key of the last page saved in full, '' if none), last_activity.
        The links themselves are not stored (only their hashes): match invitation_id with the
        mail-merge list made when they were generated."""
        i, r = m.Invitation, m.Respondent
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(select(i.id, i.region, i.stakeholder_group, i.language, i.created, i.expires_at,
                                    i.revoked_at, r.id, r.last_page, r.updated, r.submitted_at)
                             .outerjoin(r, r.personal_invitation_id == i.id)
                             .where(i.campaign_id == campaign_id, i.kind == "invitation")
                             .order_by(i.id)).all()
        out = []
        for iid, region, group, lang, created, expires, revoked, rid, last_page, updated, submitted in rows:
            status = "not started" if rid is None else ("submitted" if submitted is not None else "started")
            out.append({"invitation_id": int(iid), "region": region, "stakeholder_group": group, "language": lang,
                        "created": _utc(created), "expires_at": _utc(expires), "revoked": revoked is not None,
                        "status": status, "last_page": last_page or "",
                        "last_activity": _utc(updated) if rid is not None else None})
        columns = ["invitation_id", "region", "stakeholder_group", "language", "created", "expires_at", "revoked",
                   "status", "last_page", "last_activity"]
        return pd.DataFrame(out, columns=columns).astype({"invitation_id": "int64", "revoked": "bool"})

    def responses(self, campaign_id: int, *, submitted_only: bool = True, include_language: bool = True,
                  include_contact: bool = False) -> pd.DataFrame:
        """Long format RESPONSE_COLUMNS (+ language; + contact only when asked), all text, one row per
        saved answer, sorted by region, stakeholder_group, respondent_id, item."""
        r = m.Respondent
        cols = list(RESPONSE_COLUMNS) + (["language"] if include_language else []) + \
            (["contact"] if include_contact else [])
        with self._read() as s:
            self._campaign(s, campaign_id)
            who = select(r.id).where(r.campaign_id == campaign_id)
            if submitted_only:
                who = who.where(r.submitted_at.is_not(None))
            frames = []
            for table, col in ((m.Answer, m.Answer.value), (m.Comment, m.Comment.text)):
                q = (select(r.id, r.region, r.stakeholder_group, table.item, col, r.language)
                     .join(table, table.respondent_id == r.id).where(r.id.in_(who)))
                frames += [tuple(x) for x in s.execute(q)]
            contacts = {}
            if include_contact:
                contacts = {k: v for k, v in s.execute(select(m.Contact.respondent_id, m.Contact.contact)
                                                       .where(m.Contact.respondent_id.in_(who)))}
        df = pd.DataFrame(frames, columns=[*RESPONSE_COLUMNS, "language"], dtype=object)
        if include_contact:
            df["contact"] = [contacts.get(r, "") for r in df["respondent_id"]]
        df = df[cols].astype(str)
        return df.sort_values(["region", "stakeholder_group", "respondent_id", "item"]).reset_index(drop=True)

    def campaign_data(self, campaign_id: int, *, submitted_only: bool = True):
        """A `Campaign` (responses, regions, groups, description) ready for `run_stresstest`;
        with the instrument: `store.get_instrument(store.get_campaign(id)['instrument_id'])`."""
        from ..campaign import Campaign

        info = self.get_campaign(campaign_id)
        return Campaign(responses=self.responses(campaign_id, submitted_only=submitted_only),
                        regions=self.regions(campaign_id), groups=self.groups(campaign_id),
                        description=info["name"])

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
        nul = [Problem("contains a NUL character", int(line), col, source)
               for col in df.columns if col != "_line"
               for line, v in zip(df["_line"], df[col]) if "\x00" in v]
        if nul:
            raise InputError(nul)
        with self._read() as s:
            known = self._region_set(s, campaign_id) or None
        valid = validate_responses(df, instrument, known, source=source)
        ids = list(dict.fromkeys(valid["respondent_id"]))
        problems = [Problem(f"respondent_id '{x}' is longer than {RESPONDENT_ID_MAX} characters", None,
                            "respondent_id", source) for x in ids if len(x) > RESPONDENT_ID_MAX]
        if problems:
            raise InputError(problems)
        text_items = {i.name for i in instrument.answerable_items if i.type == "text"}
        has_lang = "language" in valid.columns
        people = valid.drop_duplicates("respondent_id")
        now = _now()
        respondents = [{"id": rid, "campaign_id": campaign_id, "invitation_id": None, "personal_invitation_id": None,
                        "region": region, "stakeholder_group": group, "language": lang if has_lang else "",
                        "source": f"import:{source}"[:200], "created": now, "updated": now, "last_page": None,
                        "submitted_at": now}
                       for rid, region, group, lang in zip(people["respondent_id"], people["region"],
                                                           people["stakeholder_group"],
                                                           people["language"] if has_lang else people["region"])]
        answered = valid[valid["value"] != ""]
        is_text = answered["item"].isin(text_items)
        closed = [{"respondent_id": a, "item": b, "value": c, "updated": now}
                  for a, b, c in zip(*(answered.loc[~is_text, k] for k in ("respondent_id", "item", "value")))]
        texts = [{"respondent_id": a, "item": b, "text": c, "updated": now}
                 for a, b, c in zip(*(answered.loc[is_text, k] for k in ("respondent_id", "item", "value")))]
        with self._write() as s:
            c = self._campaign(s, campaign_id, lock=True)
            taken = set()
            for start in range(0, len(ids), 500):
                taken |= set(s.scalars(select(m.Respondent.id).where(m.Respondent.id.in_(ids[start:start + 500]))))
            if taken:
                raise InputError([Problem(f"respondent_id '{x}' exists already in the database", None,
                                          "respondent_id", source) for x in sorted(taken)])
            if respondents:
                s.execute(insert(m.Respondent), respondents)
            if closed:
                s.execute(insert(m.Answer), closed)
            if texts:
                s.execute(insert(m.Comment), texts)
            self._audit(s, c.id, "import", None, {"source": source, "respondents": len(respondents),
                                                  "answers": len(closed) + len(texts)})
        return len(closed) + len(texts)

    def _audit(self, s: Session, campaign_id: int, event: str, respondent_id: str | None, detail: dict) -> None:
        s.execute(insert(m.AuditEntry).values(campaign_id=campaign_id, at=_now(), event=event,
                                              respondent_id=respondent_id,
                                              detail=json.dumps(detail, sort_keys=True, ensure_ascii=False)))

    def audit_log(self, campaign_id: int) -> pd.DataFrame:
        """id, at, event ('submit'|'import'|'delete'|'close'), respondent_id ('' if none), detail
        (JSON text) — oldest first. There is no API to change or remove entries, and the database
        refuses UPDATE and DELETE on the table."""
        a = m.AuditEntry
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(select(a.id, a.at, a.event, a.respondent_id, a.detail)
                             .where(a.campaign_id == campaign_id).order_by(a.id)).all()
        df = pd.DataFrame([(r.id, _utc(r.at), r.event, r.respondent_id or "", r.detail) for r in rows],
                          columns=["id", "at", "event", "respondent_id", "detail"])
        return df.astype({"id": "int64"})


# -- helpers -------------------------------------------------------------------
_DUMMY: dict[int, str] = {}


def _dummy_hash(ph) -> str:
    key = id(ph)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash(secrets.token_urlsafe(16))
    return _DUMMY[key]


def _usable(value) -> bool:
    """A non-empty str without NUL (PostgreSQL text cannot hold NUL; such input matches nothing)."""
    return isinstance(value, str) and bool(value) and "\x00" not in value


def _frame(df: pd.DataFrame, columns: tuple[str, ...], optional: tuple[str, ...] = (),
           keep_missing: bool = False) -> pd.DataFrame:
    """Required columns present, every cell text (missing -> ''), stripped, `_line` numbers."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a table (DataFrame) with columns {', '.join(columns)}")
    missing = [c for c in columns if c not in df.columns and c not in optional]
    if missing:
        raise InputError([Problem(f"missing column '{c}'", field=c) for c in missing])
    out = pd.DataFrame(index=range(len(df)))
    for c in columns:
        if c in df.columns:
            out[c] = [("" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v).strip())
                      for v in df[c].tolist()]
        elif not keep_missing:
            out[c] = ""
    if "_line" in df.columns:
        out["_line"] = [int(x) for x in df["_line"]]
    else:
        out["_line"] = range(2, len(df) + 2)
    return out


def _check_answers(instrument: Instrument, answers: dict) -> tuple[dict, dict, list[Problem]]:
    """Split into closed answers and free text, each value checked against its item."""
    from ..campaign.responses import _value_problem

    closed, texts, problems = {}, {}, []
    for item, value in answers.items():
        name = str(item)
        if not instrument.has_item(name):
            problems.append(Problem(f"unknown item '{name}'", field=name))
            continue
        it = instrument.item(name)
        if not it.answerable:
            problems.append(Problem(f"item '{name}' is a {it.type} and takes no answer", field=name))
            continue
        if value is None:
            value = ""
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(Problem(f"the answer to '{name}' must be text", field=name))
            continue
        value = str(value)
        if it.type == "text":
            value = value if value.strip() else ""
            if "\x00" in value:
                problems.append(Problem(f"the answer to '{name}' contains a NUL character", field=name))
                continue
            if len(value) > MAX_TEXT:
                problems.append(Problem(f"the answer to '{name}' is longer than {MAX_TEXT} characters", field=name))
                continue
            texts[name] = value
            continue
        value = " ".join(value.split()) if it.type == "select_multiple" else value.strip()
        if "\x00" in value or len(value) > MAX_NAME * 5:
            problems.append(Problem(f"the answer to '{name}' is not valid", field=name))
            continue
        if value:
            verdict = _value_problem(instrument, name, value)
            if verdict:
                problems.append(Problem(verdict, field=name))
                continue
        closed[name] = value
    return closed, texts, problems


def _upsert(s: Session, table, rows: list[dict], keys: list[str], update_cols: list[str]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, on SQLite and PostgreSQL alike."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table).values(rows)
    s.execute(stmt.on_conflict_do_update(index_elements=keys,
                                         set_={c: getattr(stmt.excluded, c) for c in update_cols}))


class _Attempt:
    """One try of `_once_more_after_a_lost_connection`: swallows a lost-connection error when
    another try follows."""

    def __init__(self, last: bool):
        self.last, self.done = last, False

    def __enter__(self) -> "_Attempt":
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc is None:
            self.done = True
            return False
        return (not self.last and isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _once_more_after_a_lost_connection():
    """Tries of an idempotent write: a second one when the first lost its database connection.

    After a PostgreSQL restart every pooled connection is dead, and one that was used a moment
    ago is handed out without a ping (see db._ping_when_idle): its first statement fails and
    SQLAlchemy invalidates the pool. Repeating the write on a new connection is safe for the
    writes that use this (an upsert of the same values, the same respondent of a personal link),
    even when the first try had in fact committed. Usage:
    `for attempt in ...: with attempt, <transaction>: ...`."""
    for last in (False, True):
        attempt = _Attempt(last)
        yield attempt
        if attempt.done:
            return


_TOKEN_CONTEXT = None  # set below (needs the models)


def _token_context_query():
    i, c, r = m.Invitation, m.Campaign, m.Respondent
    return (select(i.kind, i.campaign_id, i.region, i.stakeholder_group, i.language, i.expires_at, i.revoked_at,
                   c.name, c.status, c.instrument_id, c.languages, c.created.label("c_created"), c.closed_at,
                   r.id.label("r_id"), r.campaign_id.label("r_campaign_id"), r.region.label("r_region"),
                   r.stakeholder_group.label("r_group"), r.language.label("r_language"), r.last_page,
                   r.created.label("r_created"), r.updated.label("r_updated"), r.submitted_at, r.source)
            .select_from(i)
            .join(c, c.id == i.campaign_id)
            .outerjoin(r, r.personal_invitation_id == i.id)
            .where(i.token_hash == bindparam("h")))


_TOKEN_CONTEXT = _token_context_query()


class _SaveStatements:
    """The statements of a save, built once per dialect: constant SQL, so SQLAlchemy compiles each
    once and the drivers can reuse their prepared statements."""

    def __init__(self, dialect: str):
        r, c = m.Respondent, m.Campaign
        returned = [r.campaign_id]
        if dialect == "postgresql":  # evaluated once, for the one updated row: no extra round trip
            returned.append(func.pg_advisory_xact_lock_shared(literal_column(str(CAMPAIGN_LOCK)), r.campaign_id))
        self.touch = (update(r).where(r.id == bindparam("rid"), r.submitted_at.is_(None))
                      .values(last_page=bindparam("page"), updated=bindparam("now")).returning(*returned))
        self.touch_draft = (update(r).where(r.id == bindparam("rid"), r.submitted_at.is_(None))
                            .values(updated=bindparam("now")).returning(*returned))
        self.submitted = select(r.submitted_at).where(r.id == bindparam("rid"))
        self.campaign = select(c.status, c.instrument_id).where(c.id == bindparam("cid"))
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        self.upsert_answer = self._upsert(dialect_insert, m.Answer, "value")
        self.upsert_comment = self._upsert(dialect_insert, m.Comment, "text")

    @staticmethod
    def _upsert(dialect_insert, table, col: str):
        stmt = dialect_insert(table).values({"respondent_id": bindparam("rid"), "item": bindparam("item"),
                                             col: bindparam("v"), "updated": bindparam("now")})
        return stmt.on_conflict_do_update(index_elements=["respondent_id", "item"],
                                          set_={col: stmt.excluded[col], "updated": stmt.excluded.updated})
