"""Finding 11: `GET /api/v1/feeds/` let Readers in (any staff account) though the documentation
said otherwise. Feeds are the newsroom's configuration: one permission, view_feed, held by Editors
and Admins, decides in the API and the admin alike."""
from __future__ import annotations

import pytest

from claims.models import Feed
from tests.security.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", ["Reader", "Researcher"])
def test_staff_readers_and_researchers_cannot_list_or_read_feeds_in_the_api(api, group) -> None:
    user = make_user(f"staff-{group.lower()}", group, is_staff=True)
    feed = Feed.objects.create(url="https://wire.example/rss")
    client = api(user)
    assert client.get("/api/v1/feeds/").status_code == 403
    assert client.get(f"/api/v1/feeds/{feed.pk}/").status_code == 403


@pytest.mark.parametrize("group", ["Reader", "Researcher"])
def test_staff_readers_and_researchers_do_not_see_feeds_in_the_admin_either(client, group) -> None:
    client.force_login(make_user(f"staff-{group.lower()}", group, is_staff=True))
    assert client.get("/admin/claims/feed/").status_code == 403


@pytest.mark.parametrize("group", ["Editor", "Admin"])
def test_editors_and_admins_see_feeds(api, group) -> None:
    Feed.objects.create(url="https://wire.example/rss")
    response = api(make_user(f"staff-{group.lower()}", group, is_staff=True)).get("/api/v1/feeds/")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
