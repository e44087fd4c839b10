"""What every part of `Store` shares: the errors, limits, transactions and lookups.

`StoreBase` owns the engine, its sessionmakers, the instrument cache and the SQLite write
queue; the mixins (campaigns.py, invitations.py, answers.py...) subclass it and add one
group of public methods each. The module-level helpers are plain functions of values.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, Integer, bindparam, func, insert, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..campaign.validation import MAX_TEXT
from ..errors import InputError, Problem
from ..instrument import Instrument
from . import models as m
from .db import database_url, make_engine, upgrade
from .groupcommit import GroupCommit
from .statements import AUDIT_INSERT, CAMPAIGN_LOCK, SaveStatements, dialect_insert
from .writequeue import WriteQueue

__all__ = [
    "CAMPAIGN_LOCK",
    "DEFAULT_LANGUAGES",
    "MAX_NAME",
    "MAX_TEXT",
    "MIN_PASSWORD",
    "RESPONDENT_ID_MAX",
    "Locked",
    "NotFound",
    "StoreBase",
]

DEFAULT_LANGUAGES = ("en", "de", "fr", "it", "sl")
MIN_PASSWORD = 8
MAX_NAME = 200
RESPONDENT_ID_MAX = 40


T = TypeVar("T")

MAX_ID = 2**31 - 1  # the largest integer key every backend holds (PostgreSQL INTEGER columns)


class NotFound(InputError):
    """The campaign, instrument or respondent does not exist."""


class Locked(InputError):
    """Refused because the campaign is closed or the questionnaire was already submitted."""


class StoreBase:
    """An Engine + sessionmaker over the survey database, with the transactions and lookups
    that several groups of methods use. Open with `Store.open()`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._readonly_engine = engine.execution_options(s3st_readonly=True)
        self._readonly = sessionmaker(self._readonly_engine, expire_on_commit=False)
        self._one_statement_engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else self._readonly_engine
        )
        self._instruments: dict[int, Instrument] = {}
        self._lock = threading.Lock()
        # SQLite has one writer at a time: writers queue (threads on a mutex, processes on a flock)
        # instead of polling the file lock; see writequeue.py.
        self._write_lock = WriteQueue(_sqlite_file(engine)) if engine.dialect.name == "sqlite" else None
        # SQLite: the page saves waiting for the writer share one transaction and one sync to disk
        # (groupcommit.py); PostgreSQL commits concurrent transactions in parallel already.
        self._group = GroupCommit(self._write_conn) if engine.dialect.name == "sqlite" else None
        self._save_sql = SaveStatements(engine.dialect.name)

    @classmethod
    def open(cls, url: str | None = None) -> Self:
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
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
    def _write_conn(self) -> Iterator[Connection]:
        """A Core connection in one writing transaction (no ORM session: the hot path of a save)."""
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _grouped_write(self, fn: Callable[[Connection], T]) -> T:
        """`fn(conn)` in a writing transaction; on SQLite shared with the other writes waiting for
        the writer (group commit: one sync for all, see groupcommit.py). For short Core writes
        that many respondents make at once: saving a page, agreeing to the privacy notice."""
        if self._group is not None:
            return self._group.run(fn)
        with self._write_conn() as conn:
            return fn(conn)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._readonly.begin() as s:
            yield s

    @contextmanager
    def _readonly_conn(self) -> Iterator[Connection]:
        """For one read-only statement. PostgreSQL: autocommit (a single statement needs no BEGIN and
        COMMIT, two round trips to the server); SQLite: a plain BEGIN (`s3st_readonly`)."""
        with self._one_statement_engine.connect() as conn:
            yield conn
            if conn.in_transaction():
                conn.commit()

    # -- lookups inside an open transaction ------------------------------------
    @staticmethod
    def _campaign(s: Session, campaign_id: int, *, lock: bool = False) -> m.Campaign:
        if not isinstance(campaign_id, int) or not 0 < campaign_id <= MAX_ID:  # no database holds such an id
            raise NotFound(f"no campaign {campaign_id}")
        q = select(m.Campaign).where(m.Campaign.id == campaign_id)
        c = s.scalar(q.with_for_update() if lock else q)
        if c is None:
            raise NotFound(f"no campaign {campaign_id}")
        return c

    def _campaign_lock(self, conn: Connection, campaign_id: int, *, shared: bool) -> None:
        """PostgreSQL: the campaign's advisory lock until the transaction ends (see CAMPAIGN_LOCK).
        SQLite needs none: one writer at a time."""
        if self.backend == "postgresql":
            fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
            conn.execute(
                select(getattr(func, fn)(literal_column(str(CAMPAIGN_LOCK)), bindparam("cid", type_=Integer))),
                {"cid": int(campaign_id)},
            )

    @staticmethod
    def _region_set(s: Session, campaign_id: int) -> set[str]:
        return set(s.scalars(select(m.Region.region).where(m.Region.campaign_id == campaign_id)))

    @staticmethod
    def _respondent_row(s: Session, respondent_id: str, *, lock: bool = False) -> m.Respondent:
        if not _usable(respondent_id) or len(respondent_id) > RESPONDENT_ID_MAX:
            raise NotFound("unknown respondent")
        q = select(m.Respondent).where(m.Respondent.id == respondent_id)
        r = s.scalar(q.with_for_update() if lock else q)
        if r is None:
            raise NotFound("unknown respondent")
        return r

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

    def _audit(
        self, s: Session | Connection, campaign_id: int, event: str, respondent_id: str | None, detail: dict[str, Any]
    ) -> None:
        values = {
            "campaign_id": campaign_id,
            "at": _now(),
            "event": event,
            "respondent_id": respondent_id,
            "detail": json.dumps(detail, sort_keys=True, ensure_ascii=False),
        }
        if isinstance(s, Connection):  # Core callers: one statement object, not one built per entry
            s.execute(AUDIT_INSERT, values)
        else:
            s.execute(insert(m.AuditEntry).values(**values))


