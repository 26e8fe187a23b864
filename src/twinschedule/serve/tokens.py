"""Capability tokens: made with ``secrets.token_urlsafe`` (256 bits), stored as their
SHA-256, compared in constant time; the CSRF fields of forms (an HMAC of the page's
link under the service's secret); and the redaction that keeps tokens out of logs."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: Paths that hold a token (pages and API); logged as ``/p/…``.
_SECRET_PATH = re.compile(r"(/p/)[^/?#\s]+")


def new_token() -> str:
    """A fresh capability token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256 in hex. Tokens are random, so a
    fast hash is enough: nobody can guess a token from its hash."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether ``token`` has the shape of a token (anything else is a 404 at once)."""
    return TOKEN.fullmatch(token) is not None


def same(a: str, b: str) -> bool:
    """Constant-time equality of two digests or CSRF values."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def csrf_value(secret: str, scope: str) -> str:
    """The hidden CSRF field of a form for ``scope`` (a link's digest, or the value of
    the ``csrf`` cookie on the page that creates a partnership)."""
    mac = hmac.new(secret.encode("ascii"), f"csrf:{scope}".encode(), hashlib.sha256)
    return mac.hexdigest()


def redact(text: str) -> str:
    """``text`` with every token of a link path replaced by ``…``."""
    return _SECRET_PATH.sub(r"\1…", text)
