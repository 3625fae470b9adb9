"""Article versions and stealth edits (issue 19): a URL article is fetched again on a schedule that
backs off with age; each changed version is kept, compared with the one before, and a quote that
changed or disappeared is recorded against its claim (docs/monitoring.md).

Claims keep their offsets into `Article.text`, which is version 1's text and never changes: a
version carries where each claim's words sit in *its* text (`claim_spans`), so the next version is
compared with this one, not with the first."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class ArticleVersion(models.Model):
    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()  # 1 = the text as first fetched (Article.text)
    title = models.CharField(max_length=500, blank=True, default="")
    text = models.TextField()
    # sha256 of the normalised headline and text (services.articles.text_fingerprint): same words, same version.
    fingerprint = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()
    # The latest fetch that found this same version: unchanged refetches only move this.
    last_checked_at = models.DateTimeField()
    # {claim id: [start, end]} of each claim's words in this version's text; null once removed.
    claim_spans = models.JSONField(default=dict, blank=True)
    # What changed since the previous version: {"headline": {"old", "new"}, "changed": [claim ids],
    # "removed": [claim ids], "new_claims": [{"content", "speaker", "start", "end"}]}.
    changes = models.JSONField(default=dict, blank=True)
    # A correction or editor's note that appeared in this version, as the outlet worded it.
    correction_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="article_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of article {self.article_id}"


class ArticleRefetch(models.Model):
    """An article's place in the refetch schedule. `next_at` is both the schedule and the lease:
    claiming a due row moves it `FACTCHECK_REFETCH_LEASE_SECONDS` ahead (compare-and-set), so two
    beats never hand out the same article; `claimed_at` names the claim a task must still hold."""

    article = models.OneToOneField("claims.Article", on_delete=models.CASCADE, primary_key=True, related_name="refetch")
    # The scheduled age the row waits for (an index into FACTCHECK_REFETCH_SCHEDULE); missed ages are skipped.
    step = models.PositiveSmallIntegerField(default=0)
    # When the next check is due; null when the schedule is over.
    next_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=0)
    # The last fetch failure, as the editor reads it; cleared by a successful check.
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "article refetch schedule"

    def __str__(self) -> str:
        return f"Refetch schedule of article {self.article_id}"


class QuoteChange(models.Model):
    """A claim's quoted words changed or disappeared between two versions of its article."""

    class Kind(models.TextChoices):
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"

    class Notice(models.TextChoices):
        # The e-mail to the claim's assignee, sent through the mail queue (compare-and-set on this).
        NONE = "none", "Not needed"
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="quote_changes")
    from_version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="+")
    to_version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="quote_changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    old_words = models.TextField()
    new_words = models.TextField(blank=True, default="")  # empty when removed
    # Word-level diff: [["equal" | "delete" | "insert", text], ...]
    diff = models.JSONField(default=list)
    correction_note = models.TextField(blank=True, default="")
    # Flagged when the claim was tracked, under research or published when the change was found.
    flagged = models.BooleanField(default=False, db_index=True)
    claim_status = models.CharField(max_length=12, blank=True, default="")
    detected_at = models.DateTimeField(auto_now_add=True, db_index=True)
    notice_status = models.CharField(max_length=8, choices=Notice.choices, default=Notice.NONE, db_index=True)
    notice_to = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The assignee the e-mail went to (at sending).",
    )
    notice_error = models.TextField(blank=True, default="")
    notice_attempts = models.PositiveSmallIntegerField(default=0)
    notice_claimed_at = models.DateTimeField(null=True, blank=True)
    notice_next_at = models.DateTimeField(null=True, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    # Set once subscriptions asking for "quote changed in the source" were matched (the sweep
    # matches a flagged change again until it is; matching is idempotent).
    alerts_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "to_version"], name="quote_change_once_per_version"),
            models.CheckConstraint(condition=Q(kind__in=["changed", "removed"]), name="quote_change_kind_valid"),
            models.CheckConstraint(
                condition=Q(notice_status__in=["none", "pending", "sending", "sent", "failed"]),
                name="quote_change_notice_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Quote of claim {self.claim_id} {self.kind} in version {self.to_version_id}"
