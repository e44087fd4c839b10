"""One SQLite writer at a time, queued rather than polled.

SQLite lets one connection write at a time; a second writer gets SQLITE_BUSY and its busy
handler sleeps and retries (1, 2, 5, ... up to 100 ms between tries). Under load that sleeping,
not the writing, made the slowest saves: with two server processes on one database file the
99th percentile went from ~50 ms to ~300 ms. `WriteQueue` makes writers wait in line instead:
a mutex for the threads of this process and an exclusive `flock` on a file beside the database
for the processes of this machine. Both wake the next writer as soon as the lock is free; the
kernel drops a dead process's flock, so a crashed server never blocks the others. Where flock is
missing (Windows) only the mutex is used and SQLite's busy handler does the rest, as before.
"""

from __future__ import annotations

import os
import threading
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None

SUFFIX = "-writer.lock"


class WriteQueue:
    """Context manager: hold it around a writing transaction (BEGIN IMMEDIATE ... COMMIT)."""

    def __init__(self, database_path: str | None):
        self._mutex = threading.Lock()
        self.path = database_path + SUFFIX if database_path and fcntl is not None else None
        self._fd: int | None = None
        self._pid: int | None = None

    def _lock_fd(self, path: str) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own description
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            self._pid = os.getpid()
        return self._fd

    def __enter__(self) -> WriteQueue:
        self._mutex.acquire()
        try:
            if self.path is not None and fcntl is not None:
                fcntl.flock(self._lock_fd(self.path), fcntl.LOCK_EX)  # blocks in the kernel, GIL released
        except BaseException:
            self._mutex.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.path is not None and self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._mutex.release()

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None
