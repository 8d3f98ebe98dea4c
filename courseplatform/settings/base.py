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
    "allauth.headless",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "lessons",
    "assessments",
    "mentoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Keep each worker's connection (as for PostgreSQL): reopening it per
            # request re-runs the PRAGMAs below every time.
            "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
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
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "softsynced"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "softsynced",
        }
    }

# --- Sessions ---------------------------------------------------------------
# A session (the web's cookie, the mobile app's X-Session-Token) is read on
# every request. With Redis it is read from the cache and written to both
# (cached_db), so every app server sees a login or a logout at once and most
# requests skip one query. Without Redis the cache is per process, where a
# logout on one worker would not reach another: sessions stay in the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

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
# "none", "optional" or "mandatory"; optional by default so a newcomer can try
# the demo without a mail server.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- REST API -------------------------------------------------------------------
# The mobile client's API (/api/v1/). Session tokens come from allauth headless;
# throttle counters live in the default cache (Redis when REDIS_URL is set).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # allauth's X-Session-Token class, answering 401 (not 403) without a valid token.
        "courseplatform.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
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
        "The REST API the Soft Synced mobile client uses: lessons, Your Turn, snapshots and Depth points. "
        "Sign up and log in with allauth headless (/_allauth/app/v1/auth/...), then send the session token "
        "as X-Session-Token. Every 4xx has one JSON shape: {\"error\": {status, code, message, fields?}}. "
        "Guide: docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several serializers have a `kind`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "TrackKindEnum": "lessons.models.Track.Kind",
        "SectionKindEnum": "lessons.models.Section.Kind",
        "TurnStepKindEnum": "assessments.models.TurnStep.Kind",
        "LessonStateEnum": ["not_started", "in_progress", "done"],
    },
}

# --- Product rules that are settings --------------------------------------------
SOFTSYNCED = {
    # A retake of a self-assessment is suggested this long after the latest one.
    "REASSESS_AFTER": timedelta(days=182),
    # Reflections longer than this are refused.
    "REFLECTION_MAX_CHARS": 10_000,
    # A warm-up prompt answer longer than this is refused.
    "PROMPT_ANSWER_MAX_CHARS": 500,
    # The mentor's view flags a member with no activity for this long as needing a nudge.
    "NUDGE_AFTER": timedelta(days=14),
    # Aggregates of fewer people than this never show (a median of two is someone's rating).
    "MIN_AGGREGATE_SIZE": 3,
    # How long /reports/ keeps a computed report (it says how fresh it is).
    "REPORT_CACHE_SECONDS": 3600,
}

# --- Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
