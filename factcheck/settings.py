"""All settings, read from the environment (12-factor): one module for dev, tests and production.

Production-safe by default: DEBUG is off unless set, and there is no fallback SECRET_KEY (a key
everyone can read would let anyone forge the signed unsubscribe and manage links). `make run`
and the test suite set DEBUG=1 and a random key of their own (Makefile, tests/conftest.py).
Values are parsed strictly: a typo such as DEBUG=flase stops start-up instead of meaning "off".
"""
from __future__ import annotations

import ipaddress
import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from claims.extraction.nlp import model_name as spacy_model_name

BASE_DIR = Path(__file__).resolve().parent.parent


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")
    return word in _TRUE


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int | None = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def env_float(name: str, default: float, *, positive: bool = True) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if number != number or number in (float("inf"), float("-inf")) or (positive and number <= 0):
        raise ImproperlyConfigured(f"{name}={value!r} must be a finite number{' above 0' if positive else ''}.")
    return number


def env_secret(name: str, *, min_length: int) -> str:
    """A shared secret, or "" when unset; a short one stops start-up rather than being guessable."""
    value = (os.environ.get(name) or "").strip()
    if value and len(value) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters (e.g. `openssl rand -hex 32`).")
    return value


def env_networks(name: str, default: str = "") -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated networks in CIDR form (`10.0.0.0/8`, `::1/128`); a bare address is itself."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a network such as 10.0.0.0/8.") from None
    return networks


_DURATION_UNITS = {"m": 60, "h": 3600, "d": 86400}


def env_durations(name: str, default: str) -> list[int]:
    """Comma-separated durations such as `1h,6h,1d,3d,7d` (units m, h, d), as seconds, strictly
    increasing; "" or "none" is an empty list."""
    raw = os.environ.get(name)
    raw = default if raw is None or raw.strip() == "" else raw
    if raw.strip().lower() == "none":
        return []
    seconds: list[int] = []
    for item in (part.strip().lower() for part in raw.split(",")):
        number, unit = item[:-1], item[-1:]
        if unit not in _DURATION_UNITS or not number.isdigit() or int(number) == 0:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a duration such as 30m, 6h or 3d.")
        seconds.append(int(number) * _DURATION_UNITS[unit])
    if any(b <= a for a, b in itertools.pairwise(seconds)):
        raise ImproperlyConfigured(f"{name}={raw!r}: each duration must be longer than the one before.")
    return seconds


def env_choice(name: str, default: str, *, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words (case-insensitive); anything else stops start-up naming the choices."""
    value = (os.environ.get(name) or "").strip() or default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")


_RATE_PERIODS = ("s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day")


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as 60/minute (DRF's form), checked now: DRF reads it only at the first
    request, where a typo would be a 500 instead of a refusal to start."""
    value = (os.environ.get(name) or "").strip() or default
    number, _, period = value.partition("/")
    if not number.strip().isdigit() or period.strip().lower() not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate such as 60/minute (per second, minute, hour or day)."
        )
    return f"{int(number)}/{period.strip().lower()}"


def env_site_url(name: str, *, default: str) -> str:
    """An http(s) origin with a host and no path, without its trailing slash; "" when unset and no default."""
    value = (os.environ.get(name) or "").strip() or default
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ImproperlyConfigured(
            f"{name}={value!r} must be an http(s) address with a host and no path, e.g. https://factcheck.example.org."
        )
    return value.rstrip("/")


# The key the demo once fell back to: it is public (in this repository's history), so anything
# signed with it can be forged. Refused outright, like an empty key.
PUBLIC_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY.strip():
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (a long random string; `make run` and the tests generate their own)."
    )
if SECRET_KEY == PUBLIC_DEV_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the publicly known development key: generate a random one.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute links in e-mails and ClaimReview. Development defaults to the address `make run` serves
# (the Makefile passes its HOST and PORT); production must name it: `check --deploy` fails without
# it (claims/checks.py), since a wrong host would be in every e-mail and search result.
SITE_URL = env_site_url("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    # /health/live and /health/ready (claims/operations/health.py), /metrics (claims/operations/metrics.py).
    "health_check",
    "django_prometheus",
    "claims",
]

