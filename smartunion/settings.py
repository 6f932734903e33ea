"""smartunion settings: everything that differs between machines comes from the environment.

Variables (see docs/deploy.md):
  SMARTUNION_ENV   development (default) | production | test
  SECRET_KEY       required in production; generated once into var/secret_key in development
  DATABASE_URL     default: SQLite file var/smartunion.sqlite3 in WAL mode
  DATABASE_SERVER_SIDE_BINDING  PostgreSQL: 1 (default) prepares hot statements; 0 behind some poolers
  REDIS_URL        optional; cache and hot counters. Sign-in lockout never depends on it.
  BENEFITS_CLAIM_BACKEND  auto (default: the database's own) or redis: who counts voucher claims
  CELERY_BROKER_URL  optional; the task queue's broker (Redis). Without it tasks run in-process
  ALLOWED_HOSTS    comma-separated; default 127.0.0.1,localhost in development
  FIELD_ENCRYPTION_KEYS  "version:base64key,..." for personal-data encryption (first is current)
  AUDIT_CHAIN_KEY  secret keying the audit chain's hashes; required in production, var/ in development
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SMARTUNION_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("SMARTUNION_ENV") or ("test" if "PYTEST_VERSION" in os.environ else "development")
PRODUCTION = ENV == "production"
DEBUG = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes"} and not PRODUCTION


def _secret_from_var(name: str, nbytes: int = 50, *, key: bool = False) -> str:
    """A development secret kept in var/ so restarts keep sessions; never used in production."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(
            base64.b64encode(secrets.token_bytes(nbytes)).decode() if key else secrets.token_urlsafe(nbytes)
        )
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    try:
        SECRET_KEY = os.environ["SECRET_KEY"]
    except KeyError as exc:  # fail at start, not at the first signed cookie
        raise RuntimeError("SECRET_KEY must be set when SMARTUNION_ENV=production") from exc
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_from_var("secret_key")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(
        ","
    )
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "csp",
    "smartunion.core",
    "smartunion.orgs",
    "smartunion.holidays",
    "smartunion.notifications",
    "smartunion.accounts",
    "smartunion.members",
    "smartunion.labourlaw",
    "smartunion.cases",
    "smartunion.benefits",
    "smartunion.console",
    "smartunion.mobile",
    "smartunion.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smartunion.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartunion.accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "smartunion.accounts.middleware.TokenAuthenticationMiddleware",
    "smartunion.accounts.middleware.StaffSessionMiddleware",
    "smartunion.accounts.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "smartunion.urls"
WSGI_APPLICATION = "smartunion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'smartunion.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers queue instead of
        # failing with "database is locked" when a read upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file, not :memory:, so that tests with parallel connections see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameters let psycopg prepare a statement after its fifth run on a connection,
    # so PostgreSQL stops re-planning the hot queries on every request (docs/decisions/0011).
    # DATABASE_SERVER_SIDE_BINDING=0 turns it off (a pooler that cannot keep prepared statements).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = os.environ.get(
        "DATABASE_SERVER_SIDE_BINDING", "1"
    ).lower() not in {"0", "false", "no"}
    # A kept connection (CONN_MAX_AGE) is checked before a request uses it, so one lost in a
    # failover or a PostgreSQL restart is replaced instead of costing each server process a 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Behind nginx every request comes from 127.0.0.1: trust the proxy's X-Real-IP only when it is set
# by our own proxy (see docs/deploy.md), or the lockout per address would lock out everyone at once.
TRUST_X_REAL_IP = os.environ.get("TRUST_X_REAL_IP", "").lower() in {"1", "true", "yes"}

# --- Cache (Redis when configured) --------------------------------------------------------------
# Redis is optional, also when configured: while it is down, reads miss and writes are dropped
# (core/cache.py), rate limits count in the database and roster progress comes from the database.
# Short socket timeouts so that a Redis that does not answer fails fast.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "smartunion.core.cache.OptionalRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["smartunion.accounts.backends.MobileOrUsernameBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Tests create hundreds of users; the production hasher stays Argon2 (checked in a test).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "smartunion.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "smartunion.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "console:login"

# Idle time-outs (GB/T 22239 level 3: session time-out). Staff: 30 minutes idle.
STAFF_SESSION_IDLE_SECONDS = 30 * 60
WORKER_SESSION_SECONDS = 14 * 24 * 3600
SESSION_COOKIE_AGE = WORKER_SESSION_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
API_TOKEN_TTL_SECONDS = int(os.environ.get("API_TOKEN_TTL_SECONDS", str(12 * 3600)))

