"""The speakers screen: aliases, their claims counted per rating, and merging duplicates.

Merging asks which of the selected speakers survives on a confirmation page, then calls
`merge_speakers` once per duplicate; the service moves claims and aliases."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from claims.models import Speaker, SpeakerAlias
from claims.selectors.access import is_public
from claims.selectors.claims import speaker_rating_counts
from claims.selectors.speakers import likely_duplicates, speaker_claims
from claims.selectors.wording import claim_sentence, rating_badge
from claims.services import workflow
from claims.services.errors import DomainError
from claims.services.speakers import normalize_name


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ("name", "kind", "title")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        normalized = normalize_name(name)
        if not normalized:
            raise forms.ValidationError("The name is empty.")
        if Speaker.objects.filter(normalized_name=normalized).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another speaker already has this name; merge the two instead.")
        return name


class AliasFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            normalized = normalize_name(data.get("name", ""))
            if not normalized:
                form.add_error("name", "The alias is empty.")
            elif normalized in seen:
                form.add_error("name", "This alias is listed twice.")
            seen.add(normalized)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    formset = AliasFormSet
    extra = 1
    fields = ("name",)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "title", "claim_count", "merged_into")
    list_select_related = ("merged_into",)
    list_filter = ("kind", ("merged_into", admin.EmptyFieldListFilter))
    search_fields = ("name", "normalized_name", "aliases__name")
    ordering = ("name",)
    form = SpeakerForm
    inlines = (SpeakerAliasInline,)
    actions = ("merge",)
    fields = ("name", "kind", "title", "merged_into", "claims_by_rating", "duplicates", "claim_list")
    readonly_fields = ("merged_into", "claims_by_rating", "duplicates", "claim_list")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj: Speaker) -> str:
        url = reverse("admin:claims_claim_changelist") + f"?speaker__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.n_claims)

    @admin.display(description="claims")
    def claim_list(self, obj: Speaker) -> str:
        """Each claim as a sentence, linked to its public fact check when published."""
        if obj.pk is None:
            return "—"
        items = []
        for claim in speaker_claims(speaker=obj):
            if is_public(claim):
                url = reverse("public:fact-check", kwargs={"claim_id": claim.pk})
                state = format_html("rated <strong>{}</strong>", claim.rating.label)
            else:
                url = reverse("admin:claims_claim_change", args=[claim.pk])
                state = claim.get_status_display()
            items.append(format_html('<li><a href="{}">{}</a> · {} · {}</li>', url,
                                     claim_sentence(claim, max_chars=160).as_html(), state, claim.article))
        if not items:
            return "No claims yet."
        return format_html('<ul class="fc-speaker-claims">{}</ul>', format_html_join("", "{}", ((i,) for i in items)))

    @admin.display(description="possible duplicates")
    def duplicates(self, obj: Speaker) -> str:
        if obj.pk is None:
            return "—"
        found = likely_duplicates(speaker=obj)
        if not found:
            return "None found."
        rows = format_html_join("", '<li>{} ({} claim{}) · <a href="{}">Merge…</a></li>', (
            (d.speaker.name, d.claims, "" if d.claims == 1 else "s",
             reverse("admin:claims_speaker_merge_with", args=[obj.pk, d.speaker.pk])) for d in found))
        return format_html('<ul class="fc-duplicates">{}</ul>', rows)

    def get_urls(self):
        own = [path("<int:object_id>/merge/<int:other_id>/", self.admin_site.admin_view(self.merge_with_view),
                    name="claims_speaker_merge_with")]
        return own + super().get_urls()

    def merge_with_view(self, request, object_id: int, other_id: int):
        """The merge confirmation for a likely duplicate (the same page as the bulk action)."""
        if not request.user.has_perm("claims.change_speaker"):
            self.message_user(request, "Only an editor can merge speakers.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:claims_speaker_change", args=[object_id]))
        speakers = [get_object_or_404(Speaker, pk=object_id), get_object_or_404(Speaker, pk=other_id)]
        return self._merge_page(request, speakers)

    def _merge_page(self, request, speakers: list[Speaker]):
        counts = dict(
            Speaker.objects.filter(pk__in=[s.pk for s in speakers]).values_list("pk").annotate(n=Count("claims"))
        )
        return TemplateResponse(
            request,
            "admin/claims/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge speakers",
                "speakers": [(s, counts.get(s.pk, 0)) for s in speakers],
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description="claims by rating")
    def claims_by_rating(self, obj: Speaker) -> str:
        if obj.pk is None:
            return "—"
        rows = speaker_rating_counts(speaker=obj)
        if not rows:
            return "No claims yet."
        url = reverse("admin:claims_claim_changelist") + f"?speaker__id__exact={obj.pk}"
        items = format_html_join(
            "",
            "<li>{} {}</li>",
            ((rating_badge(row.label, row.colour), row.count) for row in rows),
        )
        return format_html('<ul class="fc-rating-counts">{}</ul><a href="{}">See all claims</a>', items, url)

    def save_model(self, request, obj, form, change) -> None:
        # The identity the extractor matches on follows the edited name.
        obj.normalized_name = normalize_name(obj.name) or obj.normalized_name
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        for alias_form in formset.forms:
            if alias_form.has_changed() and not alias_form.cleaned_data.get("DELETE"):
                alias_form.instance.normalized_name = normalize_name(alias_form.cleaned_data.get("name", ""))
        super().save_formset(request, form, formset, change)

    @admin.action(description="Merge the selected speakers into one")
    def merge(self, request, queryset):
        speakers = list(queryset.order_by("name"))
        if len(speakers) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return None
        target_id = request.POST.get("target")
        if target_id:
            target = next((s for s in speakers if str(s.pk) == target_id), None)
            if target is None:
                self.message_user(request, "Choose the surviving speaker among the selected ones.", messages.ERROR)
                return None
            merged = 0
            for source in speakers:
                if source.pk == target.pk:
                    continue
                try:
                    workflow.merge_speakers(source=source, target=target, user=request.user)
                    merged += 1
                except DomainError as exc:
                    self.message_user(request, f"{source}: {exc.message}", messages.ERROR)
            if merged:
                self.message_user(
                    request, f"Merged {merged} speaker{'s' if merged != 1 else ''} into {target}.", messages.SUCCESS
                )
            return None
        return self._merge_page(request, speakers)

    class Media:
        css = {"all": ("claims/admin.css",)}
        js = ("claims/colours.js",)
