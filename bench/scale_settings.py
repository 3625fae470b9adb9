"""Settings for the scale benchmark only (bench/scale_bench.py): production settings (DEBUG off),
requests made in-process by Django's test client over plain HTTP, no throttling (the benchmark is
one client asking thousands of times), static files without the collectstatic manifest, and
e-mail kept in memory (the ingest measurement sends real alerts). Never used by the product."""
from factcheck.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
