"""Settings come from the environment, parsed strictly: a typo stops start-up with the variable's
name in the message instead of silently meaning a default (factcheck/settings.py)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck import settings as s


@pytest.mark.parametrize(("word", "value"), [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                             ("0", False), ("false", False), ("No", False), ("off", False)])
def test_a_boolean_accepts_the_usual_words(monkeypatch: pytest.MonkeyPatch, word: str, value: bool) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", word)
    assert s.env_bool("FACTCHECK_TEST_FLAG", not value) is value


def test_an_unset_or_empty_boolean_is_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTCHECK_TEST_FLAG", raising=False)
    assert s.env_bool("FACTCHECK_TEST_FLAG", True) is True
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", "  ")
    assert s.env_bool("FACTCHECK_TEST_FLAG", False) is False


@pytest.mark.parametrize("word", ["ture", "y", "2", "enabled"])
def test_an_unknown_boolean_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", word)
    with pytest.raises(ImproperlyConfigured, match=f"FACTCHECK_TEST_FLAG='{word}' is not a boolean"):
        s.env_bool("FACTCHECK_TEST_FLAG", False)


@pytest.mark.parametrize(("raw", "message"), [("12x", "is not a whole number"), ("-1", "must be at least 0"),
                                              ("1.5", "is not a whole number")])
def test_a_bad_whole_number_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str,
                                                          message: str) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_INT", raw)
    with pytest.raises(ImproperlyConfigured, match=f"FACTCHECK_TEST_INT='{raw}' {message}"):
        s.env_int("FACTCHECK_TEST_INT", 5)


@pytest.mark.parametrize("raw", ["fast", "nan", "inf", "0"])
def test_a_bad_number_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_FLOAT", raw)
    with pytest.raises(ImproperlyConfigured, match="FACTCHECK_TEST_FLOAT="):
        s.env_float("FACTCHECK_TEST_FLOAT", 1.0)


def test_a_log_level_is_one_of_the_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert s.env_choice("LOG_LEVEL", "INFO", choices=s.LOG_LEVELS) == "WARNING"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL='verbose' is not one of DEBUG, INFO"):
        s.env_choice("LOG_LEVEL", "INFO", choices=s.LOG_LEVELS)


def test_a_throttle_rate_is_checked_at_start_up_not_at_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_THROTTLE_ANON", "30/Hour")
    assert s.env_rate("API_THROTTLE_ANON", "60/minute") == "30/hour"
    for bad in ("30/fortnight", "many/minute", "30"):
        monkeypatch.setenv("API_THROTTLE_ANON", bad)
        with pytest.raises(ImproperlyConfigured, match=f"API_THROTTLE_ANON='{bad}' is not a rate"):
            s.env_rate("API_THROTTLE_ANON", "60/minute")
