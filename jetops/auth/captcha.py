"""Image captchas for the login defence. The answer lives in the cache (shared by every web
process) for ``CAPTCHA_TTL_SECONDS``, is single-use and compared case-insensitively."""

from __future__ import annotations

import re
import secrets

from captcha.image import ImageCaptcha
from django.conf import settings
from django.core.cache import cache

# No 0/O, 1/I/L: a person must be able to read it.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
UID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _key(uid: str) -> str:
    return f"captcha:{uid}"


def captcha_issue(uid: str) -> bytes:
    """A new challenge for ``uid`` (replacing any previous one) as PNG bytes."""
    if not UID_RE.match(uid):
        raise ValueError("uid must be 8-64 characters of letters, digits, '-' or '_'.")
    text = "".join(secrets.choice(_ALPHABET) for _ in range(settings.CAPTCHA_LENGTH))
    cache.set(_key(uid), text, timeout=settings.CAPTCHA_TTL_SECONDS)
    return ImageCaptcha(width=200, height=70).generate(text, format="png").getvalue()


def captcha_consume(uid: str | None, answer: str | None) -> bool:
    """True when ``answer`` solves the challenge ``uid``; the challenge is spent either way."""
    if not uid or not answer or not UID_RE.match(uid):
        return False
    expected = cache.get(_key(uid))
    if expected is None or not cache.delete(_key(uid)):
        return False
    return secrets.compare_digest(str(expected).upper(), answer.strip().upper())
