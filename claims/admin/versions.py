"""Admin pieces for stealth edits (docs/monitoring.md): the claims list's "quote changed in the
source" filter, and the refetch schedules and quote changes as read-only screens."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from claims.models import ArticleRefetch, Claim, QuoteChange


class QuoteChangedFilter(admin.SimpleListFilter):
    title = "quote changed in the source"
    parameter_name = "quote_changed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("flagged", "Yes, on a claim we work on"),
            ("any", "Yes, any change"),
            ("no", "No"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        changes = QuoteChange.objects.filter(claim=OuterRef("pk"))
        if self.value() == "flagged":
            return queryset.filter(Exists(changes.filter(flagged=True)))
        if self.value() == "any":
            return queryset.filter(Exists(changes))
        if self.value() == "no":
            return queryset.exclude(Exists(changes))
        return queryset


class ReadOnly(admin.ModelAdmin):
    """Written only by the refetch services; editors read them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.has_perm("claims.view_article")


@admin.register(ArticleRefetch)
class ArticleRefetchAdmin(ReadOnly):
    list_display = ("article", "next_at", "step", "checks", "last_checked_at", "last_changed_at", "last_error")
    list_select_related = ("article",)
    list_filter = (("next_at", admin.EmptyFieldListFilter),)
    search_fields = ("article__title", "article__url")
    ordering = ("next_at",)


@admin.register(QuoteChange)
class QuoteChangeAdmin(ReadOnly):
    list_display = ("claim", "kind", "flagged", "detected_at", "notice_status", "notice_to")
    list_select_related = ("claim", "notice_to")
    list_filter = ("kind", "flagged", "notice_status")
    ordering = ("-detected_at",)
    fields = ("claim", "kind", "flagged", "claim_status", "old_words", "new_words", "correction_note",
              "detected_at", "notice_status", "notice_to", "notice_error", "notice_sent_at")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.has_perm("claims.view_claim")
