"""Django settings for Jamaa, all from the environment (see config.py and the README)."""

from __future__ import annotations

import os
import sys

import dj_database_url

from . import config as _config

try:
    CONFIG = _config.load()
except _config.ConfigError as exc:  # one sentence, no traceback
    sys.stderr.write(f"jamaa: configuration error: {exc}\n")
    raise SystemExit(2) from None

if CONFIG.embedded_database:
    from . import embedded_db

    os.environ["DATABASE_URL"] = embedded_db.ensure_running()
    _database_url = os.environ["DATABASE_URL"]
else:
    _database_url = CONFIG.database_url

BASE_DIR = _config.REPO_ROOT
DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
JAMAA_BASE_DOMAIN = CONFIG.base_domain
JAMAA_EMBEDDED_DATABASE = CONFIG.embedded_database
JAMAA_VAR_DIR = _config.VAR_DIR
# Signs backup archives (HMAC-SHA256); unset: derived from SECRET_KEY. See docs/backup.md.
JAMAA_BACKUP_KEY = os.environ.get("JAMAA_BACKUP_KEY", "")

# Tenant routing decides which hosts are served; unknown hosts get our plain 404 page.
ALLOWED_HOSTS = ["*"]

SHARED_APPS = [
    "django_tenants",
    "jamaa.tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jamaa.platform.core",
    "jamaa.platform.console",
    "jamaa.provisioning",
    "jamaa.platform.billing",
    "jamaa.platform.support",
]
# Each commune's schema: its own users, groups, sessions, tokens, audit trail and module tables.
# Modules append their app here (see "How to add a module" in the README).
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "axes",
    "django_otp.plugins.otp_totp",
    "jamaa.platform.core",
    "jamaa.platform.kernel",
    "jamaa.modules.etatcivil",
    "jamaa.modules.regie",
    "jamaa.modules.collecte",
    "jamaa.modules.courrier",
    "jamaa.modules.police",
    "jamaa.modules.budget",
    "jamaa.modules.parc",
    "jamaa.modules.urbanisme",
    "jamaa.modules.rh",
    "jamaa.modules.concours",
    "jamaa.modules.portail",
]
# Extra per-commune apps from outside the codebase (benchmarks/fleet.py uses this for a throwaway app).
TENANT_APPS += [a.strip() for a in os.environ.get("JAMAA_EXTRA_TENANT_APPS", "").split(",") if a.strip()]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Commune"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "jamaa.platform.urls_public"
ROOT_URLCONF = "jamaa.platform.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Not TENANT_LIMIT_SET_CALLS: after a savepoint rollback the cached search_path can be stale (#1262).

_db = dj_database_url.parse(_database_url, conn_max_age=int(os.environ.get("JAMAA_CONN_MAX_AGE", "60")))
if "host" in _db.get("OPTIONS", {}):
    _db["HOST"] = _db["OPTIONS"].pop("host")
_db["ENGINE"] = "jamaa.platform.pg_backend"
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
if CONFIG.database_owner_url:
    # The owner role, for provisioning code paths only (jamaa.platform.db.owner_connection; ADR 0003).
    _owner = dj_database_url.parse(CONFIG.database_owner_url, conn_max_age=0)
    if "host" in _owner.get("OPTIONS", {}):
        _owner["HOST"] = _owner["OPTIONS"].pop("host")
    _owner["ENGINE"] = _db["ENGINE"]
    _owner["TEST"] = {"MIRROR": "default"}
    DATABASES["owner"] = _owner
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "jamaa.platform.security.ContentSecurityPolicyMiddleware",
    "jamaa.platform.middleware.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jamaa.platform.observability.MetricsMiddleware",
    "jamaa.tenants.middleware.CommuneRoutingMiddleware",
    "jamaa.platform.middleware.ModuleGateMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jamaa.platform.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jamaa.platform.middleware.NulByteMiddleware",
    "jamaa.platform.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout found while authenticating into its response
    "jamaa.platform.support.middleware.SupportSessionMiddleware",  # read-only support sessions (issue 25)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jamaa.platform.context_processors.jamaa",
            ],
        },
    }
]

WSGI_APPLICATION = "jamaa.platform.wsgi.application"
ASGI_APPLICATION = "jamaa.platform.asgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "platform" / "locale"]
LANGUAGE_COOKIE_NAME = "jamaa_language"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = _config.VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "platform" / "static"]
try:  # WhiteNoise warns on every start when the folder is missing (before the first collectstatic)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only image without it: nothing to serve from there anyway
    pass
