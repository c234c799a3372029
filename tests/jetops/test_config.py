"""Settings from the environment (``jetops.config.EnvReader`` over django-environ): typed
values, ``<NAME>_FILE`` secrets, and a bad value refused naming its variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jetops.config import EnvReader


def test_typed_values_and_defaults():
    env = EnvReader(
        {"DEBUG": "Yes", "QUIET": "off", "WORKERS": " 4 ", "HOSTS": "a.example, b.example,,", "MODE": "json"}
    )

    assert (env.bool("DEBUG", False), env.bool("QUIET", True), env.bool("MISSING", True)) == (
        True,
        False,
        True,
    )
    assert (env.int("WORKERS", 1), env.int("MISSING", 7)) == (4, 7)
    assert env.list("HOSTS", []) == ["a.example", "b.example"]
    assert env.choice("MODE", "plain", ["json", "plain"]) == "json"
    assert env.str("MISSING", "fallback") == "fallback"


def test_a_value_is_taken_as_written():
    # django-environ would read "$OTHER" as a reference to OTHER: a secret may start with "$".
    env = EnvReader({"TOKEN": "$OTHER", "OTHER": "not this"})

    assert env.str("TOKEN", "") == "$OTHER"


def test_a_secret_comes_from_its_file_stripped(tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n")
    env = EnvReader({"DJANGO_SECRET_KEY_FILE": str(secret), "DJANGO_SECRET_KEY": "ignored"})

    assert env.str("DJANGO_SECRET_KEY", "") == "s3cret-from-file"


def test_a_database_url_is_parsed():
    config = EnvReader({"DATABASE_URL": "postgres://app@db.internal:5432/jetops"}).db("DATABASE_URL", "")

    assert (config["ENGINE"], config["HOST"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "jetops",
    )


@pytest.mark.parametrize(
    ("environ_map", "read", "message"),
    [
        ({"X_FILE": "/nonexistent/secret"}, lambda e: e.str("X", ""), "X_FILE points to an unreadable file"),
        ({"X": "maybe"}, lambda e: e.bool("X", False), "X must be a boolean (1/0, true/false), not 'maybe'"),
        ({"X": "many"}, lambda e: e.int("X", 1), "X must be a whole number, not 'many'"),
        ({"X": "0"}, lambda e: e.int("X", 1, minimum=1), "X must be >= 1, not 0"),
        ({"X": "99"}, lambda e: e.int("X", 1, maximum=15), "X must be between 0 and 15, not 99"),
        ({"X": "yaml"}, lambda e: e.choice("X", "json", ["json", "plain"]), "X must be one of json, plain"),
        ({"X": "10.0.0.0/8,nowhere"}, lambda e: e.cidr_list("X", []), "X has an invalid network 'nowhere'"),
        ({"X": "mysql://db/jetops"}, lambda e: e.db("X", ""), "X must be a sqlite:/// or postgres:// URL"),
        ({"X": "postgres://db:port/x"}, lambda e: e.db("X", ""), "X is not a usable database URL"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(environ_map, read, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        read(EnvReader(environ_map))

    assert str(refused.value).startswith(f"Environment variable {message}")
