"""The Celery app. Configuration lives in settings (CELERY_* names), so there is one source of truth."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_model(**_: object) -> None:
    """Extraction workers load the spaCy model once, when the pool process starts, not on the
    first task. Off by default so mail-only workers don't carry the model's memory."""
    if os.environ.get("FACTCHECK_PRELOAD_MODEL") == "1":
        from claims.extraction import get_nlp

        get_nlp()
