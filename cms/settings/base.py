"""Settings shared by every environment; dev, test and production override a few lines."""

from datetime import time, timedelta
from pathlib import Path

import dj_database_url

from gongshi import headers

PROJECT_DIR = Path(__file__).resolve().parent.parent  # cms/
BASE_DIR = PROJECT_DIR.parent  # repository root
VAR_DIR = BASE_DIR / "var"  # runtime state: SQLite database, media, build output

INSTALLED_APPS = [
    "cms.base",
    "cms.programmes",
    "cms.recipients",
    "cms.notices",
    "cms.decisions",
    "cms.revocations",
    "cms.reporting",
    "cms.supervision",
    "cms.govsite",
    "cms.publishing",
    "cms.recordlog",
    "cms.security",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "cms.ops",
    "cms.demo",
    "django_tasks",
    "django_tasks_db",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.base.middleware.RefusalMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
    {
        # The public pages the CMS serves on the public site's origin (the intake, /report/):
        # Jinja2, autoescaped, as the built site's templates (cms/govsite/jinja.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "cms.govsite.jinja.environment"},
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite is the embedded default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'gongshi.sqlite3'}",
        conn_max_age=60,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (the web process, the worker, several intake submissions) wait
    # for the lock instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The editors, the public and the regulations all work in Simplified Chinese and
# Beijing time; code and logs stay in English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Our own catalogue first, then the one that fills the gaps of Wagtail's zh_Hans catalogue.
LOCALE_PATHS = [PROJECT_DIR / "locale", PROJECT_DIR / "locale_wagtail"]

STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "质量奖公示公开平台"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_USER_LOGIN_FORM = "cms.base.forms.LoginForm"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's database backend with Chinese cut into character pairs on both sides, so
# the admin's searches find words and fragments (ADR 0029).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.base.search_backend"}}

# Accountability: an edit made while an item awaits approval sends it back through
# every approval step, and publishing never happens outside a workflow (see ADR 0003).
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
WAGTAIL_MODERATION_ENABLED = True

# The static site builder pages through the API; 100 items a page keeps requests few.
WAGTAILAPI_LIMIT_MAX = 100

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# Django's own handlers, redefined with a filter that keeps the intake's requests (client
# address, form data) out of every record; see cms/supervision/logs.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "drop_intake_requests": {"()": "cms.supervision.logs.DropIntakeRequests"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["drop_intake_requests"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["drop_intake_requests"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "drop_intake_requests"],
        },
    },
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "cms": {"handlers": ["console"], "level": "INFO"},
        "wagtail": {"handlers": ["console"], "level": "WARNING"},
        # Loggers that would write confidential content at DEBUG, should anyone turn it
        # on: Pillow logs EXIF values while evidence is cleaned, the template engine
        # logs whole contexts (a decrypted case) on every missing variable.
        "PIL": {"level": "WARNING"},
        "django.template": {"level": "INFO"},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "cms.supervision.logs.IntakeExceptionReporterFilter"

# Builds of the public site run in the background on django-tasks' database queue
# (`manage.py db_worker`); production may use its Redis-backed RQ backend instead.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A publicity period counts the day its notice goes live only if that is a working day
# and the notice is up before the end of working hours, China time (ADR 0018).
GONGSHI_WORKING_HOURS_END = time(17, 0)

# The public site: builds and the `live` symlink the web server serves.
GONGSHI_SITE_DIR = VAR_DIR / "site"
# The publication log's Ed25519 signing key (manage.py record_key init): a file, never in
# the database or a backup (docs/security.md, ADR 0031).
GONGSHI_RECORD_KEY_FILE = VAR_DIR / "record" / "signing.key"
GONGSHI_RECORD_KEY_CREATE = False  # tests only: create the key when first needed
GONGSHI_SITE_URL = ""  # absolute base for sitemap and Open Graph links, when known
GONGSHI_PELICAN_SETTINGS = BASE_DIR / "site" / "pelicanconf.py"
# The public theme: the CMS's pages on the public site's origin (the report form) render
# its header and footer (cms/govsite/chrome.py).
GONGSHI_THEME_DIR = BASE_DIR / "themes" / "gongshi"
GONGSHI_BUILD_TIMEOUT = 600  # seconds before a build is abandoned
GONGSHI_SCHEDULED_BUILDS_AHEAD = 5  # date-driven builds queued at a time
# Object storage every build is pushed to (s3://bucket/prefix), off when empty; see
# cms/publishing/push.py and docs/scaling.md.
GONGSHI_SITE_PUSH_URL = ""
GONGSHI_SITE_PUSH_ENDPOINT_URL = None
GONGSHI_SITE_PUSH_REGION = None
# A build that failed for a passing reason (full disk, database restart, killed process)
# is retried after 30 s, 60 s, 120 s ... at most 10 min apart, 5 times (docs/backup.md).
GONGSHI_BUILD_RETRIES = 5
GONGSHI_BUILD_RETRY_DELAY = 30
GONGSHI_BUILD_RETRY_MAX_DELAY = 600
GONGSHI_BUILD_DATABASE_WAIT = 300  # seconds a finished build waits to record its result
# A publish rebuilds only what it changed, from state the worker keeps in memory
# (docs/adr/0009-incremental-publishing.md); False: every build is a full one.
GONGSHI_INCREMENTAL_BUILDS = True

