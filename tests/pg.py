"""A throwaway PostgreSQL 15 server for the storage tests.

`server()` starts one cluster per test session from the Debian binaries
(/usr/lib/postgresql/15/bin, or $S3ST_PG_BIN): initdb into a fresh temporary directory,
listening on 127.0.0.1 only, on a free port, trust authentication for loopback, the Unix
socket inside the temporary directory. PostgreSQL refuses to run as root, so when the tests
run as root the directory is handed to the `postgres` user and initdb/pg_ctl run through
`runuser -u postgres --`. The server is stopped and the directory removed at exit (atexit and
the pytest session finish both call `stop()`; the second call does nothing).

With $S3ST_TEST_POSTGRES_URL set (a URL to a maintenance database of a server where the user
may CREATE DATABASE), that server is used instead and nothing is started.

Databases: `new_database()` makes an empty database with a unique name; `drop_database()`
removes it. Failures raise `PgUnavailable` with the reason and the server log's tail, so a
test that needs PostgreSQL fails loudly instead of being skipped.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

PG_VERSION = "15"
ENV_BIN = "S3ST_PG_BIN"
ENV_URL = "S3ST_TEST_POSTGRES_URL"
DEFAULT_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
SERVER_USER = "postgres"
START_TIMEOUT_S = 60


class PgUnavailable(RuntimeError):
    """PostgreSQL could not be started or reached; the message says why."""


class PgServer:
    """A running (or external) PostgreSQL server: URLs, databases, stop()."""

    def __init__(
        self, base_url: URL, *, workdir: Path | None = None, bin_dir: Path | None = None, as_user: str | None = None
    ):
        self.base_url = base_url  # maintenance database (postgres)
        self.workdir = workdir  # None: external server, not ours to stop
        self.bin_dir = bin_dir
        self.as_user = as_user
        self._names = itertools.count(1)
        self._prefix = f"s3st_{os.getpid()}_{int(time.time()) % 100000}"
        self._lock = threading.Lock()
        self._admin = create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=None)
        self.stopped = False
        self.started_in_s: float | None = None

    # -- databases ---------------------------------------------------------
    def url(self, database: str) -> str:
        return self.base_url.set(database=database).render_as_string(hide_password=False)

    def new_database(self, template: str = "template0") -> str:
        """A new empty (or copied from `template`) database; returns its name."""
        with self._lock:
            name = f"{self._prefix}_{next(self._names)}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return name

    def drop_database(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def mark_template(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))

    # -- lifecycle ---------------------------------------------------------
    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self._admin.dispose()
        if self.workdir is None:
            return
        try:
            _run(
                self,
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.workdir / "data"),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                ],
                check=False,
            )
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        if self.workdir is None:
            return ""
        log = self.workdir / "server.log"
        try:
            return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


_server: PgServer | None = None
_server_error: PgUnavailable | None = None
_server_lock = threading.Lock()


def server() -> PgServer:
    """The session's server, started on first use; raises PgUnavailable (every time) if it can't start."""
    global _server, _server_error
    with _server_lock:
        if _server is not None:
            return _server
        if _server_error is not None:
            raise _server_error
        try:
            _server = _external(os.environ[ENV_URL]) if os.environ.get(ENV_URL) else _start()
        except PgUnavailable as exc:
            _server_error = exc
            raise
        atexit.register(_server.stop)
        return _server


def stop() -> None:
    """Stop the session's server if one was started (idempotent)."""
    if _server is not None:
        _server.stop()


def _external(url: str) -> PgServer:
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        raise PgUnavailable(f"${ENV_URL} is not a PostgreSQL URL: {u.render_as_string()}")
    u = u.set(drivername="postgresql+psycopg")
    srv = PgServer(u)
    _check(srv)
    return srv