# Sign-in lockout: counted in the database, so it holds with Redis down.
LOCKOUT_WINDOW_SECONDS = 15 * 60
LOCKOUT_ACCOUNT_FAILURES = 5
LOCKOUT_ADDRESS_FAILURES = 20

# One-time sign-in codes for workers: "log" writes them to the log (development); an SMS backend
# is a dotted path to a class with send(mobile, code).
OTP_SENDER = os.environ.get("OTP_SENDER", "" if PRODUCTION else "smartunion.notifications.senders.LogSender")
if PRODUCTION and not OTP_SENDER:
    # The log sender writes codes to the log: anyone reading it could sign in as any worker.
    raise RuntimeError("OTP_SENDER must name an SMS sender class when SMARTUNION_ENV=production")
ONE_TIME_CODE_TTL_SECONDS = 5 * 60
# Sending codes costs an SMS each: one a minute to a number, and from one client address at most
# these many an hour and a day, whatever the numbers (counted in the database, like the lockout).
CODE_SEND_PER_ADDRESS_HOUR = int(os.environ.get("CODE_SEND_PER_ADDRESS_HOUR", "20"))
CODE_SEND_PER_ADDRESS_DAY = int(os.environ.get("CODE_SEND_PER_ADDRESS_DAY", "50"))
# Codes to one number, whoever asks for them (no flooding a phone from many addresses).
CODE_SEND_PER_NUMBER_HOUR = int(os.environ.get("CODE_SEND_PER_NUMBER_HOUR", "5"))
CODE_SEND_PER_NUMBER_DAY = int(os.environ.get("CODE_SEND_PER_NUMBER_DAY", "10"))

