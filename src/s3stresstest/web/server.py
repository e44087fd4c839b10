"""Run the app with uvicorn (one or more worker processes) and say when it is ready to take requests.

With `workers` > 1 the parent process runs the migrations, resolves the settings (the secret key
included: every worker must sign with the same one, so the parent hands it to the workers in
$S3ST_SECRET_KEY unless that is set already), binds the socket and starts the workers with
uvicorn's process supervisor; the workers build the app with `create_app_from_env` (a factory:
uvicorn needs an import string to start a worker). The ready line is printed once every worker
accepts requests. Rate limits are counted per worker process (a client spread over N workers
gets up to N times the limit).

httptools and uvloop are used when installed (much less CPU per request than h11 and asyncio's
own loop), else uvicorn's pure-Python defaults.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import sys

READY = "s3stresstest web: ready on http://{host}:{port}"
APP_FACTORY = "s3stresstest.web.app:create_app_from_env"
WORKERS_ENV = "S3ST_WORKERS"

log = logging.getLogger("uvicorn.error")


def fast_stack() -> dict:
    """uvicorn options: httptools and uvloop where installed."""
    return {
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
    }


SWITCH_INTERVAL_S = 0.005


def tune_gil() -> None:
    """Hand the GIL around every 5 ms (Python's default). 1 ms was tried for the latency of a save
    waiting behind a busy thread, but at saturation the extra forced switches between the request
    threads cost CPU: with 200 respondents and no think time (bench_collect on PostgreSQL, nine
    pairs of runs on a busy shared machine) 1 ms took 4-14 % more server CPU per save than 5 ms in
    every pair and gave fewer saves/s in most, and the round with think time had no better p99."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def default_workers() -> int:
    raw = os.environ.get(WORKERS_ENV, "").strip()
    try:
        return max(1, int(raw)) if raw else 1
    except ValueError:
        return 1


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    *,
    log_level: str = "info",
    access_log: bool = True,
    settings=None,
    workers: int | None = None,
) -> None:
    import uvicorn

    from .logging_filter import install

    workers = default_workers() if workers is None else max(1, int(workers))
    tune_gil()
    # X-Forwarded-For/-Proto are trusted from a reverse proxy on this machine only (uvicorn's default,
    # $FORWARDED_ALLOW_IPS widens it): client addresses for rate limits and https for Secure cookies.
    common = dict(
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        proxy_headers=True,
        server_header=False,
        date_header=True,
        **fast_stack(),
    )
    if workers > 1:
        _serve_workers(host, port, database_url, settings, workers, common)
        return

    from ..store import Store
    from .app import create_app

    store = Store.open(database_url)
    try:
        app = create_app(store, settings=settings)
    except BaseException:
        store.close()
        raise

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.should_exit:
                return
            bound = port
            try:
                bound = self.servers[0].sockets[0].getsockname()[1]
            except (AttributeError, IndexError, OSError):
                pass
            print(READY.format(host=host, port=bound), flush=True)
            sys.stdout.flush()

    config = uvicorn.Config(app, workers=1, **common)
    install()
    try:
        Server(config).run()
    finally:
        store.close()


def _serve_workers(host: str, port: int, database_url: str | None, settings, workers: int, common: dict) -> None:
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess, Process

    from ..store import Store
    from ..store.db import ENV_URL
    from ..store.db import database_url as resolve_url
    from .logging_filter import install
    from .settings import ENV, WebSettings

    url = resolve_url(database_url)
    settings = settings or WebSettings.from_env()
    with Store.open(url) as store:  # migrate once, here, before any worker opens the database
        secret = settings.resolved_secret(store)  # the database's key: the same on every host
    env = {ENV_URL: url, ENV["secret_key"]: secret.decode()}
    for name, var in ENV.items():  # explicit settings reach the workers through their environment
        value = getattr(settings, name)
        if name != "secret_key" and value is not None:
            env[var] = str(value).lower() if isinstance(value, bool) else str(value)
    os.environ.update(env)  # the spawned workers inherit it

    config = uvicorn.Config(APP_FACTORY, factory=True, workers=workers, **common)
    install()
    socks = worker_sockets(config, workers)
    bound = socks[0].getsockname()[1]

    class Supervisor(Multiprocess):
        def init_processes(self) -> None:
            # worker k listens on socket k only; a worker started later (a restart after a crash,
            # SIGHUP, SIGTTIN) listens on all of them, so no socket is ever left without a listener
            for k in range(self.processes_num):
                process = Process(self.config, [self.sockets[k % len(self.sockets)]])
                process.start()
                self.processes.append(process)
            for process in self.processes:
                if not process.wait_until_ready(60, self.should_exit):
                    return
            print(READY.format(host=host, port=bound), flush=True)

        def handle_ttou(self) -> None:
            if len(self.sockets) > 1:  # the retired worker's socket would keep taking connections
                log.warning("SIGTTOU ignored: each worker has its own listening socket")
                return
            super().handle_ttou()

    try:
        Supervisor(config, sockets=socks).run()
    finally:
        for sock in socks:
            sock.close()


def worker_sockets(config, workers: int) -> list[socket.socket]:
    """The listening sockets of `workers` worker processes: on Linux one per worker, all bound to the
    same port with SO_REUSEPORT, so the kernel spreads new connections evenly over the workers.

    With one shared socket whichever worker wakes first accepts the whole burst waiting in it:
    200 respondents arriving at once split 146/54 between two workers (measured), and with
    keep-alive connections that stays so; the busier worker's respondents waited twice as long
    (the p99 at saturation). The price: while a crashed worker is being restarted (a few seconds),
    the connections the kernel hands to its socket wait for the new worker instead of going to the
    others. Elsewhere (no SO_REUSEPORT, or one that does not balance, as on macOS), a Unix socket
    or an inherited descriptor: uvicorn's one shared socket."""
    from uvicorn.config import STARTUP_FAILURE

    if workers < 2 or not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return [config.bind_socket()]
    if config.uds is not None or config.fd is not None:
        return [config.bind_socket()]
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    socks: list[socket.socket] = []
    port = config.port
    try:
        for _ in range(workers):
            sock = socket.socket(family=family)
            socks.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((config.host, port))
            sock.listen(config.backlog)  # listening from now on: the kernel hashes connections over all
            port = sock.getsockname()[1]  # port 0: the others join the port the first one got
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in socks:
            sock.close()
        log.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(STARTUP_FAILURE)
    log.info("Uvicorn running on http://%s:%d (%d listening sockets)", config.host, port, len(socks))
    return socks
