"""FACTCHECK_REFETCH_SCHEDULE is parsed strictly: a typo stops start-up naming the variable."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck import settings as s


def test_the_default_schedule_backs_off_from_an_hour_to_a_week(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTCHECK_TEST_AGES", raising=False)
    assert s.env_durations("FACTCHECK_TEST_AGES", "1h,6h,1d,3d,7d") == [3600, 21600, 86400, 259200, 604800]


def test_a_schedule_takes_minutes_hours_and_days_and_none_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_AGES", " 30m, 2H ,1d")
    assert s.env_durations("FACTCHECK_TEST_AGES", "1h") == [1800, 7200, 86400]
    monkeypatch.setenv("FACTCHECK_TEST_AGES", "none")
    assert s.env_durations("FACTCHECK_TEST_AGES", "1h") == []


@pytest.mark.parametrize(("raw", "message"), [("1h,x", "'x' is not a duration"), ("0h", "'0h' is not a duration"),
                                              ("1w", "'1w' is not a duration"), ("6h,1h", "longer than the one before"),
                                              ("1h,,2h", "'' is not a duration")])
def test_a_bad_schedule_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str, message: str) -> None:
    monkeypatch.setenv("FACTCHECK_TEST_AGES", raw)
    with pytest.raises(ImproperlyConfigured, match=f"FACTCHECK_TEST_AGES.*{message}"):
        s.env_durations("FACTCHECK_TEST_AGES", "1h")
