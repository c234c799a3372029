"""The domain's errors: what a service raises to refuse an operation, in words of the domain.

Services never raise HTTP errors. Two kinds of refusal reach the outside:

- ``Conflict``: the request is well-formed but the current state refuses it (a double booking,
  an illegal crew assignment, a quote already accepted). It carries a stable ``code``, a
  sentence for a person (``detail``) and ``details`` the caller may show (the conflicting
  flights, the broken rules…).
- Django's ``ValidationError``: an input is wrong. It is already the domain's validation error
  (models' ``clean``, forms and ``full_clean`` raise it), names fields, and carries codes, so
  the project uses it rather than a twin of its own.

Each is mapped once to the outside: the API's exception handler
(``jetops.api.exceptions``: a 409 or 400 in the ``{code, detail, errors}`` shape) and the
admin's adapter (``jetops.admin.Refusal``: form errors or an error message). Django's
``PermissionDenied`` (``jetops.critical``) is the third refusal a service may raise.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """The base of the domain's refusals: ``code`` names the reason for a program, ``detail``
    says it to a person, ``details`` are what the caller may show beside it."""

    default_code = "refused"

    def __init__(self, detail: str, code: str | None = None, **details: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.details = details


class Conflict(DomainError):
    """The current state refuses the operation (the API answers 409)."""

    default_code = "conflict"