# --- Membership (工会法 第三条; the answer deadline is the federation's own rule) ----------------------
JOIN_RESPONSE_WORKING_DAYS = int(os.environ.get("JOIN_RESPONSE_WORKING_DAYS", "15"))
CARD_TOKEN_TTL_SECONDS = int(os.environ.get("CARD_TOKEN_TTL_SECONDS", "120"))
# The card's typed code (members/services/cards.py card_code): one code per window, the current and
# the previous window accepted; a clerk or staff member gets CARD_CODE_FAILURE_LIMIT wrong codes per
# CARD_CODE_FAILURE_WINDOW_SECONDS, then typed codes are refused until the window moves.
CARD_CODE_WINDOW_SECONDS = int(os.environ.get("CARD_CODE_WINDOW_SECONDS", "120"))
CARD_CODE_FAILURE_LIMIT = int(os.environ.get("CARD_CODE_FAILURE_LIMIT", "20"))
CARD_CODE_FAILURE_WINDOW_SECONDS = int(os.environ.get("CARD_CODE_FAILURE_WINDOW_SECONDS", "600"))
# A voucher's QR code, refreshed by the voucher page like the card's.
VOUCHER_TOKEN_TTL_SECONDS = int(os.environ.get("VOUCHER_TOKEN_TTL_SECONDS", "120"))
# Who does the contended work of a voucher claim: "auto" (the database's own: sqlite or postgresql)
# or "redis" (hot counters in Redis, each success written to the database; needs REDIS_URL).
# docs/decisions/0018-voucher-claims.md.
BENEFITS_CLAIM_BACKEND = os.environ.get("BENEFITS_CLAIM_BACKEND", "auto")
BENEFITS_REDIS_URL = os.environ.get("BENEFITS_REDIS_URL", "")
# POST /api/v1/cards/verify per API token ("number/s|m|h|d"), counted in the cache.
CARD_VERIFY_RATE = os.environ.get("CARD_VERIFY_RATE", "60/m")
# Roster import (members/roster/): files over the size limit are refused before they are read;
# rosters of more rows than ROSTER_SYNC_ROWS are imported by a background task.
ROSTER_MAX_UPLOAD_BYTES = int(os.environ.get("ROSTER_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
ROSTER_SYNC_ROWS = int(os.environ.get("ROSTER_SYNC_ROWS", "2000"))
# An import "committing" with no sign of life for this long stopped with its process (a restart, a
# crash, a worker lost for good): its transaction rolled back, and it is shown failed, to retry.
ROSTER_COMMIT_STALE_SECONDS = int(os.environ.get("ROSTER_COMMIT_STALE_SECONDS", str(15 * 60)))
# At most this many member rows in one roster: a sheet that holds cells further down is refused before
# it is read (split the roster into files), whatever the file declares.
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", "200000"))
ROSTER_MAX_ERRORS = int(os.environ.get("ROSTER_MAX_ERRORS", "1000"))

# --- Cases: legal aid and mediation (issue 9; docs/cases.md) ---------------------------------------
# Evidence and generated documents live outside the web root and are served only through views that
# check who may see the case.
CASE_FILES_DIR = Path(os.environ.get("CASE_FILES_DIR", VAR_DIR / "case-files"))
# Uploaded pictures (the benefits catalogue): under the var directory, never the working directory.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
CASE_EVIDENCE_MAX_BYTES = int(os.environ.get("CASE_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
CASE_EVIDENCE_MAX_FILES = int(os.environ.get("CASE_EVIDENCE_MAX_FILES", "20"))
# Clocks: where the law leaves the counting to procedure rules, the federation chooses.
FIRST_CONTACT_WORKING_DAYS = int(os.environ.get("FIRST_CONTACT_WORKING_DAYS", "1"))
# The legal-aid decision's 7 days (法律援助法 第四十三条): "working_days" as 《办理法律援助案件程序规定》
# 第十三条 counts them, or "days" (calendar days, ending on a working day).
LEGAL_AID_DECISION_COUNTING = os.environ.get("LEGAL_AID_DECISION_COUNTING", "working_days")
# A collective case needs this many workers (劳动争议调解仲裁法 第七条).
CASE_COLLECTIVE_MIN_WORKERS = 10

# --- Personal-data encryption -------------------------------------------------------------------
FIELD_ENCRYPTION_KEYS = os.environ.get("FIELD_ENCRYPTION_KEYS", "")
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")
if PRODUCTION and not (FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY):
    raise RuntimeError("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set when SMARTUNION_ENV=production")
if not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = "1:" + _secret_from_var("field_key", 32, key=True)
if not BLIND_INDEX_KEY:
    BLIND_INDEX_KEY = _secret_from_var("blind_index_key", 32)
FIELD_ENCRYPTION_ALGORITHM = os.environ.get("FIELD_ENCRYPTION_ALGORITHM", "aes-256-gcm")
# hmac-sha256 (default) or hmac-sm3. Chosen once, before the first person is stored: every exact
# lookup (sign-in by mobile, search by ID number) goes through these indexes.
BLIND_INDEX_ALGORITHM = os.environ.get("BLIND_INDEX_ALGORITHM", "hmac-sha256")
if BLIND_INDEX_ALGORITHM not in {"hmac-sha256", "hmac-sm3"}:
    raise RuntimeError("BLIND_INDEX_ALGORITHM must be hmac-sha256 or hmac-sm3")
# The audit chain is keyed (core/audit.py: HMAC under BLIND_INDEX_ALGORITHM's hash), so someone who can
# write to the database cannot recompute the hashes after an edit. Keep it outside the database.
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
if PRODUCTION and not AUDIT_CHAIN_KEY:
    raise RuntimeError("AUDIT_CHAIN_KEY must be set when SMARTUNION_ENV=production")
if not AUDIT_CHAIN_KEY:
    AUDIT_CHAIN_KEY = _secret_from_var("audit_chain_key", 32)

# --- I18N ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "smartunion" / "locale"]
LANGUAGE_COOKIE_NAME = "smartunion_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Tasks: Celery (smartunion/celery.py, core/tasks.py; docs/decisions/0015) -----------------------
# With a broker (Redis, another database number than the cache's) long and scheduled work runs in
# the Celery worker and beat (docs/deploy.md). Without one, a task runs in a thread of the process
# that queues it, so `make run` needs nothing but Python; a broker that cannot be reached is no error
# either: the task then runs in-process too.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Several installations sharing one Redis each take their own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "smartunion")
# A message is acknowledged when its task ends, not when it starts: a worker process lost during the
# task (killed, out of memory) hands the message back and the task runs again. So every task must be
# safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long import holds back no message queued behind it
CELERY_TASK_IGNORE_RESULT = True  # a task records its outcome in its own rows: no result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # a worker started before Redis waits for it
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message still unacknowledged after this long (its whole worker was lost) is delivered again.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below, redacted
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic work, declared once: run by `celery beat`, or by `manage.py run_scheduled` from cron where
# there is no beat (each job at most once per period). Intervals or celery.schedules.crontab.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "roster-housekeeping": {"task": "members.roster_housekeeping", "schedule": timedelta(hours=1)},
    "sign-in-records-prune": {"task": "accounts.sign_in_records_prune", "schedule": timedelta(days=1)},
    "case-clock-reminders": {"task": "cases.clock_reminders", "schedule": crontab(hour=7, minute=30)},
    "campaign-clock": {"task": "benefits.campaign_clock", "schedule": timedelta(minutes=1)},
    "monthly-statements": {
        "task": "benefits.monthly_statements",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
}

# --- Static -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns (and tests fail on warnings) when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Security -----------------------------------------------------------------------------------
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Strict CSP: no inline script or style anywhere; every asset is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging: never personal data or secrets (see core/logging.py) ------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "smartunion.core.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
