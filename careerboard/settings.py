"""CareerBoard settings, read from the environment (see .env.example for every variable).

Defaults serve development on a machine with PostgreSQL and Redis on localhost. With DEBUG off,
SECRET_KEY and ALLOWED_HOSTS must be given and the secure-deployment settings apply.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "development-only-secret-key-not-for-production-use-0123456789"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("With DEBUG off, set SECRET_KEY and ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "careerboard",
    "jobs",
    "profiles",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's form and widget templates, under the project's own (templates/django/forms/).
    "django.forms",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "careerboard.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session, CSRF and message middleware: it stores only what they left shareable.
    "careerboard.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "careerboard.urls")
WSGI_APPLICATION = "careerboard.wsgi.application"

# Forms render with the project's templates, so templates/django/forms/ sets how every form looks.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "careerboard.context_processors.site_links",
            ],
        },
    },
    # Plain-text email (careerboard/mail.py): the same templates, never HTML-escaped, so that
    # "R&D" arrives as "R&D" and a link's "&" stays "&".
    {
        "NAME": "email",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
    # Partials a page repeats many times, the job cards above all: Jinja2 writes them out at about
    # a quarter of the Django template language's cost. Shown with {% jinja %} (board tags).
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/careerboard"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("OPTIONS", {})
# Fail fast when the database is unreachable instead of hanging a worker. JIT compilation costs
# tens of milliseconds on the expensive-looking plans of a search and never pays back here;
# a larger work_mem keeps the GIN bitmaps of broad searches exact instead of lossy. Parallel
# workers take the cores the other requests need, and invite a parallel scan of the whole search
# table where an index walk reads a few thousand rows.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 3)
DATABASES["default"]["OPTIONS"].setdefault(
    "options",
    os.environ.get(
        "DB_SESSION_OPTIONS", "-c jit=off -c work_mem=32MB -c max_parallel_workers_per_gather=0"
    ),
)
# The statements `read_prepared` runs (careerboard/db_routers.py) are prepared once per connection;
# no other query reaches this threshold. DB_PREPARED_STATEMENTS=0 turns preparing off, for a
# connection pooler that cannot keep prepared statements (PgBouncer before 1.21, or without
# max_prepared_statements): those statements are then planned each time.
if env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2**31 - 1)

# Streaming replicas (docs/operations.md, "Read replicas"): none by default. With some, the
# reads of public pages, feeds, sitemaps and the anonymous API go to a healthy one
# (careerboard/db_routers.py); everything else, and whoever has just written, reads the primary.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
# A replica further behind the primary than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
# How often each worker looks again at a replica's state (and retries one found down).
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))
# After a request that wrote, its visitor reads the primary for this long (read your own writes).
PRIMARY_AFTER_WRITE_SECONDS = int(os.environ.get("PRIMARY_AFTER_WRITE_SECONDS", "10"))
for number, replica_url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = dj_database_url.parse(
        replica_url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    replica["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        # A replica that does not answer at once is skipped; the primary serves the page.
        "connect_timeout": 1,
        **replica.get("OPTIONS", {}),
    }
    # Tests run on one database: the replica's alias then points at the test database.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["careerboard.db_routers.PrimaryReplicaRouter"]
    # Inside the page cache's middleware, which then sees the cookie a writing request gets.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("careerboard.caching.PageCacheMiddleware") + 1,
        "careerboard.db_routers.ReplicaReadsMiddleware",
    )

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
COUNTERS_KEY_PREFIX = os.environ.get("COUNTERS_KEY_PREFIX", "careerboard:counters")
CACHES = {
    "default": {
        "BACKEND": "careerboard.cache_backends.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "careerboard",
        "TIMEOUT": 300,
        # A Redis that does not answer costs a request a fraction of a second, then is skipped.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    },
    # Whole pages for anonymous visitors, in Redis and in each worker's memory; their keys and
    # lifetimes, like every other cache entry's, are set in careerboard/caching.py.
    "pages": {
        "BACKEND": "careerboard.cache_backends.WorkerMemoryFirstCache",
        "LOCATION": "worker-pages",
        "OPTIONS": {"SHARED": "default", "MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "careerboard.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The board is written in English only: without the translation machinery, every label, date
# and "3 days ago" a page shows skips a lookup of the active language (5-6% of the instructions
# of a search or skill page; benchmarks/README.md).
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (logos) live outside the static tree; MEDIA_ROOT is never served as static files.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Resumes: never under MEDIA_ROOT or STATIC_ROOT; only permission-checked views read them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-media-is-not-served/"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CareerBoard <jobs@careerboard.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may wait; a worker, never a request, waits (careerboard/outbox.py).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Every e-mail waits in the outbox table until a worker sends it. A refused send is tried again
# after OUTBOX_RETRY_SECONDS, doubling each time up to an hour, OUTBOX_MAX_ATTEMPTS times in all.
OUTBOX_RETRY_SECONDS = float(os.environ.get("OUTBOX_RETRY_SECONDS", "30"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))


def _redis_url_with_next_db(url: str) -> str:
    """REDIS_URL's server with the database number after its own: the broker's queues stay apart
    from the cache, so clearing one never drops the other."""
    base, _, db = url.rstrip("/").rpartition("/")
    if not db.isdigit():
        return f"{url.rstrip('/')}/1"
    return f"{base}/{(int(db) + 1) % 16}"


# Celery (careerboard/celery.py): the workers send the outbox; beat starts the periodic work.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or _redis_url_with_next_db(REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message not taken by a worker within an hour is offered again (Redis has no real acks).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Publishing from a request gives up fast: the outbox sweep sends what could not be queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# How often a large board's skill figures are worked out again (careerboard/caching.py).
SKILL_MARKETS_REFRESH_SECONDS = 15 * 60
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "careerboard.tasks.outbox_sweep", "schedule": 60.0},
    "expire-jobs": {"task": "jobs.tasks.expire_jobs", "schedule": 15 * 60.0},
    "flush-job-counters": {"task": "jobs.tasks.flush_job_counters", "schedule": 5 * 60.0},
    "refresh-search-terms": {"task": "jobs.tasks.refresh_search_terms", "schedule": 6 * 3600.0},
    "refresh-skill-markets": {
        "task": "jobs.tasks.refresh_skill_markets",
        "schedule": float(SKILL_MARKETS_REFRESH_SECONDS),
    },
    "send-application-digests": {
        "task": "jobs.tasks.send_application_digests",
        "schedule": 3600.0,
    },
    "send-job-alerts": {"task": "profiles.tasks.send_job_alerts", "schedule": 15 * 60.0},
}

SITE_NAME = "CareerBoard"
# Absolute links (emails, canonical URLs, JSON-LD) use SITE_URL; in development it follows the
# port `make run` serves on.
PORT = os.environ.get("PORT") or "8000"
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Public pages, and figures built from public data, are kept at most this long (0 turns both
# off); a change to public data makes them stale at once (careerboard/caching.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))

# How many days a newly published job stays up unless the employer picks another date.
JOB_DEFAULT_LIFETIME_DAYS = 30
JOB_MAX_LIFETIME_DAYS = 90
# Anti-abuse: how many jobs one account may create in 24 hours.
JOB_SUBMISSIONS_PER_DAY = int(os.environ.get("JOB_SUBMISSIONS_PER_DAY", "10"))
COMPANY_CREATIONS_PER_DAY = int(os.environ.get("COMPANY_CREATIONS_PER_DAY", "3"))

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database, which keeps them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Security headers. Scripts only from our own origin (no inline script anywhere); styles also
# allow inline attributes because Django's admin sets a few.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Login abuse: after AXES_FAILURE_LIMIT failures for one username from one address, that pair
# is locked out for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# How many reverse proxies stand in front of the app, each appending to X-Forwarded-For. Login
# lockout, rate limits, API throttles and view counts take the client's address from
# careerboard.net, which trusts that many entries and no more.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "careerboard.net.client_ip"
RATELIMIT_IP_META_KEY = "careerboard.net.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "careerboard.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "jobs.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "careerboard.net.AnonRateThrottle",
        "careerboard.net.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CareerBoard API",
    "DESCRIPTION": "Search and read open software jobs; company members post and manage theirs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jobs.api.document_error_responses",
    ],
}

# Rate limits (django-ratelimit) answer 429 through this view; counted in the shared cache.
RATELIMIT_VIEW = "careerboard.views.rate_limited"

LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "careerboard.middleware.RequestIdFilter"},
        "redact_secrets": {"()": "careerboard.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "careerboard.logs.JsonFormatter"},
        "plain": {"()": "careerboard.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Each request is logged once by careerboard.request; runserver's own line is noise.
        "django.server": {"level": "WARNING"},
        "careerboard.request": {
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
        },
    },
}

# The five source documents our seeds are drawn from. They are not part of the repository: the
# tests that check every seeded figure against them skip without them, unless
# REQUIRE_SEED_SOURCES is on (CI turns it on, so there they must run).
SEED_SOURCES_DIR = Path(
    os.environ.get("SEED_SOURCES_DIR") or BASE_DIR.parent / "shared" / "seeds"
).resolve()
REQUIRE_SEED_SOURCES = env_bool("REQUIRE_SEED_SOURCES", False)
