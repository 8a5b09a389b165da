"""Hội Số settings: one file, driven by the environment.

Every knob is read here with a helper that refuses values it cannot understand, so a typo in
the environment stops the process at start instead of quietly running with a default.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
# The project root holds var/ (the SQLite file, the generated secret, the file cache).
ROOT_DIR = Path(os.environ.get("HOISO_ROOT", BASE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("HOISO_VAR", ROOT_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    """Take SECRET_KEY from the environment, or generate it once into var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "template_partials",
    # Before django_tasks_db: core's `db_worker` (which outlives a locked database) replaces its.
    "hoiso.core",
    "django_tasks",
    "django_tasks_db",
    "hoiso.units",
    "hoiso.accounts",
    "hoiso.metrics",
    "hoiso.members",
    "hoiso.notifications",
    "hoiso.activities",
    "hoiso.comms",
    "hoiso.documents",
    "hoiso.voices",
    "hoiso.contests",
    "hoiso.targets",
    "hoiso.reports",
    "hoiso.ratings",
    "hoiso.restructuring",
    "hoiso.pages",
    "hoiso.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Outside the session and the views: a locked database anywhere below answers "busy".
    "hoiso.core.busy.BusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoiso.core.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hoiso.core.audit.AuditContextMiddleware",
    "hoiso.accounts.middleware.PasswordChangeRequiredMiddleware",
    "hoiso.core.headers.NoStoreWhenSignedInMiddleware",
    "csp.middleware.CSPMiddleware",
]

# The pages load only their own scripts and styles, and run no inline script (behaviours are
# in static/hoiso/site.js). Style attributes stay allowed (bar and meter widths are data), not
# <style> elements; pictures may be data: URLs (the charts' icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "hoiso.urls"
WSGI_APPLICATION = "hoiso.wsgi.application"

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
                "hoiso.accounts.access.scope_context",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "template_partials.templatetags.partials",
                "hoiso.core.templatetags.numbers",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Several processes (web workers, the task worker) share one SQLite file: WAL lets readers run
# beside the writer, IMMEDIATE takes the write lock up front so that two writers queue on the busy
# timeout instead of failing with "database is locked" (and core/bulk relies on holding it).
# No write holds the database for more than a second or two (long jobs write in short steps), so
# a request that has waited SQLITE_BUSY_TIMEOUT seconds answers "busy, trying again" (core/busy).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": envint("SQLITE_BUSY_TIMEOUT", 10),
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
    ),
}
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_POOL", True):
        # Django's own pool (psycopg 3): without it every request pays a new connection.
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": envint("DB_POOL_MIN", 1),
            "max_size": envint("DB_POOL_MAX", 8),
        }
    elif _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = {**SQLITE_OPTIONS, **_db.get("OPTIONS", {})}
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "hoiso.sqlite3"),
        "OPTIONS": SQLITE_OPTIONS,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # A file cache is shared by every gunicorn worker without running another service.
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hoiso.accounts.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed logins allowed per account (and, ten times that, per address) in the window.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", 15 * 60)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
# Behind TLS (HTTPS=1): cookies only over https, HSTS, and plain http redirected. The proxy in
# front must set X-Forwarded-Proto.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Exports, import previews, error workbooks and uploaded lists hold personal data: the daily
# job (`purge_files`, run by `serve`) deletes them this many days after they were last used.
GENERATED_FILES_RETENTION_DAYS = envint("GENERATED_FILES_RETENTION_DAYS", 7)

# --- Limits on what users send ---------------------------------------------------------------
# Uploads by kind, in MB: "sheet" for member lists and bulk posts, "picture" for activity photos
# and article pictures (see core/uploads.py; later attachments add their kind here).
UPLOAD_MAX_MB = {
    "sheet": envint("UPLOAD_MAX_SHEET_MB", 50),
    "picture": envint("UPLOAD_MAX_PICTURE_MB", 15),
    "document": envint("UPLOAD_MAX_DOCUMENT_MB", 20),
}
# Documents' attachments: outside MEDIA_ROOT and the static root, served only through a view
# that checks who asks (hoiso.documents). A PEM bundle of the certificate authorities whose
# signatures on PDFs are trusted (e.g. the government's root CA); none by default.
DOCUMENTS_ROOT = Path(os.environ.get("HOISO_DOCUMENTS_DIR", VAR_DIR / "documents")).resolve()
DOCUMENT_TRUST_ROOTS = os.environ.get("HOISO_DOCUMENT_TRUST_ROOTS", "")
# A spreadsheet's sheets are measured before they are read (core/sheets.py): far beyond what a
# real member list holds, and low enough that one file cannot take a worker's memory.
SHEET_MAX_ROWS = envint("SHEET_MAX_ROWS", 200_000)
SHEET_MAX_COLUMNS = envint("SHEET_MAX_COLUMNS", 60)
SHEET_MAX_MEMORY_MB = envint("SHEET_MAX_MEMORY_MB", 500)
ARTICLE_MAX_CHARS = envint("ARTICLE_MAX_CHARS", 50_000)
# Form fields (not files) held in memory: room for the longest article, in UTF-8, and its form.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(ARTICLE_MAX_CHARS * 4 + 256 * 1024, 2_621_440)
# Uploaded files past this go to a temporary file on disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per provider request would drown the log when a notice goes to a province.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# --- E-mail (reminders) ---------------------------------------------------------------------
# Unset EMAIL_HOST means no e-mail is sent: reminders are then in-app only.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hội Số <hoiso@localhost>")

