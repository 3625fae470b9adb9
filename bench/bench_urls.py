"""The API plus `/bare/claims/`: the same 50 rows from the same table with `.values()` and no
framework, the baseline the API's throughput is measured against; and `/bare/claims-full/`, the
same again with every column of a full claim row (the API's `view=full`), the reference that
separates the framework's cost from the cost of reading and sending a wider row."""
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from claims.models import Claim

FIELDS = (
    "id", "kind", "content", "content_start", "content_end", "status", "checkworthiness", "created_at",
    "speaker_id", "speaker__name", "article_id", "article__title", "article__url",
)


def _rows(fields: tuple[str, ...]) -> JsonResponse:
    rows = list(Claim.objects.filter(status="new", kind="direct").order_by("-created_at", "-id").values(*fields)[:50])
    return JsonResponse({"results": rows})


def bare_claims(request: HttpRequest) -> JsonResponse:
    return _rows(FIELDS)


def bare_claims_full(request: HttpRequest) -> JsonResponse:
    from claims.api.serializers import CLAIM_ROW_FIELDS

    return _rows(CLAIM_ROW_FIELDS)


urlpatterns = [
    path("api/v1/", include("claims.api.urls")),
    path("bare/claims/", bare_claims),
    path("bare/claims-full/", bare_claims_full),
]
