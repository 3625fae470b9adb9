"""The API keeps serving when the throttle's cache is unreachable."""
from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.mark.django_db
def test_the_api_serves_unthrottled_when_the_cache_is_down(client, editor, monkeypatch) -> None:
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    client.force_login(editor)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 200
