"""Flight plan filing through a pluggable filer (docs/rules.md#flight-plan).

``settings.PLANNING_FPL_FILER`` names the filer class (dotted path). The default,
``ManualFiler``, sends nothing: the operator files the FPL text by hand (phone, a web form)
and JetOps records it as filed by hand. An adapter for a filing service implements the same
``file`` method and returns the service's reference; it raises ``FilingFailed`` on refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class FilingReceipt:
    method: str
    reference: str


class FilingFailed(Exception):
    """The filing service refused or could not be reached; nothing was filed."""


class Filer(Protocol):
    def file(self, *, fpl_text: str, flight_number: str) -> FilingReceipt: ...


class ManualFiler:
    """Filed by hand: the FPL text is the record, the reference is the flight number."""

    def file(self, *, fpl_text: str, flight_number: str) -> FilingReceipt:
        return FilingReceipt(method="manual", reference=flight_number)


def configured_filer() -> Filer:
    filer: Filer = import_string(settings.PLANNING_FPL_FILER)()
    return filer
