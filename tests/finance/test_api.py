"""Finance API: clients see and download only their own invoices (BOLA), each staff role
does exactly what it may, lists answer in a bounded number of queries, the numbering has no
gaps under concurrent issues (PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from finance import services
from finance.models import Invoice, InvoiceCounter
from tests.builders import bearer
from tests.concurrency import race
from tests.finance.conftest import at, completed_trip, jet, make_billing

pytestmark = pytest.mark.django_db

ISSUE_DAY = date(2031, 3, 12)


def draft(client, actor, hour: int = 14) -> Invoice:
    return services.invoice_from_trip(
        trip=completed_trip(client, jet(), departure=at(hour)), actor=actor, on=ISSUE_DAY
    )


def issued(client, actor, hour: int = 14) -> Invoice:
    return services.invoice_issue(invoice=draft(client, actor, hour), actor=actor, on=ISSUE_DAY)


def test_client_lists_and_downloads_only_its_own_invoices(
    billing, finance_user, client_a, client_b, client_a_user, client_b_user
):
    mine = issued(client_a, finance_user)
    theirs = issued(client_b, finance_user, hour=18)
    a, b = bearer(client_a_user), bearer(client_b_user)
    listed = a.get("/api/v1/invoices").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert [row["id"] for row in b.get("/api/v1/invoices").json()["results"]] == [theirs.pk]
    detail = a.get(f"/api/v1/invoices/{mine.pk}").json()
    assert detail["number"] == "INV-2031-00001"
    assert len(detail["lines"]) == 6
    pdf = a.get(f"/api/v1/invoices/{mine.pk}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:4] == b"%PDF"
    assert f'filename="{mine.number}.pdf"' in pdf["Content-Disposition"]
    # client B never sees A's invoice, its PDF or its payments: 404, as if it did not exist
    for url in (
        f"/api/v1/invoices/{mine.pk}",
        f"/api/v1/invoices/{mine.pk}/pdf",
        f"/api/v1/invoices/{mine.pk}/payments",
    ):
        assert b.get(url).status_code == 404, url
    assert b.get(f"/api/v1/invoices?client={client_a.pk}").json()["count"] == 0
    # nor may a client issue, void or pay
    assert a.post(f"/api/v1/invoices/{mine.pk}/void", {"reason": "x"}, format="json").status_code == 403
    assert b.post(f"/api/v1/invoices/{mine.pk}/void", {"reason": "x"}, format="json").status_code == 404
    assert Invoice.objects.get(pk=mine.pk).status == "issued"


@pytest.mark.parametrize(
    ("persona", "may_issue"),
    [
        ("finance_user", True),
        ("admin_user", True),
        ("cs_user", False),
        ("ops_user", False),
        ("maintenance_user", False),
    ],
)
def test_only_finance_and_admin_issue_void_and_refund(
    request, billing, finance_user, client_a, persona, may_issue
):
    user = request.getfixturevalue(persona)
    invoice = draft(client_a, finance_user)
    api = bearer(user)
    response = api.post(f"/api/v1/invoices/{invoice.pk}/issue")
    invoice.refresh_from_db()
    if not may_issue:
        assert response.status_code in (403, 404)
        assert invoice.number is None
        services.invoice_issue(invoice=invoice, actor=finance_user, on=ISSUE_DAY)
    else:
        assert response.status_code == 200, response.json()
        assert invoice.number
    payment = services.payment_record(
        invoice=invoice,
        amount=Decimal("100"),
        currency="USD",
        method="wire",
        idempotency_key="k",
        actor=finance_user,
    )
    refund = api.post(
        f"/api/v1/payments/{payment.pk}/refund", {"amount": "10.00", "idempotency_key": "r"}, format="json"
    )
    assert (refund.status_code == 201) is may_issue, refund.content
    void = api.post(f"/api/v1/invoices/{invoice.pk}/void", {"reason": "wrong"}, format="json")
    # voiding a paid-into invoice is refused to everyone: finance hears why (409)
    assert void.status_code == (409 if may_issue else void.status_code)
    if not may_issue:
        assert void.status_code in (403, 404)


def test_staff_generate_from_a_trip_and_record_a_payment_through_the_api(billing, finance_user, client_a):
    trip = completed_trip(client_a, jet())
    api = bearer(finance_user)
    created = api.post("/api/v1/invoices/from-trip", {"trip_id": trip.pk}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["total"] == "5622.03"
    assert {line["kind"] for line in body["lines"] if line["is_tax"]} == {"fet", "segment_fee"}
    again = api.post("/api/v1/invoices/from-trip", {"trip_id": trip.pk}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_invoiced"
    unknown = api.post("/api/v1/invoices/from-trip", {"trip_id": "x"}, format="json")
    assert unknown.status_code == 400


def test_invoice_list_query_count_does_not_grow(
    billing, finance_user, client_a, django_assert_max_num_queries
):
    api = bearer(finance_user)
    issued(client_a, finance_user)
    with django_assert_max_num_queries(8) as small:
        assert api.get("/api/v1/invoices?page_size=50").json()["count"] == 1
    for hour in (15, 16, 17, 18, 19):
        invoice = issued(client_a, finance_user, hour=hour)
        services.payment_record(
            invoice=invoice,
            amount=Decimal("1"),
            currency="USD",
            method="wire",
            idempotency_key=f"q{hour}",
            actor=finance_user,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get("/api/v1/invoices?page_size=50").json()["count"] == 6
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get("/api/v1/payments?page_size=50").json()["count"] == 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions and row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_take_consecutive_numbers_without_gaps(finance_user, client_a):
    make_billing()
    drafts = [draft(client_a, finance_user, hour=8 + i) for i in range(8)]

    def issue(invoice: Invoice) -> None:
        services.invoice_issue(invoice=invoice, actor=finance_user, on=ISSUE_DAY)

    # one more issue fails after taking its number: its transaction gives the number back
    def issue_then_fail() -> None:
        from django.db import transaction

        with transaction.atomic():
            services.invoice_issue(invoice=drafts[0], actor=finance_user, on=ISSUE_DAY)
            raise RuntimeError("the issuing request died")

    outcomes = race([issue_then_fail, *[lambda d=d: issue(d) for d in drafts[1:]]])
    assert sorted(outcomes) == ["RuntimeError"] + ["ok"] * 7
    issue(drafts[0])
    sequences = sorted(Invoice.objects.exclude(sequence=None).values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))
    assert InvoiceCounter.objects.get(series="invoice", year=2031).value == 8
