"""Client accounts (the portal's tenant root) and what hangs off them: passengers, payment
method tokens, portal-user memberships and the GDPR data-request register."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from clients.choices import ClientType, DataRequestKind, DataRequestStatus, VipStatus
from clients.preferences import default_preferences
from jetops.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from jetops.models import BaseModel
from jetops.validators import country_validator, currency_validator


class Client(BaseModel):
    """A client account. Portal users get ``clients.view_client`` on it (guardian), and every
    row with ``tenant_path`` leading here is visible to them; nothing else is.

    ``emergency_contacts`` and ``special_instructions`` are encrypted at rest. Erasure
    (``clients.services.client_erase``) replaces personal data with ``pseudonym``.
    """

    client_type = models.CharField(max_length=12, choices=ClientType.choices, default=ClientType.INDIVIDUAL)
    company_name = models.CharField(max_length=200, blank=True)
    contact_person = models.CharField(max_length=200)
    email = models.EmailField()
    phone = PhoneNumberField(blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    preferences = models.JSONField(default=default_preferences, blank=True)
    vip_status = models.CharField(max_length=10, choices=VipStatus.choices, default=VipStatus.STANDARD)
    emergency_contacts = EncryptedJSONField(null=True, blank=True)
    billing_currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Negotiated discount applied to every quote.",
    )
    credit_limit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Most the client may owe on open invoices when booking (0: no limit).",
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text="Days to pay an invoice; empty: the billing profile's default.",
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_clients",
    )
    special_instructions = EncryptedTextField(null=True, blank=True)
    flights_count = models.PositiveIntegerField(default=0)
    flight_hours = models.DecimalField(max_digits=10, decimal_places=1, default=Decimal("0"))
    total_spend = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    legal_hold = models.BooleanField(default=False, help_text="While set, the client cannot be erased.")
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    pseudonym = models.CharField(max_length=40, blank=True)

    tenant_path = ""
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["company_name", "contact_person", "id"]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["vip_status", "client_type"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="client_discount_0_100",
                violation_error_message="The discount is a percentage between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0),
                name="client_credit_limit_non_negative",
                violation_error_message="The credit limit cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(client_type=ClientType.CORPORATE) | ~Q(company_name=""),
                name="client_corporate_has_company",
                violation_error_message="A corporate client needs a company name.",
            ),
        ]
        permissions = [
            ("change_client_preferences", "Can change a client's preferences"),
            ("erase_client", "Can erase a client's personal data (GDPR)"),
            ("export_client", "Can export a client's data (GDPR)"),
            ("manage_client_users", "Can create portal users for a client"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """An account manager is a staff user, never a portal or crew login. Checked when the
        manager is set or changed, so a manager whose roles changed since does not block
        unrelated edits of the account (or its erasure)."""
        super().clean()
        manager = self.account_manager
        if manager is None or manager.is_staff:
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("account_manager_id", flat=True).first()
        if stored != manager.pk:
            raise ValidationError({"account_manager": "An account manager must be a staff user."})

    @property
    def display_name(self) -> str:
        if self.client_type == ClientType.CORPORATE and self.company_name:
            return self.company_name
        return self.contact_person

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        """What erasure puts in place of the personal fields (a company name is not one)."""
        return {
            "contact_person": pseudonym,
            "company_name": self.company_name if self.client_type == ClientType.CORPORATE else "",
            "email": f"{pseudonym.lower()}@erased.invalid",
            "phone": "",
            "billing_address": {},
            "preferences": default_preferences(),
            "emergency_contacts": None,
            "special_instructions": None,
        }


class Passenger(BaseModel):
    """A person who flies on a client's account. Passport number and date of birth are
    encrypted; the passport expiry stays plain so manifests can warn without decrypting."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="passengers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    nationality = models.CharField(max_length=2, blank=True, validators=[country_validator])
    passport_number = EncryptedTextField(null=True, blank=True)
    passport_expiry = models.DateField(null=True, blank=True)
    passport_country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("400"))],
    )
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    tenant_path = "client"
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | (Q(weight_kg__gte=1) & Q(weight_kg__lte=400)),
                name="passenger_weight_plausible",
                violation_error_message="The weight must be between 1 and 400 kg.",
            ),
        ]
        permissions = [("view_passport", "Can see full passport numbers and dates of birth")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        super().clean()
        if self.date_of_birth is not None and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": ["A date of birth cannot be in the future."]})

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {
            "first_name": pseudonym,
            "last_name": "",
            "date_of_birth": None,
            "nationality": "",
            "passport_number": None,
            "passport_expiry": None,
            "passport_country": "",
            "weight_kg": None,
            "email": "",
            "phone": "",
            "preferences": {},
            "is_active": False,
        }


class PaymentMethod(BaseModel):
    """A payment method as the provider's token, never card data (PCI DSS stays with the
    provider). Only brand, last four digits, expiry and holder are kept for display."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="payment_methods")
    provider = models.CharField(max_length=40)
    token = models.CharField(max_length=255)
    brand = models.CharField(max_length=30, blank=True)
    last4 = models.CharField(max_length=4, validators=[RegexValidator(r"^\d{4}$", "Four digits.")])
    exp_month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    exp_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    holder_name = models.CharField(max_length=200, blank=True)
    is_default = models.BooleanField(default=False)

    tenant_path = "client"
    gdpr_erasure = "delete"
    gdpr_export_exclude = ("token",)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "token"], name="payment_method_token_unique"),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_default=True),
                name="payment_method_one_default",
                violation_error_message="A client has at most one default payment method.",
            ),
            models.CheckConstraint(
                condition=Q(exp_month__gte=1) & Q(exp_month__lte=12),
                name="payment_method_month_1_12",
                violation_error_message="The expiry month is 1-12.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand or 'Card'} •••• {self.last4}"

    def expired(self, today: date) -> bool:
        return (self.exp_year, self.exp_month) < (today.year, today.month)


class ClientMembership(BaseModel):
    """A portal user of a client account (the guardian grant on the Client gives the access;
    this row says why it exists, for listing, export and erasure)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_memberships"
    )

    tenant_path = "client"
    gdpr_erasure = "keep"  # the linked users are anonymised by the erasure itself

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "user"], name="client_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


def one_month_after(day: date) -> date:
    """GDPR Art. 12(3): one month from receipt; the same day of the next month, or the last
    day of that month when it is shorter (31 Jan → 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DataRequest(BaseModel):
    """The register of data-subject requests, with the one-month answer deadline."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(max_length=20, choices=DataRequestKind.choices)
    status = models.CharField(
        max_length=20, choices=DataRequestStatus.choices, default=DataRequestStatus.RECEIVED
    )
    received_on = models.DateField()
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    tenant_path = "client"
    gdpr_erasure = "anonymise"

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="data_request_due_after_receipt",
                violation_error_message="The due date cannot be before the request was received.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.client} (due {self.due_on})"

    def anonymised_values(self, pseudonym: str) -> dict[str, Any]:
        return {"notes": ""}

    def overdue(self, today: date) -> bool:
        return (
            self.status in (DataRequestStatus.RECEIVED, DataRequestStatus.IN_PROGRESS) and today > self.due_on
        )
