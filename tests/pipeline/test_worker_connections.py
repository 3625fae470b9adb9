"""Workers keep their PostgreSQL connection between tasks, as Django keeps it between requests, and
drop it only when it is old or broken (factcheck/celery.py, CELERY_DB_REUSE_MAX in settings)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from factcheck.celery import _recycle_database_connections, app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WORKER_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))
EAGER_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=True))


@pytest.fixture
def persistent_connection():
    connection.ensure_connection()
    connection.close_at = None  # what CONN_MAX_AGE=None gives: no age limit
    return connection.connection


def test_celerys_own_per_task_close_leaves_the_connection_open(persistent_connection) -> None:
    fixup = DjangoWorkerFixup(app)
    for _ in range(10):
        fixup.close_database()  # what Celery runs before and after every task
    assert connection.connection is persistent_connection


def test_a_healthy_connection_is_kept_between_tasks(persistent_connection) -> None:
    _recycle_database_connections(task=WORKER_TASK)
    assert connection.connection is persistent_connection


def test_a_broken_connection_is_dropped_so_the_next_task_reconnects(persistent_connection, monkeypatch) -> None:
    connection.errors_occurred = True  # set by Django when a query fails, e.g. PostgreSQL restarted
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    _recycle_database_connections(task=WORKER_TASK)
    assert connection.connection is None
    monkeypatch.undo()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_an_eager_task_leaves_its_callers_connection_alone(persistent_connection, monkeypatch) -> None:
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    _recycle_database_connections(task=EAGER_TASK)
    assert connection.connection is persistent_connection
