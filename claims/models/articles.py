from __future__ import annotations

from django.db import models
from django.db.models import Q


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # The registrable host ("reuters.com"); articles fetched from it are attached to the outlet.
    domain = models.CharField(max_length=253, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["domain"], condition=~Q(domain=""), name="outlet_domain_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Feed(models.Model):
    url = models.URLField(max_length=2048, unique=True)
    title = models.CharField(max_length=300, blank=True, default="")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="feeds")
    active = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(default=15)
    # Conditional GET state, so an unchanged feed costs the publisher a 304 and us nothing.
    etag = models.CharField(max_length=500, blank=True, default="")
    last_modified = models.CharField(max_length=100, blank=True, default="")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_minutes__gte=1), name="feed_interval_positive"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Article(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        FETCHING = "fetching", "Fetching"
        EXTRACTING = "extracting", "Extracting"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        TEXT = "text", "Pasted text"
        FILE = "file", "File"
        URL = "url", "URL"
        FEED = "feed", "Feed"
        TRANSCRIPT = "transcript", "Transcript"

    # NULL, not "", for a typed text: the unique URL constraint must let many URL-less articles be.
    url = models.URLField(max_length=2048, null=True, blank=True)  # noqa: DJ001
    canonical_url = models.URLField(max_length=2048, blank=True, default="")
    title = models.CharField(max_length=500, blank=True, default="")
    byline = models.CharField(max_length=500, blank=True, default="")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    feed_guid = models.CharField(max_length=1000, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    text = models.TextField(blank=True, default="")
    # sha256 of the normalised text: the same text submitted twice is one article.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    # A fetched page whose text turned out to be an article we already had.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TEXT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="submitted_articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the status last changed: the sweeper finds stuck articles by it.
    status_changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Set once the article's new claims were handed to the alerts service; a done article without it
    # is announced again by the sweeper, so a crash between storing and alerting loses no alert.
    alerts_queued_at = models.DateTimeField(null=True, blank=True)
    # The article whose batch is processing this one (a worker claims queued articles alongside its
    # own, see services/pipeline.py): this article's own task message then finds it taken and does
    # nothing. Cleared when the batch ends, and by the sweeper when the batch's worker is gone.
    batch_of = models.BigIntegerField(null=True, blank=True, editable=False)
    # Released from a batch that failed: processed alone from now on (no batch takes it, it takes
    # none), so an article that breaks batches fails by itself. Cleared when it is done or retried.
    runs_alone = models.BooleanField(default=False, editable=False)
    # Seconds spent extracting this article's claims (its share of its batch's spaCy stream, by
    # text length): /metrics builds its histogram from these rows, so every web process reports
    # what every worker measured (claims/selectors/operations.py).
    extraction_seconds = models.FloatField(null=True, blank=True, editable=False)
    # A transcript (speech, debate, interview): `text` is its turns, one paragraph each, and this is
    # where each turn is in it, who spoke it and when each piece was said
    # (claims.extraction.transcripts). Empty for articles.
    transcript = models.JSONField(null=True, blank=True, editable=False)
    # The recording a transcript comes from; a claim links to its moment in it.
    media_url = models.URLField(max_length=2048, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=Q(url__isnull=False), name="article_url_unique"),
            models.UniqueConstraint(
                fields=["fingerprint"], condition=~Q(fingerprint=""), name="article_fingerprint_unique"
            ),
            models.UniqueConstraint(
                fields=["feed", "feed_guid"], condition=~Q(feed_guid=""), name="article_feed_guid_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "fetching", "extracting", "done", "failed"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(condition=~Q(url=""), name="article_url_null_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"
