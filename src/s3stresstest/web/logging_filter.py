"""Keep survey tokens out of logs: access-log lines show `/s/…` instead of the secret link
(and `/resume/…` instead of an open-link respondent's personal resume code)."""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"(/[sr]/)[A-Za-z0-9_-]+")
RESUME_PATH = re.compile(r"(/resume/)[A-Za-z0-9_.-]+")


def redact_path(text: str) -> str:
    return RESUME_PATH.sub(r"\1…", TOKEN_PATH.sub(r"\1…", text))


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True


def install() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "s3stresstest.web"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
