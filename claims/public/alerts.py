"""Signed links from alert emails. They work without logging in: the signature is the authority.

Unsubscribe follows RFC 8058: GET only shows a confirmation (link scanners and previews fetch
URLs, and must not unsubscribe anyone); POST unsubscribes, with no CSRF token because mail
clients send `List-Unsubscribe=One-Click` from outside any page we served.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from claims.alerts.messages import admin_change_url
from claims.alerts.tokens import read_token
from claims.api.domain_status import domain_error_status
from claims.models import Subscription
from claims.services import alerts
from claims.services.errors import DomainError

BAD_LINK = "This link is not valid: it may have been cut short or changed. Use the link in your latest alert email."
GONE = "This subscription no longer exists, so there is nothing to unsubscribe from."


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "emails/pages/problem.html", {"message": message}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription_id = read_token(token, action="unsubscribe")
    if subscription_id is None:
        return _problem(request, BAD_LINK, 400)
    if request.method == "POST":
        subscription = alerts.unsubscribe(subscription_id=subscription_id)
        if subscription is None:
            return _problem(request, GONE, 404)
        return render(request, "emails/pages/unsubscribed.html", {"subscription": subscription})
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return _problem(request, GONE, 404)
    return render(request, "emails/pages/unsubscribe_confirm.html", {"subscription": subscription})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """A summary of the subscription with pause/resume; editing filters happens in the admin."""
    subscription_id = read_token(token, action="manage")
    if subscription_id is None:
        return _problem(request, BAD_LINK, 400)
    subscription = (
        Subscription.objects.filter(pk=subscription_id).prefetch_related("speakers", "outlets").first()
    )
    if subscription is None:
        return _problem(request, "This subscription no longer exists.", 404)
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("pause", "resume"):
            return _problem(request, "Choose pause or resume.", 400)
        try:
            alerts.set_subscription_active(subscription_id=subscription.pk, active=action == "resume")
        except DomainError as error:
            return _problem(request, error.message, domain_error_status(error))
        subscription.refresh_from_db()
        notice = "Alerts resumed." if subscription.active else "Alerts paused: you will get no email from it."
    return render(
        request,
        "emails/pages/manage.html",
        {"subscription": subscription, "notice": notice, "edit_url": admin_change_url("subscription", subscription.pk)},
    )