# Avatars would send a hash of each editor's email to gravatar.com; nothing leaves the CMS.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Confidential reports (cms/supervision, ADR 0007). argon2id work factors for the group's
# passphrase, typed once per session. A receipt's secret is 120 random bits and needs no
# stretching: a keyed BLAKE2b per submission and lookup (ADR 0040; older receipts keep
# the argon2id costs stored with them).
GONGSHI_SUPERVISION_PASSPHRASE_KDF = "moderate"
GONGSHI_SUPERVISION_RECEIPT_KDF = "unstretched"
GONGSHI_SUPERVISION_UNLOCK_SECONDS = 30 * 60  # the unlocked key expires this long after unlock
# Evidence: per file, count, and the whole request (the form's text included).
GONGSHI_REPORT_MAX_FILE_BYTES = 10 * 1024 * 1024
GONGSHI_REPORT_MAX_FILES = 5
GONGSHI_REPORT_MAX_REQUEST_BYTES = 32 * 1024 * 1024
GONGSHI_REPORT_MAX_IMAGE_PIXELS = 40_000_000
# Rate limits, counted per client under a keyed hash that rotates hourly (no address kept):
# (requests, seconds).
GONGSHI_REPORT_SUBMISSIONS_PER_CLIENT = (5, 3600)
GONGSHI_RECEIPT_FAILURES_PER_CLIENT = (10, 3600)
GONGSHI_RECEIPT_FAILURES_PER_LOOKUP = (5, 3600)
GONGSHI_RECEIPT_FAILURES_GLOBAL = (200, 3600)
# How long a blank intake form stays valid (its signed timestamp).
GONGSHI_REPORT_FORM_MAX_AGE = 24 * 3600

# --- Security (ADR 0012) -------------------------------------------------------------------
# Argon2id for staff passwords; an older hash is upgraded when its user next logs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Headers of every CMS response (cms/security/middleware.py; Django's SecurityMiddleware
# and XFrameOptionsMiddleware send the rest). The report intake is on the public site's
# origin and gets its policy, as do the documents the CMS serves (downloads, ADR 23).
# Referrer-Policy stays same-origin here, not no-referrer: with no-referrer Chromium sends
# "Origin: null" on a form's POST, which the CSRF check refuses.
GONGSHI_CSP = headers.ADMIN_CSP
GONGSHI_CSP_BY_PATH = {"/report/": headers.PUBLIC_CSP, "/documents/": headers.ATTACHMENT_CSP}
GONGSHI_PERMISSIONS_POLICY = headers.PERMISSIONS_POLICY
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies: no script reads them (Wagtail's admin takes the CSRF token from the page); Lax
# keeps a link into the admin from an e-mail working. Production adds Secure.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Request sizes. Form text (everything but files): Wagtail's project template raises the
# field count for long inline panels (a list notice with hundreds of entries). Files over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file; the report intake keeps its evidence
# in memory under its own caps (GONGSHI_REPORT_*). The web server's body limit must be at
# least the largest of these (deploy/nginx).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAILDOCS_MAX_UPLOAD_SIZE = 30 * 1024 * 1024
# Attachments: the allow-list of document types, checked by name and content at upload
# (cms/base/attachments.py; it covers WAGTAILDOCS_EXTENSIONS, Wagtail's check by name)
# and again by the export (ADR 23).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.base.attachments.AttachmentForm"
# Served by the CMS (/documents/, for remote builds and the admin) always as a download,
# under the attachments' sandbox policy (GONGSHI_CSP_BY_PATH) rather than Wagtail's own.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Staff logins: a username failing 5 times from one address is locked for 15 minutes
# (django-axes, counted in the database so every application server sees the same count).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "cms.security.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful logins are Wagtail's log
AXES_CLIENT_IP_CALLABLE = "cms.security.clients.client_address"
# Two-factor authentication (cms/security/twofactor.py): who must use it.
GONGSHI_TWO_FACTOR_REQUIRED_GROUPS = ["审核", "监督组"]  # cms.base.roles.APPROVERS, SUPERVISORS
OTP_TOTP_ISSUER = "质量奖公示公开平台"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubling with each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1