MEDIA_ROOT = os.environ.get("JAMAA_MEDIA_ROOT", str(_config.VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Media: a folder (a PersistentVolumeClaim in Kubernetes) or an S3-compatible bucket. Each commune's files
# live under its schema name (`<schema>/…`), which per-commune backups rely on.
_media_storage = os.environ.get("JAMAA_MEDIA_STORAGE", "filesystem").strip().lower()
if _media_storage == "s3":
    if not os.environ.get("JAMAA_MEDIA_BUCKET"):
        sys.stderr.write("jamaa: configuration error: JAMAA_MEDIA_STORAGE=s3 needs JAMAA_MEDIA_BUCKET.\n")
        raise SystemExit(2)
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["JAMAA_MEDIA_BUCKET"],
            "endpoint_url": os.environ.get("JAMAA_MEDIA_ENDPOINT_URL") or None,
            "region_name": os.environ.get("JAMAA_MEDIA_REGION") or None,
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
elif _media_storage == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    sys.stderr.write(
        f"jamaa: configuration error: JAMAA_MEDIA_STORAGE must be filesystem or s3; got {_media_storage!r}.\n"
    )
    raise SystemExit(2)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            # Hashed names once `jamaa collectstatic` has written its manifest (the image does), plain before.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders when collectstatic has not run
WHITENOISE_AUTOREFRESH = DEBUG

# Cookies are host-only (no SESSION_COOKIE_DOMAIN): a Fès cookie is never sent to Meknès.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_NAME = "jamaa_session"
CSRF_COOKIE_NAME = "jamaa_csrftoken"
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SESSION_COOKIE_HTTPONLY = True
# --- Security (docs/security.md) -----------------------------------------------------------------------------
# Strict: no cookie rides along a request another site started (the set-password link works without it).
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# No trusted origins: a POST is accepted only from the request's own origin (Django compares Origin/Referer to the
# host exactly), so a page on fes.<base> or the console cannot post into meknes.<base> (communes are same-site).
CSRF_TRUSTED_ORIGINS: list[str] = []
# Content-Security-Policy of every response (jamaa.platform.security.ContentSecurityPolicyMiddleware).
JAMAA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# /metrics: only with `Authorization: Bearer <JAMAA_METRICS_TOKEN>`, never on a commune's host; 404 when unset.
JAMAA_METRICS_TOKEN = os.environ.get("JAMAA_METRICS_TOKEN", "")
# Proxies in front of gunicorn whose X-Forwarded-For is trusted (the ingress): the client's address for lockouts
# and throttles is the one the outermost trusted proxy saw.
JAMAA_TRUSTED_PROXIES = int(os.environ.get("JAMAA_TRUSTED_PROXIES", "1" if CONFIG.https else "0"))
# Brute force: django-axes in each schema (a lockout in Fès is not one in Meknès), per user name and per address.
AUTHENTICATION_BACKENDS = [
    "jamaa.platform.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("JAMAA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("JAMAA_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit trail, not kept twice
AXES_ENABLE_ADMIN = False
AXES_CLIENT_IP_CALLABLE = "jamaa.platform.security.client_ip"
AXES_LOCKOUT_CALLABLE = "jamaa.platform.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Token and device-registration endpoints: a rate per client address, counted in the cache (keys carry the schema).
JAMAA_AUTH_THROTTLE_RATE = os.environ.get("JAMAA_AUTH_THROTTLE_RATE", "10/minute")
# TOTP second factor (django-otp, devices in each schema): required on the console, optional in a commune.
OTP_TOTP_ISSUER = "Jamaa"
# --- end of security -----------------------------------------------------------------------------------------
if CONFIG.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 3600
    SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

if CONFIG.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.redis_url,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "jamaa.platform.openapi.AutoSchema",
    # JSON bodies: at most JAMAA_API_MAX_JSON_BYTES (else 413) nested at most JAMAA_API_MAX_JSON_DEPTH deep (else 400).
    "DEFAULT_PARSER_CLASSES": [
        "jamaa.platform.inputs.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "jamaa.platform.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
JAMAA_API_MAX_JSON_BYTES = 1024 * 1024
JAMAA_API_MAX_JSON_DEPTH = 32
SPECTACULAR_SETTINGS = {
    "TITLE": "Jamaa API",
    "DESCRIPTION": "The API of one commune, served on its own subdomain.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are readable without logging in; every endpoint still checks its own access.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Two choice sets share a field name across modules: each gets its own enum component.
    "ENUM_NAME_OVERRIDES": {
        "PaymentMethodEnum": "jamaa.modules.regie.models.PaymentMethod",
        "CollectedPaymentMethodEnum": "jamaa.modules.collecte.api.PAYMENT_METHODS",
        # the same choices in police (OwnerKind) and urbanisme (PetitionerKind): one component
        "PersonOrCompanyEnum": "jamaa.modules.urbanisme.models.PetitionerKind",
    },
}

# Celery: without REDIS_URL the demo runs tasks eagerly (and says so once at start-up).
CELERY_BROKER_URL = CONFIG.redis_url or "memory://"
CELERY_RESULT_BACKEND = CONFIG.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = CONFIG.redis_url is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
if os.environ.get("CELERY_WORKER_CONCURRENCY"):
    CELERY_WORKER_CONCURRENCY = int(os.environ["CELERY_WORKER_CONCURRENCY"])
# Late-acknowledged tasks (the legacy import) stay unacknowledged while they run: Redis hands a message to another
# worker once it has been unacknowledged this long, so it must outlast the longest import (6 h by default).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("JAMAA_CELERY_VISIBILITY_TIMEOUT_S", "21600"))
}
# A running legacy import whose heartbeat is older than this lost its worker: shown "stalled", resumable.
LEGACY_IMPORT_STALLED_AFTER_S = int(os.environ.get("JAMAA_LEGACY_STALLED_AFTER_S", "120"))
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # tenant_schemas: None → every active commune; a list → those schemas only.
    "core-heartbeat": {
        "task": "jamaa.platform.core.tasks.commune_heartbeat",
        "schedule": 300.0,
        "tenant_schemas": None,
    },
}

JAMAA_ROUTING_RECHECK_SECONDS = float(os.environ.get("JAMAA_ROUTING_RECHECK_SECONDS", "2"))
# Commune schemas cloned ahead of time, so onboarding is a rename (see provisioning/spares.py).
JAMAA_SPARE_SCHEMAS = int(os.environ.get("JAMAA_SPARE_SCHEMAS", "2"))
CELERY_BEAT_SCHEDULE["provisioning-spares"] = {  # also queued after each onboarding and each fleet migration
    "task": "jamaa.provisioning.tasks.spares_refill",
    "schedule": 600.0,
    "tenant_schemas": ["public"],
}
JAMAA_SENTRY_DSN = CONFIG.sentry_dsn

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"commune": {"()": "jamaa.platform.observability.CommuneLogFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [commune=%(commune)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["commune"], "formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JAMAA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

from .observability import init_sentry  # noqa: E402

init_sentry(dsn=CONFIG.sentry_dsn, debug=DEBUG)

# Email (récépissés, notices): SMTP from the environment in production; in development every message is written
# to files under var/outbox (one .log per message) so that nothing is sent by accident and the operator can read it.
EMAIL_BACKEND = os.environ.get(
    "JAMAA_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("JAMAA_EMAIL_OUTBOX", str(_config.VAR_DIR / "outbox"))
EMAIL_HOST = os.environ.get("JAMAA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JAMAA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JAMAA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JAMAA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("JAMAA_EMAIL_TLS", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("JAMAA_EMAIL_FROM", "no-reply@jamaa.ma")

# Police administrative: each morning, in every active commune, the quarter's ordres de recette of authorisations
# in force, the renewal notices and the expiries (jamaa.modules.police.services.commune_daily).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["police-daily"] = {
    "task": "jamaa.modules.police.tasks.commune_daily",
    "schedule": crontab(hour=6, minute=15),
    "tenant_schemas": None,
}
# Citizen portal: each commune's published figures recomputed (writes no signal sees show within 15 minutes).
CELERY_BEAT_SCHEDULE["portail-figures"] = {
    "task": "jamaa.modules.portail.tasks.figures_refresh",
    "schedule": 600.0,
    "tenant_schemas": None,
}

# Central support and invoicing (issue 25): public-schema jobs of the one beat.

CELERY_BEAT_SCHEDULE |= {
    "support-backups": {
        "task": "jamaa.platform.support.tasks.backups_scheduled",
        "schedule": crontab(hour=2, minute=15),
        "tenant_schemas": ["public"],
    },
    "support-restore-drill": {
        "task": "jamaa.platform.support.tasks.restore_drill",
        "schedule": crontab(hour=4, minute=0),
        "tenant_schemas": ["public"],
    },
    "support-health-check": {
        "task": "jamaa.platform.support.tasks.health_check",
        "schedule": 300.0,
        "tenant_schemas": ["public"],
    },
    "support-sizes": {
        "task": "jamaa.platform.support.tasks.sizes_snapshot",
        "schedule": crontab(hour=1, minute=0),
        "tenant_schemas": ["public"],
    },
    "billing-invoices-monthly": {
        "task": "jamaa.platform.billing.tasks.invoices_monthly",
        "schedule": crontab(day_of_month="1", hour=6, minute=0),
        "tenant_schemas": ["public"],
    },
    "billing-reminders": {
        "task": "jamaa.platform.billing.tasks.reminders_daily",
        "schedule": crontab(hour=9, minute=0),
        "tenant_schemas": ["public"],
    },
}