def _start(workdir: Path | None = None, port: int | None = None) -> PgServer:
    """Start a cluster in `workdir` (a new temporary directory when None; initdb when empty)."""
    bin_dir = Path(os.environ.get(ENV_BIN) or DEFAULT_BIN)
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (bin_dir / tool).exists():
            raise PgUnavailable(
                f"PostgreSQL {PG_VERSION} binaries not found in {bin_dir} (no {tool}); install "
                f"the Debian package postgresql-{PG_VERSION} (scripts/install-system-packages "
                f"does), set ${ENV_BIN}, or point ${ENV_URL} at a server"
            )
    as_user = None
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PgUnavailable(
                f"running as root and there is no '{SERVER_USER}' user to run PostgreSQL as "
                f"(the Debian package postgresql-{PG_VERSION} creates it)"
            ) from None
        if not shutil.which("runuser"):
            raise PgUnavailable("running as root but 'runuser' is missing (package util-linux)")
        as_user = SERVER_USER
    t0 = time.perf_counter()
    throwaway = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="s3st-pg-")) if throwaway else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)
    if as_user:
        pw = pwd.getpwnam(as_user)
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
    srv = None
    try:
        last = None
        for _attempt in range(3 if port is None else 1):  # a free port may be taken between probe and start
            port = port or _free_port()
            srv = PgServer(
                URL.create(
                    "postgresql+psycopg", username=SERVER_USER, host="127.0.0.1", port=port, database="postgres"
                ),
                workdir=workdir,
                bin_dir=bin_dir,
                as_user=as_user,
            )
            if not (workdir / "data").exists():
                _run(
                    srv,
                    [
                        str(bin_dir / "initdb"),
                        "-D",
                        str(workdir / "data"),
                        "-U",
                        SERVER_USER,
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--auth-local=trust",
                        "--auth-host=trust",
                        "--no-sync",
                    ],
                )
                _configure(workdir / "data")
            opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir}"
            res = _run(
                srv,
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(workdir / "data"),
                    "-l",
                    str(workdir / "server.log"),
                    "-o",
                    opts,
                    "-w",
                    "-t",
                    str(START_TIMEOUT_S),
                    "start",
                ],
                check=False,
            )
            if res.returncode == 0:
                _check(srv)
                srv.started_in_s = time.perf_counter() - t0
                return srv
            last = f"pg_ctl start failed (exit {res.returncode}): {res.stdout}{res.stderr}\n{srv.log_tail()}"
        raise PgUnavailable(last or "pg_ctl start failed")
    except BaseException:
        if throwaway:
            if srv is not None:
                srv.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        raise


def _configure(data: Path) -> None:
    """Loopback only: no other host may connect. Server defaults otherwise (fsync stays on)."""
    hba = data / "pg_hba.conf"
    hba.write_text(
        "# throwaway test cluster: local socket and loopback only\n"
        "local all all trust\n"
        "host all all 127.0.0.1/32 trust\n"
    )
    with open(data / "postgresql.conf", "a") as conf:
        conf.write("\n# s3stresstest test cluster\nmax_connections = 200\nlog_min_messages = warning\n")


def _run(srv: PgServer, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if srv.as_user:
        cmd = ["runuser", "-u", srv.as_user, "--", *cmd]
    try:
        res = subprocess.run(
            cmd, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, cwd=str(srv.workdir or "/")
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgUnavailable(f"{' '.join(cmd)}: {exc}") from exc
    if check and res.returncode != 0:
        raise PgUnavailable(f"{' '.join(cmd)} failed (exit {res.returncode}):\n{res.stdout}{res.stderr}")
    return res


def _check(srv: PgServer) -> None:
    try:
        with srv._admin.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    except Exception as exc:
        raise PgUnavailable(
            f"cannot connect to PostgreSQL at {srv.base_url.render_as_string()}: {exc}\n{srv.log_tail()}"
        ) from exc
    srv.version = version


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- a longer-lived server for development: `make pg-start` / `make pg-stop` ------------------
DEV_DIR = Path(os.environ.get("S3ST_PG_DIR") or Path(tempfile.gettempdir()) / "s3stresstest-pg")
DEV_PORT = int(os.environ.get("S3ST_PG_PORT") or 54329)


def _dev(action: str) -> int:
    """start: initdb (once) and start a server in S3ST_PG_DIR on S3ST_PG_PORT, print its URL;
    stop: stop it and remove the directory; status: say whether it runs."""
    url = f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{DEV_PORT}/postgres"
    pid_file = DEV_DIR / "data" / "postmaster.pid"
    if action == "status":
        print(f"running: {url}" if pid_file.exists() else f"not running (no {pid_file})")
        return 0
    if action == "start":
        if pid_file.exists():
            print(f"already running: {url}")
            return 0
        try:
            srv = _start(DEV_DIR, DEV_PORT)
        except PgUnavailable as exc:
            print(f"error: {exc}")
            return 2
        srv._admin.dispose()
        print(
            f"PostgreSQL {srv.version} running in {DEV_DIR}\n"
            f"  tests:  export S3ST_TEST_POSTGRES_URL={url}\n"
            f"  app:    export S3ST_DATABASE_URL=postgresql+psycopg://{SERVER_USER}@127.0.0.1:{DEV_PORT}/<db>\n"
            f"  stop:   make pg-stop"
        )
        return 0
    if action == "stop":
        if not (DEV_DIR / "data").exists():
            print("not running")
            return 0
        srv = PgServer(
            make_url(url),
            workdir=DEV_DIR,
            bin_dir=Path(os.environ.get(ENV_BIN) or DEFAULT_BIN),
            as_user=SERVER_USER if os.geteuid() == 0 else None,
        )
        srv.stop()
        print(f"stopped; {DEV_DIR} removed")
        return 0
    print("usage: python tests/pg.py start|stop|status")
    return 2


if __name__ == "__main__":
    import sys

    raise SystemExit(_dev(sys.argv[1] if len(sys.argv) > 1 else ""))
