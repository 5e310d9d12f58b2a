"""Random identifiers and secrets."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 32) -> str:
    """Return a URL-safe random token with `nbytes` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def sha256_hex(data: str | bytes) -> str:
    """Return the hex SHA-256 digest of `data` (UTF-8 for text)."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def keyed_digest(key: str, message: str) -> str:
    """Return the hex HMAC-SHA256 of `message` under `key`."""
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())
