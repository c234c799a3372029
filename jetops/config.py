"""Reading settings from the environment: typed, validated, failing loudly with the variable name.

``<NAME>_FILE`` is honoured for every variable, so secrets can come from mounted files.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any, NoReturn

import environ
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

# django-environ's true strings; anything else that is not one of these is refused (its own
# bool cast reads every unknown value as False, which would hide a typo).
_FALSE = {"0", "false", "no", "n", "off", ""}


# The reader's methods are named after the types they return (env.str, env.int, ...), which
# shadows the builtins inside the class body: annotations there use these aliases.
Str = str
Int = int
Bool = bool
StrList = list[str]


DEV_ENV_FILE = Path("var") / "dev.env"
"""Written by ``make run`` (the quick start's environment, ``DJANGO_DEBUG=1``) under the project,
beside the development database and secrets; ``manage.py`` reads it when present."""


def read_dev_env(project_dir: Path) -> None:
    """Put the variables of the project's ``DEV_ENV_FILE`` into the environment, when it exists,
    so ``manage.py`` commands run after ``make run`` see the same development environment.
    Variables already set win."""
    path = project_dir / DEV_ENV_FILE
    if path.is_file():
        environ.Env.read_env(path)


class EnvReader(environ.FileAwareEnv):
    """Typed access to environment variables over django-environ: ``<NAME>_FILE`` is read
    instead of ``<NAME>`` when set (``environ.FileAwareEnv``, the file's content stripped),
    values are parsed by django-environ, and every bad value fails loudly naming the variable.

    Values are taken as written: django-environ's ``$OTHER`` references are not followed, so
    a secret may start with ``$``."""

    def __init__(self, environ_map: dict[str, str] | None = None) -> None:
        super().__init__()
        source = environ_map if environ_map is not None else os.environ
        self.ENVIRON = environ.FileAwareMapping(env=source, cache=False)

    @staticmethod
    def fail(name: Str, message: Str) -> NoReturn:
        raise ImproperlyConfigured(f"Environment variable {name} {message}.")

    def raw(self, name: Str) -> Str | None:
        from_file = bool(self.ENVIRON.env.get(f"{name}_FILE"))
        try:
            value = self.ENVIRON.get(name)
        except OSError as exc:
            self.fail(f"{name}_FILE", f"points to an unreadable file ({exc.strerror})")
        return value.strip() if from_file and value is not None else value

    def str(self, name: Str, default: Str) -> Str:
        value = self.raw(name)
        return default if value is None else value

    def bool(self, name: Str, default: Bool) -> Bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in self.BOOLEAN_TRUE_STRINGS:
            return True
        if lowered in _FALSE:
            return False
        return self.fail(name, f"must be a boolean (1/0, true/false), not {value!r}")

    def int(self, name: Str, default: Int, *, minimum: Int = 0, maximum: Int | None = None) -> Int:
        value = self.raw(name)
        if value is None or value.strip() == "":
            return default
        try:
            number: Int = self.parse_value(value, int)
        except ValueError:
            self.fail(name, f"must be a whole number, not {value!r}")
        if number < minimum or (maximum is not None and number > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            self.fail(name, f"must be {bound}, not {number}")
        return number

    def list(self, name: Str, default: StrList) -> StrList:
        value = self.raw(name)
        if value is None:
            return default
        items: StrList = self.parse_value(value, list)
        return [item.strip() for item in items if item.strip()]

    def choice(self, name: Str, default: Str, choices: StrList) -> Str:
        value = self.str(name, default)
        if value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def cidr_list(self, name: Str, default: StrList) -> StrList:
        items = self.list(name, default)
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                self.fail(name, f"has an invalid network {item!r} (expected CIDR, e.g. 10.0.0.0/8)")
        return [str(ipaddress.ip_network(item, strict=False)) for item in items]

    def db(self, name: Str, default: Str) -> dict[Str, Any]:
        url = self.str(name, default)
        try:
            config = self.db_url_config(url)
        except (ImproperlyConfigured, ValueError, KeyError) as exc:
            self.fail(name, f"is not a usable database URL ({exc})")
        engine = config.get("ENGINE", "")
        if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
            self.fail(name, "must be a sqlite:/// or postgres:// URL")
        return dict(config)


def dev_secret(path: Path) -> str:
    """A development-only secret kept in ``var/`` so sessions survive restarts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def _generate_rsa_pair(directory: Path) -> tuple[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / "private.pem", directory / "public.pem"
    if not private_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private_path.chmod(0o600)
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path.read_text(), public_path.read_text()


def read_jwt_keys(env: EnvReader, generated_dir: Path, *, allow_generate: bool) -> tuple[str, str]:
    """The RS256 key pair: from JWT_PRIVATE_KEY/JWT_PUBLIC_KEY (or *_FILE); in development a
    pair is generated once under ``var/jwt`` (never committed)."""
    private, public = env.raw("JWT_PRIVATE_KEY"), env.raw("JWT_PUBLIC_KEY")
    if not private and not public:
        if not allow_generate:
            env.fail("JWT_PRIVATE_KEY", "(and JWT_PUBLIC_KEY) are required when DJANGO_DEBUG is off")
        return _generate_rsa_pair(generated_dir)
    if not private or not public:
        env.fail("JWT_PUBLIC_KEY" if private else "JWT_PRIVATE_KEY", "must be set with its pair")
    private = private.replace("\\n", "\n")
    public = public.replace("\\n", "\n")
    try:
        key = serialization.load_pem_private_key(private.encode(), password=None)
    except (ValueError, TypeError):
        env.fail("JWT_PRIVATE_KEY", "is not an unencrypted PEM private key")
    try:
        pub = serialization.load_pem_public_key(public.encode())
    except ValueError:
        env.fail("JWT_PUBLIC_KEY", "is not a PEM public key")
    if not isinstance(key, rsa.RSAPrivateKey) or not isinstance(pub, rsa.RSAPublicKey):
        env.fail("JWT_PRIVATE_KEY", "must be an RSA key (RS256)")
    if key.public_key().public_numbers() != pub.public_numbers():
        env.fail("JWT_PUBLIC_KEY", "does not match JWT_PRIVATE_KEY")
    if key.key_size < 2048:
        env.fail("JWT_PRIVATE_KEY", "must be at least 2048 bits")
    return private, public


def read_fernet_keys(env: EnvReader, name: str, generated_path: Path, *, allow_generate: bool) -> list[str]:
    """Field-encryption keys, newest first (comma separated). Older keys still decrypt, so a
    rotation is: prepend a new key, run ``manage.py rotate_field_keys``, then drop the old one."""
    keys = env.list(name, [])
    if not keys:
        if not allow_generate:
            env.fail(name, "is required when DJANGO_DEBUG is off")
        generated_path.parent.mkdir(parents=True, exist_ok=True)
        if not generated_path.exists():
            generated_path.write_text(Fernet.generate_key().decode())
            generated_path.chmod(0o600)
        keys = [generated_path.read_text().strip()]
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            env.fail(name, "contains a key that is not a valid Fernet key (32 url-safe base64 bytes)")
    return keys


def filesystem_broker_options(var_dir: Path) -> dict[str, object]:
    """Transport options that keep kombu's filesystem broker (the quick start's, with no Redis)
    entirely under ``var_dir/celery``: messages in ``queue/``, exchange tables in ``control/``.
    kombu's default control folder is ``./control``, wherever the process was started; kombu
    creates neither folder itself."""
    queue, control = var_dir / "celery" / "queue", var_dir / "celery" / "control"
    for folder in (queue, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(control),
        "store_processed": False,
    }
