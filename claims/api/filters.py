"""Query-string filters for the list endpoints (django-filter). Bad values answer 400 naming the
parameter, through the API's error format."""
from __future__ import annotations

import copy
import datetime as dt
from collections import OrderedDict
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.fields import IsoDateTimeField
from django_filters.filters import Filter, QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
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
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError("Date out of range.", code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ReusableFilterSet(django_filters.FilterSet):
    """A FilterSet with django-filter's validation, 400s and schema, minus its per-request setup.

    Stock django-filter deep-copies every declared filter and builds a new form class on each
    request: for ClaimFilter's 14 filters that was about a sixth of the claims list's time. Our
    filters hold no per-request state but their `parent` (to find `method=` callbacks) and `model`,
    and their form fields do not depend on the request, so here
    - each filter is a shallow copy bound to this FilterSet (`_bind`);
    - a request's form holds only the parameters it sent (`_sent_filter_names`): a list request
      names two or three of ClaimFilter's 14 filters, and copying, binding and cleaning the other
      dozen fields was most of the filterset's cost. An absent parameter cleans to an empty value,
      which django-filter skips, so the outcome is the same; fields that are required, or whose
      widget reads a value even when the parameter is absent (a checkbox), are always in. The
      browsable API's filter panel gets the whole form (`FilterBackend`);
    - each form class (per set of sent names, and the whole one) is built once per FilterSet
      class. Sharing it shares no state: a Django form deep-copies its class's fields into each
      instance.
    A FilterSet that declares a filter whose queryset depends on the request (ModelChoiceFilter
    with a callable: QuerySetRequestMixin) gets the stock behaviour instead.
    """

    # Forms per set of sent names stay few (clients send the same few shapes); past this many
    # distinct sets, further ones are built per request rather than kept.
    MAX_FORM_CLASSES = 256
    # True: the form has every filter's field (for rendering), not only the sent ones.
    whole_form = False

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        if not self._reusable():
            super().__init__(data, queryset, request=request, prefix=prefix)
            return
        # Mirrors django_filters.filterset.BaseFilterSet.__init__ (26.x) but for the deepcopy;
        # tests/api/test_claims.py checks the two set the same attributes.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = OrderedDict(
            (name, self._bind(filter_, queryset.model)) for name, filter_ in self.base_filters.items()
        )

    def _bind(self, filter_: Filter, model: type) -> Filter:
        bound = copy.copy(filter_)
        bound.model = model
        bound.parent = self
        if bound.method is not None:
            # The copied FilterMethod still points at the shared filter, which has no parent:
            # assigning `method` again gives the copy its own.
            bound.method = bound.method
        return bound

    @classmethod
    def _reusable(cls) -> bool:
        # Looked up in the class's own __dict__: a subclass decides for itself.
        reusable = cls.__dict__.get("_reusable_filters")
        if reusable is None:
            reusable = not any(isinstance(f, QuerySetRequestMixin) for f in cls.base_filters.values())
            cls._reusable_filters = reusable
        return reusable

    def get_form_class(self) -> type[forms.Form]:
        if not self._reusable():
            return super().get_form_class()
        names = None if self.whole_form or not self.is_bound else self._sent_filter_names()
        cls = type(self)
        form_classes = cls.__dict__.get("_shared_form_classes")
        if form_classes is None:
            form_classes = cls._shared_form_classes = {}
        form_class = form_classes.get(names)
        if form_class is None:
            # Two threads may both build one on first use; either result is the same class.
            # The shared filters' fields, built once (a Filter builds its field on first use).
            fields = {name: f.field for name, f in self.base_filters.items() if names is None or name in names}
            form_class = type(f"{cls.__name__}Form", (self._meta.form,), fields)
            if len(form_classes) < self.MAX_FORM_CLASSES:
                form_classes[names] = form_class
        return form_class

    def _sent_filter_names(self) -> frozenset[str]:
        data, prefix = self.data, self.form_prefix
        sent = []
        for name, filter_ in self.base_filters.items():
            field = filter_.field
            html_name = f"{prefix}-{name}" if prefix else name
            # Django's own test of "this widget found nothing in the data" (suffixed and
            # multi-part widgets included); a checkbox never reports its value as omitted.
            if field.required or not field.widget.value_omitted_from_data(data, {}, html_name):
                sent.append(name)
        return frozenset(sent)


class FilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend, with the whole filter form for the browsable API's panel.
    DRF makes a backend per use, so the flag below never outlives one `to_html` call."""

    rendering = False

    def get_filterset(self, request: Any, queryset: QuerySet, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and self.rendering:
            filterset.whole_form = True
        return filterset

    def to_html(self, request: Any, queryset: QuerySet, view: Any) -> str | None:
        self.rendering = True
        return super().to_html(request, queryset, view)


class ClaimFilter(ReusableFilterSet):
    # distinct=False: django-filter's default SELECT DISTINCT sorts every matching row before LIMIT.
    status = django_filters.MultipleChoiceFilter(
        choices=Claim.Status.choices, help_text="Repeat for several.", distinct=False
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=Claim.Kind.choices, help_text="Repeat for several.", distinct=False
    )
    stance = django_filters.MultipleChoiceFilter(
        choices=Claim.Stance.choices,
        distinct=False,
        help_text="What the speaker did with the claim (`denies`, `accuses`, ...). Repeat for several.",
    )
    # `true` or `false`, anything else a 400 (a boolean filter would silently ignore "yes please").
    is_question = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text="`true`: questions and reported questions only; `false`: no questions.",
    )
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


class ArticleFilter(ReusableFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Article.Status.choices, distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=Article.Source.choices, distinct=False)
    outlet = IdFilter(field_name="outlet_id")

    class Meta:
        model = Article
        fields: list[str] = []


class ClaimOrdering(OrderingFilter):
    ordering_fields = ["created_at", "checkworthiness", "appearances"]
    ordering_description = (
        "`created_at`, `checkworthiness` or `appearances` (how many times the claim has been seen, "
        "across outlets and speakers), `-` for descending (default `-created_at`)."
    )
