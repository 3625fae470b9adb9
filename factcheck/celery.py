"""The Celery app. Configuration lives in settings (CELERY_* names), so there is one source of truth."""
import gc
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_model(**_: object) -> None:
    """Extraction workers load the spaCy model once, when the pool process starts, not on the
    first task. Off by default so mail-only workers don't carry the model's memory."""
    if os.environ.get("FACTCHECK_PRELOAD_MODEL") == "1":
        from claims.extraction import extract

        # One small text through the whole extractor: loads the model and pays every first-call
        # cost (lazy layers, compiled patterns) here, so the first article isn't the slow one.
        extract('"The reservoirs are full," the minister said, and the council agreed.')
        # Everything loaded so far (Django, Celery, the model's vocabulary and weights) lives as
        # long as the process: freezing it takes it out of every later garbage collection, and a
        # larger young generation means fewer collections while the parser churns small objects.
        # Both matter when each task allocates hundreds of thousands of objects; neither changes
        # what is freed, only how often the collector looks.
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)


@task_prerun.connect
@task_postrun.connect
def _recycle_database_connections(task=None, **_: object) -> None:
    """What Django does around each request, done around each task: close a connection that is
    past CONN_MAX_AGE or broke (a PostgreSQL restart), keep a healthy one. Reusing it saves a new
    backend per task; dropping a broken one means the next task reconnects instead of failing.
    Eager tasks run inside the caller's transaction (tests, the demo), where closing would break it."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
