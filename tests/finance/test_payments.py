"""Payments, credit notes, refunds, prepaid accounts, dunning, the invoice e-mail and the
credit check at booking."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings

from finance import services
from finance.models import DunningReminder, FxRate, Invoice, Payment
from finance.tasks import dunning_run_task, invoice_send_task
from jetops.critical import CriticalOperationRefused, operator_context
from jetops.errors import Conflict
from jetops.models import NotificationDelivery
from tests.builders import bearer
from tests.finance.conftest import at, booked_trip, completed_trip, jet

pytestmark = pytest.mark.django_db

ISSUE_DAY = date(2031, 3, 12)
SERVER = operator_context("tests")


def issued(client, actor, **kwargs) -> Invoice:
    invoice = services.invoice_from_trip(
        trip=completed_trip(client, jet(), **kwargs), actor=actor, on=ISSUE_DAY
    )
    return services.invoice_issue(invoice=invoice, actor=actor, on=ISSUE_DAY)


def test_credit_note_nets_the_invoice(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)  # 5,622.03 USD
    note = services.credit_note_create(
        invoice=invoice,
        actor=finance_user,
        meta=SERVER,
        reason="goodwill",
        amount=Decimal("622.03"),
        on=ISSUE_DAY,
    )
    invoice.refresh_from_db()
    assert (note.kind, note.number, note.total, note.credit_for) == (
        "credit_note",
        "CN-2031-00001",
        Decimal("-622.03"),
        invoice,
    )
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        Decimal("622.03"),
        Decimal("5000.00"),
        "partially_paid",
    )
    services.payment_record(
        invoice=invoice,
        amount=Decimal("5000.00"),
        currency="USD",
        method="wire",
        idempotency_key="w",
        actor=finance_user,
    )
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")
    assert invoice.total + note.total == Decimal("5000.00")  # what the client paid
    with pytest.raises(ValidationError) as too_much:
        services.credit_note_create(
            invoice=invoice, actor=finance_user, meta=SERVER, reason="again", amount=Decimal("5000.01")
        )
    assert "amount" in str(too_much.value)


def test_credit_note_needs_the_step_up_and_the_permission(billing, finance_user, cs_user, client_a):
    invoice = issued(client_a, finance_user)
    refused = bearer(finance_user, otp=False).post(
        f"/api/v1/invoices/{invoice.pk}/credit-notes", {"reason": "x"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_required"
    with pytest.raises(CriticalOperationRefused):
        services.credit_note_create(
            invoice=invoice, actor=cs_user, meta=SERVER.__class__(ip="127.0.0.1"), reason="x"
        )
    assert Invoice.objects.filter(kind="credit_note").count() == 0
    done = bearer(finance_user).post(
        f"/api/v1/invoices/{invoice.pk}/credit-notes",
        {"reason": "wrong fee", "amount": "75.00"},
        format="json",
    )
    assert done.status_code == 201, done.json()
    assert done.json()["total"] == "-75.00"


def test_payment_in_another_currency_records_the_rate(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)
    # 1,000 EUR received on 15 March 2031: EUR->USD from the USD->EUR 0.92 row = 1.08695652
    payment = services.payment_record(
        invoice=invoice,
        amount=Decimal("1000.00"),
        currency="EUR",
        method="wire",
        idempotency_key="eur-1",
        received_on=date(2031, 3, 15),
        actor=finance_user,
    )
    assert payment.applied_amount == Decimal("1086.96")
    assert (payment.fx_rate, payment.fx_date) == (Decimal("1.08695652"), date(2031, 1, 1))
    FxRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.10"), effective_on=date(2031, 3, 14))
    later = services.payment_record(
        invoice=invoice,
        amount=Decimal("100.00"),
        currency="EUR",
        method="wire",
        idempotency_key="eur-2",
        received_on=date(2031, 3, 15),
        actor=finance_user,
    )
    assert (later.applied_amount, later.fx_rate, later.fx_date) == (
        Decimal("110.00"),
        Decimal("1.10000000"),
        date(2031, 3, 14),
    )
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("5622.03") - Decimal("1086.96") - Decimal("110.00")


def test_no_rate_on_file_refuses_and_writes_nothing(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)
    with pytest.raises(Conflict) as refused:
        services.payment_record(
            invoice=invoice,
            amount=Decimal("5"),
            currency="GBP",
            method="wire",
            idempotency_key="g",
            actor=finance_user,
        )
    assert refused.value.code == "no_fx_rate"
    assert Payment.objects.count() == 0


def test_payment_is_idempotent_and_overpayment_refused(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)
    api = bearer(finance_user)
    body = {"amount": "622.03", "currency": "USD", "method": "wire", "idempotency_key": "bank-77"}
    first = api.post(f"/api/v1/invoices/{invoice.pk}/payments", body, format="json")
    again = api.post(f"/api/v1/invoices/{invoice.pk}/payments", body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    over = api.post(
        f"/api/v1/invoices/{invoice.pk}/payments",
        {**body, "amount": "5000.01", "idempotency_key": "x"},
        format="json",
    )
    assert over.status_code == 409
    assert over.json()["code"] == "overpayment"
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.status) == (Decimal("622.03"), "partially_paid")
    assert Payment.objects.count() == 1


def test_refund_with_step_up_makes_the_invoice_owe_again(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)
    payment = services.payment_record(
        invoice=invoice,
        amount=invoice.total,
        currency="USD",
        method="card",
        idempotency_key="p",
        actor=finance_user,
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    body = {"amount": "100.00", "idempotency_key": "r-1", "reason": "catering not delivered"}
    assert (
        bearer(finance_user, otp=False)
        .post(f"/api/v1/payments/{payment.pk}/refund", body, format="json")
        .status_code
        == 403
    )
    done = bearer(finance_user).post(f"/api/v1/payments/{payment.pk}/refund", body, format="json")
    assert done.status_code == 201, done.json()
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("100.00"), "partially_paid")
    too_much = bearer(finance_user).post(
        f"/api/v1/payments/{payment.pk}/refund",
        {**body, "idempotency_key": "r-2", "amount": "6000"},
        format="json",
    )
    assert too_much.status_code == 400
    assert Payment.objects.filter(kind="refund").count() == 1


def test_prepaid_account_settles_invoices_and_alerts_below_threshold(billing, finance_user, client_a):
    account = services.prepaid_account_open(
        client=client_a, actor=finance_user, alert_threshold=Decimal("2000")
    )
    services.prepaid_deposit(
        account=account, amount=Decimal("7000.00"), reference="jet card", actor=finance_user
    )
    with transaction.atomic():  # alerts leave after commit
        invoice = issued(client_a, finance_user)
    account.refresh_from_db()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == ("paid", Decimal("5622.03"))
    assert invoice.payments.get().method == "prepaid"
    assert account.balance == Decimal("1377.97")
    assert account.alerted
    assert account.entries.get(invoice=invoice).amount == Decimal("-5622.03")


@pytest.mark.django_db(transaction=True)
def test_prepaid_alert_and_invoice_email_go_out_once_after_commit(finance_user, client_a):
    from tests.finance.conftest import make_billing

    make_billing()
    account = services.prepaid_account_open(
        client=client_a, actor=finance_user, alert_threshold=Decimal("2000")
    )
    services.prepaid_deposit(
        account=account, amount=Decimal("7000.00"), reference="jet card", actor=finance_user
    )
    invoice = issued(client_a, finance_user)  # commits: the e-mails leave through the worker
    finance_mail = [m for m in mail.outbox if "Invoice" in m.subject or "prepaid" in m.subject]
    assert sorted(m.subject for m in finance_mail) == [
        f"Invoice {invoice.number}",
        "Your prepaid balance is 1377.97 USD",
    ]
    assert finance_mail[0].to == ["alice@a.example"]
    sent = next(m for m in mail.outbox if m.subject.startswith("Invoice"))
    name, content, mimetype = sent.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content[:4] == b"%PDF"
    assert NotificationDelivery.objects.get(key=f"invoice:{invoice.pk}").status == "sent"
    count = len(mail.outbox)
    invoice_send_task.delay(invoice.pk)  # a retried task or a second click
    assert len(mail.outbox) == count


def test_dunning_reminds_at_each_step_once_and_stops_on_payment(billing, finance_user, client_a):
    invoice = issued(client_a, finance_user)  # due 11 April 2031 (30 days)
    assert invoice.due_on == date(2031, 4, 11)
    mail.outbox.clear()
    with time_machine.travel(datetime(2031, 4, 18, 7, tzinfo=UTC), tick=False):
        assert dunning_run_task.delay().get() == 1
        assert dunning_run_task.delay().get() == 0  # same day again: nothing
    assert [m.subject for m in mail.outbox] == [f"Reminder: invoice {invoice.number} is 7 days overdue"]
    assert mail.outbox[0].attachments[0][0] == f"{invoice.number}.pdf"
    with time_machine.travel(datetime(2031, 5, 12, 7, tzinfo=UTC), tick=False):  # +31 days: the 14 was missed
        assert dunning_run_task.delay().get() == 1
    assert sorted(DunningReminder.objects.values_list("days_overdue", flat=True)) == [7, 30]
    other = issued(client_a, finance_user, departure=at(18))
    services.payment_record(
        invoice=other,
        amount=other.total,
        currency="USD",
        method="wire",
        idempotency_key="paid",
        actor=finance_user,
    )
    with time_machine.travel(datetime(2031, 6, 1, 7, tzinfo=UTC), tick=False):
        assert dunning_run_task.delay().get() == 0
    assert not DunningReminder.objects.filter(invoice=other).exists()


def test_booking_beyond_the_credit_limit_is_refused(billing, finance_user, client_a):
    issued(client_a, finance_user)  # 5,622.03 owed
    client_a.credit_limit = Decimal("8000")
    client_a.save()
    with pytest.raises(Conflict) as refused:
        booked_trip(client_a, jet(), departure=at(18))
    assert refused.value.code == "credit_limit_exceeded"
    account = services.prepaid_account_open(client=client_a, actor=finance_user)
    services.prepaid_deposit(account=account, amount=Decimal("5000"), reference="top-up", actor=finance_user)
    assert booked_trip(client_a, jet(), departure=at(18)).pk


@override_settings(FX_RATE_PROVIDER="tests.finance.test_payments.FixedRates")
def test_fx_refresh_stores_the_providers_rates(db):
    from finance.tasks import fx_rates_refresh_task

    with time_machine.travel(datetime(2031, 2, 3, 6, tzinfo=UTC), tick=False):
        assert fx_rates_refresh_task.delay().get() == 1
    row = FxRate.objects.get(base="USD", quote="CHF")
    assert (row.rate, row.effective_on, row.source) == (Decimal("0.88000000"), date(2031, 2, 3), "FixedRates")


class FixedRates:
    def rates(self, day: date) -> list[tuple[str, str, Decimal]]:
        return [("USD", "CHF", Decimal("0.88"))]


def test_fx_csv_import_is_all_or_nothing(db, finance_user, cs_user):
    good = "base,quote,rate,effective_on\nUSD,GBP,0.79,2031-01-01\nUSD,EUR,0.93,2031-01-01\n"
    assert services.fx_rates_import(text=good, source="bank.csv", actor=finance_user) == 2
    bad = "base,quote,rate,effective_on\nUSD,GBP,0.80,2031-02-01\nUSD,usd,abc,2031-02-01\n"
    with pytest.raises(ValidationError) as refused:
        services.fx_rates_import(text=bad, source="bad.csv", actor=finance_user)
    assert "line 3" in str(refused.value)
    assert FxRate.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.fx_rates_import(text=good, source="x", actor=cs_user)
    assert FxRate.objects.get(quote="GBP").history.latest().history_user == finance_user


def test_a_portal_acceptance_beyond_the_credit_limit_is_a_409_and_books_nothing(
    billing, finance_user, ops_user, client_a, client_a_user
):
    # given: 5,622.03 owed and a credit limit below what one more trip adds; a quote sent
    from flights.models import Trip
    from tests.flights.test_quotes import quote_body

    issued(client_a, finance_user)
    client_a.credit_limit = Decimal("6000")
    client_a.save()
    jet()
    quote = bearer(ops_user).post("/api/v1/flights/quote", quote_body(client_a.pk), format="json").json()
    assert bearer(ops_user).post(f"/api/v1/quotes/{quote['id']}/send").status_code == 200
    trips = Trip.objects.count()

    # when: the client accepts it from the portal (the hook finance registers with flights)
    option = quote["candidates"][0]["id"]
    response = bearer(client_a_user).post(
        f"/api/v1/quotes/{quote['id']}/accept", {"option": option}, format="json"
    )

    # then
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "credit_limit_exceeded"
    assert Trip.objects.count() == trips