# -- helpers -------------------------------------------------------------------
def _sqlite_file(engine: Engine) -> str | None:
    """Path of a SQLite database file (None for in-memory databases and file: URIs)."""
    db = engine.url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return os.path.abspath(os.path.expanduser(db))


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _utc(value: _dt.datetime | None) -> _dt.datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=_dt.UTC)
    return value.astimezone(_dt.UTC)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _expired(expires_at: _dt.datetime | None) -> bool:
    expires = _utc(expires_at)
    return expires is not None and expires <= _now()


def _usable(value: object) -> bool:
    """A non-empty str without NUL (PostgreSQL text cannot hold NUL; such input matches nothing)."""
    return isinstance(value, str) and bool(value) and "\x00" not in value


def _frame(
    df: pd.DataFrame, columns: tuple[str, ...], optional: tuple[str, ...] = (), keep_missing: bool = False
) -> pd.DataFrame:
    """Required columns present, every cell text (missing -> ''), stripped, `_line` numbers."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a table (DataFrame) with columns {', '.join(columns)}")
    missing = [c for c in columns if c not in df.columns and c not in optional]
    if missing:
        raise InputError([Problem(f"missing column '{c}'", field=c) for c in missing])
    out = pd.DataFrame(index=range(len(df)))
    for c in columns:
        if c in df.columns:
            out[c] = [
                ("" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v).strip())
                for v in df[c].tolist()
            ]
        elif not keep_missing:
            out[c] = ""
    if "_line" in df.columns:
        out["_line"] = [int(x) for x in df["_line"]]
    else:
        out["_line"] = range(2, len(df) + 2)
    return out


def _upsert(
    s: Session, table: type[m.Base], rows: list[dict[str, Any]], keys: list[str], update_cols: list[str]
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, on SQLite and PostgreSQL alike."""
    stmt = dialect_insert(s.get_bind().dialect.name)(table).values(rows)
    s.execute(stmt.on_conflict_do_update(index_elements=keys, set_={c: getattr(stmt.excluded, c) for c in update_cols}))


class _Attempt:
    """One try of `_once_more_after_a_lost_connection`: swallows a lost-connection error when
    another try follows."""

    def __init__(self, last: bool):
        self.last, self.done = last, False

    def __enter__(self) -> _Attempt:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, _tb: TracebackType | None
    ) -> bool:
        if exc is None:
            self.done = True
            return False
        return not self.last and isinstance(exc, DBAPIError) and exc.connection_invalidated


def _once_more_after_a_lost_connection() -> Iterator[_Attempt]:
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