MIDDLEWARE = [
    # First and last: django-prometheus times each request through every other middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

if not DEBUG:
    # Serves admin and API-docs assets from our own files in production (no CDN, no extra server);
    # runserver serves them in development.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

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

# SQLite by default so the demo needs no server; DATABASE_URL=postgres://... in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, in-process tasks) write at once: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out user name or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force lockout (admin login and API tokens): AXES_FAILURE_LIMIT failures per user name or per
# address lock it for AXES_COOLOFF_MINUTES, doubling with each further run of failures (up to a
# day). Staff see lockouts under Admin -> Axes; `manage.py axes_reset_username NAME` or
# `axes_reset_ip ADDRESS` unlocks (docs/security.md).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = "factcheck.security.lockout_cooloff"
AXES_LOCKOUT_PARAMETERS = "factcheck.security.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "factcheck.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many reverse proxies in front of the app append to X-Forwarded-For: 0 (default) trusts none,
# so a client cannot pick its own address for throttling or lockout (factcheck/security.py).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security: production (DEBUG off) passes `manage.py check --deploy` with no warning. ---
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes and the metrics scraper talk to the container over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page (django-csp): scripts only from our own origin (no inline
# script, no eval), so injected markup cannot run. The admin, the API docs (Swagger UI loads its
# configuration as a script file: SpectacularSwaggerSplitView) and the public pages work under it;
# tests/security/test_csp.py drives them in Chromium and fails on any violation. Styles allow
# inline because Django's admin and Swagger UI emit <style> blocks; CSS cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Email: console in the demo, SMTP configured by environment in production. ---
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fact-check tracker <alerts@localhost>")

# --- Celery: without REDIS_URL tasks run in-process (eager) so the demo needs no broker. ---
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes every database connection before and after each task unless this is
# set, so each article paid for a new PostgreSQL backend (connect, authenticate, cold catalog
# caches). With it effectively infinite, factcheck/celery.py gives tasks Django's own per-request
# rule instead: close_old_connections() honours CONN_MAX_AGE and drops broken connections.
CELERY_DB_REUSE_MAX = 2**31
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task's hard limit stays well under the visibility timeout, so a live task is never redelivered.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 900)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 960)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.process_article": {"queue": "extraction"},
    # A refetch may extract the new version's claims: it runs where the spaCy model is loaded.
    "claims.tasks.refetch_article": {"queue": "extraction"},
    "claims.tasks.send_*": {"queue": "mail"},
}
CELERY_BEAT_SCHEDULE = {
    "poll-feeds": {"task": "claims.tasks.poll_due_feeds", "schedule": 60.0},
    "sweep-stuck-articles": {"task": "claims.tasks.sweep_stuck_articles", "schedule": 120.0},
    "refetch-due-articles": {"task": "claims.tasks.refetch_due_articles", "schedule": 60.0},
    "send-digests": {"task": "claims.tasks.send_due_digests", "schedule": 300.0},
    "retry-pending-alerts": {"task": "claims.tasks.retry_pending_deliveries", "schedule": 120.0},
    "retry-webhook-deliveries": {"task": "claims.tasks.retry_webhook_deliveries", "schedule": 60.0},
}

# Throttle counters and other shared state must be shared by every web process in production.
CACHES = {
    # Timeouts: a Redis that hangs (rather than refuses) must not hang requests; throttling and the
    # token cache treat an unreachable cache as a miss.
    "default": {
        "BACKEND": "factcheck.cache.RedisCache",  # one client per pool: factcheck/cache.py
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- The tracker's own knobs. ---
# The extraction package (no Django) owns the model's default and reads the same variable, so the
# workers, the CLI and the health check agree on one name.
FACTCHECK_SPACY_MODEL = spacy_model_name()
FACTCHECK_MAX_TEXT_CHARS = env_int("FACTCHECK_MAX_TEXT_CHARS", 2_000_000)
FACTCHECK_FETCH_MAX_BYTES = env_int("FACTCHECK_FETCH_MAX_BYTES", 5_000_000)
FACTCHECK_FETCH_CONNECT_TIMEOUT = env_float("FACTCHECK_FETCH_CONNECT_TIMEOUT", 5.0)
FACTCHECK_FETCH_READ_TIMEOUT = env_float("FACTCHECK_FETCH_READ_TIMEOUT", 15.0)
FACTCHECK_FETCH_MAX_REDIRECTS = env_int("FACTCHECK_FETCH_MAX_REDIRECTS", 5)
# Wall-clock limit on a whole fetch (every hop, header and body read): the timeouts above bound
# each socket read, not a server that trickles a byte just inside them (claims/ingestion/fetch.py).
FACTCHECK_FETCH_DEADLINE = env_float("FACTCHECK_FETCH_DEADLINE", 30.0)
# Tests point this at a local server; never set in production.
FACTCHECK_FETCH_ALLOW_PRIVATE = env_bool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
# Narrow exceptions to the SSRF guard (CIDRs, e.g. an internal wire-service mirror); see docs/ingestion.md.
FACTCHECK_FETCH_ALLOWED_NETWORKS = env_list("FACTCHECK_FETCH_ALLOWED_NETWORKS")
# CA bundle for https fetches; empty means certifi's bundle.
FACTCHECK_FETCH_CA_BUNDLE = os.environ.get("FACTCHECK_FETCH_CA_BUNDLE", "")
FACTCHECK_MAX_ATTEMPTS = env_int("FACTCHECK_MAX_ATTEMPTS", 5)
# Stealth edits (docs/monitoring.md): a URL article is fetched again at these ages after its first
# fetch ("none" turns refetching off); a claimed refetch is not handed out again for the lease; a
# check that keeps failing transiently is given up after ..._MAX_FAILURES tries (the next age still comes).
FACTCHECK_REFETCH_SCHEDULE = env_durations("FACTCHECK_REFETCH_SCHEDULE", "1h,6h,1d,3d,7d")
FACTCHECK_REFETCH_LEASE_SECONDS = env_int("FACTCHECK_REFETCH_LEASE_SECONDS", 1200, minimum=60)
FACTCHECK_REFETCH_MAX_FAILURES = env_int("FACTCHECK_REFETCH_MAX_FAILURES", 4, minimum=1)
FACTCHECK_STUCK_AFTER_SECONDS = env_int("FACTCHECK_STUCK_AFTER_SECONDS", 600)
# A worker processes up to this many queued articles per task (one spaCy stream, one INSERT, one
# alert match, one commit), their texts together at most ..._CHARS; 1 processes one at a time.
FACTCHECK_PIPELINE_BATCH = env_int("FACTCHECK_PIPELINE_BATCH", 16)
FACTCHECK_PIPELINE_BATCH_CHARS = env_int("FACTCHECK_PIPELINE_BATCH_CHARS", 100_000)
FACTCHECK_EVIDENCE_MIN_SOURCES = env_int("FACTCHECK_EVIDENCE_MIN_SOURCES", 1)
FACTCHECK_REQUIRE_INDEPENDENT_SOURCES = env_bool("FACTCHECK_REQUIRE_INDEPENDENT_SOURCES", False)
FACTCHECK_FOUR_EYES = env_bool("FACTCHECK_FOUR_EYES", True)
FACTCHECK_SIMILARITY_THRESHOLD = env_float("FACTCHECK_SIMILARITY_THRESHOLD", 0.45, positive=False)
FACTCHECK_ALERT_DEDUP_HOURS = env_int("FACTCHECK_ALERT_DEDUP_HOURS", 72)
FACTCHECK_ALERT_MAX_ATTEMPTS = env_int("FACTCHECK_ALERT_MAX_ATTEMPTS", 30)
FACTCHECK_ALERT_STALE_MINUTES = env_int("FACTCHECK_ALERT_STALE_MINUTES", 15)
FACTCHECK_ALERT_LOST_TASK_MINUTES = env_int("FACTCHECK_ALERT_LOST_TASK_MINUTES", 2)
FACTCHECK_DEMO = env_bool("FACTCHECK_DEMO", DEBUG)
# The publisher named in ClaimReview's author.
FACTCHECK_ORGANIZATION_NAME = os.environ.get("FACTCHECK_ORGANIZATION_NAME", "Claim and quote tracker")
# Webhooks (claims/services/webhooks.py): each POST's time limit, how much of an answer is kept,
# how long a delivery is retried, and how long an endpoint may fail before it is turned off.
FACTCHECK_WEBHOOK_TIMEOUT = env_float("FACTCHECK_WEBHOOK_TIMEOUT", 10.0)
FACTCHECK_WEBHOOK_MAX_RESPONSE_BYTES = env_int("FACTCHECK_WEBHOOK_MAX_RESPONSE_BYTES", 4096, minimum=0)
FACTCHECK_WEBHOOK_RETRY_HOURS = env_int("FACTCHECK_WEBHOOK_RETRY_HOURS", 72, minimum=1)
FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS = env_int("FACTCHECK_WEBHOOK_DISABLE_AFTER_HOURS", 72, minimum=0)
# "Report a problem" on public fact checks: reports accepted per client address and hour (the
# rest are refused with the reader's text kept in the form).
FACTCHECK_REPORTS_PER_HOUR = env_int("FACTCHECK_REPORTS_PER_HOUR", 5, minimum=1)
# Entries in a private Atom feed (a saved filter's or a subscription's), newest first.
FACTCHECK_PRIVATE_FEED_ENTRIES = env_int("FACTCHECK_PRIVATE_FEED_ENTRIES", 50, minimum=1)
# /health/ready fails when more articles than this are queued, or messages wait in a Celery queue.
FACTCHECK_HEALTH_MAX_BACKLOG = env_int("FACTCHECK_HEALTH_MAX_BACKLOG", 5000, minimum=1)
# /metrics answers a scraper with this bearer token, or one from these networks (CIDRs); nobody
# else. Neither set (the production default): /metrics refuses everyone. Development allows loopback.
FACTCHECK_METRICS_TOKEN = env_secret("FACTCHECK_METRICS_TOKEN", min_length=32)
FACTCHECK_METRICS_ALLOWED_NETWORKS = env_networks(
    "FACTCHECK_METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128" if DEBUG else ""
)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", choices=LOG_LEVELS)},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- REST API (claims/api): token + session auth, one error format, env-tunable throttles. ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.SizeLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.AnonThrottle", "claims.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "60/minute"),
        "user": env_rate("API_THROTTLE_USER", "1200/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles identify an anonymous client by its address: trust X-Forwarded-For only from this
    # many proxies (None, DRF's default, would take the whole header as the client wrote it).
    "NUM_PROXIES": NUM_PROXIES,
}
# How long a resolved API token (with its user and permissions) is cached; 0 disables the cache.
# Revocation and access changes take effect at once (claims/services/tokens.py); this bounds only
# what bypasses signals (QuerySet.update() on users). Off by default without REDIS_URL: the cache
# would then be per process, and `create_api_token --revoke` (another process) could not reach it.
FACTCHECK_API_TOKEN_CACHE_SECONDS = env_int("FACTCHECK_API_TOKEN_CACHE_SECONDS", 60 if REDIS_URL else 0)
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim and quote tracker API",
    "DESCRIPTION": "Claims extracted from news articles, their fact-check workflow and published ClaimReviews. "
    "Authenticate with `Authorization: Token <key>`; errors share one JSON shape (`Error`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "ArticleStatusEnum": "claims.models.Article.Status",
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "ClaimStanceEnum": "claims.models.Claim.Stance",
        "EvidenceStanceEnum": "claims.models.Evidence.Stance",
        "SpeakerKindEnum": "claims.models.Speaker.Kind",
    },
}
