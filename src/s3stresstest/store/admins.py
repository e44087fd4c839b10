"""Admin accounts: argon2 password hashes, checked in the same time for unknown users."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..errors import InputError, Problem
from . import models as m
from .base import MAX_NAME, MIN_PASSWORD, StoreBase, _now, _usable, _utc

if TYPE_CHECKING:
    from argon2 import PasswordHasher


class AdminsMixin(StoreBase):
    """create_admin, verify_admin, list_admins."""

    _hasher: PasswordHasher | None = None

    def _argon(self) -> PasswordHasher:
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher()
        return self._hasher

    def create_admin(self, username: str, password: str) -> int:
        """New admin with an argon2 password hash. InputError on a duplicate username, an empty
        or over-long username, or a password shorter than MIN_PASSWORD (8) characters."""
        username = (username or "").strip()
        problems = []
        if not username or len(username) > MAX_NAME or "\x00" in username:
            problems.append(Problem(f"username must be 1 to {MAX_NAME} characters", field="username"))
        if not isinstance(password, str) or len(password) < MIN_PASSWORD or "\x00" in password:
            problems.append(Problem(f"password must be at least {MIN_PASSWORD} characters", field="password"))
        if problems:
            raise InputError(problems)
        hashed = self._argon().hash(password)
        try:
            with self._write() as s:
                if s.scalar(select(m.Admin.id).where(m.Admin.username == username)) is not None:
                    raise InputError(Problem(f"admin '{username}' exists already", field="username"))
                admin = m.Admin(username=username, password_hash=hashed, created=_now())
                s.add(admin)
                s.flush()
                admin_id = admin.id
        except IntegrityError:  # created concurrently
            raise InputError(Problem(f"admin '{username}' exists already", field="username")) from None
        self.log_admin_event("admin_created", username)  # type: ignore[attr-defined]
        return admin_id

    def verify_admin(
        self, username: str, password: str, *, address: str | None = None, log_success: bool = True
    ) -> int | None:
        """Admin id when the password matches, else None (unknown user included, in similar time).
        A failure always goes to the admin log ('login_failed', with the name given and the address);
        a success ('login') unless `log_success` is False (API Basic auth checks every request)."""
        admin_id = self._verify_admin(username, password)
        name = (username or "").strip()[:200] if isinstance(username, str) else ""
        if admin_id is None or log_success:
            event = "login" if admin_id is not None else "login_failed"
            self.log_admin_event(event, name, address=address)  # type: ignore[attr-defined]
        return admin_id

    def _verify_admin(self, username: str, password: str) -> int | None:
        from argon2.exceptions import InvalidHashError, VerificationError

        ph = self._argon()
        username = (username or "").strip() if isinstance(username, str) else ""
        with self._read() as s:
            row = None
            if _usable(username) and len(username) <= MAX_NAME:
                row = s.execute(select(m.Admin.id, m.Admin.password_hash).where(m.Admin.username == username)).first()
        if row is None:
            try:  # spend the same effort as for a real user
                ph.verify(_dummy_hash(ph), password or "")
            except (VerificationError, InvalidHashError):
                pass
            return None
        try:
            ph.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if ph.check_needs_rehash(row.password_hash):
            with self._write() as s:
                s.execute(update(m.Admin).where(m.Admin.id == row.id).values(password_hash=ph.hash(password)))
        admin_id: int = row.id
        return admin_id

    def list_admins(self) -> list[dict[str, Any]]:
        """[{id, username, created}] (never the hashes)."""
        with self._read() as s:
            rows = s.execute(select(m.Admin.id, m.Admin.username, m.Admin.created).order_by(m.Admin.id)).all()
        return [{"id": r.id, "username": r.username, "created": _utc(r.created)} for r in rows]


_DUMMY: dict[int, str] = {}


def _dummy_hash(ph: PasswordHasher) -> str:
    """A hash of a random password per hasher: verifying against it costs what a real check costs."""
    key = id(ph)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash(secrets.token_urlsafe(16))
    return _DUMMY[key]
