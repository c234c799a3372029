"""Replace every recovery code (django-otp static token) stored in clear by its hash
(jetops.auth.otp.recovery_code_digest): the codes users hold keep working, once each.
Irreversible: the codes cannot be recovered from their hashes."""

from django.db import migrations

from jetops.auth.otp import recovery_code_digest


def hash_codes(apps, schema_editor):
    token_model = apps.get_model("otp_static", "StaticToken")
    for token in token_model.objects.order_by("pk"):
        token.token = recovery_code_digest(token.device_id, token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("jetops", "0006_encrypt_totp_seeds"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes)]
