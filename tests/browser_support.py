"""Helpers for the tests (and the load benchmark) that run the survey service as a real process.

No tests here. `WebServer` starts `python -m s3stresstest.web --port 0 --database-url URL` in a
subprocess, reads the port from its ready line (`s3stresstest web: ready on http://HOST:PORT`),
waits for `/healthz`, and can stop it politely (SIGTERM) or kill it (SIGKILL). The server's
output goes to a log file (never a pipe nobody reads, which would stall the server once full);
its tail is shown when something goes wrong.

`prepare_campaign` sets up a campaign directly through `Store.open(url)` before any server runs:
the built-in questionnaire, three regions, an admin user, personal invitations.
`page_answers` draws valid answers for one page; `CSRF_RE` reads a form's CSRF token.
`launch_chromium` starts Debian's Chromium for Playwright, failing (never skipping) without it.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET = "browser-test-secret-0123456789-abcdefghijklmnopq"
ADMIN, PASSWORD = "admin", "correct horse battery"
REGIONS = (("AT33", "Tirol"), ("SI", "Slovenija"), ("ITH2", "Provincia Autonoma di Trento"))
READY_RE = re.compile(r"s3stresstest web: ready on (http://[^\s:]+:(\d+))")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
NOTICE_RE = re.compile(r'name="notice" value="([0-9a-f]{64})"')
NOTICE_LANGUAGE_RE = re.compile(r'name="notice_language" value="([a-z]+)"')
START_TIMEOUT_S = 60


# -- the server process ------------------------------------------------------------------------
@dataclass
class WebServer:
    """The survey service in a subprocess. `start()` returns once `/healthz` answers."""

    database_url: str
    log_path: Path
    env: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    base_url: str = ""

    def start(self) -> WebServer:
        env = dict(os.environ)
        env.update({"S3ST_SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"})
        env.update(self.env)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
            offset = log.tell()
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "s3stresstest.web",
                    "--port",
                    "0",
                    "--database-url",
                    self.database_url,
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=str(REPO),
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            m = READY_RE.search(self._log_text(offset))
            if m:
                self.base_url = m.group(1)
                break
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited ({self.proc.returncode}) before it was ready:\n{self.log_tail()}"
                )
            time.sleep(0.05)
        else:
            self.kill()
            raise RuntimeError(f"no ready line within {START_TIMEOUT_S} s:\n{self.log_tail()}")
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"/healthz did not answer within {START_TIMEOUT_S} s:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None, "the server was not started"
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or a power-off of the process."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def _log_text(self, offset: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self._log_text().splitlines()[-lines:])

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- the campaign ------------------------------------------------------------------------------
# a test campaign's controller and contact: made up, and saying so
FIXTURE_PRIVACY = {"controller": "Test fixture organisation (not a real controller)", "contact": "privacy@example.org"}


@dataclass
class Prepared:
    campaign_id: int
    tokens: list[str]
    region: str
    group: str
    instrument_id: int


def prepare_campaign(
    url: str,
    invitations: int,
    *,
    region: str = "AT33",
    group: str = "cluster_manager",
    language: str = "en",
    languages=("en", "de", "fr", "it", "sl"),
    admin: bool = True,
    privacy: bool = True,
) -> Prepared:
    """Built-in questionnaire, regions, an admin and `invitations` personal links (one region x group).
    With `privacy`, the notice names a controller and contact first (`FIXTURE_PRIVACY`), as the
    admin pages require before links are made; without, the notice is left as a new campaign has it."""
    import pandas as pd

    from s3stresstest.instrument.builtin import load_builtin
    from s3stresstest.store import Store

    with Store.open(url) as store:
        iid = store.add_instrument(load_builtin())
        cid = store.create_campaign("Alpine clusters 2026", iid, languages=languages)
        store.add_regions(cid, pd.DataFrame({"region": [r for r, _ in REGIONS], "name": [n for _, n in REGIONS]}))
        if admin:
            store.create_admin(ADMIN, PASSWORD)
        if privacy:
            store.set_privacy(cid, admin=ADMIN, **FIXTURE_PRIVACY)
        tokens = []
        for start in range(0, invitations, 500):
            rows = [(region, group, language)] * min(500, invitations - start)
            tokens += [inv["token"] for inv in store.create_invitations(cid, rows)]
    return Prepared(cid, tokens, region, group, iid)


def builtin_pages():
    """(Instrument, [Page]) of the built-in questionnaire as the web app pages it."""
    from s3stresstest.instrument.builtin import load_builtin
    from s3stresstest.web.survey import build_pages

    instrument = load_builtin()
    return instrument, build_pages(instrument)


def page_answers(instrument, page, rng: random.Random) -> dict[str, str | list[str]]:
    """Valid answers to every question of `page` (lists for select_multiple, as a form posts them)."""
    out: dict[str, str | list[str]] = {}
    for item in page.answerable:
        cl = instrument.choices_of(item)
        if item.type == "select_one" and cl is not None:
            out[item.name] = rng.choice([c.name for c in cl.choices])
        elif item.type == "select_multiple" and cl is not None:
            out[item.name] = sorted(rng.sample([c.name for c in cl.choices], 2))
        elif item.type == "integer":
            out[item.name] = str(rng.randint(0, 40))
        elif item.type == "decimal":
            out[item.name] = f"{rng.uniform(0, 100):.1f}"
        elif item.type == "text":
            out[item.name] = f"note {rng.randint(0, 10**9)} about {item.name}"
    return out


def consent_form(html: str) -> dict[str, str]:
    """What "I agree" posts from a page showing the privacy notice (the consent step of a link)."""
    return {
        "consent": "agree",
        "notice": NOTICE_RE.search(html).group(1),
        "notice_language": NOTICE_LANGUAGE_RE.search(html).group(1),
        "csrf_token": CSRF_RE.search(html).group(1),
    }


def stored_form(answers: dict) -> dict[str, str]:
    """What the store keeps for a posted form: multiple choices space-separated, text trimmed."""
    return {k: " ".join(v) if isinstance(v, list) else v.strip() for k, v in answers.items() if v}


# -- the browser -------------------------------------------------------------------------------
def launch_chromium(playwright):
    """Debian's Chromium, headless. A missing browser fails the test (`make test` installs it through
    scripts/install-system-packages)."""
    if not os.path.exists(CHROMIUM):
        import pytest

        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (`apt-get install chromium`; "
            f"scripts/install-system-packages does this). The browser tests need it and are never skipped.",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
