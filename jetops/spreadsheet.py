"""Cells of a CSV file a person opens in a spreadsheet: text that starts like a formula
(``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe, so a
name such as ``=HYPERLINK(…)`` stays text instead of running (CSV injection)."""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
