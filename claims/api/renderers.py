"""The claims list's downloads (`?format=csv`, `?format=jsonl`). The list view streams them itself
(claims.exports); these renderers exist so content negotiation accepts the formats, and are
never asked to render: an error in such a request answers in the API's JSON error shape."""
from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer


class _ExportRenderer(BaseRenderer):
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        raise AssertionError("claims exports are streamed by the list view, not rendered")


class CsvRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class JsonLinesRenderer(_ExportRenderer):
    media_type = "application/jsonl"
    format = "jsonl"


EXPORT_RENDERERS = (CsvRenderer, JsonLinesRenderer)
