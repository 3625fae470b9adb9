"""Claims-list filters on related rows that never read the claims table to build their choices.

Django's RelatedOnlyFieldListFilter offers the speakers (outlets, ratings, assignees) that appear
in the list by asking `SELECT DISTINCT speaker_id FROM claims`: a scan of every claim on every
page view, and at hundreds of thousands of speakers a sidebar nobody can read. Here each filter
offers a short list built from small tables or the roll-ups (the busiest speakers and outlets of
the last weeks, every rating, the users who may research), plus whatever is selected now, so a
link from elsewhere (a speaker's page, the dashboard) still shows what it filters on. The query
parameters are Django's own (`speaker__id__exact=…`), so existing links keep working."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils import timezone

from claims.models import Article, Outlet, Rating, Speaker, SpeakerDailyCount

BUSIEST = 15
RECENT_DAYS = 30


def _selected_ids(values: Any) -> list[int]:
    ids = []
    for value in values or []:
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:
            ids.append(int(text))
    return ids


class ShortRelatedFilter(admin.RelatedFieldListFilter):
    """A related filter whose choices are `offered()` plus the selected rows, never a scan."""

    def offered(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        raise NotImplementedError

    def field_choices(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        choices = self.offered(field, request, model_admin)
        shown = {pk for pk, _ in choices}
        missing = [pk for pk in _selected_ids(self.lookup_val) if pk not in shown]
        if missing:
            model = field.remote_field.model
            choices += [(row.pk, str(row)) for row in model._default_manager.filter(pk__in=missing)]
        return choices

    def get_facet_counts(self, pk_attname: str, filtered_qs: Any) -> dict:
        # Facet counts are per-choice COUNTs over the list; the claims admin turns facets off.
        return {}


class BusiestSpeakerFilter(ShortRelatedFilter):
    """The speakers with the most claims detected in the last 30 days (SpeakerDailyCount)."""

    def offered(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        top = list(SpeakerDailyCount.objects.filter(day__gte=since).values("speaker_pk").annotate(total=Sum("n"))
                   .order_by("-total", "speaker_pk").values_list("speaker_pk", flat=True)[:BUSIEST])
        names = Speaker.objects.in_bulk(top)
        return [(pk, str(names[pk])) for pk in top if pk in names]


class BusiestOutletFilter(ShortRelatedFilter):
    """The outlets with the most articles in the last 30 days (article_outlet_created_idx)."""

    def offered(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        top = list(Article.objects.filter(created_at__gte=since, outlet__isnull=False).values("outlet_id")
                   .annotate(total=Count("id")).order_by("-total", "outlet_id")
                   .values_list("outlet_id", flat=True)[:BUSIEST])
        names = Outlet.objects.in_bulk(top)
        return [(pk, str(names[pk])) for pk in top if pk in names]


class RatingFilter(ShortRelatedFilter):
    """Every rating of every scale (a handful of rows), retired labels last."""

    def offered(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        return [(r.pk, str(r)) for r in Rating.objects.order_by("retired", "scale_id", "order")]


class AssigneeFilter(ShortRelatedFilter):
    """The users who may research (those claims can be assigned to)."""

    def offered(self, field: Any, request: Any, model_admin: Any) -> list[tuple[int, str]]:
        from claims.admin.claims import researchers

        return [(user.pk, str(user)) for user in researchers()]
