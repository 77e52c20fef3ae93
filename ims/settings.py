"""Django settings, read from the environment.

Every value an operator may set comes from an ``IMS_*`` variable or
``DATABASE_URL`` through the typed helpers in :mod:`ims.core.env`, which refuse a
bad value with a message that names the variable. See the configuration table in
the README.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from ims.core.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_path,
    env_str,
    env_timezone,
    local_secret_key,
)

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = env_path("IMS_VAR_DIR", BASE_DIR.parent / "var")

DEBUG = env_bool("IMS_DEBUG", False)

_secret = env_str("IMS_SECRET_KEY")
if _secret is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "IMS_SECRET_KEY: must be set when IMS_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    _secret = local_secret_key(VAR_DIR / "secret_key")
elif len(_secret) < 50 or len(set(_secret)) < 5:
    raise ImproperlyConfigured("IMS_SECRET_KEY: too weak; use at least 50 random characters.")
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("IMS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "IMS_ALLOWED_HOSTS: must list the host names the app is served as when IMS_DEBUG is off."
    )

MEDIA_ROOT = env_path("IMS_MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"  # never served publicly: downloads pass a permission check

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "ims.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "ims.core",
    "ims.api",
    "ims.audit",
    "ims.org",
    "ims.standards",
    "ims.readiness",
    "ims.tabular",
    "ims.aspects",
    "ims.context",
    "ims.obligations",
    "ims.risks",
    "ims.objectives",
    "ims.processes",
    "ims.changes",
    "ims.signatures",
    "ims.responsibilities",
    "ims.policies",
    "ims.factors",
    "ims.documents",
    "ims.reminders",
    "ims.monitoring",
    "ims.kpis",
    "ims.improvement",
    "ims.feedback",
    "ims.ghg",
    "ims.accounts",
    "ims.web",
    "ims.ops",
    "ims.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ims.core.middleware.SecurityHeadersMiddleware",
    "ims.api.middleware.ApiProblemMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware joins when a second language ships; templates are already translatable.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ims.core.middleware.RequestContextMiddleware",
    "ims.core.middleware.LoginRequiredMiddleware",
    "ims.accounts.middleware.PasswordChangeRequiredMiddleware",
    "ims.web.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "ims.urls"
WSGI_APPLICATION = "ims.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ims.web.context.shell",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ims.accounts.backends.LockoutAwareBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out: this many consecutive failed logins lock the account for the period.
IMS_LOCKOUT_THRESHOLD = env_int("IMS_LOCKOUT_THRESHOLD", 5, minimum=1)
IMS_LOCKOUT_MINUTES = env_int("IMS_LOCKOUT_MINUTES", 15, minimum=1)
# A token's use is written to the audit trail at most once per this many seconds
# per token and address, so an integrator polling the API does not flood the log.
IMS_TOKEN_USE_AUDIT_SECONDS = env_int("IMS_TOKEN_USE_AUDIT_SECONDS", 60, minimum=0)

# Document control (7.5)
IMS_UPLOAD_MAX_MB = env_int("IMS_UPLOAD_MAX_MB", 25, minimum=1)
# Where people open IMS, for the links in e-mails (``ims remind``), e.g. https://ims.example.com
IMS_BASE_URL = (env_str("IMS_BASE_URL", "") or "").rstrip("/")

# Improvement (10): a new event with the same process and cause category within this many days is a recurrence
IMS_RECURRENCE_DAYS = env_int("IMS_RECURRENCE_DAYS", 180, minimum=1)
# The reporting currency of the cost of poor quality (ISO 4217 code), and days allowed to answer a complaint
IMS_CURRENCY = (env_str("IMS_CURRENCY", "EUR") or "EUR").upper()
IMS_COMPLAINT_RESPONSE_DAYS = env_int("IMS_COMPLAINT_RESPONSE_DAYS", 10, minimum=1)
IMS_DOCUMENTS_SELF_APPROVAL = env_bool("IMS_DOCUMENTS_SELF_APPROVAL", False)  # may an author approve their own draft?
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("IMS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded document files. Any Django storage backend works (e.g. S3 through
    # django-storages): set IMS_DOCUMENT_STORAGE to its dotted path and its options
    # through that backend's own settings.
    "documents": {
        "BACKEND": env_str("IMS_DOCUMENT_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": ({"location": str(MEDIA_ROOT / "documents")} if env_str("IMS_DOCUMENT_STORAGE") is None else {}),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ims.web.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("IMS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("IMS_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

EMAIL_BACKEND = env_str("IMS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("IMS_FROM_EMAIL", "ims@localhost")

NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("IMS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every PDF step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
