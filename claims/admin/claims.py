"""The claims screens: the triage list and the claim page editors work from.

Every workflow write (status, assignee, rating, evidence, notes, same-claim links) goes through
claims.services.workflow, so the admin enforces exactly what the API enforces. Those fields are
read-only in the form; the panel above the form and the inlines call the services.
"""
from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from claims.admin import ratings  # noqa: F401 - registers the rating-scale screens
from claims.admin import rulings as rulings_admin
from claims.admin.bulk import apply_each
from claims.admin.counts import EstimatedCountPaginator
from claims.admin.list_filters import AssigneeFilter, BusiestOutletFilter, BusiestSpeakerFilter, RatingFilter
from claims.admin.versions import QuoteChangedFilter
from claims.exports import streamed_download
from claims.models import Claim, Evidence, Note, Rating
from claims.selectors.access import is_public
from claims.selectors.api import search_claims_everywhere
from claims.selectors.claims import claim_context, claim_timeline, sent_back_reason, similar_claims
from claims.selectors.exports import export_rows
from claims.selectors.rulings import with_recent_appearances
from claims.selectors.wording import claim_sentence, score_text
from claims.selectors.wording import rating_badge as wording_badge
from claims.services import bulk, rulings, workflow
from claims.services.errors import DomainError

S = Claim.Status
DRAFT_KEY = "claim-workflow-draft-{}"


def _draft_version(claim: Claim) -> str:
    """The claim's state a workflow draft was typed against."""
    return f"{claim.status}@{claim.updated_at.isoformat() if claim.updated_at else ''}"


def rating_badge(rating: Rating | None) -> str:
    if rating is None:
        return "—"
    return wording_badge(rating.label, rating.colour, rating.definition)


class ScoreFilter(admin.SimpleListFilter):
    title = "check-worthiness"
    parameter_name = "score"
    BANDS = {"high": (0.7, 1.01), "medium": (0.4, 0.7), "low": (0.0, 0.4)}

    def lookups(self, request, model_admin):
        return [("high", "High (≥ 0.7)"), ("medium", "Medium (0.4–0.7)"), ("low", "Low (< 0.4)")]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        return queryset.filter(checkworthiness__gte=band[0], checkworthiness__lt=band[1])


class QuestionFilter(admin.SimpleListFilter):
    title = "questions"
    parameter_name = "question"

    def lookups(self, request, model_admin):
        return [("yes", "Questions only"), ("no", "Not questions")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_question=self.value() == "yes")
        return queryset


class ReaderReportFilter(admin.SimpleListFilter):
    """Claims a reader reported a problem with ("Report a problem" on the public page)."""

    title = "reader reports"
    parameter_name = "reader_reports"

    def lookups(self, request, model_admin):
        return [("yes", "Reported by a reader")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Exists(Note.objects.filter(claim=OuterRef("pk"), source=Note.Source.READER)))
        return queryset


