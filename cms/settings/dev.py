"""Local development and `make demo`: debug on, embedded SQLite, no secrets needed."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# `make demo` serves /report/ on the public site's port too (gongshi_site.serve
# forwards it), so a form posted there comes from that origin.
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8001", "http://localhost:8001"]
