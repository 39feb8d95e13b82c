"""One settings file; everything deployment-specific comes from the environment (see .env.example).

With nothing set: an embedded SQLite database and keys in ./data, jobs in-process.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dangjian.lib.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("DANGJIAN_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DEBUG = envbool("DANGJIAN_DEBUG", False)
TESTING = envbool("DANGJIAN_TESTING", False)


def _key_from_env_or_dev_file(name: str, filename: str, make: callable) -> str:  # type: ignore[valid-type]
    """A key from the environment; in DEBUG or tests only, a random one kept in DATA_DIR."""
    value = envsecret(name)
    if value:
        return value
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(f"{name} must be set when DANGJIAN_DEBUG is off")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _key_from_env_or_dev_file("DANGJIAN_SECRET_KEY", "secret.key", lambda: secrets.token_urlsafe(50))
# Key for personal data at rest (ID numbers, phones): 32 random bytes, urlsafe base64. Kept out of the DB.
FIELD_ENCRYPTION_KEY = _key_from_env_or_dev_file(
    "DANGJIAN_FIELD_KEY", "field.key", lambda: secrets.token_urlsafe(32) + "="
)

ALLOWED_HOSTS = envlist("DANGJIAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = envlist("DANGJIAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",  # login failure lockout (security block below)
    "django_otp",  # two-factor TOTP (security block below)
    "django_otp.plugins.otp_totp",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.audit",
    "dangjian.jobs",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.life",
    "dangjian.dues",
    "dangjian.recruitment",
    "dangjian.elections",
    "dangjian.services",
    "dangjian.reports",
    "dangjian.inspection",
    "dangjian.selfcheck",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() (second factor in this session)
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangjian.accounts.middleware.AccountPolicyMiddleware",  # password change/expiry, admin 2FA, 三员分立
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "dangjian.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

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
                "dangjian.core.context.navigation",
            ],
        },
    }
]

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dangjian.sqlite3'}")
if DATABASE_URL.startswith("sqlite:"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DANGJIAN_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout so that a street's users working at once do not hit "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # PostgreSQL in production: persistent connections (DANGJIAN_CONN_MAX_AGE seconds, checked before
    # reuse) or a connection pool per process (DANGJIAN_DB_POOL: "on", or "MIN:MAX" connections; needs
    # the psycopg_pool package, `pip install "psycopg[pool]"`). Not both: Django refuses that.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
    _pool = envstr("DANGJIAN_DB_POOL").strip().lower()
    if _pool not in ("", "0", "off", "no", "false"):
        try:
            import psycopg_pool  # noqa: F401
        except ImportError as exc:
            raise ImproperlyConfigured(
                'DANGJIAN_DB_POOL needs psycopg_pool: pip install "psycopg[pool]"'
            ) from exc
        if DATABASES["default"]["CONN_MAX_AGE"]:
            raise ImproperlyConfigured(
                "DANGJIAN_DB_POOL and DANGJIAN_CONN_MAX_AGE exclude each other: set one"
            )
        _sizes = _pool.split(":") if ":" in _pool else []
        if _sizes and not all(x.strip().isdigit() for x in _sizes[:2]):
            raise ImproperlyConfigured('DANGJIAN_DB_POOL must be "on" or "MIN:MAX", e.g. 2:8')
        _pool_options: dict[str, object] = {"timeout": envint("DANGJIAN_DB_POOL_TIMEOUT", 10)}
        if _sizes:
            _pool_options |= {"min_size": int(_sizes[0]), "max_size": int(_sizes[1])}
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _pool_options
# Read-only reports on a read replica (dangjian/core/dbrouter.py): a streaming standby of the primary.
REPLICA_URL = envstr("DANGJIAN_REPLICA_URL")
if REPLICA_URL:
    from dangjian.core.dbrouter import replica_database

    DATABASES["replica"] = replica_database(REPLICA_URL, DATABASES["default"])
DATABASE_ROUTERS = ["dangjian.core.dbrouter.ReplicaRouter"]
REPLICA_READ_NAMESPACES = envlist("DANGJIAN_REPLICA_PAGES", ["reports"])  # URL namespaces read there
REPLICA_READ_JOBS = envlist("DANGJIAN_REPLICA_JOBS", ["reports."])  # job kinds (prefixes) read there
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "dangjian.core.dbrouter.ReplicaReadsMiddleware"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "dangjian.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"count": envint("DANGJIAN_PASSWORD_HISTORY", 5)},
    },
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_AGE = envint("DANGJIAN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request pushes the expiry forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = envstr("DANGJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(
        parents=True, exist_ok=True
    )  # WhiteNoise expects it; collectstatic fills it in production
MEDIA_ROOT = Path(envstr("DANGJIAN_MEDIA_DIR", str(DATA_DIR / "uploads")))
UPLOAD_MAX_BYTES = envint("DANGJIAN_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("DANGJIAN_IMPORT_MAX_ROWS", 20000)
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("DANGJIAN_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Production hardening (active whenever DEBUG is off).
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the CSRF token reaches HTMX through the page (hx-headers), never from JS
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = envbool("DANGJIAN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DANGJIAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Security (issue 10; docs/security.md) -----------------------------------------------------
# Identity: password policy numbers (等级保护 defaults), lockout, two factors for the administrators.
PASSWORD_MAX_AGE_DAYS = envint("DANGJIAN_PASSWORD_MAX_AGE_DAYS", 90)  # 0: passwords never expire
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username or address before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("DANGJIAN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("DANGJIAN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.views.lockout_response"  # Chinese page, status 429
AXES_CLIENT_IP_CALLABLE = "dangjian.audit.context.client_ip"  # the same address the audit log records
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_VERBOSE = False
# Behind N reverse proxies, the client address is the Nth entry from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = envint("DANGJIAN_TRUSTED_PROXY_COUNT", 0)
OTP_TOTP_ISSUER = "社区党建工作平台"
# Audit log retention: never less than 180 days (网络安全法 Article 21).
AUDIT_RETENTION_DAYS = max(180, envint("DANGJIAN_AUDIT_RETENTION_DAYS", 180))
# Key rotation: the previous field keys (comma-separated), still accepted for reading until
# `dangjian rotate_keys` has re-encrypted everything with DANGJIAN_FIELD_KEY.
FIELD_ENCRYPTION_OLD_KEYS = envlist("DANGJIAN_FIELD_KEY_OLD")
# Uploads inside zip containers (xlsx, docx, ods): refuse zip bombs.
UPLOAD_MAX_UNZIPPED_BYTES = envint("DANGJIAN_UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
UPLOAD_MAX_ZIP_RATIO = envint("DANGJIAN_UPLOAD_MAX_ZIP_RATIO", 100)
# ----------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "dangjian.accounts.authentication.PolicyTokenAuthentication",  # the pages' account policy too
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "dangjian.core.schema.AutoSchema",  # documents the error responses too
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "dangjian.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社区党建工作平台 API",
    "DESCRIPTION": "Organizations, members and the records of community Party work. Scoped to the caller's subtree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the vendored sidecar package (no CDN), split view (no inline script).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One component per choice set that several serializers share, named after its TextChoices.
    "ENUM_NAME_OVERRIDES": {
        "AbsenceReasonEnum": "dangjian.life.models.AbsenceReason.choices",
        "ActivityKindEnum": "dangjian.life.models.ActivityKind.choices",
        "MemberStatusEnum": "dangjian.members.models.MemberStatus.choices",
        "DuesChannelEnum": "dangjian.dues.models.Channel.choices",
        "MeasureStatusEnum": "dangjian.inspection.models.MeasureStatus.choices",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("DANGJIAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},  # axes: lockouts only
}

# Background jobs (self-check, imports, reports, exports): "thread" runs them inside the web process
# (the embedded default, no server), "celery" on Celery workers through the Redis broker below,
# "sync" inline (management commands, tests that want it).
JOBS_BACKEND = envstr("DANGJIAN_JOBS", "thread")
JOBS_THREADS = envint("DANGJIAN_JOB_THREADS", 2)
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if JOBS_BACKEND not in ("thread", "celery", "sync"):
    raise ImproperlyConfigured("DANGJIAN_JOBS must be thread, celery or sync")
if JOBS_BACKEND == "celery" and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("DANGJIAN_JOBS=celery needs CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")

# Domain thresholds (domain-rules.md). Every number is a default a deployment may change;
# DANGJIAN_RULES_FILE names a JSON file whose keys override these.
DOMAIN_RULES: dict[str, object] = {
    "branch_min_full_members": 3,
    "branch_max_members": 50,
    "general_branch_min_full_members": 50,
    "committee_min_full_members": 100,
    "branch_committee_min_full_members": 7,
    "term_years": {"community_committee": 5, "street_committee": 5, "general_branch": 3, "branch": 3},
    "term_reminder_months": 6,
    "lost_contact_months": 6,
    "abroad_keep_years": 5,
    "transfer_report_months": 3,
    # inspection and rectification (巡视条例; local practice)
    "rectification_plan_days": 30,
    "rectification_report_months": 2,
    "rectification_reminder_days": 7,
    "lookback_text_similarity": 0.25,
    "lookback_aspect_similarity": 0.4,
}
_rules_file = envstr("DANGJIAN_RULES_FILE")
if _rules_file:
    import json

    DOMAIN_RULES.update(json.loads(Path(_rules_file).read_text(encoding="utf-8")))
