"""The public archive's filters (django-filter): publication date, rating, speaker and outlet, and
the fixed periods the IFCN asks to be one link away ("the last three months")."""
from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from claims.models import Claim
from claims.selectors.public import archive_outlets, archive_ratings, archive_speakers

# value -> (label, days back from today)
PERIODS = {
    "last-month": ("Last month", 31),
    "last-3-months": ("Last three months", 92),
    "last-year": ("Last year", 366),
}


def _first_day(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


class ArchiveFilter(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(
        label="Period", choices=[(k, label) for k, (label, _) in PERIODS.items()], empty_label="Any time",
        method="filter_period",
    )
    since = django_filters.DateFilter(
        label="Published from", field_name="published_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label="Published until", field_name="published_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rating = django_filters.ModelChoiceFilter(
        label="Rating", queryset=lambda request: archive_ratings(), empty_label="Any rating",
    )
    speaker = django_filters.ModelChoiceFilter(
        label="Speaker", queryset=lambda request: archive_speakers(), empty_label="Anyone",
    )
    outlet = django_filters.ModelChoiceFilter(
        label="Outlet", field_name="article__outlet", queryset=lambda request: archive_outlets(),
        empty_label="Any outlet",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_period(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        if value not in PERIODS:
            return queryset
        return queryset.filter(published_at__date__gte=_first_day(PERIODS[value][1]))

    @property
    def active(self) -> bool:
        """Whether any filter is set (the page then says how many fact checks match)."""
        return any(self.form.data.get(name) for name in self.filters)

    def clean_dates(self) -> None:
        cleaned = self.form.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.form.add_error("until", "This date is before the first date: swap them.")


def archive_filter(*, data, queryset: QuerySet[Claim]) -> ArchiveFilter:
    """The bound filter set, its dates checked against each other."""
    filterset = ArchiveFilter(data=data, queryset=queryset)
    if filterset.form.is_valid():
        filterset.clean_dates()
    return filterset
