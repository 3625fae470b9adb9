"""Corrections that reach everyone and one ruling, reused (docs/monitoring.md), in the admin.

- The claim page's views: "Correct" first shows the correction's reach (who was alerted, which
  webhooks and feeds carry the fact check, which claims reuse the ruling) and corrects only on
  confirmation; "Apply this ruling", "Not the same claim" and trimming the claim to its checkable
  words. ClaimAdmin routes to them (claims/admin/claims.py); each calls a service.
- The editors' settings for linking new claims to rulings (one row), and the correction e-mails
  with their status.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from claims.models import Claim, Correction, CorrectionNotice, Rating, RulingSettings
from claims.services import corrections, rulings, workflow
from claims.services.errors import DomainError

S = Claim.Status


def _back(claim_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_id]))


def _rating(value: str | None) -> Rating | None:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return Rating.objects.select_related("scale").filter(pk=int(text)).first()


def _claim(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> Claim | None:
    claim = get_object_or_404(Claim.objects.select_related("rating", "speaker", "article"), pk=object_id)
    if not model_admin.has_view_permission(request, claim):
        messages.error(request, "You do not have permission to view this claim.")
        return None
    return claim


# --- corrections: reach first, then confirm -------------------------------------------------------


def correction_reach_view(model_admin: ModelAdmin, request: HttpRequest, claim: Claim) -> HttpResponse:
    """The workflow panel's "Correct" lands here: what the correction will reach, with the typed
    rating, conclusion and reason carried to the confirm button (nothing is lost on a refusal)."""
    data = request.POST
    note = (data.get("note") or "").strip()
    try:
        reach = corrections.preview_correction(claim=claim, user=request.user)
        if not note:
            rule = workflow.rule_for(from_status=claim.status, to=S.CORRECTED)
            raise DomainError(f"Add a note: {rule.note_hint if rule else 'why the fact check is corrected'} "
                              "(everyone told about this claim before will read it).")
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(claim.pk)
    rating = _rating(data.get("rating")) or claim.rating
    conclusion = data.get("conclusion")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Claim._meta,
        "title": "Who this correction reaches",
        "claim": claim,
        "reach": reach,
        "note": note,
        "new_rating": rating,
        "rating_changed": rating is not None and rating.pk != claim.rating_id,
        "conclusion": conclusion if conclusion is not None else claim.conclusion,
        "conclusion_changed": conclusion is not None
        and " ".join(conclusion.split()) != " ".join(claim.conclusion.split()),
        "version": corrections.claim_version(claim),
    }
    return TemplateResponse(request, "admin/claims/rulings/correction_reach.html", context)


def correct_view(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    claim = _claim(model_admin, request, object_id)
    if claim is None:
        return HttpResponseRedirect(reverse("admin:index"))
    data = request.POST
    try:
        claim = corrections.confirm_correction(
            claim=claim, user=request.user, version=data.get("version", ""), note=data.get("note", ""),
            rating=_rating(data.get("rating")), conclusion=data.get("conclusion"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(claim.pk)
    correction = claim.corrections.order_by("-created_at", "-id").first()
    sent = correction.notices.count() if correction else 0
    messages.success(request, f"Corrected. {sent} correction e-mail{'s' if sent != 1 else ''} queued; the "
                              "claim.corrected webhook event and the feeds carry the correction.")
    return _back(claim.pk)


# --- one ruling, reused -----------------------------------------------------------------------------


def _post_service(model_admin: ModelAdmin, request: HttpRequest, object_id: int, call, success) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    claim = _claim(model_admin, request, object_id)
    if claim is None:
        return HttpResponseRedirect(reverse("admin:index"))
    try:
        claim = call(claim)
        messages.success(request, success(claim))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(claim.pk)


def apply_ruling_view(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    return _post_service(
        model_admin, request, object_id, lambda c: rulings.apply_ruling(claim=c, user=request.user),
        lambda c: f"The ruling of #{c.same_as_id} is applied: this claim is in review with its rating and conclusion; "
                  "another editor publishes it.")


def unlink_ruling_view(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    return _post_service(model_admin, request, object_id,
                         lambda c: rulings.unlink_from_ruling(claim=c, user=request.user),
                         lambda c: "Unlinked: this claim is no longer an appearance of that ruling.")


def trim_view(model_admin: ModelAdmin, request: HttpRequest, object_id: int) -> HttpResponse:
    return _post_service(
        model_admin, request, object_id,
        lambda c: rulings.trim_to_words(claim=c, user=request.user, words=request.POST.get("check_words", "")),
        lambda c: "The whole claim is checked." if c.check_start is None else "Trimmed: only those words are checked.")


# --- the editors' settings ----------------------------------------------------------------------------


class RulingSettingsForm(forms.ModelForm):
    class Meta:
        model = RulingSettings
        fields = ("similarity_threshold", "link_by_fingerprint", "link_by_similarity")

    def clean_similarity_threshold(self) -> float:
        try:
            return rulings.clean_threshold(self.cleaned_data.get("similarity_threshold"))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(RulingSettings)
class RulingSettingsAdmin(admin.ModelAdmin):
    """One row: the list opens it."""

    form = RulingSettingsForm
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RulingSettings | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        RulingSettings.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:claims_rulingsettings_change", args=[1]))

    def save_model(self, request: HttpRequest, obj: RulingSettings, form: forms.ModelForm, change: bool) -> None:
        rulings.update_ruling_settings(user=request.user, similarity_threshold=obj.similarity_threshold,
                                       link_by_fingerprint=obj.link_by_fingerprint,
                                       link_by_similarity=obj.link_by_similarity)


class CorrectionNoticeInline(admin.TabularInline):
    model = CorrectionNotice
    extra = 0
    can_delete = False
    fields = ("recipient", "status", "sent_to", "sent_at", "attempts", "error", "reasons")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Every correction with the verdict before and after, and who was told (read-only: corrections
    are made on the claim page)."""

    list_display = ("claim", "old_rating", "new_rating", "note", "author", "created_at", "told")
    list_select_related = ("claim", "old_rating", "new_rating", "author")
    inlines = (CorrectionNoticeInline,)
    readonly_fields = ("claim", "old_rating", "new_rating", "old_conclusion", "new_conclusion", "note", "author",
                       "created_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False

    @admin.display(description="e-mails sent / to send")
    def told(self, obj: Correction) -> str:
        notices = list(obj.notices.values_list("status", flat=True))
        return f"{notices.count(CorrectionNotice.Status.SENT)} / {len(notices)}"
