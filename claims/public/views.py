"""Public fact-check pages: only published and corrected claims exist here; anything else is a 404
(not a 403), so unpublished work is not even confirmed to exist."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.public.claimreview import claimreview_script
from claims.selectors.claims import get_published_fact_check, published_fact_checks, user_queue

PAGE_SIZE = 25


@require_safe
def fact_check_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_fact_checks(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/fact_check_list.html", {"page": page})


@require_safe
def fact_check_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_published_fact_check(claim_id=claim_id)
    if claim is None:
        raise Http404("No published fact check with this number.")
    return render(
        request,
        "claims/fact_check_detail.html",
        {"claim": claim, "evidence": list(claim.evidence.all()), "claimreview": claimreview_script(claim)},
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What the tracker is, where to go, and for a signed-in newsroom user what is waiting for them."""
    user = request.user
    queue = user_queue(user=user) if user.is_authenticated else None
    latest = list(published_fact_checks()[:3])
    return render(request, "claims/home.html", {"queue": queue, "latest": latest})
