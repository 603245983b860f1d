"""Gongzhi settings, driven by environment variables.

Development needs none of them: secrets are generated into ``var/`` on first run.
Production (``GONGZHI_ENV=production``) refuses to start without its secrets and turns
on every transport protection, so that ``manage.py check --deploy`` is clean.
See docs/operations.md for each variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.env import envbool, envint, envlist, envstr, load_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("GONGZHI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

GONGZHI_ENV = envstr("GONGZHI_ENV", "development")
PRODUCTION = GONGZHI_ENV == "production"
DEBUG = envbool("DEBUG", default=not PRODUCTION)

_secrets = load_secrets(VAR_DIR, production=PRODUCTION)
SECRET_KEY = _secrets["SECRET_KEY"]
# DESIGN rule 4: AES-GCM key for personal data at rest and HMAC key for blind indexes.
FIELD_ENCRYPTION_KEY = _secrets["GONGZHI_FIELD_KEY"]
BLIND_INDEX_KEY = _secrets["GONGZHI_BLIND_INDEX_KEY"]
# Earlier field keys that still decrypt during a rotation (docs/operations.md, section 6).
FIELD_ENCRYPTION_KEYS_OLD = envlist("GONGZHI_FIELD_KEYS_OLD", [])

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Only for its bundled Swagger UI files (the API docs page loads them, no CDN).
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "gongzhi.core",
    "gongzhi.ledger",
    "gongzhi.policy",
    "gongzhi.regions",
    "gongzhi.accounts",
    "gongzhi.organisations",
    "gongzhi.residents",
    "gongzhi.cases",
    "gongzhi.service_requests",
    "gongzhi.outreach",
    "gongzhi.consultations",
    "gongzhi.polls",
    "gongzhi.opinions",
    "gongzhi.disclosures",
    "gongzhi.elections",
    "gongzhi.console",
    "gongzhi.dashboards",
    "gongzhi.portal",
    "gongzhi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongzhi.accounts.middleware.SecurityPolicyMiddleware",
    "gongzhi.core.middleware.JurisdictionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the backend into responses.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.console.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": envstr("REDIS_URL")}
        if envstr("REDIS_URL", "")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASKS = {"default": {"BACKEND": envstr("GONGZHI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Accounts and the security baseline (等保 level 3 application controls) ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "gongzhi.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("GONGZHI_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "gongzhi.accounts.validators.CharacterClassesValidator"},
    {"NAME": "gongzhi.accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
GONGZHI_PASSWORD_MAX_AGE_DAYS = envint("GONGZHI_PASSWORD_MAX_AGE_DAYS", 90)
GONGZHI_IDLE_TIMEOUT_MINUTES = envint("GONGZHI_IDLE_TIMEOUT_MINUTES", 30)
# Which roles must use a TOTP second factor besides the three administrators.
GONGZHI_OTP_REQUIRED_ROLES = envlist("GONGZHI_OTP_REQUIRED_ROLES", [])
GONGZHI_API_TOKEN_TTL_HOURS = envint("GONGZHI_API_TOKEN_TTL_HOURS", 12)
# Requests per minute from one client address to the login and token endpoints.
GONGZHI_AUTH_RATE_PER_MINUTE = envint("GONGZHI_AUTH_RATE_PER_MINUTE", 30)
# Open311 GeoReport v2 (/open311/v2/): public reads per client address and minute, and
# created requests per API key and minute (django-ratelimit on the Django cache).
GONGZHI_OPEN311_READ_RATE_PER_MINUTE = envint("GONGZHI_OPEN311_READ_RATE_PER_MINUTE", 120)
GONGZHI_OPEN311_POST_RATE_PER_MINUTE = envint("GONGZHI_OPEN311_POST_RATE_PER_MINUTE", 60)
# Cybersecurity Law Art. 21: audit events are kept at least six months (check ledger.E001).
GONGZHI_LEDGER_RETENTION_DAYS = envint("GONGZHI_LEDGER_RETENTION_DAYS", 365)

# Trusted reverse proxies in front of the application; the client address is the one the
# outermost appended to X-Forwarded-For (gongzhi/accounts/client.py). 0: use REMOTE_ADDR.
GONGZHI_PROXY_COUNT = envint("GONGZHI_PROXY_COUNT", 0)

AXES_FAILURE_LIMIT = envint("GONGZHI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("GONGZHI_LOCKOUT_MINUTES", 15))
# The account is locked, whatever address the attempts come from (等保: 登录失败处理).
# Addresses are limited separately by GONGZHI_AUTH_RATE_PER_MINUTE, see SILENCED_SYSTEM_CHECKS.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lock do not restart it: the lock lasts the cool-off time from the
# failure that caused it, so the time the login page shows is the time it takes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "gongzhi.accounts.client.client_ip"
# The ledger records every login; axes' own mutable access log would only duplicate it.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "共治"

SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks to lock by client address too. Locking an address would lock out a
    # whole office or village behind one NAT address after five typing errors; the
    # address is rate-limited instead (django-ratelimit, GONGZHI_AUTH_RATE_PER_MINUTE on
    # the login and token endpoints), and the account is locked by username.
    "axes.W006",
]

# Idle timeout: SecurityPolicyMiddleware ends a session GONGZHI_IDLE_TIMEOUT_MINUTES after
# its last request and records SESSION_TIMEOUT. The cookie and the stored session live
# longer so that the late request still arrives and the timeout can be told and recorded.
SESSION_COOKIE_AGE = envint("GONGZHI_SESSION_COOKIE_HOURS", 8) * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-gongzhi-session"
    CSRF_COOKIE_NAME = "__Host-gongzhi-csrf"

# --- Language and time ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("GONGZHI_MEDIA_ROOT", str(VAR_DIR / "media")))
# Case attachments are served only through cases:attachment after a permission check,
# never under a public media URL: no web server or proxy may map MEDIA_ROOT.
# Largest image one may upload (bytes): a phone camera's photo is 2–8 MB, so 10 MB
# takes any of them while refusing videos and scans sent by mistake.
CASE_ATTACHMENT_MAX_BYTES = envint("GONGZHI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# At most this many images on one case (the nine-photo grid residents know from WeChat).
CASE_ATTACHMENT_MAX_FILES = envint("GONGZHI_ATTACHMENT_MAX_FILES", 9)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
