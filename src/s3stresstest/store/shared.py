"""State that several server processes (behind a load balancer, on one or more hosts) must share.

- **Rate-limit counters.** A failed login or an unknown survey link counts against the client
  address in the database, so the limit holds whichever process answers. Counts are kept per fixed
  window (bucket) and read as a sliding window: the current bucket plus the previous one weighted
  by the part of it still inside the window.
- **The signing secret.** Sessions and CSRF tokens are signed cookies (no server-side session
  table); every process must sign with the same key. Without a configured key, the first process
  stores a random one in the database and every later process reads that one.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable

from sqlalchemy import delete, select

from . import models as m
from .base import StoreBase, _now
from .statements import dialect_insert

KEEP_SECONDS = 7200  # counters older than this are deleted now and then (no window is longer)


class SharedStateMixin(StoreBase):
    """rate_hit, rate_count, shared_secret."""

    def rate_hit(self, key: str, window: float, *, now: float | None = None) -> float:
        """Count one hit of `key`; returns the hits within the last `window` seconds, this one included."""
        now = time.time() if now is None else now
        size = max(1, int(window))
        bucket = int(now // size) * size
        t = m.RateCounter.__table__
        stmt = dialect_insert(self.backend)(t).values(key=key[:300], bucket=bucket, hits=1)
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.key, t.c.bucket], set_={"hits": t.c.hits + 1})
        with self._write() as s:
            current = int(s.execute(stmt.returning(t.c.hits)).scalar_one())
            previous = s.scalar(select(t.c.hits).where(t.c.key == key[:300], t.c.bucket == bucket - size)) or 0
            if random.random() < 0.01:  # now and then, forget counters no window needs any more
                s.execute(delete(m.RateCounter).where(m.RateCounter.bucket < now - KEEP_SECONDS))
        return current + previous * (1 - (now - bucket) / size)

    def rate_count(self, key: str, window: float, *, now: float | None = None) -> float:
        """The hits of `key` within the last `window` seconds (records nothing)."""
        now = time.time() if now is None else now
        size = max(1, int(window))
        bucket = int(now // size) * size
        t = m.RateCounter.__table__
        with self._read() as s:
            rows = dict(
                s.execute(select(t.c.bucket, t.c.hits).where(t.c.key == key[:300], t.c.bucket >= bucket - size)).all()
            )
        return rows.get(bucket, 0) + rows.get(bucket - size, 0) * (1 - (now - bucket) / size)

    def shared_secret(self, name: str, make: Callable[[], str] = lambda: secrets.token_urlsafe(48)) -> str:
        """The secret called `name`, created once (by whichever process asks first) and then shared."""
        t = m.AppSecret.__table__
        with self._write() as s:
            s.execute(
                dialect_insert(self.backend)(t).values(name=name, value=make(), created=_now()).on_conflict_do_nothing()
            )
            return str(s.scalar(select(t.c.value).where(t.c.name == name)))
