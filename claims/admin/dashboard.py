"""The editors' dashboard: a custom admin page at /admin/dashboard/ (linked from the admin index).

The chart is SVG drawn on the server: no JavaScript, no CDN, and it prints."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from claims.selectors.claims import dashboard_stats

CHART_WIDTH, CHART_HEIGHT, AXIS = 720, 180, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    count: int
    label: str  # shown under every few bars


def chart_bars(per_day: list[tuple[date, int]]) -> tuple[list[Bar], int]:
    """Bar geometry for claims per day; the tallest bar fills the plot."""
    peak = max((n for _, n in per_day), default=0) or 1
    slot = CHART_WIDTH / max(len(per_day), 1)
    plot = CHART_HEIGHT - AXIS
    every = max(1, len(per_day) // 6)
    bars = []
    for i, (day, n) in enumerate(per_day):
        height = plot * n / peak
        bars.append(Bar(round(i * slot + 1, 1), round(plot - height, 1), round(max(slot - 2, 1), 1),
                        round(height, 1), day, n, day.strftime("%d %b") if i % every == 0 else ""))
    return bars, peak


def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("claims.view_claim"):
        raise PermissionDenied
    try:
        days = min(max(int(request.GET.get("days", 30)), 7), 365)
    except ValueError:
        days = 30
    stats = dashboard_stats(days=days)
    bars, peak = chart_bars(stats.per_day)
    biggest_speaker = max((n for _, n in stats.top_speakers), default=1)
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "stats": stats,
        "days": days,
        "bars": bars,
        "peak": peak,
        "total_in_period": sum(n for _, n in stats.per_day),
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "axis_y": CHART_HEIGHT - AXIS + 14},
        "top_speakers": [(s, n, round(160 * n / biggest_speaker)) for s, n in stats.top_speakers],
    }
    return TemplateResponse(request, "admin/claims/dashboard.html", context)


def _with_dashboard(get_urls):
    def get_urls_with_dashboard():
        return [path("dashboard/", admin.site.admin_view(dashboard_view), name="claims_dashboard"), *get_urls()]

    return get_urls_with_dashboard


# The default AdminSite has no hook for extra pages; wrapping get_urls keeps it the default site.
admin.site.get_urls = _with_dashboard(admin.site.get_urls)
