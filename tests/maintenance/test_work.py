"""Sign-off recomputes the due list; directives; time corrections; the daily alerts (once
each); the admin's due list, sign-off and close actions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from maintenance import services
from maintenance.models import ComplianceRecord, MaintenanceAlert, TimeCorrection, TrackedItem, WorkOrder
from maintenance.selectors import due_list
from maintenance.tasks import maintenance_alerts_task
from tests.builders import admin_login, bearer, future, make_aircraft

pytestmark = pytest.mark.django_db


def test_sign_off_within_the_overfly_recomputes_from_the_due_point(maintenance_user, light_jet, preset_items):
    # 100-hour due at 1,200.0 h, flown to 1,206.0 h (to reach the inspection place)
    services.time_correct(
        aircraft=light_jet, actor=None, hours_delta=Decimal("56.0"), reason="ferry to the shop"
    )
    hundred = preset_items["91.409(b)"]
    assert next(r for r in due_list(light_jet) if r.item == hundred.pk).evaluation.status == "overdue"
    response = bearer(maintenance_user).post(
        f"/api/v1/maintenance/items/{hundred.pk}/sign-off",
        {"signer_name": "Max Mechanic", "certificate_number": "IA 3456789"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    hundred.refresh_from_db()
    assert hundred.due_hours == Decimal("1300.0")  # the 6 h overfly counts toward the next 100 h
    row = next(r for r in due_list(light_jet) if r.item == hundred.pk)
    assert (row.evaluation.status, row.evaluation.remaining_hours) == ("ok", Decimal("94.0"))


def test_sign_off_refuses_bad_input_and_writes_nothing(maintenance_user, light_jet, preset_items):
    hundred = preset_items["91.409(b)"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = bearer(maintenance_user).post(
        f"/api/v1/maintenance/items/{hundred.pk}/sign-off",
        {"signer_name": "M", "certificate_number": "IA 1", "done_on": tomorrow, "hours": "5000.0"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"done_on", "hours"}
    assert not ComplianceRecord.objects.exists()
    assert TrackedItem.objects.get(pk=hundred.pk).due_hours == Decimal("1200.0")


def test_annual_signed_off_is_due_at_the_end_of_the_12th_month(light_jet, preset_items):
    annual = preset_items["91.409(a)"]
    today = timezone.localdate()
    services.item_sign_off(item=annual, actor=None, signer_name="M", certificate_number="IA 1", done_on=today)
    annual.refresh_from_db()
    month = today.month % 12 + 1
    expected = date(today.year + 1 + (month == 1), month, 1) - timedelta(days=1)
    assert annual.due_on == expected  # the last day of the same month a year later


def test_recurring_and_one_time_directives(maintenance_user, light_jet):
    client = bearer(maintenance_user)
    body = {
        "number": "2026-04-07",
        "revision_date": "2026-03-01",
        "effective_on": "2026-04-01",
        "subject": "Elevator trim tab actuator inspection",
        "applicability": ["C25B"],
        "method_of_compliance": "Inspect per SB 525B-27-12; replace if play exceeds limits.",
        "recurring": True,
        "limits": {"interval_hours": "300.0", "interval_months": 12},
    }
    created = client.post("/api/v1/maintenance/directives", body, format="json")
    assert created.status_code == 201, created.json()
    applied = client.post(
        f"/api/v1/maintenance/directives/{created.json()['id']}/apply",
        {"aircraft": light_jet.pk},
        format="json",
    )
    assert applied.status_code == 201, applied.json()
    item = TrackedItem.objects.get(pk=applied.json()["id"])
    # counted from the effective date at the aircraft's current times
    assert (item.due_hours, item.due_on) == (Decimal("1450.0"), date(2027, 4, 30))
    services.item_sign_off(item=item, actor=None, signer_name="M", certificate_number="IA 1")
    item.refresh_from_db()
    assert not item.terminated
    assert item.due_hours == Decimal("1450.0")
    # a terminating action ends the repeats
    services.item_sign_off(
        item=item, actor=None, signer_name="M", certificate_number="IA 1", terminating=True
    )
    item.refresh_from_db()
    assert item.terminated
    not_applicable = client.post(
        f"/api/v1/maintenance/directives/{created.json()['id']}/apply",
        {"aircraft": make_aircraft(aircraft_type="GLF6").pk},
        format="json",
    )
    assert not_applicable.status_code == 409
    assert not_applicable.json()["code"] == "directive_not_applicable"


def test_time_correction_is_audited_and_needs_a_reason(maintenance_user, light_jet):
    client = bearer(maintenance_user)
    refused = client.post(
        "/api/v1/maintenance/time-corrections",
        {"aircraft": light_jet.pk, "hours_delta": "1.5", "reason": " "},
        format="json",
    )
    assert refused.status_code == 400
    ok = client.post(
        "/api/v1/maintenance/time-corrections",
        {
            "aircraft": light_jet.pk,
            "hours_delta": "1.5",
            "cycles_delta": 1,
            "reason": "Flight logged on paper",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    light_jet.refresh_from_db()
    assert (light_jet.total_hours, light_jet.total_cycles) == (Decimal("1151.5"), 901)
    assert light_jet.history.latest().history_user == maintenance_user
    assert "Flight logged on paper" in light_jet.history.latest().history_change_reason
    assert TimeCorrection.objects.get().actor == maintenance_user
    with pytest.raises(ValidationError):
        services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("-5000"), reason="oops")


def test_daily_alerts_are_sent_once_per_threshold(light_jet, preset_items):
    services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("45.0"), reason="audit")
    squawk = services.squawk_raise(
        aircraft=light_jet,
        actor=None,
        description="Lav light",
        severity="deferrable",
        discovered_on=timezone.localdate() - timedelta(days=2),
    )
    services.squawk_defer(squawk=squawk, actor=None, mel_item="33-20-01", mel_category="B")
    services.part_save(
        actor=None, part_number="OF-1", description="Oil filter", location="KTEB", minimum_quantity=4
    )
    # the 100-hour due soon, the deferral's last day tomorrow, the oil filters below minimum
    assert maintenance_alerts_task.delay().get() == 3
    assert maintenance_alerts_task.delay().get() == 0
    assert len(mail.outbox) == 3
    assert set(MaintenanceAlert.objects.values_list("kind", flat=True)) == {
        "due_soon",
        "mel_expiry",
        "low_stock",
    }
    # passing the due point is a new threshold
    services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("6.0"), reason="audit")
    assert maintenance_alerts_task.delay().get() == 1
    assert MaintenanceAlert.objects.filter(kind="overdue").count() == 1


def test_admin_due_list_and_sign_off_action(client, maintenance_user, light_jet, preset_items):
    browser = admin_login(client, maintenance_user)
    services.time_correct(aircraft=light_jet, actor=None, hours_delta=Decimal("45.0"), reason="audit")
    fleet = browser.get("/admin/maintenance/trackeditem/due/?days=30&hours=50")
    assert fleet.status_code == 200
    assert "100-hour inspection" in fleet.content.decode()
    assert "Due soon" in fleet.content.decode()
    one = browser.get(f"/admin/maintenance/trackeditem/due/?aircraft={light_jet.pk}")
    assert "Annual inspection" in one.content.decode()
    hundred = preset_items["91.409(b)"]
    refused = browser.post(
        "/admin/maintenance/trackeditem/",
        {"action": "sign_off", "_selected_action": [hundred.pk], "signer_name": "", "certificate_number": ""},
        follow=True,
    )
    assert "signer" in refused.content.decode().lower() or "certificate" in refused.content.decode().lower()
    assert not ComplianceRecord.objects.exists()
    browser.post(
        "/admin/maintenance/trackeditem/",
        {
            "action": "sign_off",
            "_selected_action": [hundred.pk],
            "signer_name": "Max Mechanic",
            "certificate_number": "IA 3456789",
        },
    )
    hundred.refresh_from_db()
    assert hundred.due_hours == Decimal("1295.0")
    assert ComplianceRecord.objects.get().signed_by == maintenance_user


def test_admin_closes_a_work_order(client, maintenance_user, light_jet, preset_items):
    browser = admin_login(client, maintenance_user)
    order = services.work_order_create(
        aircraft=light_jet,
        actor=None,
        title="Annual",
        planned_start=future(2, 8),
        planned_end=future(2, 18),
        items=[preset_items["91.409(a)"]],
    )
    page = browser.get(f"/admin/maintenance/workorder/{order.pk}/change/")
    assert page.status_code == 200
    browser.post(
        "/admin/maintenance/workorder/",
        {
            "action": "close",
            "_selected_action": [order.pk],
            "signer_name": "Max Mechanic",
            "certificate_number": "IA 3456789",
        },
    )
    order.refresh_from_db()
    assert order.status == "closed"
    annual = TrackedItem.objects.get(pk=preset_items["91.409(a)"].pk)
    assert annual.last_done_on == timezone.localdate()
    assert WorkOrder.objects.get().compliance.count() == 1


def test_91_417_records_report_in_json_csv_and_pdf(
    maintenance_user, ops_user, client_a_user, light_jet, preset_items
):
    services.part_save(
        actor=None,
        part_number="ELT-1",
        serial_number="S100",
        description="ELT battery",
        location="installed",
        aircraft=light_jet,
        life_limit_on=date(2028, 1, 31),
    )
    services.item_sign_off(
        item=preset_items["91.409(b)"], actor=None, signer_name="M", certificate_number="IA 1"
    )
    client = bearer(maintenance_user)
    body = client.get(f"/api/v1/maintenance/records/{light_jet.pk}").json()
    sections = {row["section"] for row in body["rows"]}
    assert sections == {"life-limited part", "inspection"}
    hundred = next(r for r in body["rows"] if r["item"] == "91.409(b)")
    assert (hundred["hours_at"], hundred["since"].split(",")[0], hundred["next_due"]) == (
        "1150.0",
        "0.0 h",
        "1250.0 h",
    )
    csv_response = client.get(f"/api/v1/maintenance/records/{light_jet.pk}?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "91.409(b)" in csv_response.content.decode()
    pdf = bearer(ops_user).get(f"/api/v1/maintenance/records/{light_jet.pk}?format=pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert bearer(client_a_user).get(f"/api/v1/maintenance/records/{light_jet.pk}").status_code in (403, 404)


def test_sdr_export_lists_reportable_squawks(maintenance_user, light_jet):
    client = bearer(maintenance_user)
    client.post(
        "/api/v1/maintenance/squawks",
        {
            "aircraft": light_jet.pk,
            "description": "=Cracked windshield outer ply",
            "severity": "grounding",
            "reportable": True,
            "ata_chapter": "56",
            "part_name": "Windshield",
            "part_number": "6617500-2",
            "part_condition": "Cracked",
            "stage_of_operation": "Cruise",
        },
        format="json",
    )
    services.squawk_raise(aircraft=light_jet, actor=None, description="Not reportable", severity="deferrable")
    rows = client.get("/api/v1/maintenance/squawks/sdr").json()
    assert [r["part_number"] for r in rows] == ["6617500-2"]
    text = client.get("/api/v1/maintenance/squawks/sdr?format=csv").content.decode()
    assert "'=Cracked windshield" in text  # a formula-looking cell is neutralised
    assert bearer(maintenance_user).get("/api/v1/maintenance/squawks/sdr?format=xml").status_code == 400


def test_costs_per_aircraft_against_budget(
    maintenance_user, light_jet, preset_items, django_assert_max_num_queries
):
    order = services.work_order_create(
        aircraft=light_jet,
        actor=None,
        title="Annual",
        planned_start=future(2, 8),
        planned_end=future(2, 18),
        labour_cost=Decimal("1500.00"),
        other_cost=Decimal("200.00"),
        budget=Decimal("2000.00"),
    )
    part = services.part_save(
        actor=None,
        part_number="OF-1",
        description="Oil filter",
        location="KTEB",
        quantity=5,
        unit_cost=Decimal("186"),
    )
    client = bearer(maintenance_user)
    used = client.post(
        f"/api/v1/maintenance/work-orders/{order.pk}/parts", {"part": part.pk, "quantity": 2}, format="json"
    )
    assert used.status_code == 201, used.json()
    assert used.json()["total_cost"] == "2072.00"
    too_many = client.post(
        f"/api/v1/maintenance/work-orders/{order.pk}/parts", {"part": part.pk, "quantity": 9}, format="json"
    )
    assert too_many.status_code == 409
    assert too_many.json()["code"] == "insufficient_stock"
    services.work_order_close(work_order=order, actor=None, signer_name="M", certificate_number="IA 1")
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/maintenance/work-orders/costs").json()
    (row,) = body["aircraft"]
    assert (row["tail_number"], row["parts"], row["actual"], row["over_budget"]) == (
        "N100JA",
        "372.00",
        "2072.00",
        "72.00",
    )
    assert (
        client.get("/api/v1/maintenance/work-orders/costs?from=2026-05-01&to=2026-01-01").status_code == 400
    )
