"""Rating scales and labels. Labels are retired, never deleted: a published fact check keeps the
label it was published with, so deletion is switched off and "retire" is the only way out."""
from __future__ import annotations

from django.contrib import admin, messages

from claims.models import Rating, RatingScale
from claims.selectors.wording import rating_badge
from claims.services import workflow
from claims.services.errors import DomainError


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ("label", "slug", "value", "colour", "definition", "order", "retired")
    readonly_fields = ("retired",)
    can_delete = False


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_default", "worst_value", "best_value")
    inlines = (RatingInline,)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("badge", "scale", "value", "definition", "retired")
    list_filter = ("scale", "retired")
    list_select_related = ("scale",)
    search_fields = ("label", "definition")
    actions = ("retire",)

    @admin.display(description="label", ordering="label")
    def badge(self, obj: Rating) -> str:
        return rating_badge(obj.label, obj.colour, obj.definition)

    def get_readonly_fields(self, request, obj=None):
        # Changing a used label's wording or value would rewrite published fact checks.
        return ("retired", "scale", "slug", "value") if obj is not None and obj.claims.exists() else ("retired",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retire the selected labels")
    def retire(self, request, queryset):
        retired, refused = 0, []
        for rating in queryset:
            try:
                workflow.retire_rating(rating=rating, user=request.user)
                retired += 1
            except DomainError as exc:
                refused.append(exc.message)
        if retired:
            self.message_user(request, f"{retired} label{'s' if retired != 1 else ''} retired.", messages.SUCCESS)
        for message in dict.fromkeys(refused):
            self.message_user(request, message, messages.ERROR)

    class Media:
        css = {"all": ("claims/admin.css",)}
        js = ("claims/colours.js",)
