"""Field-level encryption at rest for personal data and secrets (passport numbers, dates of birth,
emergency contacts, special instructions, TOTP seeds).

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256) under ``settings.FIELD_ENCRYPTION_KEYS``,
newest first: new writes use the first key, every key decrypts, so a rotation is "prepend a key,
run ``manage.py rotate_field_keys``, drop the old key". Encrypted columns cannot be searched or
ordered by the database; that is the price of keeping them unreadable in a dump.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def field_cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return field_cipher().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return field_cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted column cannot be decrypted with FIELD_ENCRYPTION_KEYS: a key is missing."
        ) from exc


def rotate_token(token: str) -> str:
    """Re-encrypt ``token`` under the newest key."""
    return field_cipher().rotate(token.encode()).decode()


class EncryptedFieldMixin:
    """Stores ``encode_value(value)`` encrypted in a text column; ``None`` stays NULL."""

    encrypted = True

    def encode_value(self, value: Any) -> str:
        return str(value)

    def decode_value(self, text: str) -> Any:
        return text

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.decode_value(decrypt_text(value))

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)  # type: ignore[attr-defined]
        if value is None:
            return None
        return encrypt_text(self.encode_value(value))

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    def to_python(self, value: Any) -> str | None:
        return None if value is None else str(value)


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    def encode_value(self, value: Any) -> str:
        return value.isoformat()

    def decode_value(self, text: str) -> date:
        return date.fromisoformat(text)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return getattr(model_instance, self.attname)


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """JSON (lists/dicts) stored encrypted; compared and validated in Python only."""

    def encode_value(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    def decode_value(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return self.encode_value(self.value_from_object(obj))


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