def _titled(title: str) -> type[DateFieldListFilter]:
    """A date filter with a readable title ("article date", not "published at")."""

    class Titled(DateFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


def _pk(value: str | None) -> int | None:
    """A posted id, or None for anything that is not one: words, and numbers past what the database
    holds (which would make the lookup itself fail with a 500)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def researchers() -> QuerySet:
    """Active users who may research (the assignee choices)."""
    perm = Q(groups__permissions__codename="research_claim") | Q(user_permissions__codename="research_claim")
    return get_user_model().objects.filter(perm | Q(is_superuser=True), is_active=True).distinct().order_by("username")


# --- inlines: they save through the services ---------------------------------------------------------


class EvidenceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms if hasattr(form, "cleaned_data")):
            return
        try:
            workflow.check_may_edit_evidence(claim=self.instance, user=self.request_user)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            fields = {name: form.cleaned_data.get(name) for name in workflow.EVIDENCE_FIELDS}
            try:
                workflow.clean_evidence_fields(fields)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        deleting = sum(1 for f in self.forms if getattr(f, "cleaned_data", {}).get("DELETE") and f.instance.pk)
        adding = sum(1 for f in self.forms if not f.instance.pk and f.has_changed())
        try:
            workflow.check_keeps_evidence(claim=self.instance, removing=deleting, adding=adding)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formset = EvidenceFormSet
    extra = 0
    fields = (("url", "title"), ("publisher", "stance", "type"), "excerpt", ("accessed_at", "independence_group"),
              "added_by")
    readonly_fields = ("added_by",)
    # Without a scheme, "ons.gov.uk/x" becomes https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "accessed_at" and hasattr(field.widget, "widgets"):
            # The split date and time boxes share one <label>: each gets a name of its own.
            for widget, part in zip(field.widget.widgets, ("date", "time"), strict=True):
                widget.attrs["aria-label"] = f"Accessed at: {part}"
        return field

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 1 if obj is not None and self._may_edit(request, obj) else 0

    @staticmethod
    def _may_edit(request, obj) -> bool:
        # The service's own rule: a field that could not be saved is not offered for editing.
        if obj is None:
            return False
        try:
            workflow.check_may_edit_evidence(claim=obj, user=request.user)
        except DomainError:
            return False
        return True

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class NoteInline(admin.TabularInline):
    """Internal notes: added, never edited or deleted (they are part of the record)."""

    model = Note
    extra = 1
    fields = ("body", "source", "author", "created_at")
    readonly_fields = ("source", "author", "created_at")
    can_delete = False
    # A table row has no <label> for its box: the box names itself.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "aria-label": "New note"})}}

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("claims.add_note")


# --- the claim form -----------------------------------------------------------------------------


class ClaimAdminForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = ("speaker",)

    def clean_speaker(self):
        speaker = self.cleaned_data.get("speaker")
        if self.instance.pk and speaker != self.instance.speaker and workflow.speaker_is_fixed(self.instance):
            raise ValidationError(workflow.SPEAKER_FIXED)
        return speaker


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = ClaimAdminForm
    change_form_template = "admin/claims/claim/change_form.html"
    # The claim reads as a sentence (speaker, cue, content), so a denial never looks like an assertion.
    list_display = ("statement", "article_cell", "kind_short", "status", "rating_label", "assignee", "score")
    list_display_links = ("statement",)
    list_select_related = ("speaker", "article", "article__outlet", "rating", "assignee")
    list_filter = (
        "status",
        "kind",
        "stance",
        QuestionFilter,
        # Short choice lists from small tables and roll-ups, never `DISTINCT` over the claims (list_filters.py).
        ("rating", RatingFilter),
        ("assignee", AssigneeFilter),
        ("article__outlet", BusiestOutletFilter),
        ("speaker", BusiestSpeakerFilter),
        ("article__published_at", _titled("article date")),
        ("created_at", _titled("detected")),
        ScoreFilter,
        QuoteChangedFilter,
        ReaderReportFilter,
    )
    search_fields = ("content", "speaker__name", "article__title")
    list_per_page = 50
    # Never COUNT(*) the table (claims/admin/counts.py): an estimate or a capped count, said as such.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-created_at", "-id")
    autocomplete_fields = ("speaker",)
    actions = ("assign_to_me", "triage", "dismiss", "move_on")
    inlines = (EvidenceInline, NoteInline)
    readonly_fields = (
        "status", "content", "kind", "article_link", "speaker_mention", "speaker_title", "cue", "stance",
        "is_question", "score",
        "reasons", "assignee", "researcher", "proposed_rating", "rating_label", "conclusion", "correction_note",
        "published_at", "corrected_at", "same_as", "public_link", "created_at",
    )
    fieldsets = (
        (None, {"fields": ("content", ("kind", "status"), "article_link", "created_at")}),
        ("Speaker", {"fields": ("speaker", ("speaker_mention", "speaker_title"), ("cue", "stance", "is_question"))}),
        ("Check-worthiness", {"fields": ("score", "reasons")}),
        ("Workflow record", {"classes": ("collapse",), "fields": (
            ("assignee", "researcher"), ("proposed_rating", "rating_label"), "conclusion",
            "correction_note", ("published_at", "corrected_at"), "same_as", "public_link")}),
    )

    # --- columns ---

    @admin.display(description="claim", ordering="speaker__name")
    def statement(self, obj: Claim) -> str:
        return claim_sentence(obj, max_chars=160).as_html()

    @admin.display(description="kind", ordering="kind")
    def kind_short(self, obj: Claim) -> str:
        # Short words keep the list readable at 1280 px; the claim page gives the full label.
        return {Claim.Kind.DIRECT: "quote", Claim.Kind.PARTIAL: "partial quote", Claim.Kind.INDIRECT: "reported"}.get(
            obj.kind, obj.kind)

    @admin.display(description="article", ordering="article__published_at")
    def article_cell(self, obj: Claim) -> str:
        article = obj.article
        meta = " · ".join(part for part in (
            article.outlet.name if article.outlet else "",
            formats.date_format(timezone.localtime(article.published_at), "j M Y") if article.published_at else "",
        ) if part)
        return format_html('<span class="fc-article-title">{}</span><br><span class="fc-article-meta">{}</span>',
                           Truncator(str(article)).chars(80), meta or "no outlet or date")

    @admin.display(description="rating", ordering="rating__value")
    def rating_label(self, obj: Claim) -> str:
        return rating_badge(obj.rating)

    @admin.display(description="score", ordering="checkworthiness")
    def score(self, obj: Claim) -> str:
        return score_text(obj.checkworthiness)

    @admin.display(description="seen", ordering="appearances")
    def seen(self, obj: Claim) -> str:
        # "14× this week · 5 speakers", then the totals (docs/monitoring.md, "One ruling, reused").
        # Narrow, one fact a line: the list must still fit 1280 px.
        recent, speakers = getattr(obj, "recent_appearances", 0) or 0, getattr(obj, "recent_speakers", 0) or 0
        title = (f"{recent} this week by {speakers} speaker{'s' if speakers != 1 else ''}; {obj.appearances} in all, "
                 f"{obj.appearance_speakers} speakers, {obj.appearance_outlets} outlets")
        if obj.appearances <= 1:
            return format_html('<span class="fc-seen" title="{}">once</span>', title)
        return format_html('<span class="fc-seen" title="{}">{}×<br><span class="fc-article-meta">{} this week<br>'
                           '{} speaker{}</span></span>', title, obj.appearances, recent, speakers,
                           "s" if speakers != 1 else "")

    @staticmethod
    def _triage(request: HttpRequest) -> bool:
        """The triage queue (new claims): where how often a claim was seen decides what to check."""
        return request.GET.get("status__exact") == S.NEW or getattr(request, "fc_triage", False)

    def get_list_display(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        # The "seen" column only in the triage queue: the full list must still fit 1280 px.
        columns = tuple(super().get_list_display(request))
        return (*columns, "seen") if self._triage(request) else columns

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        queryset = super().get_queryset(request)
        # The week's numbers for the rows shown (a subquery per row of the page), for the column.
        return with_recent_appearances(queryset) if self._triage(request) else queryset

    @admin.display(description="why check it")
    def reasons(self, obj: Claim) -> str:
        return ", ".join(obj.checkworthiness_reasons or []) or "—"

    @admin.display(description="article")
    def article_link(self, obj: Claim) -> str:
        url = reverse("admin:claims_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)

    @admin.display(description="public page")
    def public_link(self, obj: Claim) -> str:
        if not is_public(obj):
            return "—"
        url = reverse("public:fact-check", kwargs={"claim_id": obj.pk})
        return format_html('<a href="{}">{}</a>', url, url)

    # --- permissions: claims come from extraction, never typed in or deleted here ---

    def has_add_permission(self, request) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """The search box asks the selector the API's `q` uses (full text on the claim's words, plus
        speakers' names and articles' titles), each part through an index: Django's default is
        `UPPER(content) LIKE '%word%'` over every claim."""
        if not search_term.strip():
            return queryset, False
        return search_claims_everywhere(queryset, q=search_term), False

    # --- bulk actions: each claim through the service; refusals become messages ---

    def _bulk(self, request: HttpRequest, queryset: QuerySet, verb: str, call) -> None:
        done, refused = apply_each(queryset.select_related("assignee"), call, lambda claim: f"#{claim.pk}")
        if done:
            self.message_user(request, f"{done} claim{'s' if done != 1 else ''} {verb}.", messages.SUCCESS)
        if refused:
            shown = "; ".join(refused[:5]) + (f"; and {len(refused) - 5} more" if len(refused) > 5 else "")
            self.message_user(request, f"{len(refused)} not {verb}: {shown}", messages.ERROR)

    # Bulk actions are offered only to users who hold their permission (a Reader sees none); the
    # services still check every claim.
    def has_research_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.research_claim")

    def has_triage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.triage_claim")

    def has_workflow_permission(self, request: HttpRequest) -> bool:
        return any(request.user.has_perm(f"claims.{p}") for p in ("triage_claim", "research_claim", "publish_claim"))

    @admin.action(description="Assign to me", permissions=["research"])
    def assign_to_me(self, request, queryset):
        self._run(request, queryset, "assign_to_me")

    @admin.action(description="Triage", permissions=["triage"])
    def triage(self, request, queryset):
        self._run(request, queryset, "triage")

    @admin.action(description="Dismiss", permissions=["triage"])
    def dismiss(self, request, queryset):
        self._run(request, queryset, "dismiss")

    @admin.action(description="Move on to the next step", permissions=["workflow"])
    def move_on(self, request, queryset):
        self._run(request, queryset, "move_on")

    def _run(self, request: HttpRequest, queryset: QuerySet, action: str) -> None:
        """A selection of up to bulk.INLINE_LIMIT claims is handled now; a larger one (a whole
        filtered list) becomes a background job whose progress the message links to."""
        spec = bulk.ACTIONS[action]
        if queryset.order_by().values("pk")[: bulk.INLINE_LIMIT + 1].count() > bulk.INLINE_LIMIT:
            job = bulk.start_bulk_job(action=action, user=request.user, queryset=queryset)
            url = reverse("admin:claims_bulkjob_change", args=[job.pk])
            self.message_user(request, format_html(
                '{} claims will be {} in the background: <a href="{}">follow its progress</a>.', job.total, spec.verb,
                url), messages.SUCCESS)
            return
        self._bulk(request, queryset, spec.verb, lambda claim: spec.call(claim, request.user))

    # --- the claim page ---

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and workflow.speaker_is_fixed(obj):
            fields.append("speaker")
        return fields

    def get_urls(self):
        own = [
            path("triage/", self.admin_site.admin_view(self.triage_view), name="claims_claim_triage"),
            path("<int:object_id>/workflow/", self.admin_site.admin_view(self.workflow_view),
                 name="claims_claim_workflow"),
            path("<int:object_id>/same-as/", self.admin_site.admin_view(self.same_as_view),
                 name="claims_claim_same_as"),
            # Corrections that reach everyone, one ruling reused (claims/admin/rulings.py).
            *[path(f"<int:object_id>/{route}/", self.admin_site.admin_view(partial(view, self)),
                   name=f"claims_claim_{name}")
              for route, view, name in (("correct", rulings_admin.correct_view, "correct"),
                                        ("apply-ruling", rulings_admin.apply_ruling_view, "apply_ruling"),
                                        ("unlink-ruling", rulings_admin.unlink_ruling_view, "unlink_ruling"),
                                        ("trim", rulings_admin.trim_view, "trim"))],
            # The list's downloads, with its current filters (docs/integrations.md, "Exports").
            path("export.csv", self.admin_site.admin_view(self.export_view), {"fmt": "csv"},
                 name="claims_claim_export_csv"),
            path("export.jsonl", self.admin_site.admin_view(self.export_view), {"fmt": "jsonl"},
                 name="claims_claim_export_jsonl"),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """Every claim the list shows with the same filters, search and order, streamed as `fmt`."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                "These list filters cannot be applied; open the list again and pick them there.",
                content_type="text/plain; charset=utf-8")
        return streamed_download(rows=export_rows(queryset=changelist.queryset, user=request.user), fmt=fmt)

    def column_order(self, request: HttpRequest, column: str, *, descending: bool = False) -> str:
        """The changelist's `o=` value that sorts by `column`. Django numbers sortable columns by
        position (the checkbox first when the user has actions), so links compute it here from the
        columns this user gets, instead of hard-coding a number that breaks when columns change."""
        columns = list(self.get_list_display(request))
        if self.get_actions(request):
            columns.insert(0, "action_checkbox")
        return f"{'-' if descending else ''}{columns.index(column)}"

    def triage_view(self, request: HttpRequest) -> HttpResponse:
        """The triage queue: new claims, most check-worthy first (then newest)."""
        if not self.has_view_permission(request):
            messages.error(request, "You do not have permission to view claims.")
            return HttpResponseRedirect(reverse("admin:index"))
        # `?by=seen`: the most repeated first ("repeated 14 times this week by 5 speakers").
        column = "seen" if request.GET.get("by") == "seen" else "score"
        request.fc_triage = True  # type: ignore[attr-defined] - the queue's columns, for column_order
        query = urlencode({"status__exact": S.NEW, "o": self.column_order(request, column, descending=True)})
        return HttpResponseRedirect(f"{reverse('admin:claims_claim_changelist')}?{query}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra = extra_context or {}
        if claim is not None:
            extra.update(self._workflow_context(request, claim))
            # The page's heading reads the claim with its stance too (not "Speaker: content").
            extra["subtitle"] = str(claim_sentence(claim, max_chars=120))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _workflow_context(self, request: HttpRequest, claim: Claim) -> dict:
        targets = workflow.available_transitions(claim=claim, user=request.user)
        buttons = [
            {"to": t, "label": workflow.rule_for(from_status=claim.status, to=t).label,
             "needs_note": workflow.rule_for(from_status=claim.status, to=t).needs_note}
            for t in targets
        ]
        # What was typed in the panel and not yet used by a transition (kept across "Propose rating",
        # "Assign" and refusals): it stays in the form until a transition succeeds, or until the
        # claim changes in a way this user's own last action did not (then it is stale: someone
        # else's reviewed words must not be overwritten by an old draft).
        draft = request.session.get(DRAFT_KEY.format(claim.pk), {})
        if draft.get("version") != _draft_version(claim):
            draft = {}
        can_rate = bool(workflow.RATED_TARGETS & set(targets)) or workflow.may_propose_rating(
            claim=claim, user=request.user)
        return {
            "sentence": claim_sentence(claim),
            "claim_context": claim_context(claim),
            "similar": similar_claims(claim=claim),
            "timeline": claim_timeline(claim=claim),
            "transition_buttons": buttons,
            "refusals": workflow.transition_refusals(claim=claim, user=request.user),
            "sent_back": sent_back_reason(claim=claim),
            "show_rating": can_rate,
            "show_assignee": S.RESEARCHING in targets or (
                claim.status in workflow.OPEN_STATUSES and request.user.has_perm("claims.assign_claim")),
            "can_assign_self": claim.status in workflow.OPEN_STATUSES and claim.assignee_id != request.user.pk
            and request.user.has_perm("claims.research_claim"),
            "can_confirm_same": request.user.has_perm("claims.publish_claim"),
            "ratings": Rating.objects.filter(retired=False).select_related("scale"),
            "researchers": researchers() if request.user.has_perm("claims.assign_claim") else [],
            "draft": draft,
            "current_rating_id": draft.get("rating") or claim.rating_id or claim.proposed_rating_id,
            "evidence_rule": workflow.evidence_rule_text(),
        }

    def _back(self, claim_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim_id]))

    def workflow_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The claim page's workflow panel posts here: a transition, a proposed rating or an assignment."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=object_id)
        if not self.has_view_permission(request, claim):
            messages.error(request, "You do not have permission to view this claim.")
            return HttpResponseRedirect(reverse("admin:index"))
        data = request.POST
        rating = self._rating(data.get("rating"))
        assignee = self._user(data.get("assignee"))
        draft_key = DRAFT_KEY.format(claim.pk)
        # Loses nothing: whatever button was pressed, what was typed comes back in the form (until a
        # transition uses it), so proposing a rating or assigning never empties the conclusion.
        request.session[draft_key] = {
            k: data.get(k, "") for k in ("note", "conclusion", "rating", "assignee") if k in data
        }
        if data.get("to") == S.CORRECTED:
            # A correction reaches everyone told before: its reach is shown first, then confirmed.
            return rulings_admin.correction_reach_view(self, request, claim)
        try:
            if data.get("to"):
                claim = workflow.transition(
                    claim=claim, to=data["to"], user=request.user, note=data.get("note", ""),
                    assignee=assignee, rating=rating,
                    conclusion=data.get("conclusion"),
                )
                request.session.pop(draft_key, None)
                messages.success(request, f"Claim is now {claim.get_status_display().lower()}.")
            elif "propose" in data:
                workflow.propose_rating(claim=claim, rating=rating, user=request.user)
                messages.success(request, f"Proposed rating: {rating.label}.")
            elif "assign" in data:
                target = request.user if data["assign"] == "me" else assignee
                claim = workflow.assign(claim=claim, assignee=target, user=request.user)
                messages.success(request, f"Assigned to {claim.assignee}." if claim.assignee else "Unassigned.")
            else:
                messages.error(request, "Choose an action.")
        except DomainError as exc:
            messages.error(request, exc.message)
        if draft_key in request.session:
            # the draft belongs to the claim as this action left it
            claim.refresh_from_db(fields=["status", "updated_at"])
            request.session[draft_key] = {**request.session[draft_key], "version": _draft_version(claim)}
        return self._back(claim.pk)

    def same_as_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=object_id)
        earlier_id = _pk(request.POST.get("earlier"))
        earlier = Claim.objects.filter(pk=earlier_id).first() if earlier_id is not None else None
        if earlier is None:
            messages.error(request, "The earlier claim does not exist.")
            return self._back(claim.pk)
        try:
            claim = rulings.link_to_ruling(claim=claim, earlier=earlier, user=request.user)
            messages.success(request, f"Linked as the same claim as #{claim.same_as_id}.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return self._back(claim.pk)

    @staticmethod
    def _rating(value: str | None) -> Rating | None:
        pk = _pk(value)
        return None if pk is None else Rating.objects.select_related("scale").filter(pk=pk).first()

    @staticmethod
    def _user(value: str | None):
        pk = _pk(value)
        return None if pk is None else get_user_model().objects.filter(pk=pk).first()

    # --- saving: the speaker through the form, evidence and notes through the services ---

    def save_model(self, request, obj, form, change) -> None:
        if "speaker" in form.changed_data:
            workflow.change_speaker(claim=obj, speaker=form.cleaned_data["speaker"], user=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        claim = form.instance
        # The admin's change message reads these three lists, which formset.save() would fill.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Evidence:
            for inline_form in formset.forms:
                if not inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                    continue
                fields = {name: inline_form.cleaned_data.get(name) for name in workflow.EVIDENCE_FIELDS}
                existing = inline_form.instance if inline_form.instance.pk else None
                if inline_form.cleaned_data.get("DELETE"):
                    if existing is not None:
                        workflow.remove_evidence(evidence=existing, user=request.user)
                        formset.deleted_objects.append(existing)
                elif existing is None:
                    formset.new_objects.append(workflow.add_evidence(claim=claim, user=request.user, **fields))
                else:
                    changed = {k: v for k, v in fields.items() if k in inline_form.changed_data}
                    workflow.update_evidence(evidence=existing, user=request.user, **changed)
                    formset.changed_objects.append((existing, list(changed)))
        elif formset.model is Note:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None and inline_form.has_changed():
                    body = inline_form.cleaned_data["body"]
                    formset.new_objects.append(workflow.add_note(claim=claim, user=request.user, body=body))
        else:
            super().save_formset(request, form, formset, change)

    class Media:
        css = {"all": ("claims/admin.css",)}
        # Static files only (the CSP allows no inline script): keyboard triage on the list, and
        # on the claim page a guard that keeps unsaved evidence and notes from being lost.
        js = ("claims/colours.js", "claims/claims_admin.js")
