"""Domain errors carry no HTTP status (the API maps them); one transient base for retry policy;
services hand work to Celery by task name, after commit, through claims.services.enqueue."""
from __future__ import annotations

import pytest
from celery import current_app
from django.db import transaction

from claims.api.domain_status import domain_error_status
from claims.ingestion.errors import FetchError, TransientFetchError
from claims.ingestion.html import NoArticleText
from claims.services import enqueue
from claims.services.errors import (
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    NotFound,
    TransientError,
)


def test_domain_errors_know_nothing_of_http() -> None:
    for cls in (DomainError, InvalidInput, NotAllowed, InvalidTransition, NotFound, FetchError):
        assert not hasattr(cls("x"), "status_code"), cls


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("x"), 400),
        (InvalidInput("x"), 400),
        (FetchError("x"), 400),
        (NoArticleText("x"), 400),
        (NotAllowed("x"), 403),
        (NotFound("x"), 404),
        (InvalidTransition("x"), 409),
    ],
)
def test_the_api_maps_each_domain_error_to_its_status(error: DomainError, status: int) -> None:
    assert domain_error_status(error) == status


def test_a_subclass_answers_as_its_nearest_mapped_ancestor() -> None:
    class Stale(InvalidTransition):
        pass

    assert domain_error_status(Stale("changed meanwhile")) == 409


def test_a_transient_fetch_error_is_the_one_transient_error_retry_policy_catches() -> None:
    error = TransientFetchError("timed out")
    assert isinstance(error, TransientError)
    assert error.message == "timed out"
    assert not isinstance(error, DomainError)


def test_every_task_name_services_send_is_a_registered_task() -> None:
    current_app.loader.import_default_modules()
    names = [value for key, value in vars(enqueue).items() if key.isupper() and isinstance(value, str)]
    assert names
    for name in names:
        assert name in current_app.tasks, name


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_only_when_the_transaction_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr(enqueue, "send", lambda name, *args: sent.append((name, args)) or True)
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue.send_on_commit("claims.tasks.process_article", 1)
        raise RuntimeError("rolled back")
    assert sent == []
    with transaction.atomic():
        enqueue.send_on_commit("claims.tasks.process_article", 2)
        assert sent == []
    assert sent == [("claims.tasks.process_article", (2,))]


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_in_process_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    task = enqueue._registered_task(enqueue.PROCESS_ARTICLE)
    monkeypatch.setattr(task, "run", lambda article_id: ran.append(article_id) or [])
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    assert enqueue.send(enqueue.PROCESS_ARTICLE, 41) is True
    assert ran == [41]


@pytest.mark.django_db
def test_with_a_broker_the_task_is_sent_by_name_and_a_refusal_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[tuple[str, object]] = []

    def refuse(name: str, args: object = None, **options: object) -> None:
        calls.append((name, args))
        raise ConnectionError("broker down")

    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(current_app, "send_task", refuse)
    assert enqueue.send(enqueue.SEND_WEBHOOK_DELIVERY, 7) is False
    assert calls == [(enqueue.SEND_WEBHOOK_DELIVERY, (7,))]
    assert "could not queue claims.tasks.send_webhook_delivery" in caplog.text
