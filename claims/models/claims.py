from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        PLACE = "place", "Place"
        GROUP = "group", "Group"

    name = models.CharField(max_length=300)
    # casefolded, whitespace-collapsed name: the identity we match on.
    normalized_name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.PERSON)
    title = models.CharField(max_length=500, blank=True, default="",
                             help_text="Title or affiliation as the text gives it.")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organization", "place", "group"]), name="speaker_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(normalized_name=""), name="speaker_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class SpeakerAlias(models.Model):
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized_name = models.CharField(max_length=300, db_index=True)

    class Meta:
        verbose_name_plural = "speaker aliases"
        constraints = [
            models.UniqueConstraint(fields=["speaker", "normalized_name"], name="speaker_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct quote"
        PARTIAL = "partial", "Partial quote"
        INDIRECT = "indirect", "Indirect (reported)"

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        DISMISSED = "dismissed", "Dismissed"
        RESEARCHING = "researching", "Researching"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        CORRECTED = "corrected", "Corrected"

    class Stance(models.TextChoices):
        # The values are the extractor's (claims.extraction.types.STANCES); a test keeps them equal.
        ASSERTS = "asserts", "asserts"
        DENIES = "denies", "denies"
        ACCUSES = "accuses", "accuses"
        PROMISES = "promises", "promises"
        WARNS = "warns", "warns"
        PREDICTS = "predicts", "predicts"
        BELIEVES = "believes", "believes"
        ASKS = "asks", "asks"

    class LinkMethod(models.TextChoices):
        FINGERPRINT = "fingerprint", "Same words (fingerprint)"
        SIMILARITY = "similarity", "Similar wording"
        EDITOR = "editor", "Linked by an editor"

    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content = models.TextField()
    # Offsets into article.text, end exclusive; `spans` keeps every piece of a split quotation.
    content_start = models.PositiveIntegerField()
    content_end = models.PositiveIntegerField()
    spans = models.JSONField(default=list, blank=True)
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    speaker_mention = models.CharField(max_length=500, blank=True, default="")
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker_title = models.CharField(max_length=500, blank=True, default="")
    cue = models.CharField(max_length=100, blank=True, default="")
    cue_start = models.PositiveIntegerField(null=True, blank=True)
    cue_end = models.PositiveIntegerField(null=True, blank=True)
    # What the speaker did with the claim ("denied" is not "said"), from the cue.
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.ASSERTS, db_index=True)
    is_question = models.BooleanField(default=False, help_text="A question or reported question, not an assertion.")
    sentence = models.TextField(blank=True, default="")
    checkworthiness = models.FloatField(default=0.0, db_index=True)
    checkworthiness_reasons = models.JSONField(default=list, blank=True)
    # sha256 of the casefolded, punctuation-free words: syndicated copies share it.
    fingerprint = models.CharField(max_length=64, db_index=True)
    # When a claim from a transcript was said, in seconds from the start of the recording (the
    # first and last words' captions); null for articles and for transcripts without time codes.
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)

    # Editorial workflow (the workflow services are the only writers of these).
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_claims"
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="researched_claims"
    )
    proposed_rating = models.ForeignKey(
        "claims.Rating", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.ForeignKey("claims.Rating", null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    conclusion = models.TextField(blank=True, default="")
    correction_note = models.TextField(blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    same_as = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats")
    # How the claim came to be another appearance of `same_as`'s ruling (docs/monitoring.md, "One
    # ruling, reused"): matched on detection by fingerprint or by similarity (with its score), or
    # linked by an editor. Written only by claims.services.rulings and workflow.confirm_same_claim.
    same_as_method = models.CharField(max_length=12, choices=LinkMethod.choices, blank=True, default="")
    same_as_score = models.FloatField(null=True, blank=True)
    # The checkable part of the claim, trimmed by an editor: offsets into article.text like the
    # claim's own, inside its span (a check constraint and claims.services.rulings.trim_claim).
    check_start = models.PositiveIntegerField(null=True, blank=True)
    check_end = models.PositiveIntegerField(null=True, blank=True)
    # How often the claim has been seen: the claims sharing its ruling (itself, the claim it is
    # another appearance of, and that claim's other appearances), and their distinct speakers and
    # outlets. The same numbers on every member, kept by claims.services.rulings whenever a link
    # changes, so triage and the API sort on a column (and page on it with a keyset).
    appearances = models.PositiveIntegerField(default=1, db_index=True)
    appearance_speakers = models.PositiveIntegerField(default=0)
    appearance_outlets = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["spans", "sentence", "checkworthiness_reasons", "appearances",
                                                 "appearance_speakers", "appearance_outlets"])

    class Meta:
        ordering = ["-created_at", "-id"]
        # Workflow rights, granted to groups by a migration and checked by the workflow services.
        permissions = [
            ("triage_claim", "Can triage or dismiss claims"),
            ("research_claim", "Can research claims, add evidence and propose a rating"),
            ("assign_claim", "Can assign claims to researchers"),
            ("publish_claim", "Can approve and publish fact checks"),
            ("correct_claim", "Can correct published fact checks"),
        ]
        constraints = [
            # Re-running extraction on an article never duplicates a claim.
            models.UniqueConstraint(
                fields=["article", "content_start", "content_end"], name="claim_unique_span_per_article"
            ),
            models.CheckConstraint(condition=Q(content_end__gt=F("content_start")), name="claim_span_not_empty"),
            models.CheckConstraint(
                condition=Q(start_seconds__isnull=True) | Q(end_seconds__isnull=True)
                | Q(start_seconds__gte=0, end_seconds__gte=F("start_seconds")),
                name="claim_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1), name="claim_score_in_unit_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=["direct", "partial", "indirect"]), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=Q(stance__in=["asserts", "denies", "accuses", "promises", "warns", "predicts", "believes",
                                        "asks"]),
                name="claim_stance_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["new", "triaged", "dismissed", "researching", "in_review", "published", "corrected"]
                ),
                name="claim_status_valid",
            ),
            # A trimmed claim checks words inside its own span, never outside it.
            models.CheckConstraint(
                condition=(Q(check_start__isnull=True) & Q(check_end__isnull=True))
                | (Q(check_start__gte=F("content_start")) & Q(check_end__lte=F("content_end"))
                   & Q(check_end__gt=F("check_start"))),
                name="claim_check_span_inside",
            ),
            models.CheckConstraint(
                condition=Q(same_as_method__in=["", "fingerprint", "similarity", "editor"]),
                name="claim_same_as_method_valid",
            ),
            # A published or corrected claim always carries its rating.
            models.CheckConstraint(
                condition=~Q(status__in=["published", "corrected"]) | Q(rating__isnull=False),
                name="claim_published_has_rating",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-checkworthiness"], name="claim_status_score_idx"),
            models.Index(fields=["speaker", "-created_at"], name="claim_speaker_recent_idx"),
        ]

    def __str__(self) -> str:
        words = self.content if len(self.content) <= 80 else self.content[:77] + "..."
        return f"{self.speaker_mention or 'Unattributed'}: {words}"
