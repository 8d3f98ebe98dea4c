"""Settings shared by every environment, read from the environment.

`DJANGO_SETTINGS_MODULE` picks `courseplatform.settings.dev` (the default for
manage.py), `.test` or `.production`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------
# The development key is only a fallback for dev and test; production.py
# refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The API plumbing's own rows (idempotency records) and commands.
    "courseplatform",
    "adminsortable2",
    "accounts",
    "lessons",
    "assessments",
    "mentoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer (a CORS preflight must not meet authentication).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP, Permissions-Policy, Cache-Control and Vary on every answer but static files.
    "courseplatform.middleware.SecurityHeadersMiddleware",
    # Oversized or deeply nested JSON bodies (API and allauth headless) are refused before any view.
    "courseplatform.api.middleware.JSONBodyGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read together with the session (accounts.sessions).
    "accounts.middleware.AuthenticationMiddleware",
    "accounts.owner.OwnerCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters in web forms are refused (a 400 page naming the field) before any view.
    "courseplatform.middleware.FormControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff sessions end after STAFF_IDLE_TIMEOUT idle; the admin needs a second
    # factor with STAFF_REQUIRE_MFA; e-mail changes are atomic (accounts.middleware).
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.StaffRequireMFAMiddleware",
    "accounts.middleware.EmailChangeGuardMiddleware",
]

ROOT_URLCONF = "courseplatform.urls"
WSGI_APPLICATION = "courseplatform.wsgi.application"
ASGI_APPLICATION = "courseplatform.asgi.application"

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

# --- Security headers (courseplatform.middleware.SecurityHeadersMiddleware) -----
# Scripts only from this site and never inline (no 'unsafe-inline' for scripts:
# templates load static files; the API docs use drf-spectacular's split view).
# Inline styles stay allowed: the progress bars' widths and the Swagger UI page use them.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", *env_list("CSP_MEDIA_SOURCES")],
    "media-src": ["'self'", *env_list("CSP_MEDIA_SOURCES")],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Database ---------------------------------------------------------------
# SQLite in WAL mode with a busy timeout by default, so `make run` needs no
# server; DATABASE_URL (postgres://...) switches to PostgreSQL.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a connection check that asks the kernel before the server (courseplatform.db.postgresql).
        DATABASES["default"]["ENGINE"] = "courseplatform.db.postgresql"
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend, with write transactions queued on a file lock (courseplatform.db.sqlite).
            "ENGINE": "courseplatform.db.sqlite",
            "NAME": SQLITE_PATH,
            # Keep each worker's connection (as for PostgreSQL): reopening it per
            # request re-runs the PRAGMAs below every time.
            "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
                # Every atomic block takes the write lock when it begins, so concurrent
                # writers queue for the busy timeout. A DEFERRED transaction that reads
                # first cannot upgrade once another process has written and fails at once
                # with "database is locked" (tests/test_sqlite_concurrency.py).
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# Redis when REDIS_URL is set (shared by every app server: cached content and
# rate-limit counters); otherwise a local-memory cache for a single process.
# Redis is optional at run time: while it is unreachable every cache call is a
# miss (courseplatform.cache), so pages and the API answer from the database and
# rate limits fail open. Short socket timeouts keep an unreachable Redis from
# stalling requests; redis-py reconnects by itself once it is back.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
if REDIS_URL:
    _redis = {
        "BACKEND": "courseplatform.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "softsynced")},
        "throttle": {**_redis, "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "softsynced") + ":rate"},
        "answers": {**_redis, "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "softsynced") + ":ans"},
    }
else:
    # Per process. Content (lessons, rendered Guide sections, Turn definitions) is
    # sized for: Django's default of 300 entries let per-student keys evict it.
    # The API's rate counters, one or two per student, live in a cache of their
    # own, so a busy minute can never push the course content out.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "softsynced",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LOCAL_CACHE_MAX_ENTRIES", "20000"))},
        },
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "softsynced-rate",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        },
        # Students' cached read answers (courseplatform.answers), one per student and
        # page: shared by every worker of the server, or a student's next request would
        # seldom reach the worker that cached their answer (and each worker would hold
        # its own copy of them all). diskcache keeps them in SQLite files on local disk:
        # a read costs tens of microseconds, any process sees any other's writes, and
        # the size is bounded (oldest stored go first).
        "answers": {
            "BACKEND": "courseplatform.cache.SharedDiskCache",
            "LOCATION": os.environ.get("ANSWER_CACHE_DIR", str(BASE_DIR / ".cache" / "answers")),
            "SHARDS": 8,
            "DATABASE_TIMEOUT": 0.05,  # seconds; a cache that is busy longer answers a miss
            "OPTIONS": {"size_limit": int(os.environ.get("ANSWER_CACHE_MAX_BYTES", str(256 * 2**20)))},
        },
    }

# How long a student's cached read answer lives at most (courseplatform.answers).
# Its key holds the versions of everything it shows, so it is never served stale:
# this only bounds memory. An hour keeps a student's answers through a study
# session; the disk cache is also bounded in bytes, and Redis by its maxmemory.
ANSWER_CACHE_SECONDS = int(os.environ.get("ANSWER_CACHE_SECONDS", "3600"))

# --- Sessions ---------------------------------------------------------------
# A session (the web's cookie, the mobile app's X-Session-Token) is read on
# every request, in the database only, with or without Redis: the session row
# carries its user's id, so the session and the user come in one query
# (accounts.sessions). A copy in Redis (Django's cached_db) would still need
# that user query, so it only added a round trip; and every app server sees a
# login or a logout at once, whatever Redis is doing.
SESSION_ENGINE = "accounts.sessions.db"

# --- Accounts (django-allauth) ---------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# "none", "optional" or "mandatory". Mandatory by default: it is what lets
# sign-up keep quiet about existing accounts (below) and stops anyone claiming
# an address they cannot read. Without a mail server the confirmation link is
# printed on the console; the demo accounts are confirmed by load_demo.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
# Signing up with an address that has an account answers "check your e-mail",
# exactly like a new one, and e-mails the owner a notice instead.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
# A phone cannot follow a web link back into the app: e-mail verification and
# password reset send a short code the student types in (web and app alike).
# allauth allows verification by code only when verification is mandatory
# (production's default); with "optional" the e-mail carries a link instead.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True

# --- Staff accounts: second factor and idle timeout ------------------------------
# allauth.mfa: an authenticator app (TOTP) and single-use recovery codes, for
# anyone at /accounts/2fa/. STAFF_REQUIRE_MFA (on in production.py) keeps the
# admin closed to staff without TOTP; off here so the demo author just logs in.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Soft Synced"
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", False)
# A staff web session idle this long is logged out; students keep long sessions.
STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("STAFF_IDLE_TIMEOUT_MINUTES", "30")))

# --- Behind a proxy -------------------------------------------------------------
# TRUSTED_PROXY_COUNT: how many proxies (load balancers) in front of the app
# append to X-Forwarded-For. 0 (the default) trusts no forwarded header: the
# client is the peer that connected, and X-Forwarded-For / X-Forwarded-Proto
# cannot be spoofed. With N > 0, allauth's rate limits count the address N hops
# from the right of X-Forwarded-For, and X-Forwarded-Proto says whether the
# client used HTTPS.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None

HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
# allauth's own OpenAPI spec of /_allauth/app/v1/... at /_allauth/openapi.json (and .yaml).
HEADLESS_SERVE_SPECIFICATION = True
# allauth's session-token strategy, looking a token up with one read instead of two.
HEADLESS_TOKEN_STRATEGY = "accounts.tokens.SessionTokenStrategy"

# Absolute links in e-mails sent outside a request (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Soft Synced <hello@softsynced.example>")

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
# whitenoise serves them with hashed, compressed names; nothing from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Media files (authors' audio and images) ------------------------------------
# Local disk (MEDIA_ROOT, served at MEDIA_URL) by default. Several app servers
# share no disk, so production sets AWS_STORAGE_BUCKET_NAME and the files go to
# any S3-compatible object store (AWS S3, MinIO, Ceph, R2…) through
# django-storages; AWS_S3_ENDPOINT_URL names a store other than AWS.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Django serves MEDIA_URL itself from local disk when this is on (dev, tests,
# a single server); behind a proxy or with object storage, leave it off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)


def media_storage() -> dict:
    """The default storage backend: S3-compatible object storage when a bucket is configured, else local disk."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        "location": os.environ.get("AWS_LOCATION", ""),
        # Plain URLs by default: Guide pages are cached for a day, longer than a signed URL lives.
        "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
        "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "172800")),
        "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
        "file_overwrite": False,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {k: v for k, v in options.items() if v is not None}}


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- REST API -------------------------------------------------------------------
# The mobile client's API (/api/v1/). Session tokens come from allauth headless;
# throttle counters live in the `throttle` cache (Redis when REDIS_URL is set), one per
# student, scope and fixed window (courseplatform.api.throttling).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # allauth's X-Session-Token class, answering 401 (not 403) without a valid token.
        "courseplatform.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser, refusing control characters in strings (courseplatform.api.parsers).
    "DEFAULT_PARSER_CLASSES": ["courseplatform.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # ?page=&page_size= (1..100), 20 a page by default.
    "DEFAULT_PAGINATION_CLASS": "courseplatform.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "courseplatform.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "courseplatform.api.throttling.ReadRateThrottle",
        "courseplatform.api.throttling.WriteRateThrottle",
    ],
    # Per student; "<n>/<second|minute|hour|day>".
    "DEFAULT_THROTTLE_RATES": {
        "api_read": os.environ.get("API_READ_RATE", "600/minute"),
        "api_write": os.environ.get("API_WRITE_RATE", "120/minute"),
    },
}
# Safe retries of POST/PUT/PATCH with an Idempotency-Key header (courseplatform.api.idempotency).
API_IDEMPOTENCY = {
    # How long a key and its response are kept (at least 24 hours, the contract).
    "KEEP_FOR": timedelta(hours=24),
    # How long a repeat waits for the first request to finish before answering 409.
    "WAIT_SECONDS": 5.0,
    "POLL_SECONDS": 0.1,
}
# allauth answers its own rate limits (ACCOUNT_RATE_LIMITS: sign-up, login) with
# 429 but no Retry-After; this adds it.
MIDDLEWARE = [*MIDDLEWARE, "courseplatform.api.middleware.RateLimitRetryAfterMiddleware"]
SPECTACULAR_SETTINGS = {
    "TITLE": "Soft Synced API",
    "DESCRIPTION": (
        "The REST API the Soft Synced mobile client uses: the dashboard, lessons, Your Turn, snapshots, skills "
        "history and Depth points. Sign up, verify the e-mail address by code, log in, reset a password by code "
        "and log out with allauth headless (/_allauth/app/v1/...), described by its own OpenAPI spec at "
        "[/_allauth/openapi.json](/_allauth/openapi.json); then send the session token "
        "as X-Session-Token. Every 4xx has one JSON shape: {\"error\": {status, code, message, fields?}}. "
        "Within v1 changes are additive only. Guide: docs/api.md."
    ),
    "VERSION": "1.4.0",
    # OpenAPI 3.1: a nullable object is `oneOf: [$ref, {type: null}]`, which strict validators accept.
    "OAS_VERSION": "3.1.0",
    "SERVERS": [{"url": "/", "description": "The server that serves this schema."}],
    "LICENSE": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
    "CONTACT": {"name": "Soft Synced"},
    # The docs UI shows our schema; its description links allauth headless's (sign-up, login,
    # verification, reset). A `urls` picker needs Swagger's standalone layout, which the
    # script-file docs view (no inline script under the CSP) does not load.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # RateLimit headers on every answer; the general Error component kept for older clients.
    "POSTPROCESSING_HOOKS": ["courseplatform.api.schema.postprocess"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several serializers have a `kind`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "TrackKindEnum": "lessons.models.Track.Kind",
        "SectionKindEnum": "lessons.models.Section.Kind",
        "TurnStepKindEnum": "assessments.models.TurnStep.Kind",
        "LessonStateEnum": ["not_started", "in_progress", "done"],
        # Each error status's codes (courseplatform.api.errors).
        **{f"Error{status}CodeEnum": f"courseplatform.api.errors.ERROR_{status}_CODES"
           for status in (400, 401, 403, 404, 409, 413, 415, 422, 429)},
        "Error403LockedCodeEnum": "courseplatform.api.errors.ERROR_403_LOCKED_CODES",
    },
}

