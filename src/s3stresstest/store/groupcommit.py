"""Group commit for SQLite: the saves waiting for the writer share one transaction and one sync.

With `synchronous=FULL` every SQLite commit waits for the disk (fsync of the WAL), and writers
take turns (`WriteQueue`): under load the disk waits, not the work, set how many saves a second
the server keeps. `GroupCommit` lets the saves that arrive while one is committing go together:
the first to arrive leads; it takes the writer's turn, runs every waiting save in its own
SAVEPOINT (a refused save - closed campaign, bad answer, unknown respondent - rolls back its
savepoint alone and its caller gets its error), commits once, and only then tells each caller
its outcome. Nothing is acknowledged before the commit that holds it is on disk; when the commit
fails, every save of the group gets that error, as each would alone. The next waiting save then
leads the next group, so no caller does other callers' work after its own is done.

Each save behaves as if it ran alone in the same order: they run one after the other inside
the transaction, and a later save of the same respondent sees the earlier one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

MAX_GROUP = 64  # saves per transaction: bounds how long one transaction holds the writer


class _Job(Generic[T]):
    __slots__ = ("error", "fn", "result", "state", "wake")

    def __init__(self, fn: Callable[[Connection], T]):
        self.fn = fn
        self.wake = threading.Event()
        self.state = "waiting"  # -> "lead" (run the next group) or "done"
        self.result: T | None = None
        self.error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit:
    """`run(fn)`: call `fn(conn)` inside a writing transaction shared with the other callers
    waiting at that moment; returns its result (or raises its error) after the commit.

    `transaction` opens one writing transaction and yields its Connection (the store's
    `_write_conn`: the write queue's turn, BEGIN IMMEDIATE ... COMMIT)."""

    def __init__(self, transaction: Callable[[], AbstractContextManager[Connection]], max_group: int = MAX_GROUP):
        self._transaction = transaction
        self._max_group = max_group
        self._guard = threading.Lock()
        self._waiting: list[_Job[object]] = []
        self._leading = False
        self.groups = 0  # transactions committed (for tests and benchmarks)
        self.saves = 0  # saves committed in them

    def run(self, fn: Callable[[Connection], T]) -> T:
        job: _Job[T] = _Job(fn)
        with self._guard:
            self._waiting.append(job)  # type: ignore[arg-type]
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.wait()
            if job.state == "done":
                return job.outcome()
        try:
            with self._guard:
                group, self._waiting = self._waiting[: self._max_group], self._waiting[self._max_group :]
            self._commit(group)
        finally:
            with self._guard:
                if self._waiting:
                    nxt = self._waiting[0]
                    nxt.state = "lead"
                    nxt.wake.set()
                else:
                    self._leading = False
        return job.outcome()

    def _commit(self, group: list[_Job[object]]) -> None:
        try:
            with self._transaction() as conn:
                for job in group:
                    _run_in_savepoint(conn, job)
        except BaseException as exc:  # BEGIN or COMMIT failed: no save of the group is kept
            for job in group:
                job.error, job.result = exc, None
            if not isinstance(exc, Exception):  # an interrupt of the leading thread goes on up too
                raise
        else:
            with self._guard:
                self.groups += 1
                self.saves += sum(1 for job in group if job.error is None)
        finally:
            for job in group:
                job.state = "done"
                job.wake.set()


def _run_in_savepoint(conn: Connection, job: _Job[object]) -> None:
    savepoint = conn.begin_nested()
    try:
        job.result = job.fn(conn)
    except Exception as exc:  # noqa: BLE001 - this save's own refusal or failure, given to its caller
        savepoint.rollback()
        job.error = exc
    else:
        savepoint.commit()
