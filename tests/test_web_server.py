"""Starting the service: `python -m s3stresstest.web`, the Typer commands, settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
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
