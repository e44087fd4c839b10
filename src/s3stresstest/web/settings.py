"""Settings of the web service: defaults, then environment variables, then explicit values.

| setting | environment | default |
| --- | --- | --- |
| secret_key | S3ST_SECRET_KEY | generated once and kept in the database, shared by every server process |
| max_body_bytes | S3ST_MAX_BODY_BYTES | 10 MB |
| login_rate | S3ST_LOGIN_RATE | 5 login attempts per minute per client address |
| token_rate | S3ST_TOKEN_RATE | 600 requests per minute to one survey link from one client address |
| bad_token_rate | S3ST_BAD_TOKEN_RATE | 30 failed link lookups per minute per address (valid links still served) |
| base_url | S3ST_BASE_URL | taken from each request (links in invitation CSVs) |
| secure_cookies | S3ST_SECURE_COOKIES | only when the request came over https |
| session_hours | S3ST_SESSION_HOURS | 8 hours of admin session |
| rates_refresh_seconds | S3ST_RATES_REFRESH_SECONDS | 30: the admin page refreshes its response rates (0: never) |
| retention_days | S3ST_RETENTION_DAYS | 365: on start, purge old closed campaigns' contacts and links (`none`: never) |
| runs_dir | S3ST_RUNS_DIR | `web-runs` in the data directory: runs and reports made from the admin pages |

A rate of 0 switches that limit off (load tests from one address).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

SECRET_FILE = "web-secret.key"
ENV = {
    "secret_key": "S3ST_SECRET_KEY",
    "max_body_bytes": "S3ST_MAX_BODY_BYTES",
    "login_rate": "S3ST_LOGIN_RATE",
    "token_rate": "S3ST_TOKEN_RATE",
    "bad_token_rate": "S3ST_BAD_TOKEN_RATE",
    "base_url": "S3ST_BASE_URL",
    "secure_cookies": "S3ST_SECURE_COOKIES",
    "session_hours": "S3ST_SESSION_HOURS",
    "rates_refresh_seconds": "S3ST_RATES_REFRESH_SECONDS",
    "retention_days": "S3ST_RETENTION_DAYS",
    "runs_dir": "S3ST_RUNS_DIR",
}


class WebSettings(BaseModel):
    secret_key: str | None = Field(None, description="Key that signs cookies and CSRF tokens (32+ characters).")
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Largest accepted request body.")
    login_rate: int = Field(5, ge=0, description="Login attempts per minute per client address (0: no limit).")
    token_rate: int = Field(600, ge=0, description="Requests per minute to one survey link from one client address.")
    bad_token_rate: int = Field(30, ge=0, description="Unknown survey links per minute per client address.")
    retention_days: int | None = Field(
        365,
        ge=0,
        description="Days after closing a campaign until its contact details and links are purged (checked on "
        "start; empty: never).",
    )
    base_url: str | None = Field(None, description="Public base URL for links, e.g. https://survey.example.org")
    secure_cookies: bool | None = Field(None, description="Force the Secure cookie flag (default: when https).")
    session_hours: float = Field(8.0, gt=0, description="Lifetime of an admin session.")
    rates_refresh_seconds: int = Field(
        30, ge=0, description="How often an open campaign page refreshes its response rates (0: never)."
    )
    data_dir: Path | None = Field(None, description="Where a generated secret key is kept.")
    runs_dir: Path | None = Field(
        None,
        description="Where runs scored in the admin pages and their reports are kept (default: data_dir/web-runs).",
    )

    def resolved_runs_dir(self) -> Path:
        """The folder of runs and reports made from the admin pages (made on first use)."""
        if self.runs_dir is not None:
            return Path(self.runs_dir)
        folder = self.data_dir
        if folder is None:
            from ..regions.datadir import data_dir

            folder = data_dir()
        return Path(folder) / "web-runs"

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, v: str | None) -> str | None:
        return v.rstrip("/") if v else None

    @classmethod
    def from_env(cls, **overrides) -> WebSettings:
        values: dict = {}
        for name, var in ENV.items():
            raw = os.environ.get(var, "").strip()
            if raw.lower() == "none" and name == "retention_days":
                values[name] = None
            elif raw:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def resolved_secret(self, store=None) -> bytes:
        """The signing key: given, else from the environment, else — with a `store` — the key kept in
        the database (made by whichever server process asks first, so every process on every host
        signs alike), else the key file in the data directory (made on first use)."""
        if self.secret_key:
            return self.secret_key.encode()
        env = os.environ.get(ENV["secret_key"], "").strip()
        if env:
            return env.encode()
        if store is not None:
            return str(store.shared_secret("signing_key")).encode()
        folder = self.data_dir
        if folder is None:
            from ..regions.datadir import data_dir

            folder = data_dir()
        path = Path(folder) / SECRET_FILE
        if path.exists():
            key = path.read_text(encoding="utf-8").strip()
            if len(key) >= 32:
                return key.encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
        return key.encode()
