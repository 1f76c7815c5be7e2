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
    "jamaa.platform.core",
    "jamaa.platform.console",
    "jamaa.provisioning",
]
# Each commune's schema: its own users, groups, sessions, tokens, audit trail and module tables.
# Modules append their app here (see "How to add a module" in the README).
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "jamaa.platform.core",
    "jamaa.platform.kernel",
    "jamaa.modules.etatcivil",
    "jamaa.modules.regie",
    "jamaa.modules.collecte",
    "jamaa.modules.courrier",
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
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
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
    "jamaa.platform.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jamaa.platform.middleware.DomainErrorMiddleware",
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
SESSION_COOKIE_SAMESITE = "Lax"
_scheme = "https" if CONFIG.https else "http"
CSRF_TRUSTED_ORIGINS = [f"{_scheme}://{JAMAA_BASE_DOMAIN}", f"{_scheme}://*.{JAMAA_BASE_DOMAIN}"]
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
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jamaa.platform.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
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
}

# Celery: without REDIS_URL the demo runs tasks eagerly (and says so once at start-up).
CELERY_BROKER_URL = CONFIG.redis_url or "memory://"
CELERY_RESULT_BACKEND = CONFIG.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = CONFIG.redis_url is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
if os.environ.get("CELERY_WORKER_CONCURRENCY"):
    CELERY_WORKER_CONCURRENCY = int(os.environ["CELERY_WORKER_CONCURRENCY"])
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
