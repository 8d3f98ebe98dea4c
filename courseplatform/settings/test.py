"""The test suite: fast password hashing, in-memory e-mail, fresh caches."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads go to a throw-away folder per test run (tests/conftest.py points it at tmp_path).
SERVE_MEDIA = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False  # allauth allows it only with "mandatory" (tests that need it say so)
ACCOUNT_RATE_LIMITS = False

# --- REST API -------------------------------------------------------------------
# Throttles out of the way (tests that check them set small rates); a repeat
# with an Idempotency-Key waits less before answering 409.
from .base import API_IDEMPOTENCY, REST_FRAMEWORK  # noqa: E402

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_read": "100000/minute", "api_write": "100000/minute"},
}
API_IDEMPOTENCY = {**API_IDEMPOTENCY, "WAIT_SECONDS": 2.0, "POLL_SECONDS": 0.05}

# --- Caches -------------------------------------------------------------------------
# Students' cached answers on disk (without Redis): a folder of this test process's own.
if CACHES["answers"]["BACKEND"] == "courseplatform.cache.SharedDiskCache":  # noqa: F405
    import tempfile

    CACHES["answers"] = {**CACHES["answers"], "LOCATION": tempfile.mkdtemp(prefix="softsynced-answers-")}  # noqa: F405

# --- Database -----------------------------------------------------------------------
# Our SQLite backend keeps Django's test database in memory, as Django's own does.
if DATABASES["default"]["ENGINE"] == "courseplatform.db.sqlite":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
