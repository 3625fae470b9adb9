"""JSON parsing that honours DATA_UPLOAD_MAX_MEMORY_SIZE.

DRF reads the request stream directly, bypassing Django's body-size check, so an oversized JSON
body would otherwise be read into memory whole; here it is refused with 413 before reading.
"""
from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from claims.api.exceptions import PayloadTooLarge, too_large_message


class SizeLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        if limit is not None and request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise PayloadTooLarge(too_large_message(length))
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json.loads gives up on very deep nesting with RecursionError, which DRF doesn't map.
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc
