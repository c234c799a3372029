"""Move every authenticator from django-otp's TOTPDevice, whose secret is stored in clear, to
EncryptedTOTPDevice (the secret encrypted with FIELD_ENCRYPTION_KEYS). Same ids are not kept:
admin sessions verified with an old device sign in again."""

from django.db import migrations

COPIED = [
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
]


def _move(source, target):
    for device in source.objects.order_by("pk"):
        moved = target.objects.create(**{name: getattr(device, name) for name in COPIED})
        # created_at is set on insert (auto_now_add): put the enrolment date back.
        target.objects.filter(pk=moved.pk).update(created_at=device.created_at)
        device.delete()


def encrypt(apps, schema_editor):
    _move(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("jetops", "EncryptedTOTPDevice"))


def decrypt(apps, schema_editor):
    _move(apps.get_model("jetops", "EncryptedTOTPDevice"), apps.get_model("otp_totp", "TOTPDevice"))


class Migration(migrations.Migration):
    dependencies = [
        ("jetops", "0005_encrypted_totp_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
