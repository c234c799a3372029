"""Cross-cutting models: the abstract ``BaseModel``, users and roles, the auth activity log,
refresh-token families and authenticator devices."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, Permission, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator
from phonenumber_field.modelfields import PhoneNumberField
from simple_history import register
from simple_history.models import HistoricalRecords

from jetops.fields import EncryptedTextField
from jetops.roles import ROLE_BY_BIT, SUPER_ADMIN_LEVEL, is_valid_level, roles_of


class BaseModel(models.Model):
    """Timestamps and a full change history (who, when, what) for every domain model.

    ``tenant_path`` / ``crew_path`` tell ``jetops.permissions.restrict`` how a row hangs off a
    client account or a crew member, so portal and crew users see only their own rows;
    ``scoped_sees_all`` marks reference data every scoped user holding the view permission may
    read (the portal's view of the fleet).
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(inherit=True)

    tenant_path: ClassVar[str | None] = None
    crew_path: ClassVar[str | None] = None
    scoped_sees_all: ClassVar[bool] = False

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    """Creates users through the same rules as the API and admin: a valid level, a hashed
    password. Role permissions follow from ``level`` (``jetops.backends.LevelBackend``), so a
    user made in a shell has exactly the permissions of its roles."""

    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        if not username:
            raise ValueError("A username is required.")
        email = self.normalize_email(extra.pop("email", "") or "")
        user = self.model(username=username, email=email, **extra)
        user.full_clean(exclude=["password"])
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("level", SUPER_ADMIN_LEVEL)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


def validate_level(value: int) -> None:
    if not is_valid_level(value):
        raise ValidationError("%(value)s is not a combination of role bits.", params={"value": hex(value)})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff (admin + API), a client portal user, or a crew member.

    ``level`` is the role bit mask; ``role`` and ``is_staff`` derive from it. ``token_version``
    is bumped by logout, password change and deactivation, which invalidates every token issued
    before at once.
    """

    username = models.CharField(max_length=150, unique=True, validators=[UnicodeUsernameValidator()])
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    level = models.PositiveIntegerField(default=0, validators=[validate_level], db_index=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    token_version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "token_version"])

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=0), name="user_level_non_negative")
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def role(self) -> str:
        """The most senior role's name (the seed's ``role`` field), or '' for none."""
        roles = roles_of(self.level)
        return roles[0].label if roles else ""

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in roles_of(self.level)]

    @property
    def is_staff(self) -> bool:
        """Admin access follows the level: any staff role (not Client, not Crew)."""
        return any(r.staff for r in roles_of(self.level))

    @property
    def active(self) -> bool:
        return self.is_active

    def has_role(self, bit: int) -> bool:
        return bool(self.level & bit)

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.username


class RoleGroup(models.Model):
    """Links a role bit to the Django group carrying its permissions. ``granted`` remembers
    which default permissions were already applied, so an admin's removal sticks."""

    bit = models.PositiveIntegerField(unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    granted = models.ManyToManyField(Permission, blank=True, related_name="+")

    class Meta:
        ordering = ["-bit"]

    def __str__(self) -> str:
        role = ROLE_BY_BIT.get(self.bit)
        return role.label if role else hex(self.bit)


class ActivityAction(models.TextChoices):
    LOGIN = "login", "Login"
    LOGOUT = "logout", "Logout"
    TOKEN_REFRESH = "token_refresh", "Token refresh"
    REFRESH_REUSE = "refresh_reuse", "Refresh-token reuse"
    PASSWORD_CHANGE = "password_change", "Password change"
    OTP_ENROL = "otp_enrol", "2FA enrolment"
    OTP_CONFIRM = "otp_confirm", "2FA confirmed"
    OTP_DISABLE = "otp_disable", "2FA disabled"
    OTP_RECOVERY_CODES = "otp_recovery_codes", "2FA recovery codes issued"
    STEP_UP = "step_up", "Step-up verification"
    DENIED = "denied", "Access denied"
    ROLE_CHANGE = "role_change", "Role change"
    DATA_EXPORT = "data_export", "Personal data export"
    DATA_ERASURE = "data_erasure", "Personal data erasure"
    PAYMENT_METHOD_CHANGE = "payment_method_change", "Payment method change"
    LEGALITY_OVERRIDE = "legality_override", "Crew legality override"


class ActivityOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"


class ActivityLog(models.Model):
    """Append-only record of security events: who, what, when, from where, and the outcome.

    Rows are written by ``jetops.activity.activity_record`` only; admin and API expose them
    read-only. Login-failure counts for captcha and lock-out are computed from these rows.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="activity")
    username = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=ActivityAction.choices)
    outcome = models.CharField(max_length=16, choices=ActivityOutcome.choices)
    reason = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=400, blank=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "outcome", "username", "created_at"]),
            models.Index(fields=["action", "outcome", "ip", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        who = self.username or (self.user.username if self.user else "anonymous")
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.outcome}"


class RefreshFamily(models.Model):
    """All refresh tokens descending from one login. Reusing a rotated token revokes the
    family: its refresh tokens stop refreshing and its access tokens stop authenticating."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name_plural = "refresh families"
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.id}"


