"""The guard of critical operations: role changes, GDPR erasure, crew legality overrides.

Each such operation is allowed only to an actor holding its permission, from a network in
``CRITICAL_IP_ALLOWLIST`` (empty: any network), after a recent second-factor verification
(the step-up). The operation's *service* calls ``critical_check`` before it writes anything,
so the admin, the API and commands all meet the same check. What the caller passes is the
request's ``RequestMeta``:

- the API: ``request_meta(request)``; the access token's ``otp`` claim is the step-up proof
  (``POST /api/v1/auth/step-up`` renews it);
- the admin: the form asks for the authenticator code, ``request_meta_with_code(request, code)``;
  the code is verified here, once (a code works once, like at login);
- a management command run by an operator on the server: ``operator_context(name)``. Whoever
  has a shell there already holds the database and the encryption keys, so neither a network
  rule nor a second factor protects anything; the activity row names the command instead of
  an address. No request can produce this context.

Anything else (no context at all, no actor) is refused: a caller that forgets the context fails
closed. Call ``critical_check`` outside the operation's own transaction: a wrong code counts
against the device's throttle, and that must not be rolled back with the refused operation.
"""

from __future__ import annotations

import ipaddress
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model

from jetops.activity import RequestMeta, activity_record
from jetops.auth.otp import otp_verify
from jetops.models import ActivityAction, ActivityOutcome, EncryptedTOTPDevice
from jetops.permissions import step_up_fresh, user_can

if TYPE_CHECKING:
    from jetops.models import User


class CriticalOperationRefused(PermissionDenied):
    """A critical operation refused by its guard: ``code`` says why (``permission_denied``,
    ``ip_not_allowed``, ``otp_required``, ``otp_invalid``, ``context_required``). The API
    answers 403 with it, the admin shows ``detail`` on the form."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def operator_context(command: str) -> RequestMeta:
    """The context of a management command an operator runs on the server (see the module)."""
    return RequestMeta(method="COMMAND", path=command[:400], trusted=True)


def ip_allowed(ip: str | None) -> bool:
    """Is ``ip`` inside ``CRITICAL_IP_ALLOWLIST``? (Any address when the list is empty.)"""
    networks = settings.CRITICAL_IP_NETWORKS
    if not networks:
        return True
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in network for network in networks)


def _step_up_record(actor: User, meta: RequestMeta, *, verified: bool) -> None:
    activity_record(
        action=ActivityAction.STEP_UP,
        outcome=ActivityOutcome.SUCCESS if verified else ActivityOutcome.FAILURE,
        user=actor,
        meta=meta,
        detail={"via": "admin"},
    )


def step_up_failure_recount(actor: User, meta: RequestMeta) -> None:
    """Count a wrong code again, against the device's throttle and in the activity log, once
    the transaction that checked it was rolled back (the admin rolls a refused attempt back
    whole): a wrong code must count whatever the caller's transaction does."""
    device = EncryptedTOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is not None:
        device.throttle_increment()
    _step_up_record(actor, meta, verified=False)


def _step_up(actor: User, meta: RequestMeta) -> None:
    proof = meta.step_up
    if proof.code:
        code, proof.code = proof.code, ""
        verified = otp_verify(actor, code, allow_recovery=False)
        _step_up_record(actor, meta, verified=verified)
        if not verified:
            raise CriticalOperationRefused("otp_invalid", "The code is wrong or was already used.")
        # The rest of this request (the other rows of a bulk action) rides on this verification.
        proof.otp_at = int(time.time())
    if not step_up_fresh(proof.otp_at):
        raise CriticalOperationRefused(
            "otp_required",
            f"This operation needs a two-factor verification from the last "
            f"{settings.STEP_UP_MAX_AGE_MINUTES} minutes: the code of your authenticator app in "
            "the admin form, or POST /api/v1/auth/step-up in the API.",
        )


def critical_check(
    *, actor: User | None, meta: RequestMeta | None, perm: str, action: str, obj: Model | None = None
) -> None:
    """Raise ``CriticalOperationRefused`` unless ``actor`` may perform the critical operation
    guarded by ``perm`` (on ``obj``) from where ``meta`` says the request came from, with a
    recent step-up; ``action`` words the operation for the refusal ("erase personal data").
    An operator's command (``operator_context``) passes."""
    if meta is not None and meta.trusted:
        return
    if meta is None or actor is None:
        raise CriticalOperationRefused(
            "context_required", f"To {action}, sign in: this operation needs a user's request."
        )
    if not user_can(actor, perm, obj):
        raise CriticalOperationRefused("permission_denied", f"You may not {action}.")
    if not ip_allowed(meta.ip):
        raise CriticalOperationRefused(
            "ip_not_allowed", f"You may not {action} from your network (CRITICAL_IP_ALLOWLIST)."
        )
    _step_up(actor, meta)
