"""JetOps settings: one module, every deploy-specific value from the environment.

A bad or missing value stops start-up with ``ImproperlyConfigured`` naming the variable.
Development conveniences (a generated secret key, JWT key pair and field-encryption key kept
under ``var/``) apply only when ``DJANGO_DEBUG`` is true; production must provide them.
Every variable is documented in ``.env.example``.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery.schedules import crontab

from jetops.config import EnvReader, dev_secret, filesystem_broker_options, read_fernet_keys, read_jwt_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = EnvReader()

DEBUG = env.bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", "") or (dev_secret(VAR_DIR / "secret_key.txt") if DEBUG else "")
if not SECRET_KEY:
    env.fail("DJANGO_SECRET_KEY", "is required when DJANGO_DEBUG is off")
if not DEBUG and len(SECRET_KEY) < 50:
    env.fail("DJANGO_SECRET_KEY", "must be at least 50 characters in production")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",  # must precede staticfiles so runserver serves ASGI (websockets)
    "jetops.apps.JetOpsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "simple_history",
    "channels",
    "django_prometheus",
    "jetops",
    "fleet",
    "clients",
    "flights",
    "crew",
    "planning",
    "maintenance",
    "finance",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "jetops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jetops.middleware.RequestSizeLimitMiddleware",
    "jetops.middleware.CardDataGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "jetops.urls"
WSGI_APPLICATION = "jetops.wsgi.application"
ASGI_APPLICATION = "jetops.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jetops.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the Celery worker share the file; IMMEDIATE
    # transactions take the write lock when they begin, so two writers wait for each other
    # instead of failing at once with "database is locked" (a deferred transaction that reads
    # and then writes cannot be granted the lock while another writer holds it).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    # Under ASGI each request runs on a thread of its own, so connections kept per thread
    # (CONN_MAX_AGE) would pile up, one per request in flight, until PostgreSQL refuses more.
    # Each process shares a pool of at most DATABASE_POOL_SIZE connections instead, which
    # Django checks before use (its advice for ASGI); a request waits up to
    # DATABASE_POOL_TIMEOUT s for one.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE", 4, minimum=1),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", 20, minimum=1),
    }
    # django-prometheus' engine (Django's, instrumented) counts queries, errors and their
    # duration. Production only: tools recognise the quick start's SQLite by its engine name.
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, channel layer ----------------------------------------------
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    env.fail("REDIS_URL", "must start with redis://, rediss:// or unix://")

# With acks_late a task's message stays unacknowledged until the task ends; when a whole worker
# dies, Redis hands the message to another worker after this many seconds. It must exceed every
# task's hard time limit (300 s at most) and every retry countdown (600 s at most: a message
# waiting for its ETA is held unacknowledged too), or a live task would be run twice.
BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=660, maximum=3600)

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # channels-redis waits up to 5 s for a message (BZPOPMIN); redis-py 8 gives up reading a
    # socket after 5 s by default, which closed every quiet websocket after 5 s.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
else:
    # Quick start with no server: a file cache shared by every process, an in-process channel
    # layer (status changes are published by the web process that serves the websockets), and
    # kombu's filesystem transport so the worker and beat run without a broker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR)

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
# Workers log through LOGGING (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every 30 seconds, a heartbeat through the broker to a worker (/healthz, /metrics); a
    # heartbeat not run within the period is dropped, not queued up.
    "health-heartbeat": {
        "task": "jetops.tasks.heartbeat_task",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # Every night at 03:15 UTC, drop expired refresh tokens from the blacklist tables.
    "flush-expired-tokens": {
        "task": "jetops.tasks.flush_expired_tokens_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every day at 06:00 UTC, e-mail operations about aircraft documents expiring in exactly
    # 60/30/7 days (FLEET_DOCUMENT_ALERT_DAYS).
    "fleet-document-expiry-alerts": {
        "task": "fleet.tasks.aircraft_document_expiry_alerts_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every day at 06:10 UTC, e-mail crew members and operations about qualifications expiring
    # in exactly 60/30/7 days (CREW_EXPIRY_ALERT_DAYS), and once about those that expired.
    "crew-expiry-alerts": {
        "task": "crew.tasks.crew_expiry_alerts_task",
        "schedule": crontab(hour=6, minute=10),
    },
    # Every day at 06:20 UTC, e-mail operations about maintenance due soon or overdue, MEL
    # deferrals ending or expired, low stock and vendor certificates expiring (each once).
    "maintenance-alerts": {
        "task": "maintenance.tasks.maintenance_alerts_task",
        "schedule": crontab(hour=6, minute=20),
    },
    # Every 15 minutes, mark open quotes past their validity as expired.
    "flights-quotes-expire": {
        "task": "flights.tasks.quotes_expire_task",
        "schedule": crontab(minute="*/15"),
    },
    # Every hour at 20 past, check the destination and alternate weather of the flights of the
    # next 48 hours against the operator's minimum and e-mail operations once per finding.
    "planning-weather-alerts": {
        "task": "planning.tasks.weather_alerts_task",
        "schedule": crontab(minute=20),
    },
    # Every 5 minutes, settle client notifications stuck in pending or sending (their worker
    # died): send them again or record them as unknown or failed.
    "notification-deliveries-sweep": {
        "task": "jetops.tasks.deliveries_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every day at 07:00 UTC, remind clients of invoices 7/14/30 days past due
    # (INVOICE_DUNNING_DAYS), once per step, none once paid.
    "finance-dunning": {
        "task": "finance.tasks.dunning_run_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every day at 05:30 UTC, fetch the day's FX rates when a provider is configured.
    "finance-fx-refresh": {
        "task": "finance.tasks.fx_rates_refresh_task",
        "schedule": crontab(hour=5, minute=30),
    },
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "jetops.User"
AUTHENTICATION_BACKENDS = [
    "jetops.backends.LevelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login defence (counts come from the activity log, so they survive restarts and are audited).
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_CAPTCHA_AFTER_USER_FAILURES = env.int("LOGIN_CAPTCHA_AFTER_USER_FAILURES", 3)
LOGIN_CAPTCHA_AFTER_IP_FAILURES = env.int("LOGIN_CAPTCHA_AFTER_IP_FAILURES", 20)
LOGIN_CAPTCHA_MODE = env.choice("LOGIN_CAPTCHA_MODE", "adaptive", ["adaptive", "always", "off"])
LOGIN_LOCKOUT_FAILURES = env.int("LOGIN_LOCKOUT_FAILURES", 10)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", 15)
CAPTCHA_TTL_SECONDS = env.int("CAPTCHA_TTL_SECONDS", 300)
CAPTCHA_LENGTH = env.int("CAPTCHA_LENGTH", 5)

OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", "JetOps")
OTP_TOKEN_TTL_SECONDS = env.int("OTP_TOKEN_TTL_SECONDS", 300)
OTP_RECOVERY_CODES = env.int("OTP_RECOVERY_CODES", 10)
STEP_UP_MAX_AGE_MINUTES = env.int("STEP_UP_MAX_AGE_MINUTES", 10)
CRITICAL_IP_ALLOWLIST = env.cidr_list("CRITICAL_IP_ALLOWLIST", [])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)

_jwt_private, _jwt_public = read_jwt_keys(env, VAR_DIR / "jwt", allow_generate=DEBUG)
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": _jwt_private,
    "VERIFYING_KEY": _jwt_public,
    "AUDIENCE": env.str("JWT_AUDIENCE", "jetops-api"),
    "ISSUER": env.str("JWT_ISSUER", "jetops"),
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", 10, maximum=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "LEEWAY": 0,
}

FIELD_ENCRYPTION_KEYS = read_fernet_keys(
    env, "FIELD_ENCRYPTION_KEYS", VAR_DIR / "field_keys.txt", allow_generate=DEBUG
)

# Admin sessions expire after this much idle time (the expiry is pushed on every request).
SESSION_COOKIE_AGE = env.int("ADMIN_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- REST API -------------------------------------------------------------------------------
API_MAX_PAGE_SIZE = 200
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["jetops.auth.authentication.JetOpsJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["jetops.permissions.JetOpsPermission"],
    "DEFAULT_PARSER_CLASSES": ["jetops.jsondepth.JSONDepthParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "jetops.api.pagination.JetOpsPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jetops.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "jetops.api.throttling.UserThrottle",
        "jetops.api.throttling.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("THROTTLE_USER", "600/min"),
        "anon": env.str("THROTTLE_ANON", "60/min"),
        "quote": env.str("THROTTLE_QUOTE", "60/hour"),
        "login_ip": env.str("THROTTLE_LOGIN_IP", "30/min"),
        "login_user": env.str("THROTTLE_LOGIN_USER", "10/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_MAX_REQUEST_BYTES = env.int("API_MAX_REQUEST_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_REQUEST_BYTES
# Deeper JSON bodies are a 400 before anything parses them; the ceiling keeps every walker of
# the parsed data far from Python's recursion limit (1,000).
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", 64, minimum=1, maximum=200)

SPECTACULAR_SETTINGS = {
    "TITLE": "JetOps API",
    "DESCRIPTION": "Back-office API of a private-jet charter operator.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a "status"/"kind" field: give each enum its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "AircraftStatusEnum": "fleet.choices.AircraftStatus",
        "AircraftCategoryEnum": "fleet.choices.AircraftCategory",
        "BlackoutKindEnum": "fleet.choices.BlackoutKind",
        "AircraftDocumentKindEnum": "fleet.choices.AircraftDocumentKind",
        "FlightStatusEnum": "flights.choices.FlightStatus",
        "QuoteStatusEnum": "flights.choices.QuoteStatus",
        "TripStatusEnum": "flights.choices.TripStatus",
        "ServiceKindEnum": "flights.choices.ServiceKind",
        "ServiceStatusEnum": "flights.choices.ServiceStatus",
        "ConciergeStatusEnum": "flights.choices.ConciergeStatus",
        "DataRequestKindEnum": "clients.choices.DataRequestKind",
        "DataRequestStatusEnum": "clients.choices.DataRequestStatus",
        "CrewRoleEnum": "crew.choices.CrewRole",
        "RatingRoleEnum": "crew.choices.RatingRole",
        "CrewPositionEnum": "crew.choices.Position",
        "AvailabilityKindEnum": "crew.choices.AvailabilityKind",
        "DutyKindEnum": "crew.choices.DutyKind",
        "TrainingKindEnum": "crew.choices.TrainingKind",
        "InvoiceStatusEnum": "finance.models.InvoiceStatus",
        "InvoiceKindEnum": "finance.models.InvoiceKind",
        "PaymentKindEnum": "finance.models.PaymentKind",
        "PaymentMethodKindEnum": "finance.models.PaymentMethodKind",
    },
}

# --- I18N, static, e-mail -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves the static files from STATIC_ROOT. In production they are collected
# (`manage.py collectstatic`) with content-hashed names and compressed copies, so they can be
# cached for ever; in development they are served as they are from the apps.
# Uploaded files (aircraft documents…) are private records: kept under MEDIA_ROOT, never served
# as public URLs; the API and the admin hand them out to users allowed to read their row.
MEDIA_ROOT = env.str("MEDIA_ROOT", str(VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Seconds before an SMTP call gives up (Django's default waits forever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "JetOps <operations@jetops.example>")
OPERATIONS_EMAIL = env.str("OPERATIONS_EMAIL", "operations@jetops.example")

# Flights: passport expiry warning horizon on manifests, concierge answer time, SMS provider
# (a dotted path to a class with send(to, body); the default only logs).
PASSPORT_WARNING_MONTHS = env.int("PASSPORT_WARNING_MONTHS", 6, minimum=0, maximum=24)
CONCIERGE_SLA_MINUTES = env.int("CONCIERGE_SLA_MINUTES", 60, minimum=5)
SMS_BACKEND = env.str("SMS_BACKEND", "jetops.notifications.LoggingSMSBackend")
# Planning: who files flight plans (a dotted path to a class with file(fpl_text=, flight_number=);
# the default records the plan as filed by hand), and where weather and NOTAMs come from (the
# offline providers read the reports shipped with the app; nothing is fetched unless changed).
PLANNING_FPL_FILER = env.str("PLANNING_FPL_FILER", "planning.filing.ManualFiler")
PLANNING_WEATHER_PROVIDER = env.str("PLANNING_WEATHER_PROVIDER", "planning.providers.OfflineWeatherProvider")
PLANNING_NOTAM_PROVIDER = env.str("PLANNING_NOTAM_PROVIDER", "planning.providers.OfflineNotamProvider")
# The aviation-weather data API the HTTP provider asks (its base URL, up to the /metar and /taf
# paths); only read when PLANNING_WEATHER_PROVIDER is planning.providers.HttpWeatherProvider.
PLANNING_WEATHER_URL = env.str("PLANNING_WEATHER_URL", "")
PLANNING_PROVIDER_TIMEOUT_SECONDS = env.int("PLANNING_PROVIDER_TIMEOUT_SECONDS", 5, minimum=1, maximum=60)
PLANNING_PROVIDER_RETRIES = env.int("PLANNING_PROVIDER_RETRIES", 2, minimum=0, maximum=5)
# Flight times: an actual time (boarding, off/on block, completion) may lead the server's clock
# by this much; a recorded block time may exceed the longer of the aircraft's still-air
# endurance (range at cruise speed, plus taxi) and the flight's planned block time by this
# allowance (reserve fuel, holding); a booked arrival may not come sooner than this percentage
# of the estimated block time (tailwinds, a direct routing).
FLIGHT_CLOCK_SKEW_MINUTES = env.int("FLIGHT_CLOCK_SKEW_MINUTES", 5, minimum=0, maximum=60)
FLIGHT_BLOCK_ALLOWANCE_MINUTES = env.int("FLIGHT_BLOCK_ALLOWANCE_MINUTES", 90, minimum=0, maximum=600)
FLIGHT_FASTEST_BLOCK_PERCENT = env.int("FLIGHT_FASTEST_BLOCK_PERCENT", 70, minimum=10, maximum=100)
# A notification pending or sending for this long is taken for abandoned by its worker (longer
# than any sending task may run); the sweep then settles it, giving up after this many attempts.
NOTIFICATION_STUCK_AFTER_MINUTES = env.int("NOTIFICATION_STUCK_AFTER_MINUTES", 10, minimum=5)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", 6, minimum=1)


def _days(name: str, default: list[str]) -> tuple[int, ...]:
    values = env.list(name, default)
    if not all(v.isdigit() for v in values):
        env.fail(name, "must be a comma-separated list of whole numbers of days")
    return tuple(sorted({int(v) for v in values}, reverse=True))


# Expiry alerts go out this many days ahead (aircraft documents; crew qualifications).
FLEET_DOCUMENT_ALERT_DAYS = _days("FLEET_DOCUMENT_ALERT_DAYS", ["60", "30", "7"])
CREW_EXPIRY_ALERT_DAYS = _days("CREW_EXPIRY_ALERT_DAYS", ["60", "30", "7"])

# Finance: payment reminders this many days after an invoice's due date (stopped by payment);
# the payment gateway (a dotted path; the default records payments and charges nothing) and
# Stripe's keys when it is the Stripe adapter; the FX-rate provider (a dotted path to a class
# with rates(day) -> [(base, quote, rate)]; empty: rates are entered or imported only).
INVOICE_DUNNING_DAYS = tuple(sorted(_days("INVOICE_DUNNING_DAYS", ["7", "14", "30"])))
FINANCE_EMAIL = env.str("FINANCE_EMAIL", "finance@jetops.example")
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", "finance.gateways.RecordOnlyGateway")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", "")
FX_RATE_PROVIDER = env.str("FX_RATE_PROVIDER", "")
# A flight duty is reported this long before the first off-block and released this long after
# the last on-block (operator policy; the legality engine judges the resulting duty periods).
CREW_REPORT_MINUTES = env.int("CREW_REPORT_MINUTES", 60)
CREW_RELEASE_MINUTES = env.int("CREW_RELEASE_MINUTES", 30)

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load-balancer probes and the metrics scraper call these over the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS: list[str] = []

# Logs: one JSON object per line in production (jetops.logs), readable lines in development;
# both carry the request id. Each request is logged once, by jetops.logs.RequestLogMiddleware.
LOG_FORMAT = env.choice("LOG_FORMAT", "plain" if DEBUG else "json", ["json", "plain"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "jetops.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "jetops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# /metrics is readable from these networks, or by anyone presenting the token.
METRICS_TOKEN = env.str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    env.fail("METRICS_TOKEN", "must be at least 32 characters")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(n) for n in env.cidr_list("METRICS_ALLOWED_IPS", ["127.0.0.1/32", "::1/128"])
]

# Parsed once, used by jetops.permissions for the critical-operation allow-list.
CRITICAL_IP_NETWORKS = [ipaddress.ip_network(n) for n in CRITICAL_IP_ALLOWLIST]