# --- Notifications (hoiso.notifications) ----------------------------------------------------
# Which adapter carries each external channel: "outbox" (the default: nothing leaves the machine,
# each message is kept as it would have been sent and shown on the Outbox page) or the real
# provider ("esms" for SMS, "zalo" for ZNS and the Official Account). E-mail goes through
# Django's SMTP backend once EMAIL_HOST is set, else to the outbox too.
NOTIFY_SMS_BACKEND = os.environ.get("NOTIFY_SMS_BACKEND", "outbox")
NOTIFY_ZALO_BACKEND = os.environ.get("NOTIFY_ZALO_BACKEND", "outbox")
for _name, _value, _allowed in (
    ("NOTIFY_SMS_BACKEND", NOTIFY_SMS_BACKEND, {"outbox", "esms"}),
    ("NOTIFY_ZALO_BACKEND", NOTIFY_ZALO_BACKEND, {"outbox", "zalo"}),
):
    if _value not in _allowed:
        raise ImproperlyConfigured(f"{_name} must be one of {sorted(_allowed)}, not {_value!r}")
# eSMS.vn brand-name SMS (customer-care messages, SmsType 2).
# The site's address as people outside reach it, for links sent in SMS and Zalo messages.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ESMS_BASE_URL = os.environ.get("ESMS_BASE_URL", "")
ESMS_API_KEY = os.environ.get("ESMS_API_KEY", "")
ESMS_SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
ESMS_BRANDNAME = os.environ.get("ESMS_BRANDNAME", "")
ESMS_SANDBOX = envbool("ESMS_SANDBOX", False)
# Delivery reports: eSMS calls ESMS_CALLBACK_URL (this site's /notifications/esms/<token>/);
# the token in it is the only proof the call is eSMS's, so make it long and random.
ESMS_CALLBACK_URL = os.environ.get("ESMS_CALLBACK_URL", "")
ESMS_CALLBACK_TOKEN = os.environ.get("ESMS_CALLBACK_TOKEN", "")
# Zalo: ZNS template messages (by phone number) and Official Account messages (to followers).
ZALO_ZNS_BASE_URL = os.environ.get("ZALO_ZNS_BASE_URL", "")
ZALO_OA_BASE_URL = os.environ.get("ZALO_OA_BASE_URL", "")
ZALO_ACCESS_TOKEN = os.environ.get("ZALO_ACCESS_TOKEN", "")
ZALO_APP_ID = os.environ.get("ZALO_APP_ID", "")
ZALO_OA_SECRET_KEY = os.environ.get("ZALO_OA_SECRET_KEY", "")
# The approved ZNS template of each kind of message, as kind=template id pairs.
ZALO_ZNS_TEMPLATES = dict(
    item.split("=", 1) for item in envlist("ZALO_ZNS_TEMPLATES", []) if "=" in item
)
# The province whose union owns the Official Account: messages from unknown followers wait there.
ZALO_OA_PROVINCE = os.environ.get("ZALO_OA_PROVINCE", "")
# Prices (VND) of one SMS part and one ZNS message, and each province's daily budget for both.
NOTIFY_SMS_PRICE = envint("NOTIFY_SMS_PRICE", 750)
NOTIFY_ZNS_PRICE = envint("NOTIFY_ZNS_PRICE", 300)
NOTIFY_DAILY_BUDGET = envint("NOTIFY_DAILY_BUDGET", 5_000_000)
# Quiet hours, local time: messages that are not urgent wait until they end.
NOTIFY_QUIET_START = envint("NOTIFY_QUIET_START", 21)
NOTIFY_QUIET_END = envint("NOTIFY_QUIET_END", 7)
# Delivery: messages sent at once by the worker's threads, attempts per channel before the next
# one is tried, and how long a message may stay claimed before another worker takes it back.
NOTIFY_SEND_THREADS = envint("NOTIFY_SEND_THREADS", 32)
NOTIFY_BATCH = envint("NOTIFY_BATCH", 500)
NOTIFY_MAX_ATTEMPTS = envint("NOTIFY_MAX_ATTEMPTS", 4)
NOTIFY_CLAIM_TIMEOUT = envint("NOTIFY_CLAIM_TIMEOUT", 300)
NOTIFY_HTTP_TIMEOUT = envint("NOTIFY_HTTP_TIMEOUT", 10)

# --- The public vote (hoiso.contests) -------------------------------------------------------
# The proof of work before a code is sent: the browser tries on average half this many SHA-256
# hashes (a fraction of a second on a phone); raise it while a contest is under attack.
VOTE_POW_MAX = envint("VOTE_POW_MAX", 50_000)
# Codes asked for in an hour, per contest: by one phone, from one network (/24 or /64: a mobile
# operator's block of addresses carries many people, so this one is generous), from one device.
VOTE_CODES_PER_PHONE = envint("VOTE_CODES_PER_PHONE", 3)
VOTE_CODES_PER_NETWORK = envint("VOTE_CODES_PER_NETWORK", 300)
VOTE_CODES_PER_DEVICE = envint("VOTE_CODES_PER_DEVICE", 5)
# Anomaly flags: a network's votes in one hour, and the phones that voted from one device.
VOTE_FLAG_NETWORK_HOUR = envint("VOTE_FLAG_NETWORK_HOUR", 100)
VOTE_FLAG_DEVICE_PHONES = envint("VOTE_FLAG_DEVICE_PHONES", 3)
# benchmarks/votes.py only: route the plain Django view it measures the vote endpoint against.
VOTE_BENCH_REFERENCE = envbool("VOTE_BENCH_REFERENCE", False)
# A secret message (a one-time password, a voting code) still unsent after these hours fails as
# expired and its text is erased: a code that late is of no use, and must not wait readable.
NOTIFY_SECRET_HOURS = envint("NOTIFY_SECRET_HOURS", 24)
