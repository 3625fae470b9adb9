"""The project's own system checks (claims/checks.py): `manage.py check` names what is wrong with
the configuration before anything runs, and is clean in the test and development configuration."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from claims import checks

ROOT = Path(__file__).resolve().parents[2]


def ids(messages: list) -> list[str]:
    return [m.id for m in messages]


def test_the_test_configuration_passes_manage_py_check() -> None:
    call_command("check", fail_level="WARNING")  # raises SystemCheckError on any message


def test_the_installed_spacy_model_is_usable() -> None:
    assert checks.spacy_model_is_usable(None) == []


@override_settings(FACTCHECK_SPACY_MODEL="en_core_web_nonexistent_model")
def test_a_missing_spacy_model_is_an_error_naming_it() -> None:
    [error] = checks.spacy_model_is_usable(None)
    assert error.id == "factcheck.E010"
    assert "en_core_web_nonexistent_model" in error.msg and "FACTCHECK_SPACY_MODEL" in error.msg


def test_a_spacy_model_without_a_parser_or_for_another_spacy_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text(json.dumps(
        {"lang": "en", "name": "tiny", "version": "0.0.1", "spacy_version": ">=2.0.0,<2.1.0",
         "pipeline": ["tok2vec", "tagger", "ner", "lemmatizer"]}))
    with override_settings(FACTCHECK_SPACY_MODEL=str(tmp_path)):
        [error] = checks.spacy_model_is_usable(None)
    assert error.id == "factcheck.E011"
    assert "no parser component" in error.msg
    assert "made for spaCy >=2.0.0,<2.1.0" in error.msg


def test_a_spacy_model_directory_without_meta_is_unusable(tmp_path: Path) -> None:
    with override_settings(FACTCHECK_SPACY_MODEL=str(tmp_path)):
        [error] = checks.spacy_model_is_usable(None)
    assert error.id == "factcheck.E011"


@override_settings(CELERY_TASK_TIME_LIMIT=3600, CELERY_TASK_SOFT_TIME_LIMIT=900,
                   CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600})
def test_a_celery_time_limit_not_below_the_visibility_timeout_is_an_error() -> None:
    [error] = checks.celery_time_limits_fit(None)
    assert error.id == "factcheck.E020"
    assert "3600" in error.msg and "CELERY_VISIBILITY_TIMEOUT" in error.msg


@override_settings(CELERY_TASK_TIME_LIMIT=960, CELERY_TASK_SOFT_TIME_LIMIT=960,
                   CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600})
def test_a_soft_time_limit_not_below_the_hard_one_is_an_error() -> None:
    assert ids(checks.celery_time_limits_fit(None)) == ["factcheck.E021"]


@override_settings(CELERY_TASK_TIME_LIMIT=960, CELERY_TASK_SOFT_TIME_LIMIT=900,
                   CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600})
def test_time_limits_below_the_visibility_timeout_pass() -> None:
    assert checks.celery_time_limits_fit(None) == []


@pytest.mark.parametrize("backend", ["django.core.mail.backends.smpt.EmailBackend", "claims.models.Claim"])
def test_an_unknown_email_backend_is_an_error(backend: str) -> None:
    with override_settings(EMAIL_BACKEND=backend):
        [error] = checks.email_backend_is_known(None)
    assert error.id == "factcheck.E030"
    assert backend in error.msg


def test_the_smtp_backend_is_known() -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        assert checks.email_backend_is_known(None) == []


def test_manage_py_check_exits_non_zero_and_names_the_bad_setting() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DEBUG": "1", "SECRET_KEY": "x" * 50, "CELERY_TASK_TIME_LIMIT": "4000",
                "EMAIL_BACKEND": "django.core.mail.backends.smpt.EmailBackend"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "factcheck.E020" in result.stderr and "CELERY_TASK_TIME_LIMIT (4000 s)" in result.stderr
    assert "factcheck.E030" in result.stderr
