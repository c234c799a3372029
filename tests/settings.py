"""Test settings: the project settings with fast hashing, in-memory e-mail, eager Celery. The
database is the real one (SQLite by default, PostgreSQL when DATABASE_URL is set); the cache and
the channel layer are Redis when REDIS_URL is set (as in production), in-memory otherwise."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "1")  # development defaults for keys, under a temp dir
os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + "x" * 60)

from jetops.settings import *  # noqa: E402,F403
from jetops.settings import REDIS_URL, REST_FRAMEWORK  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="jetops-test-media-")  # uploads never land in the tree
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Every test process (xdist worker) writes under its own prefix, so parallel workers and other
# runs sharing the Redis database never see each other's keys; conftest.py deletes this
# process's keys before each test (a FLUSHDB would wipe the other workers' too).
TEST_KEY_PREFIX = f"jetops-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": TEST_KEY_PREFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{TEST_KEY_PREFIX}:asgi"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="jetops-media-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "user": "100000/min",
        "anon": "100000/min",
        "quote": "100000/min",
        "login_ip": "100000/min",
        "login_user": "100000/min",
    },
}
# django-otp slows down guessing by refusing codes for a growing delay after each failure;
# tests that send a wrong code and then a right one would have to sleep.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# WhiteNoise looks at STATIC_ROOT per request instead of once at start (nothing is collected
# for the tests, and a missing directory would warn in every test).
WHITENOISE_AUTOREFRESH = True
