"""Reads finance's screens and services share: the FX rate in force, the active billing
profile, a client's open balance, invoice lists for a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from finance.models import (
    OPEN_INVOICE_STATUSES,
    BillingProfile,
    FxRate,
    Invoice,
    InvoiceKind,
)
from jetops.errors import Conflict
from jetops.permissions import restrict

RATE_PLACES = Decimal("0.00000001")


@dataclass(frozen=True, slots=True)
class FxQuote:
    """Units of ``quote`` per unit of ``base`` from the FxRate row dated ``effective_on``
    (``inverted`` when the row on file converts the other way)."""

    base: str
    quote: str
    rate: Decimal
    effective_on: date
    inverted: bool = False


def fx_rate_find(base: str, quote: str, on: date) -> FxQuote:
    """The rate from ``base`` to ``quote`` in force on ``on``: the latest row dated on or
    before it, either way round (a ``quote``→``base`` row is inverted to 8 places). The same
    currency is rate 1 dated ``on``. No rate on file is a Conflict (``no_fx_rate``)."""
    if base == quote:
        return FxQuote(base, quote, Decimal("1"), on)
    row = (
        FxRate.objects.filter(base=base, quote=quote, effective_on__lte=on).order_by("-effective_on").first()
    )
    if row is not None:
        return FxQuote(base, quote, row.rate, row.effective_on)
    inverse = (
        FxRate.objects.filter(base=quote, quote=base, effective_on__lte=on).order_by("-effective_on").first()
    )
    if inverse is not None:
        return FxQuote(
            base, quote, (Decimal(1) / inverse.rate).quantize(RATE_PLACES), inverse.effective_on, True
        )
    raise Conflict(
        f"No FX rate from {base} to {quote} on or before {on} is on file: add one in the admin.",
        "no_fx_rate",
        base=base,
        quote=quote,
        on=on.isoformat(),
    )


def billing_profile_active() -> BillingProfile:
    profile = BillingProfile.objects.filter(is_active=True).first()
    if profile is None:
        raise Conflict("No billing profile is active: set one up in the admin.", "no_billing_profile")
    return profile


def client_open_balance(client_id: int) -> Decimal:
    """What the client owes on issued invoices, in their invoices' currencies summed (the
    credit check compares it with the limit in the client's billing currency)."""
    owed = Invoice.objects.filter(
        client_id=client_id, status__in=OPEN_INVOICE_STATUSES, kind=InvoiceKind.INVOICE
    ).aggregate(owed=Sum("balance"))["owed"]
    return owed or Decimal("0")


INVOICE_LIST_RELATED = ("client", "trip")


def invoices_for(user: Any) -> QuerySet[Invoice]:
    """The invoices ``user`` may see, with what the list shows, in one query."""
    return restrict(Invoice.objects.select_related(*INVOICE_LIST_RELATED), user)
