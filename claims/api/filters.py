"""Query-string filters for the list endpoints (django-filter). Bad values answer 400 naming the
parameter, through the API's error format."""
from __future__ import annotations

import datetime as dt

import django_filters
from django_filters.fields import IsoDateTimeField
from django import forms
from django.db.models import QuerySet
from rest_framework.filters import OrderingFilter

from claims.models import Article, Claim
from claims.selectors.api import search_claims


MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """Whole, positive ids only: `1.5` or an id past bigint is a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, normalised to UTC: Python accepts offsets PostgreSQL refuses (+21:43), and a
    date at the edge of the calendar can overflow once shifted; both are a 400, not a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.timezone.utc)
        except OverflowError:
            raise forms.ValidationError("Date out of range.", code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ClaimFilter(django_filters.FilterSet):
    # distinct=False: django-filter's default SELECT DISTINCT sorts every matching row before LIMIT.
    status = django_filters.MultipleChoiceFilter(choices=Claim.Status.choices, help_text="Repeat for several.", distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=Claim.Kind.choices, help_text="Repeat for several.", distinct=False)
    rating = django_filters.CharFilter(method="filter_rating", help_text="A rating's id or slug.")
    speaker = IdFilter(field_name="speaker_id", help_text="Speaker id.")
    outlet = IdFilter(field_name="article__outlet_id", help_text="Outlet id.")
    article = IdFilter(field_name="article_id", help_text="Article id.")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="When the fact check was published."
    )
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    said_after = DateTimeFilter(
        field_name="article__published_at", lookup_expr="gte", help_text="When the quoting article was published."
    )
    said_before = DateTimeFilter(field_name="article__published_at", lookup_expr="lt")
    min_checkworthiness = django_filters.NumberFilter(
        field_name="checkworthiness", lookup_expr="gte", min_value=0, max_value=1, help_text="Between 0 and 1."
    )
    q = django_filters.CharFilter(method="filter_search", help_text="Full-text search in the claim's words.")

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_rating(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.strip()
        if value.isdigit() and int(value) <= MAX_ID:
            return queryset.filter(rating_id=int(value))
        return queryset.filter(rating__slug=value)

    def filter_search(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return search_claims(queryset, q=value)



class ArticleFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Article.Status.choices, distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=Article.Source.choices, distinct=False)
    outlet = IdFilter(field_name="outlet_id")

    class Meta:
        model = Article
        fields: list[str] = []


class ClaimOrdering(OrderingFilter):
    ordering_fields = ["created_at", "checkworthiness"]
    ordering_description = "`created_at` or `checkworthiness`, `-` for descending (default `-created_at`)."