# Role permissions are edited on the groups: audit those edits too (who removed what, when).
register(Group, app="jetops", m2m_fields=["permissions"], table_name="jetops_historicalgroup")


class NumberSequence(models.Model):
    """Counters for human-facing numbers (quotes, trips, flights, invoices): one row per
    series and year, incremented under a row lock, so numbers are unique and gap-free per
    committed transaction. No history: the numbered records carry their own."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.value}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    PUSH = "push", "Push"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    UNKNOWN = "unknown", "Unknown: interrupted during the send"


class NotificationDelivery(models.Model):
    """One message to one recipient on one channel. ``key`` identifies the business event
    (e.g. ``flight-status:42:departed``): the unique (key, channel, recipient) makes sending
    idempotent, so a retried task or a double click never sends twice. Append-only record
    of what was sent, no history table.

    Life cycle (``jetops.notifications``): *pending* when recorded; *sending* from the moment
    an attempt is claimed (``attempts`` counted, ``attempted_at`` set, committed before the
    message leaves) until its outcome is recorded: *sent*, *failed* (retried while worth it)
    or *unknown* (the worker died during the send of a channel delivered at most once);
    *skipped* when there is nothing to send to."""

    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=254)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel", "recipient"], name="notification_delivery_once"
            ),
        ]
        indexes = [
            # The sweep for deliveries stuck in pending or sending reads only those.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="notification_delivery_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.channel}, {self.status})"


class EncryptedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose secret is encrypted at rest with the
    field-encryption keys (``jetops.fields``), unlike django-otp's ``TOTPDevice``, which stores
    it in clear. Same fields and behaviour otherwise: django-otp's own verification (a code
    at or below the last used time step is refused: no replay), throttling and enrolment URL
    are used as they are. No change history: ``last_t`` moves at every sign-in, and enrolment
    and removal are in the activity log."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="+",  # django-otp finds devices by user; no reverse accessor needed
        help_text="The user that this device belongs to.",
    )
    key = EncryptedTextField(
        default=default_key,
        validators=[key_validator],
        help_text="A hex-encoded secret key of up to 40 bytes.",
    )
    step = models.PositiveSmallIntegerField(default=30, help_text="The time step in seconds.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time at which to begin counting steps.")
    digits = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6, help_text="The number of digits to expect in a token."
    )
    tolerance = models.PositiveSmallIntegerField(
        default=1, help_text="The number of time steps in the past or future to allow."
    )
    drift = models.SmallIntegerField(
        default=0, help_text="The number of time steps the prover is known to deviate from our clock."
    )
    last_t = models.BigIntegerField(
        default=-1, help_text="The time step of the last verified token: the next one must be later."
    )

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    # django-otp's implementation, over the decrypted key.
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings
