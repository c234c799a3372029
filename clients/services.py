"""Writes on client accounts. Admin, API and Celery all go through these functions, so the
permission-relevant side effects (guardian grants, history actor, activity rows) happen once."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from clients.choices import ClientType, DataRequestKind, DataRequestStatus
from clients.models import Client, ClientMembership, DataRequest, Passenger, PaymentMethod, one_month_after
from clients.permissions import ERASE_CLIENT, VIEW_CLIENT
from clients.personal import sees_sensitive
from clients.preferences import default_preferences, preferences_validate
from jetops.activity import RequestMeta, activity_record
from jetops.critical import critical_check
from jetops.errors import Conflict
from jetops.models import ActivityAction, ActivityOutcome, User
from jetops.permissions import step_up_fresh
from jetops.roles import Role
from jetops.services import client_login_create
from jetops.writes import apply_fields, delete_recorded, save_validated

CLIENT_FIELDS = (
    "client_type",
    "company_name",
    "contact_person",
    "email",
    "phone",
    "billing_address",
    "vip_status",
    "emergency_contacts",
    "billing_currency",
    "discount_percent",
    "credit_limit",
    "account_manager",
    "special_instructions",
    "legal_hold",
    "legal_hold_reason",
)
PASSENGER_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expiry",
    "passport_country",
    "weight_kg",
    "email",
    "phone",
    "preferences",
    "is_active",
)


def preferred_aircraft_check(ids: list[int]) -> None:
    aircraft = apps.get_model("fleet", "Aircraft")
    known = set(aircraft.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValidationError({"preferred_aircraft": [f"Unknown aircraft: {', '.join(map(str, missing))}."]})


def _preferences_merge(current: dict[str, Any], given: Any) -> dict[str, Any]:
    cleaned, errors = preferences_validate(given)
    if errors:
        raise ValidationError(errors)
    if "preferred_aircraft" in cleaned:
        preferred_aircraft_check(cleaned["preferred_aircraft"])
    return {**default_preferences(), **(current or {}), **cleaned}


@transaction.atomic
def client_create(*, actor: User | None, preferences: Any = None, **data: Any) -> Client:
    """Create a client account (preferences validated, defaults filled in)."""
    client = Client()
    apply_fields(client, data, CLIENT_FIELDS)
    client.preferences = _preferences_merge({}, preferences or {})
    save_validated(client, actor)
    return client


@transaction.atomic
def client_update(*, client: Client, actor: User | None, preferences: Any = None, **data: Any) -> Client:
    if client.is_erased:
        raise Conflict(
            "This client's personal data was erased: the account cannot be edited.", "client_erased"
        )
    apply_fields(client, data, CLIENT_FIELDS)
    if preferences is not None:
        client.preferences = _preferences_merge(client.preferences, preferences)
    save_validated(client, actor)
    return client


@transaction.atomic
def client_preferences_update(*, client: Client, preferences: Any, actor: User | None) -> Client:
    """Merge validated preferences into the client's (unknown keys refused)."""
    return client_update(client=client, actor=actor, preferences=preferences)


@transaction.atomic
def passenger_create(*, client: Client, actor: User | None, **data: Any) -> Passenger:
    if client.is_erased:
        raise Conflict("This client's personal data was erased.", "client_erased")
    passenger = Passenger(client=client)
    apply_fields(passenger, data, PASSENGER_FIELDS)
    save_validated(passenger, actor)
    return passenger


@transaction.atomic
def passenger_update(*, passenger: Passenger, actor: User | None, **data: Any) -> Passenger:
    apply_fields(passenger, data, PASSENGER_FIELDS)
    save_validated(passenger, actor)
    return passenger


@transaction.atomic
def passenger_delete(*, passenger: Passenger, actor: User | None) -> None:
    """Delete a passenger; one who is on a manifest is kept (deactivated) for the record."""
    try:
        with transaction.atomic():
            delete_recorded(passenger, actor)
    except ProtectedError as exc:
        raise Conflict(
            "This passenger is on flight manifests and cannot be deleted; deactivate them instead.",
            "passenger_in_use",
        ) from exc


@transaction.atomic
def payment_method_add(
    *,
    client: Client,
    actor: User | None,
    meta: RequestMeta | None = None,
    provider: str,
    token: str,
    last4: str,
    exp_month: int,
    exp_year: int,
    brand: str = "",
    holder_name: str = "",
    is_default: bool = False,
) -> PaymentMethod:
    """Store a provider token (never card data). The first method becomes the default."""
    has_methods = client.payment_methods.exists()
    if is_default or not has_methods:
        for other in client.payment_methods.filter(is_default=True):
            other.is_default = False
            save_validated(other, actor)
        is_default = True
    method = PaymentMethod(
        client=client,
        provider=provider,
        token=token,
        last4=last4,
        exp_month=exp_month,
        exp_year=exp_year,
        brand=brand,
        holder_name=holder_name,
        is_default=is_default,
    )
    try:
        with transaction.atomic():
            save_validated(method, actor)
    except (IntegrityError, ValidationError) as exc:
        if PaymentMethod.objects.filter(provider=provider, token=token).exists():
            raise Conflict("This payment token is already registered.", "payment_method_exists") from exc
        raise
    activity_record(
        action=ActivityAction.PAYMENT_METHOD_CHANGE,
        outcome=ActivityOutcome.SUCCESS,
        user=actor,
        meta=meta,
        subject=client,
        detail={"added": method.pk, "brand": brand, "last4": last4},
    )
    return method


@transaction.atomic
def payment_method_remove(
    *, method: PaymentMethod, actor: User | None, meta: RequestMeta | None = None
) -> None:
    client = method.client
    was_default, pk = method.is_default, method.pk
    delete_recorded(method, actor)
    if was_default:
        successor = client.payment_methods.order_by("-created_at").first()
        if successor is not None:
            successor.is_default = True
            save_validated(successor, actor)
    activity_record(
        action=ActivityAction.PAYMENT_METHOD_CHANGE,
        outcome=ActivityOutcome.SUCCESS,
        user=actor,
        meta=meta,
        subject=client,
        detail={"removed": pk},
    )


@transaction.atomic
def portal_user_create(
    *,
    client: Client,
    username: str,
    email: str,
    password: str,
    actor: User | None,
    meta: RequestMeta | None = None,
    name: str = "",
) -> User:
    """A Client-role user linked to ``client``: guardian grant on the Client (the tenant root)
    plus a membership row. Individual accounts have one portal user; corporate ones several."""
    if client.is_erased:
        raise Conflict("This client's personal data was erased.", "client_erased")
    if client.client_type == ClientType.INDIVIDUAL and client.memberships.exists():
        raise Conflict(
            "An individual account has one portal user; make the account corporate for more.",
            "portal_user_limit",
        )
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": ["This username is taken."]})
    user = client_login_create(
        username=username,
        password=password,
        actor=actor,
        meta=meta,
        email=email,
        name=name or client.contact_person,
    )
    portal_user_link(client=client, user=user, actor=actor)
    return user


@transaction.atomic
def portal_user_link(*, client: Client, user: User, actor: User | None) -> ClientMembership:
    """Give an existing Client-role user access to ``client`` (idempotent)."""
    if not user.level & Role.CLIENT:
        raise ValidationError({"user": ["Only users with the Client role can be portal users."]})
    membership = ClientMembership.objects.filter(client=client, user=user).first()
    if membership is None:
        membership = ClientMembership(client=client, user=user)
        save_validated(membership, actor)
    assign_perm(VIEW_CLIENT, user, client)
    return membership


@transaction.atomic
def portal_user_remove(*, membership: ClientMembership, actor: User | None) -> None:
    remove_perm(VIEW_CLIENT, membership.user, membership.client)
    delete_recorded(membership, actor)


@transaction.atomic
def data_request_create(
    *,
    client: Client,
    kind: str,
    actor: User | None,
    received_on: date | None = None,
    notes: str = "",
) -> DataRequest:
    received_on = received_on or timezone.localdate()
    request = DataRequest(
        client=client,
        kind=kind,
        received_on=received_on,
        due_on=one_month_after(received_on),
        requested_by=actor,
        notes=notes,
    )
    save_validated(request, actor)
    return request


@transaction.atomic
def data_request_update(
    *, request: DataRequest, actor: User | None, status: str, notes: str | None = None
) -> DataRequest:
    request.status = status
    request.handled_by = actor
    if notes is not None:
        request.notes = notes
    if status in (DataRequestStatus.COMPLETED, DataRequestStatus.REFUSED) and request.completed_at is None:
        request.completed_at = timezone.now()
    save_validated(request, actor)
    return request


def _complete_requests(client: Client, kind: str, actor: User | None) -> None:
    for request in client.data_requests.filter(
        kind=kind, status__in=[DataRequestStatus.RECEIVED, DataRequestStatus.IN_PROGRESS]
    ):
        data_request_update(request=request, actor=actor, status=DataRequestStatus.COMPLETED)


def client_export_record(
    *, client: Client, actor: User | None, meta: RequestMeta | None = None
) -> dict[str, Any]:
    """Build the GDPR export (``clients.gdpr.client_export``), log it, and close any open
    access request. The export shows what the actor's reads show (``clients.personal``): a
    complete one, with passports in clear, also needs a recent step-up (the data subject's
    own export included); without it, the sensitive fields are masked and the export says so."""
    from clients.gdpr import client_export

    trusted = meta is not None and meta.trusted
    fresh = meta is not None and step_up_fresh(meta.step_up.otp_at)
    complete = trusted or (fresh and sees_sensitive(actor, client))
    data = client_export(client, complete=complete)
    with transaction.atomic():
        activity_record(
            action=ActivityAction.DATA_EXPORT,
            outcome=ActivityOutcome.SUCCESS,
            user=actor,
            meta=meta,
            subject=client,
            detail={"complete": complete},
        )
        _complete_requests(client, DataRequestKind.ACCESS, actor)
    return data


def client_erase(*, client: Client, actor: User | None, meta: RequestMeta | None = None) -> Client:
    """Erase the client's personal data everywhere (GDPR Art. 17, ``clients.gdpr``): personal
    fields of every row hanging off the client are replaced by a pseudonym (history included),
    payment tokens deleted, portal users deactivated and anonymised, their security log and
    the admin's log scrubbed. Flight and financial records stay, under the pseudonym.
    Refused while a legal hold is set. A critical operation (``clients.erase_client``, the IP
    allow-list and the step-up, ``jetops.critical``)."""
    critical_check(actor=actor, meta=meta, perm=ERASE_CLIENT, action="erase personal data", obj=client)
    with transaction.atomic():
        return _client_erase(client, actor, meta)


def _client_erase(client: Client, actor: User | None, meta: RequestMeta | None) -> Client:
    from clients.gdpr import erase_client_data

    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.legal_hold:
        raise Conflict(
            f"A legal hold is set on this client ({client.legal_hold_reason or 'no reason given'}): "
            "erasure is refused until it is lifted.",
            "legal_hold",
        )
    if client.is_erased:
        raise Conflict("This client was already erased.", "client_erased")
    pseudonym = f"ERASED-{secrets.token_hex(4).upper()}"
    client.pseudonym = pseudonym
    client.erased_at = timezone.now()
    erase_client_data(client, pseudonym, actor)
    _complete_requests(client, DataRequestKind.ERASURE, actor)
    activity_record(
        action=ActivityAction.DATA_ERASURE,
        outcome=ActivityOutcome.SUCCESS,
        user=actor,
        meta=meta,
        subject=client,
        detail={"pseudonym": pseudonym},
    )
    return client
