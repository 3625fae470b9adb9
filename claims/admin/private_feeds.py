"""Saved filters of the claims list and their private Atom feeds (docs/integrations.md,
"Private feeds"). Everyone with the claims list saves their own filters ("Save this filter" on
the list) and manages only their own; the feed address is shown on the filter's page, with
actions to make a new address (the old one stops) or turn it off. Subscriptions get the same
actions on their own admin page (claims/admin/subscriptions.py)."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims.models import FeedToken, SavedFilter, Subscription
from claims.public.private_feeds import feed_url
from claims.selectors import access
from claims.services import private_feeds as services
from claims.services.errors import DomainError


def feed_cell(feed: FeedToken | None) -> str:
    """The feed address as a link to copy, or why there is none."""
    if feed is None:
        return "No feed address: use the action \u201cMake a new private feed address\u201d."
    url = feed_url(feed)
    read = f"last read {feed.last_read_at:%Y-%m-%d %H:%M} UTC" if feed.last_read_at else "not read yet"
    return format_html('<a href="{}" class="fc-feed-url">{}</a><br><small>Private: anyone with this address reads '
                       'this feed. {}.</small>', url, url, read)


def _feed_of(obj: SavedFilter | Subscription) -> FeedToken | None:
    try:
        return obj.feed_token
    except FeedToken.DoesNotExist:
        return None


def rotate_action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, kind: str) -> None:
    made, refused = 0, []
    for obj in queryset:
        try:
            services.rotate_feed_token(user=request.user, **{kind: obj})
            made += 1
        except DomainError as error:
            refused.append(f"{obj}: {error.message}")
    if made:
        model_admin.message_user(request, f"{made} new feed address{'es' if made > 1 else ''} made; the old ones no "
                                          "longer work. Copy the new address into your feed reader.", messages.SUCCESS)
    for line in refused:
        model_admin.message_user(request, line, messages.ERROR)


def revoke_action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, kind: str) -> None:
    done = 0
    for obj in queryset:
        try:
            done += services.revoke_feed_token(user=request.user, **{kind: obj})
        except DomainError as error:
            model_admin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    model_admin.message_user(request, f"{done} feed address{'es' if done != 1 else ''} turned off.", messages.SUCCESS)


class SavedFilterForm(forms.ModelForm):
    class Meta:
        model = SavedFilter
        fields = ("name", "query")
        help_texts = {"query": "The claims list's filters as they appear after the ? in its address; "
                               "easiest made with \u201cSave this filter\u201d on the claims list."}

    current_user = None

    def clean(self) -> dict:
        data: dict = super().clean() or {}
        name = data.get("name")
        taken = SavedFilter.objects.filter(owner=self.current_user, name=name).exclude(pk=self.instance.pk)
        if name and taken.exists():
            self.add_error("name", f"You already have a filter called “{name}”.")
        try:
            data["query"] = services.clean_query(data.get("query") or "")
            from claims.selectors.private_feeds import apply_saved_query

            apply_saved_query(query=data["query"], user=self.current_user)
        except DomainError as error:
            self.add_error("query", error.message)
        return data


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    form = SavedFilterForm
    list_display = ("name", "open_list", "feed", "created_at")
    readonly_fields = ("feed",)
    search_fields = ("name",)
    actions = ("rotate_feed", "revoke_feed")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SavedFilter]:
        return SavedFilter.objects.filter(owner=request.user).select_related("feed_token")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        return form

    def _may(self, request: HttpRequest, obj: SavedFilter | None = None) -> bool:
        return (request.user.is_active and request.user.is_staff and access.sees_unpublished_claims(request.user)
                and (obj is None or obj.owner_id == request.user.pk))

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._may(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    @admin.display(description="claims")
    def open_list(self, obj: SavedFilter) -> str:
        return format_html('<a href="{}?{}">Open the list</a>', reverse("admin:claims_claim_changelist"), obj.query)

    @admin.display(description="private Atom feed")
    def feed(self, obj: SavedFilter) -> str:
        return feed_cell(_feed_of(obj)) if obj.pk else "Save the filter first."

    def save_model(self, request, obj: SavedFilter, form, change: bool) -> None:
        if change:
            obj.save()
        else:
            saved = services.save_filter(owner=request.user, name=obj.name, query=obj.query)
            obj.pk, obj.owner_id = saved.pk, saved.owner_id
            obj._state.adding = False

    def delete_model(self, request, obj: SavedFilter) -> None:
        services.delete_filter(saved_filter=obj, user=request.user)

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        for obj in queryset:
            services.delete_filter(saved_filter=obj, user=request.user)

    @admin.action(description="Make a new private feed address (the old one stops working)")
    def rotate_feed(self, request, queryset) -> None:
        rotate_action(self, request, queryset, kind="saved_filter")

    @admin.action(description="Turn the private feed address off")
    def revoke_feed(self, request, queryset) -> None:
        revoke_action(self, request, queryset, kind="saved_filter")

    def get_urls(self):
        own = [path("save-current/", self.admin_site.admin_view(self.save_current_view),
                    name="claims_savedfilter_save_current")]
        return own + super().get_urls()

    @staticmethod
    def _back(query: str) -> str:
        listing = reverse("admin:claims_claim_changelist")
        return f"{listing}?{query}" if query else listing

    def save_current_view(self, request: HttpRequest) -> HttpResponse:
        """"Save this filter" on the claims list: the list's query under a name, with a feed
        address made at once (what the button is for), then back to the list."""
        return require_POST(self._save_current)(request)

    def _save_current(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        query = request.POST.get("query", "")
        try:
            saved = services.save_filter(owner=request.user, name=request.POST.get("name", ""), query=query)
            feed = None
            if request.POST.get("feed"):
                feed = services.rotate_feed_token(user=request.user, saved_filter=saved)
        except DomainError as error:
            self.message_user(request, f"The filter was not saved: {error.message}", messages.ERROR)
            return HttpResponseRedirect(self._back(query.lstrip("?")))
        message = f"Filter \u201c{saved.name}\u201d saved."
        if feed is not None:
            message += f" Its private Atom feed: {feed_url(feed)}"
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:claims_savedfilter_change", args=[saved.pk]))
