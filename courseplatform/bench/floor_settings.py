"""Settings of the floor: one URL, no apps, no middleware, no database, no templates."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "floor-only-no-secrets-here")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "courseplatform.bench.floor"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
TEMPLATES: list = []
USE_I18N = False
USE_TZ = True
LOGGING_CONFIG = None
