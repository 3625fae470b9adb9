"""Alert subscriptions and their deliveries.

Anyone with admin access manages their own subscriptions here (superusers see everyone's);
no group permission is needed, because a subscription only ever emails its owner. The form is
checked and saved by the same services the API uses, so both refuse the same bad input with the
same words. Deliveries are read-only, with their status and error, and a retry action.
"""
from __future__ import annotations

import calendar
import re

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from claims.models import AlertDelivery, Claim, Subscription
from claims.selectors import access
from claims.selectors.alerts import visible_deliveries, visible_subscriptions
from claims.services import alerts as services
from claims.services.errors import DomainError, InvalidInput
from claims.services.webhooks import routable_endpoints

# The service's list of subscription fields; keywords are typed into `keywords_text` instead.
SERVICE_FIELDS = tuple(name for name in services.FIELDS if name != "keywords")


def _staff(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


def _owns(request: HttpRequest, obj: Subscription | None) -> bool:
    return obj is None or request.user.is_superuser or obj.owner_id == request.user.pk


class BoundedIdChoiceField(forms.ModelMultipleChoiceField):
    """Django's field passes every posted id to the database; one past a 64-bit integer makes the
    query itself fail (a 500). Such an id is simply not a valid choice."""

    def _check_values(self, value):
        for pk in value or []:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class SubscriptionForm(forms.ModelForm):
    keywords_text = forms.CharField(
        label="Keywords",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="One per line or separated by commas. Whole words or phrases, any case; a claim matches if it "
                  "contains any of them.",
    )
    kinds = forms.MultipleChoiceField(choices=Claim.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple)
    timezone = forms.CharField(initial="UTC", help_text="A time zone name such as Europe/Berlin, for digests.")
    min_checkworthiness = forms.FloatField(
        initial=0.0, min_value=0.0, max_value=1.0, help_text="0 = any; 0.6 = only fairly check-worthy claims."
    )
    digest_hour = forms.IntegerField(initial=8, min_value=0, max_value=23, help_text="Local hour, 0-23.")
    digest_weekday = forms.TypedChoiceField(
        coerce=int, initial=0, choices=list(enumerate(calendar.day_name)), help_text="For weekly digests."
    )
    # Set on the class by SubscriptionAdmin.get_form: the person filling the form in.
    current_user = None

    class Meta:
        model = Subscription
        fields = SERVICE_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["keywords_text"] = "\n".join(self.instance.keywords or [])

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in SERVICE_FIELDS if name in self.fields}
        fields["speakers"] = list(data.get("speakers") or [])
        fields["outlets"] = list(data.get("outlets") or [])
        fields["kinds"] = list(data.get("kinds") or [])
        fields["keywords"] = [part for part in re.split(r"[,\n]", data.get("keywords_text") or "") if part.strip()]
        if self.errors:
            return data  # the field errors already say what to fix
        owner = self.instance.owner if self.instance.pk else self.current_user
        if not self.instance.pk or (data.get("active") and not self.instance.active):
            try:
                services.check_may_subscribe(user=owner)
            except DomainError as error:
                self.add_error(None, error.message)
                return data
        try:
            self.service_fields = services.clean_subscription_fields(
                owner=owner, fields=fields, subscription=self.instance if self.instance.pk else None
            )
        except InvalidInput as error:
            target = {"keywords": "keywords_text"}.get(error.field or "", error.field)
            self.add_error(target if target in self.fields else None, error.message)
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("name", "owner", "cadence", "active", "paused_reason", "filters", "last_digest_at")
    readonly_fields = ("paused_reason", "private_feed")
    actions = ("rotate_feed", "revoke_feed")
    list_filter = ("active", "cadence")
    search_fields = ("name",)
    autocomplete_fields = ()
    filter_horizontal = ("speakers", "outlets")
    fieldsets = (
        (None, {"fields": ("name", "active", "paused_reason")}),
        ("What to alert on (every filter you fill in must match)", {
            "fields": tuple("keywords_text" if name == "keywords" else name for name in services.FILTER_FIELDS),
        }),
        ("When", {"fields": ("cadence", "digest_hour", "digest_weekday", "timezone")}),
        ("Also send to a chat channel or CMS", {"fields": ("webhook_endpoint",)}),
        ("Read in a feed reader", {"fields": ("private_feed",)}),
    )

    @admin.display(description="private Atom feed")
    def private_feed(self, obj: Subscription) -> str:
        from claims.admin.private_feeds import _feed_of, feed_cell

        return feed_cell(_feed_of(obj)) if obj.pk else "Save the subscription first."

    @admin.action(description="Make a new private feed address (the old one stops working)")
    def rotate_feed(self, request, queryset) -> None:
        from claims.admin.private_feeds import rotate_action

        rotate_action(self, request, queryset, kind="subscription")

    @admin.action(description="Turn the private feed address off")
    def revoke_feed(self, request, queryset) -> None:
        from claims.admin.private_feeds import revoke_action

        revoke_action(self, request, queryset, kind="subscription")

    def get_queryset(self, request):
        return visible_subscriptions(user=request.user).prefetch_related("speakers", "outlets")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedIdChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        # Only the speakers and outlets this person may see are offered (and accepted: the service
        # checks the ids against the same selector).
        owner = obj.owner if obj is not None else request.user
        for name, visible in (("speakers", access.visible_speakers), ("outlets", access.visible_outlets)):
            if name in form.base_fields:
                form.base_fields[name].queryset = visible(user=owner)
        if "webhook_endpoint" in form.base_fields:
            # Only endpoints the owner may send to (their own, or the newsroom's for those who
            # may see them); the service asks the same rule again, and again at every send.
            field = form.base_fields["webhook_endpoint"]
            field.queryset = routable_endpoints(user=owner)
            field.help_text = ("Every match is also posted to this endpoint as a signed `subscription.matched` "
                               "webhook (docs/integrations.md). Leave empty for e-mail only.")
        return form

    @admin.display(description="filters")
    def filters(self, obj: Subscription) -> str:
        parts = [s.name for s in obj.speakers.all()] + [o.name for o in obj.outlets.all()]
        # Keywords as words in quotation marks, kinds by their labels: nothing that reads like Python.
        kinds = dict(Claim.Kind.choices)
        parts += [f"“{k}”" for k in obj.keywords or []] + [str(kinds.get(k, k)) for k in obj.kinds or []]
        if obj.min_checkworthiness:
            parts.append(f"score ≥ {obj.min_checkworthiness:.2f}")
        if obj.repeats_rated_claim:
            parts.append("repeats rated")
        if obj.new_speaker:
            parts.append("new speaker")
        if obj.quote_changed:
            parts.append("quote changed in the source")
        return Truncator(", ".join(parts)).chars(120)

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and _owns(request, obj)

    def has_add_permission(self, request) -> bool:
        return _staff(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _staff(request) and _owns(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _staff(request) and _owns(request, obj)

    def save_model(self, request, obj: Subscription, form, change: bool) -> None:
        fields = form.service_fields
        if change:
            saved = services.update_subscription(subscription=obj, user=request.user, **fields)
        else:
            saved = services.create_subscription(owner=request.user, **fields)
        # The admin logs and redirects with `obj`; point it at the row the service wrote.
        obj.pk, obj.owner_id = saved.pk, saved.owner_id
        obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:
        """The service already set speakers, outlets and keywords."""

    def delete_model(self, request, obj: Subscription) -> None:
        services.delete_subscription(subscription=obj, user=request.user)

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        for subscription in queryset:
            services.delete_subscription(subscription=subscription, user=request.user)


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ("subscription", "claim_excerpt", "status", "attempts", "error_excerpt", "next_attempt_at",
                    "sent_at", "created_at")
    list_filter = ("status",)
    list_select_related = ("subscription__owner", "claim")
    search_fields = ("subscription__name", "error")
    date_hierarchy = "created_at"
    actions = ("retry",)
    readonly_fields = (
        "subscription", "claim", "claim_fingerprint", "reasons", "status", "error", "attempts",
        "claimed_at", "next_attempt_at", "sent_at", "created_at",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return visible_deliveries(user=request.user)

    @admin.display(description="claim")
    def claim_excerpt(self, obj: AlertDelivery) -> str:
        return Truncator(obj.claim.content).chars(80)

    @admin.display(description="error")
    def error_excerpt(self, obj: AlertDelivery) -> str:
        return Truncator(obj.error).chars(80)

    @admin.action(description="Retry the selected deliveries now")
    def retry(self, request, queryset: QuerySet) -> None:
        try:
            count = services.retry_deliveries(user=request.user,
                                              delivery_ids=list(queryset.values_list("pk", flat=True)))
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            f"{count} deliver{'y' if count == 1 else 'ies'} queued again (digest ones go out with the next digest).",
            messages.SUCCESS,
        )

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and (
            obj is None or request.user.is_superuser or obj.subscription.owner_id == request.user.pk)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
