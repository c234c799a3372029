"""Finance screens in the admin, as the finance manager uses them: generate an invoice from a
trip, issue it, record a payment, credit it with the authenticator code, import FX rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from finance import services
from finance.models import FxRate, Invoice, Payment
from tests.builders import admin_login, next_code
from tests.finance.conftest import completed_trip, jet

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_admin(client, finance_user):
    return admin_login(client, finance_user)


def act(browser, action: str, invoices: list[Invoice], **form: str):
    data = {"action": action, "_selected_action": [i.pk for i in invoices], **form}
    return browser.post("/admin/finance/invoice/", data, follow=True)


def test_finance_manager_invoices_a_trip_from_the_admin(billing, finance_admin, finance_user, client_a):
    trip = completed_trip(client_a, jet())
    added = finance_admin.post(
        "/admin/finance/invoice/add/", {"trip": trip.pk, "quote": "", "deposit_percent": ""}
    )
    assert added.status_code == 302, added.content[:3000]
    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("5622.03")
    assert invoice.history.latest().history_user == finance_user
    for url in (
        "/admin/finance/invoice/",
        f"/admin/finance/invoice/{invoice.pk}/change/",
        "/admin/finance/payment/",
        "/admin/finance/fxrate/",
        "/admin/finance/fxrate/add/",
        "/admin/finance/billingprofile/",
        "/admin/finance/prepaidaccount/add/",
        "/admin/finance/dunningreminder/",
    ):
        assert finance_admin.get(url).status_code == 200, url
    # the same trip again: the refusal is on the form, nothing added
    again = finance_admin.post("/admin/finance/invoice/add/", {"trip": trip.pk, "quote": ""})
    assert again.status_code == 200
    assert "already invoiced" in again.content.decode()
    assert Invoice.objects.count() == 1

    act(finance_admin, "issue", [invoice])
    invoice.refresh_from_db()
    assert invoice.number == f"INV-{timezone.localdate().year}-00001"
    page = act(
        finance_admin,
        "record_payment",
        [invoice],
        confirmed="yes",
        amount="1000.00",
        currency="USD",
        method="wire",
        reference="bank 42",
        received_on="",
    )
    assert "payment recorded" in page.content.decode()
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.status) == (Decimal("1000.00"), "partially_paid")

    wrong = act(
        finance_admin, "credit_note", [invoice], confirmed="yes", reason="fee", amount="75", otp_code="000000"
    )
    assert Invoice.objects.filter(kind="credit_note").count() == 0
    assert "code" in wrong.content.decode().lower()
    act(
        finance_admin,
        "credit_note",
        [invoice],
        confirmed="yes",
        reason="fee",
        amount="75",
        otp_code=next_code(finance_user),
    )
    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("75.00")
    assert invoice.balance == Decimal("5622.03") - Decimal("1075.00")


def test_issued_invoice_cannot_be_deleted_from_the_admin(billing, finance_admin, finance_user, client_a):
    invoice = services.invoice_from_trip(trip=completed_trip(client_a, jet()), actor=finance_user)
    services.invoice_issue(invoice=invoice, actor=finance_user)
    assert finance_admin.get(f"/admin/finance/invoice/{invoice.pk}/delete/").status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_fx_rates_import_from_csv_in_the_admin(db, finance_admin, finance_user):
    upload = SimpleUploadedFile(
        "rates.csv", b"base,quote,rate,effective_on\nUSD,EUR,0.91,2031-01-02\nUSD,GBP,0.78,2031-01-02\n"
    )
    response = finance_admin.post(
        "/admin/finance/fxrate/add/", {"csv_file": upload, "effective_on": "2031-01-02"}
    )
    assert response.status_code == 302, response.content[:3000]
    assert FxRate.objects.count() == 2
    bad = SimpleUploadedFile("bad.csv", b"base,quote,rate,effective_on\nUSD,EUR,x,2031-01-03\n")
    refused = finance_admin.post(
        "/admin/finance/fxrate/add/", {"csv_file": bad, "effective_on": "2031-01-03"}
    )
    assert refused.status_code == 200
    assert "line 2" in refused.content.decode()
    assert FxRate.objects.count() == 2
    assert Payment.objects.count() == 0
