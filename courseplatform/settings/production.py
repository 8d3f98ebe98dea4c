"""Production: DEBUG off, HTTPS everywhere, and no start without a secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

if not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

DEBUG = False
# A real address is required, proven by a code sent to it (see base.py).
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost")
# Uploads come from object storage or a proxy; a single server on local disk may opt in.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

# --- HTTPS and cookies ----------------------------------------------------------
# Behind a TLS-terminating load balancer, set TRUSTED_PROXY_COUNT (base.py): only
# then is its X-Forwarded-Proto believed (SECURE_PROXY_SSL_HEADER).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- Staff accounts -------------------------------------------------------------
# The admin opens only for staff with an authenticator app (allauth.mfa);
# STAFF_REQUIRE_MFA=0 turns it off, for example for a first setup.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", True)
