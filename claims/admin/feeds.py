"""Feed screen: which feeds are healthy, when each is polled next, and a "poll now" action.

Registration and polling go through the ingestion services, so the admin refuses exactly what
the API and the scheduler refuse, with the same messages.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from claims.models import Feed
from claims.services.errors import InvalidInput, NotFound
from claims.services.feeds import create_feed, poll_feed, validate_feed_url

# Polling runs in the request (for an immediate answer); each feed may take up to the fetch
# timeouts, so a bigger selection is left to the scheduler.
MAX_FEEDS_PER_ACTION = 10


class FeedForm(forms.ModelForm):
    url = forms.URLField(max_length=2048, assume_scheme="https", label="URL")

    class Meta:
        model = Feed
        fields = ["url", "title", "outlet", "active", "interval_minutes"]

    def clean_url(self) -> str:
        try:
            return validate_feed_url(self.cleaned_data["url"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc


class FailingFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("failing", "Failing"), ("ok", "OK")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Feed]) -> QuerySet[Feed]:
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "ok":
            return queryset.filter(consecutive_failures=0)
        return queryset


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedForm
    list_display = [
        "__str__",
        "outlet",
        "active",
        "health",
        "short_error",
        "article_count",
        "last_polled_at",
        "next_poll_at",
    ]
    list_filter = ["active", FailingFilter]
    list_select_related = ["outlet"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "last_polled_at",
        "next_poll_at",
        "consecutive_failures",
        "last_error",
        "etag",
        "last_modified",
        "created_at",
    ]
    actions = ["poll_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Feed]:
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="status")
    def health(self, obj: Feed) -> str:
        if obj.consecutive_failures:
            return f"failing ({obj.consecutive_failures}×)"
        return "OK" if obj.last_polled_at else "not polled yet"

    @admin.display(description="last error")
    def short_error(self, obj: Feed) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj: Feed) -> int:
        return obj.article_total

    def save_model(self, request: HttpRequest, obj: Feed, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        feed = create_feed(
            url=obj.url,
            title=obj.title,
            outlet=obj.outlet,
            interval_minutes=obj.interval_minutes,
            active=obj.active,
        )
        # The admin goes on to log and redirect with `obj`; make it the row the service created.
        obj.pk = feed.pk
        obj.next_poll_at = feed.next_poll_at
        obj.created_at = feed.created_at
        obj._state.adding = False
        obj._state.db = feed._state.db

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        feeds = list(queryset.order_by("pk")[: MAX_FEEDS_PER_ACTION + 1])
        if len(feeds) > MAX_FEEDS_PER_ACTION:
            self.message_user(
                request,
                f"Select at most {MAX_FEEDS_PER_ACTION} feeds to poll at once; the scheduler polls the others.",
                messages.ERROR,
            )
            return
        for feed in feeds:
            try:
                result = poll_feed(feed_id=feed.pk)
            except NotFound:
                continue
            level = messages.ERROR if result.failed else messages.SUCCESS
            self.message_user(request, f"{feed}: {result.summary()}", level)
