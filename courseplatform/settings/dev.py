"""Local development: DEBUG on unless DJANGO_DEBUG says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# `make run` serves authors' uploads from local disk itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
