"""Keyset ("cursor") pagination on (field, id).

DRF's CursorPagination keys on one field and skips ties with an OFFSET capped at 1,000 rows, so
ordering by a score that many claims share (checkworthiness) would repeat or lose rows deep in
the list. Here the cursor carries the last row's (value, id): every page is an index range scan
plus LIMIT, as cheap on page 2,000 as on page 1, and there is never a COUNT.
"""
from __future__ import annotations

import base64
import json
from collections import OrderedDict
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 200
    default_ordering = "-created_at"

    def _ordering_field(self, request: Request, queryset: QuerySet, view: Any) -> str:
        for backend in getattr(view, "filter_backends", ()):
            if issubclass(backend, OrderingFilter):
                ordering = backend().get_ordering(request, queryset, view)
                if ordering:
                    return ordering[0]
        return getattr(view, "pagination_ordering", None) or self.default_ordering

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({self.page_size_query_param: ["A whole number is required."]}) from None
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["Must be at least 1."]})
        return min(size, self.max_page_size)

    def _decode(self, raw: str, field: Any) -> tuple[Any, int, bool]:
        try:
            padded = raw + "=" * (-len(raw) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            if data["v"] is None:
                raise ValueError("a cursor always carries a value")
            value = field.to_python(data["v"])
            return value, int(data["id"]), bool(data.get("r", False))
        except (ValueError, KeyError, TypeError, UnicodeError, DjangoValidationError, json.JSONDecodeError):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from None

    @staticmethod
    def _encode(value: Any, pk: int, reverse: bool) -> str:
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        payload = json.dumps({"v": value, "id": pk, "r": reverse}, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list:
        self.request = request
        ordering = self._ordering_field(request, queryset, view)
        descending = ordering.startswith("-")
        self.field_name = ordering.lstrip("-")
        field = queryset.model._meta.get_field(self.field_name)
        self.size = self._page_size(request)
        raw = request.query_params.get(self.cursor_query_param)
        position = self._decode(raw, field) if raw else None
        reverse = bool(position and position[2])

        # Walking backwards (the `previous` link) flips the direction, then the page is re-reversed.
        walk_descending = descending != reverse
        sign = "-" if walk_descending else ""
        qs = queryset.order_by(f"{sign}{self.field_name}", f"{sign}pk")
        fields = getattr(queryset, "_fields", None)
        if fields and self.field_name not in fields:
            # Rows read with .values(): the cursor needs the ordering field even when the rows don't show it.
            qs = qs.values(*fields, self.field_name)
        if position is not None:
            value, pk, _ = position
            op = "lt" if walk_descending else "gt"
            # The redundant `field <= value` lets the database use the field's index as a range.
            qs = qs.filter(**{f"{self.field_name}__{op}e": value}).filter(
                Q(**{f"{self.field_name}__{op}": value}) | Q(**{self.field_name: value, f"pk__{op}": pk})
            )
        rows = list(qs[: self.size + 1])
        has_more = len(rows) > self.size
        rows = rows[: self.size]
        if reverse:
            rows.reverse()
            self.has_next, self.has_previous = True, has_more
        else:
            self.has_next, self.has_previous = has_more, position is not None
        self.page = rows
        return rows

    def _link(self, row: Any, reverse: bool) -> str:
        url = self.request.build_absolute_uri()
        # Rows are model instances or, for lists read with .values(), dicts.
        if isinstance(row, dict):
            value, pk = row[self.field_name], row["id"]
        else:
            value, pk = getattr(row, self.field_name), row.pk
        cursor = self._encode(value, pk, reverse)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self.page[-1], reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self.page[0], reverse=True)

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            OrderedDict([("next", self.get_next_link()), ("previous", self.get_previous_link()), ("results", data)])
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a previous page's `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
