"""The one way services hand work to Celery: tasks are sent by name, after the transaction commits.

Tasks import services, never the other way round (docs/architecture.md, the import-linter
contracts in pyproject.toml): a service that needs a worker names the task here instead of
importing `claims.tasks`. The names are the tasks' registered names (`claims/tasks/*.py` declare
them with these constants), and CELERY_TASK_ROUTES routes them by name, so a message sent from
here lands on the same queue as one sent with `.delay()`.

Sending after commit matters twice over: a worker never looks for a row that is not committed
yet, and a rolled-back transaction sends nothing. A broker that refuses the message loses nothing:
every row that waits for a task is also found by a periodic sweep (`sweep_stuck_articles`,
`retry_pending_deliveries`, `retry_webhook_deliveries`, ...), so `send` logs and carries on.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.db import transaction

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger(__name__)

# Registered task names (claims/tasks/*.py use these; the routes in settings match them).
PROCESS_ARTICLE = "claims.tasks.process_article"
SEND_SUBSCRIPTION_ALERTS = "claims.tasks.send_subscription_alerts"
SEND_WEBHOOK_DELIVERY = "claims.tasks.send_webhook_delivery"
SEND_CORRECTION_NOTICE = "claims.tasks.send_correction_notice"
SEND_QUOTE_CHANGE_NOTICE = "claims.tasks.send_quote_change_notice"

TaskArg = int | str | list[int]


def send(task_name: str, *args: TaskArg) -> bool:
    """Send the task now; False (and logged) when the broker refused it, for the sweep to retry.

    Without a broker (the demo and the default test run, CELERY_TASK_ALWAYS_EAGER) the task runs
    here, in process, as `.delay()` would run it: Celery's `send_task` ignores eager mode.
    """
    app = current_app
    try:
        if app.conf.task_always_eager:
            _registered_task(task_name).apply_async(args=args)
        else:
            app.send_task(task_name, args=args)
    except Exception:  # noqa: BLE001 - any broker failure: the row waits for its sweep
        logger.exception("could not queue %s%r; its periodic sweep will queue it again", task_name, args)
        return False
    return True


def send_on_commit(task_name: str, *args: TaskArg) -> None:
    """Send the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: send(task_name, *args))


def _registered_task(task_name: str) -> Task[Any, Any]:
    """The task object, loading the task modules first if this process has not (a web process
    imports no task module: Celery's autodiscovery runs when a worker starts)."""
    app = current_app
    if task_name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[task_name]
