"""Security building blocks: signed cookies, CSRF tokens, rate limits, headers and body limits.

No session store is needed: the admin session and an open-link respondent's id live in
HMAC-signed cookies (HttpOnly, SameSite=Lax, Secure over https), and every form carries
a CSRF token that must equal the one in the signed `s3st_csrf` cookie (and, for a
logged-in admin, the one bound to the session).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

CSRF_COOKIE = "s3st_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ADMIN_COOKIE = "s3st_admin"
LANG_COOKIE = "s3st_lang"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """HMAC-SHA256 signed, timestamped JSON values; `purpose` keeps one kind from passing as another."""

    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError("the secret key must be at least 16 bytes")
        self._key = hashlib.sha256(b"s3stresstest-web:" + secret).digest()

    def _mac(self, purpose: str, body: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}|{body}".encode(), hashlib.sha256).digest())

    def sign(self, purpose: str, payload: dict) -> str:
        body = _b64(json.dumps(dict(payload, _t=int(time.time())), separators=(",", ":")).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def unsign(self, purpose: str, value: str | None, max_age: float | None = None) -> dict | None:
        if not value or value.count(".") != 1 or len(value) > 4096:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict):
            return None
        if max_age is not None and time.time() - float(payload.get("_t", 0)) > max_age:
            return None
        return payload


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimiter:
    """Sliding-window counter per key (client address); `limit` <= 0 never limits."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 50_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _prune(self, q: deque, now: float) -> None:
        while q and now - q[0] >= self.window:
            q.popleft()

    def blocked(self, key: str) -> bool:
        """Would one more hit exceed the limit? (records nothing)"""
        if self.limit <= 0:
            return False
        now = time.monotonic()
        with self._lock:
            q = self._hits.get(key)
            if not q:
                return False
            self._prune(q, now)
            return len(q) >= self.limit

    def hit(self, key: str) -> bool:
        """Record one hit; False when it is over the limit (the hit is still counted)."""
        if self.limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > self.max_keys:
                for k in [k for k, q in self._hits.items() if not q or now - q[-1] >= self.window]:
                    del self._hits[k]
            q = self._hits.setdefault(key, deque())
            self._prune(q, now)
            q.append(now)
            return len(q) <= self.limit

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class SharedRateLimiter:
    """The `RateLimiter` interface over counters in the database (`Store.rate_hit`): every server
    process, on every host, counts into the same window. Used for failures (logins, unknown links),
    which are few; the per-link request limit stays in each process's memory."""

    def __init__(self, store, name: str, limit: int, window: float = 60.0):
        self.store, self.name, self.limit, self.window = store, name, limit, window

    def blocked(self, key: str) -> bool:
        if self.limit <= 0:
            return False
        return bool(self.store.rate_count(f"{self.name} {key}", self.window) >= self.limit)

    def hit(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        return bool(self.store.rate_hit(f"{self.name} {key}", self.window) <= self.limit)


def client_key(scope_or_request) -> str:
    client = getattr(scope_or_request, "client", None)
    if client is None and isinstance(scope_or_request, dict):
        client = scope_or_request.get("client")
    if not client:
        return "unknown"
    return str(client[0] if isinstance(client, (tuple, list)) else client.host)


class SecurityHeadersMiddleware:
    """Adds the CSP and the other security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None):
        self.app = app
        self.headers = headers or SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if "cache-control" not in headers and not scope.get("path", "").startswith("/static/"):
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Content Too Large")


class BodyLimitMiddleware:
    """413 for bodies over `max_bytes`: at once from Content-Length, else while the body streams in.

    Raising an `HTTPException` from `receive` lets the app's exception handler draw the page;
    `render(scope)` draws it here when the limit is known before the app runs.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, render: Callable[[Scope], Response]):
        self.app, self.max_bytes, self.render = app, max_bytes, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        try:
            declared = int(length) if length is not None else None
        except ValueError:
            declared = None
        if declared is not None and declared > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        total = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.render(scope)
        response.headers["connection"] = "close"
        await response(scope, receive, send)
