from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RatingScale(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    is_default = models.BooleanField(default=False)
    # ClaimReview's reviewRating bounds.
    best_value = models.IntegerField(default=6)
    worst_value = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_scale"),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="ratings")
    label = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    value = models.IntegerField(help_text="The numeric ratingValue published in ClaimReview.")
    colour = models.CharField(max_length=7, default="#777777")
    definition = models.TextField(blank=True, default="")
    # Labels are retired, never deleted: published fact checks keep the label they were published with.
    retired = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_slug_unique_in_scale"),
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="rating_colour_hex"),
        ]

    def __str__(self) -> str:
        return self.label + (" (retired)" if self.retired else "")


# The change reason of the claim's history row that records a removed evidence item: written by
# services.evidence, read back by the claim's timeline (selectors.claims).
EVIDENCE_REMOVED = "evidence removed: "


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        CONTRADICTS = "contradicts", "Contradicts"
        CONTEXT = "context", "Context"

    class Type(models.TextChoices):
        PRIMARY = "primary", "Primary"
        OFFICIAL = "official", "Official"
        EXPERT = "expert", "Expert"
        SECONDARY = "secondary", "Secondary"
        DATASET = "dataset", "Dataset"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2048)
    title = models.CharField(max_length=500, blank=True, default="")
    publisher = models.CharField(max_length=300, blank=True, default="")
    excerpt = models.TextField(blank=True, default="")
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.CONTEXT)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.SECONDARY)
    accessed_at = models.DateTimeField(null=True, blank=True)
    # Two articles quoting one press release share a group and count as one source.
    independence_group = models.CharField(max_length=200, blank=True, default="")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="evidence_url_unique_per_claim"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Note(models.Model):
    """Internal notes on a claim: staff only, never shown publicly."""

    class Source(models.TextChoices):
        STAFF = "staff", "Newsroom"
        # Sent by a reader through "Report a problem" on the public page (claims.services.reports).
        READER = "reader", "Reader report"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.STAFF, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class ClaimTransition(models.Model):
    """Who moved a claim from one state to another, when and why: the claim's timeline."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ClaimContribution(models.Model):
    """Who did research work on a claim: started research on it themselves, added or changed its
    evidence, proposed its rating, wrote its conclusion or submitted it for review.

    Append-only and written only by the workflow services, never by a form: the four-eyes rule
    reads it instead of the editable assignee, so naming someone else as assignee (or reassigning
    after a send-back) does not make one's own research publishable by oneself."""

    class Kind(models.TextChoices):
        RESEARCH = "research", "Started research on it"
        EVIDENCE = "evidence", "Added or changed evidence"
        RATING = "rating", "Proposed a rating"
        CONCLUSION = "conclusion", "Wrote the conclusion"
        SUBMITTED = "submitted", "Submitted it for review"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="contributions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "user", "kind"], name="contribution_once_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=["research", "evidence", "rating", "conclusion", "submitted"]),
                name="contribution_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display().lower()}"
