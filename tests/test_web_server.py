"""Starting the service: `python -m s3stresstest.web`, the Typer commands, settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
import typer
from typer.testing import CliRunner

from s3stresstest.cli.web import serve
from s3stresstest.web.settings import SECRET_FILE, WebSettings


def test_module_starts_prints_ready_and_serves(tmp_path):
    db = tmp_path / "survey.db"
    env = dict(os.environ, S3ST_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    env.pop("S3ST_SECRET_KEY", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "s3stresstest.web",
            "--port",
            "0",
            "--database-url",
            f"sqlite:///{db}",
            "--no-access-log",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        ready = None
        seen = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "ready on http://" in line:
                ready = line.strip()
                break
        assert ready, "".join(seen)
        base = ready.rsplit(" ", 1)[1]
        assert base.startswith("http://127.0.0.1:")
        r = httpx.get(f"{base}/healthz", timeout=10)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
        assert httpx.get(f"{base}/s/{'n' * 32}", timeout=10).status_code == 404
        assert "server" not in r.headers
        # a signing key was generated once and kept in the database, where every server process on
        # every host finds the same one (no key file beside one host's data)
        import sqlite3

        with sqlite3.connect(db) as conn:
            (stored,) = conn.execute("SELECT value FROM app_secrets WHERE name = 'signing_key'").fetchone()
        assert len(stored) >= 32 and not (tmp_path / "data" / SECRET_FILE).exists()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert db.exists()


def test_serve_is_a_typer_command():
    app = typer.Typer()
    app.command("serve")(serve)
    app.command("other")(lambda: None)
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--host" in r.output and "--port" in r.output and "--database-url" in r.output


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("S3ST_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("S3ST_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("S3ST_LOGIN_RATE", "0")
    monkeypatch.setenv("S3ST_BASE_URL", "https://survey.example.org/")
    s = WebSettings.from_env(token_rate=7)
    assert (s.max_body_bytes, s.login_rate, s.token_rate, s.base_url) == (2048, 0, 7, "https://survey.example.org")
    assert s.resolved_secret() == b"s" * 40
    monkeypatch.delenv("S3ST_SECRET_KEY")
    kept = WebSettings(data_dir=tmp_path).resolved_secret()
    assert len(kept) >= 32 and WebSettings(data_dir=tmp_path).resolved_secret() == kept


def _accepted(sock) -> int:
    """Accept (and close) every connection waiting on a listening socket; how many there were."""
    sock.setblocking(False)
    n = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


def test_worker_sockets_share_one_port_and_the_connections():
    """Each worker gets its own listening socket on the same port (SO_REUSEPORT): the kernel spreads
    new connections over them, where one shared socket let whichever worker woke first take a
    whole burst (200 respondents arriving at once split 146/54, and stayed so on keep-alive)."""
    import socket

    import uvicorn

    from s3stresstest.web.server import worker_sockets

    socks = worker_sockets(uvicorn.Config("app:app", host="127.0.0.1", port=0), 2)
    clients = []
    try:
        if not sys.platform.startswith("linux"):  # elsewhere: uvicorn's one shared socket
            assert len(socks) == 1
            return
        assert len(socks) == 2
        port = socks[0].getsockname()[1]
        assert port != 0 and socks[1].getsockname()[1] == port
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(200)]
        counts = [_accepted(s) for s in socks]
        # hashed over two sockets: 100 +- 7 each; below 60 is a chance of about 1e-8
        assert sum(counts) == 200 and min(counts) >= 60, counts
    finally:
        for c in clients:
            c.close()
        for s in socks:
            s.close()


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _listening_inodes(pid: int, port: int) -> set[str]:
    """Inodes of the sockets listening on `port` that process `pid` holds (Linux /proc)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                listening.add(f[9])
    held = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in listening:
            held.add(target[8:-1])
    return held


def test_two_workers_listen_each_on_its_own_socket(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("per-worker sockets (SO_REUSEPORT) are used on Linux only")
    env = dict(os.environ, S3ST_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1", S3ST_SECRET_KEY="k" * 40)
    cmd = [sys.executable, "-m", "s3stresstest.web", "--port", "0", "--workers", "2", "--no-access-log"]
    cmd += ["--database-url", f"sqlite:///{tmp_path / 'survey.db'}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        seen = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("ready on http://" in s for s in seen):
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
        ready = next((s for s in seen if "ready on http://" in s), None)
        assert ready, "".join(seen)
        base = ready.strip().rsplit(" ", 1)[1]
        port = int(base.rsplit(":", 1)[1])
        workers = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == proc.pid]
        held = [_listening_inodes(w, port) for w in workers]
        held = [h for h in held if h]  # the supervisor's helper processes listen on nothing
        assert len(held) == 2 and all(len(h) == 1 for h in held) and held[0] != held[1], held
        with httpx.Client(timeout=10) as client:
            assert all(client.get(f"{base}/healthz").status_code == 200 for _ in range(20))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_warm_up_compiles_every_template_of_the_respondents_pages(tmp_path):
    """Compiling a page does not compile what it extends, imports or includes: those were compiled
    by the first requests, in every worker, while the first burst of respondents waited."""
    from s3stresstest.store import Store
    from s3stresstest.web.core import Web

    with Store.open(f"sqlite:///{tmp_path / 'survey.db'}") as store:
        web = Web(store, WebSettings(secret_key="k" * 40, data_dir=tmp_path))
        web.warm_up()
        loaded = {name for _loader, name in web.env.cache.keys()} if web.env.cache is not None else set()
        for name in ("base.html", "survey/_item.html", "survey/_progress.html", "survey/consent.html"):
            assert name in loaded, name
            compiled = web.env.get_template(name)
            assert web.env.get_template(name) is compiled  # from the cache, not compiled again
