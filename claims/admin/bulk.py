"""Bulk admin actions: the same service call on each selected row; and the *Bulk actions* page,
where a large selection's background job (claims.services.bulk) shows its progress."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.models import BulkJob
from claims.services.errors import DomainError

T = TypeVar("T")


def apply_each(items: Iterable[T], call: Callable[[T], object], label: Callable[[T], str]) -> tuple[int, list[str]]:
    """Call the service for each row; one row's refusal is reported, it doesn't stop the others.
    Returns how many succeeded and a "label: reason" line per refusal."""
    done, refused = 0, []
    for item in items:
        try:
            call(item)
            done += 1
        except DomainError as exc:
            refused.append(f"{label(item)}: {exc.message}")
    return done, refused


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started from the claims list's actions and written by the worker.
    Each user sees their own jobs (Admins everyone's)."""

    list_display = ("__str__", "user", "status", "progress", "refused_count", "created_at", "finished_at")
    list_filter = ("status", "action")
    fields = ("action", "user", "status", "progress", "done_count", "refused_count", "refusals_text", "error",
              "created_at", "finished_at")
    readonly_fields = fields

    @admin.display(description="progress")
    def progress(self, obj: BulkJob) -> str:
        finished = obj.done_count + obj.refused_count
        share = f" ({100 * finished // obj.total}%)" if obj.total else ""
        return f"{finished:,} of {obj.total:,}{share}"

    @admin.display(description="refusals (first 50)")
    def refusals_text(self, obj: BulkJob) -> str:
        return "; ".join(obj.refusals) or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[BulkJob]:
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm("claims.view_claim")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
