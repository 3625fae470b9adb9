# One image for web, worker and beat; the command picks the role (see docker-compose.yml).
FROM python:3.11-slim

# Production-safe on its own, without the compose file: DEBUG is off, and start-up fails until a
# SECRET_KEY (and ALLOWED_HOSTS, SITE_URL, ...) come from the environment.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=0
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The production storage (hashed names and a manifest) needs DEBUG off; the key exists only for
# this one command and is not kept in the image's environment.
RUN SECRET_KEY=collectstatic-only-not-a-runtime-key python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 factcheck && mkdir -p /app/var && chown factcheck /app/var
USER factcheck

EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
