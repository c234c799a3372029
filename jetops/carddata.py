"""Card data never enters JetOps: payment methods are provider tokens only (PCI DSS scope).

``card_data_paths`` finds what looks like a primary account number (a Luhn-valid run of 13-19
digits, spaces and dashes allowed) or a card security code field anywhere in a parsed body, and
returns where it is, never the value, so a refusal can be explained without repeating it.
"""

from __future__ import annotations

import re
from typing import Any

SECURITY_CODE_KEYS = frozenset(
    {
        "cvv",
        "cvv2",
        "cvc",
        "cvc2",
        "cid",
        "csc",
        "security_code",
        "card_security_code",
        "card_verification_value",
    }
)
# Not after "+": an E.164 phone number is not a card number.
_PAN_CANDIDATE = re.compile(r"(?<![\d+])(?:\d[ -]?){12,18}\d(?!\d)")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def looks_like_pan(text: str) -> bool:
    for match in _PAN_CANDIDATE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def _normalise_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def card_data_paths(data: Any, path: str = "") -> list[str]:
    """Dotted paths in ``data`` holding a card number or a security code."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            if _normalise_key(str(key)) in SECURITY_CODE_KEYS and value not in (None, ""):
                found.append(child)
            else:
                found.extend(card_data_paths(value, child))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(card_data_paths(value, f"{path}[{index}]" if path else f"[{index}]"))
    elif isinstance(data, str | int) and not isinstance(data, bool) and looks_like_pan(str(data)):
        found.append(path or "body")
    return found
