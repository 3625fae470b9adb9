"""Public fact-check pages: only published and corrected claims exist here; anything else is a 404
(not a 403), so unpublished work is not even confirmed to exist."""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from claims.public.claimreview import claimreview_script
from claims.public.filters import PERIODS, archive_filter
from claims.public.forms import ReportProblemForm
from claims.selectors.claims import get_published_fact_check, published_fact_checks, user_queue
from claims.selectors.public import correction_log, correction_transitions, rating_scales
from claims.selectors.rulings import appearances, checked_text
from claims.services import reports, workflow
from claims.services.errors import DomainError
from factcheck.security import client_ip

PAGE_SIZE = 25


@require_safe
def fact_check_list(request: HttpRequest) -> HttpResponse:
    """The archive: every published fact check, newest first, filtered by period, dates, rating,
    speaker and outlet. Unusable filters are said next to their field and nothing is listed."""
    filterset = archive_filter(data=request.GET or None, queryset=published_fact_checks(with_article_text=False))
    valid = filterset.form.is_valid() if filterset.is_bound else True
    claims = filterset.qs if valid else published_fact_checks().none()
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    # Page links keep the filters.
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "claims/fact_check_list.html", {
        "page": page, "filter": filterset, "filtered": filterset.is_bound and filterset.active, "valid": valid,
        "query": query.urlencode(), "periods": PERIODS,
    })


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    """How we choose, check and rate claims: the rating scale's own definitions, the rules the
    workflow enforces, and what we do and do not check."""
    return render(request, "claims/methodology.html", {
        "scales": rating_scales(), "evidence_rule": workflow.evidence_rule_text(),
        "four_eyes": settings.FACTCHECK_FOUR_EYES,
    })


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    """The public corrections log: every correction of a fact check, newest first."""
    page = Paginator(correction_transitions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/corrections.html", {
        "page": page, "entries": correction_log(transitions=list(page.object_list)),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def report_problem(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A reader tells the editors something is wrong: the report becomes a note on the claim.
    A refused form keeps everything typed; CSRF as everywhere; a honeypot and a per-address
    limit keep spam out of the editors' notes."""
    claim = get_published_fact_check(claim_id=claim_id)
    if claim is None:
        raise Http404("No published fact check with this number.")
    form = ReportProblemForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        thanks = HttpResponseRedirect(reverse("public:report-thanks", kwargs={"claim_id": claim.pk}))
        if form.is_bot():
            return thanks  # a bot learns nothing; nobody's notes fill with spam
        if form.is_valid():
            if not reports.take_rate_slot(client=client_ip(request), limit=settings.FACTCHECK_REPORTS_PER_HOUR):
                form.add_error(None, "You have sent several reports in the last hour. Your text is still here: "
                                     "please try again later, or write to the editors.")
                status = 429
            else:
                report = form.cleaned_data["report"]
                try:
                    reports.report_problem(claim_id=claim.pk, kind=report.kind, details=report.details,
                                           email=report.email)
                except DomainError as error:
                    form.add_error(None, error.message)
                    status = 400
                else:
                    return thanks
        else:
            status = 400
    return render(request, "claims/report_problem.html", {"claim": claim, "form": form}, status=status)


@require_safe
def report_thanks(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_published_fact_check(claim_id=claim_id)
    if claim is None:
        raise Http404("No published fact check with this number.")
    return render(request, "claims/report_thanks.html", {"claim": claim})


@require_safe
def fact_check_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = get_published_fact_check(claim_id=claim_id)
    if claim is None:
        raise Http404("No published fact check with this number.")
    checked = checked_text(claim)
    return render(
        request,
        "claims/fact_check_detail.html",
        {"claim": claim, "evidence": list(claim.evidence.all()), "claimreview": claimreview_script(claim),
         # Every appearance of the ruling (outlet, date, speaker), when it has been seen more than once.
         "appearances": appearances(claim=claim) if claim.appearances > 1 or claim.same_as_id else [],
         "checked": checked if checked != claim.content else "",
         "corrections": list(claim.corrections.select_related("old_rating", "new_rating").order_by("created_at"))},
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What the tracker is, where to go, and for a signed-in newsroom user what is waiting for them."""
    user = request.user
    queue = user_queue(user=user) if user.is_authenticated else None
    latest = list(published_fact_checks()[:3])
    return render(request, "claims/home.html", {"queue": queue, "latest": latest})