# --- CORS ---------------------------------------------------------------------
# Browser-based clients (a web build of the app) on other origins: only those
# listed may call the API and allauth headless; preflights are answered before
# authentication. Comma-separated origins, e.g. https://app.softsynced.example.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api|_allauth)/.*$"
CORS_ALLOW_HEADERS = (
    "accept", "content-type", "authorization", "x-session-token", "idempotency-key", "if-none-match",
    "x-csrftoken", "x-requested-with",
)
CORS_EXPOSE_HEADERS = (
    "etag", "location", "retry-after", "idempotent-replayed", "ratelimit", "ratelimit-policy",
)

# --- Product rules that are settings --------------------------------------------
SOFTSYNCED = {
    # A retake of a self-assessment is suggested this long after the latest one.
    "REASSESS_AFTER": timedelta(days=182),
    # Reflections longer than this are refused.
    "REFLECTION_MAX_CHARS": 10_000,
    # A warm-up prompt answer longer than this is refused.
    "PROMPT_ANSWER_MAX_CHARS": 500,
    # An offline write (snapshot, reflection) carries the device's `taken_at`: at most this far
    # ahead of the server's clock, and no older than the offline window.
    "CLIENT_CLOCK_SKEW": timedelta(minutes=5),
    "OFFLINE_WRITE_MAX_AGE": timedelta(days=30),
    # The mentor's view flags a member with no activity for this long as needing a nudge.
    "NUDGE_AFTER": timedelta(days=14),
    # Aggregates of fewer people than this never show (a median of two is someone's rating).
    "MIN_AGGREGATE_SIZE": 3,
    # How long /reports/ keeps a computed report (it says how fresh it is).
    "REPORT_CACHE_SECONDS": 3600,
}

# --- Logging --------------------------------------------------------------------
# Security events (courseplatform.security) are one JSON object per line on
# `softsynced.security`, at INFO and above, whatever DJANGO_LOG_LEVEL says.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"message": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "softsynced.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
}
