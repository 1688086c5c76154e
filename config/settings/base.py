"""Settings shared by every environment. Environment files import * from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from config.env import env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "trellis.core",
    "trellis.accounts",
    "trellis.audit",
    "trellis.organization",
    "trellis.patients",
    "trellis.assessments",
    "trellis.plans",
    "trellis.scheduling",
    "trellis.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "trellis.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trellis.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "trellis.core.context_processors.trellis",
            ],
        },
    }
]

# SQLite is the embedded default (demo, quick tests); DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'trellis.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling and lockout (django-axes): lock the username+IP pair after 5 failures for 30 min.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Automatic logoff after inactivity (HIPAA 164.312(a)(2)(iii)). Every request renews the session.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 15)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
# Dates for people: "23 Nov 2026". Django 5 always localizes and a language's format module takes
# precedence over these settings, so English is set in config/formats/en/formats.py; the settings
# are the fallback for a language without a format module.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content Security Policy (django-csp 4): no inline script or style anywhere in the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Background jobs: Django's tasks API through the django-tasks backport.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# PHI never goes to logs: request logging is limited to method, path and status, and the
# django.request logger (which prints request bodies on errors) is quietened.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Feed and questionnaire links carry their secret in the path: masked before writing.
    "filters": {"secret_paths": {"()": "trellis.core.logfilters.SecretPathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The development server's access log ("GET /schedule/feed/<token>.ics"): Django's own
        # handler has no filter, so it goes through the masking one.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Trellis's own configuration (defaults from shared/clinical/REFERENCE.md; configurable).
TRELLIS: dict[str, Any] = {
    "ORGANIZATION_NAME": env_str("TRELLIS_ORGANIZATION_NAME", "Trellis"),
    "CHART_BREAK_GLASS_HOURS": env_int("TRELLIS_BREAK_GLASS_HOURS", 4),
    "PAGE_SIZE": 25,
    # Intake and assessment (docs/assessments.md).
    "SELF_COMPLETION_LINK_HOURS": env_int("TRELLIS_SELF_COMPLETION_LINK_HOURS", 72),
    "LEVEL_OF_CARE_SYSTEM": "asam-3",
    "PLACEMENT_DEFAULT_LEVEL": "2.1",
    # None: the built-in rule table (trellis/assessments/placement.py, DEFAULT_RULES).
    "PLACEMENT_RULES": None,
    # Scheduling (docs/scheduling.md, "In the app"). A patient without a signed plan's weekly
    # requirement gets the default for their track's population ("adult" for any adult one).
    "DEFAULT_WEEKLY_REQUIREMENT": {
        "adult": {
            "min_minutes": 540,
            "min_days": 3,
            "min_day_minutes": 180,
            "max_day_minutes": 240,
            "process_groups": 1,
            "individual_minutes": 60,
        },
        "adolescent": {
            "min_minutes": 360,
            "min_days": 3,
            "min_day_minutes": 120,
            "max_day_minutes": 180,
            "process_groups": 1,
            "individual_minutes": 60,
        },
    },
    "SCHEDULE_PUBLISH_WEEKS": 8,  # a published week repeats this many weeks ahead
    "SCHEDULE_MAX_TIME_LIMIT": 600,  # seconds a coordinator may give one run
    # A queued or running run with no result this many seconds after its time limit is taken
    # as stopped (its worker died or was restarted): it no longer blocks a new run of its week.
    "SCHEDULE_RUN_STALE_AFTER": env_int("TRELLIS_SCHEDULE_RUN_STALE_AFTER", 900),
    # Treatment plans (docs/plans.md).
    "PLAN_REVIEW_INTERVAL_DAYS": env_int("TRELLIS_PLAN_REVIEW_INTERVAL_DAYS", 30),
    "PLAN_DUE_DAYS_AFTER_ADMISSION": env_int("TRELLIS_PLAN_DUE_DAYS_AFTER_ADMISSION", 7),
}
