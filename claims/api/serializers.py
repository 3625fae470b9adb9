"""Serializers: shapes in and out. They validate the shape of input; the rules live in services.

Input serializers list only the fields a client may send, and reject anything else, so read-only
fields (status, fingerprint, owner, ...) can never be mass-assigned.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from claims.models import Article, Claim, Evidence, Feed, Note, Outlet, Rating, Speaker, Subscription
from claims.selectors import access
from claims.selectors.transcripts import claim_moment_url, transcript_turns
from claims.selectors.wording import SCORE_DECIMALS, rounded_score
from claims.services.alerts import FIELDS as subscription_fields
from claims.services.webhooks import routable_endpoints


class StrictInputSerializer(serializers.Serializer):
    """Unknown keys are an error rather than silently dropped: a client that sends `status` learns
    it cannot set it instead of believing it did."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                read_only = [name for name in unknown if name in getattr(self, "read_only_names", ())]
                raise serializers.ValidationError(
                    {
                        name: [
                            "This field is read-only and cannot be set."
                            if name in read_only
                            else "Unknown field."
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


# --- small nested shapes -------------------------------------------------------------------------


class OutletBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class SpeakerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "title"]


class ArticleBriefSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "title", "url", "published_at", "outlet"]


class ArticleRefSerializer(serializers.ModelSerializer):
    """The article as a claims list row names it; the claim's detail adds its date and outlet."""

    class Meta:
        model = Article
        fields = ["id", "title", "url"]


class RatingBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "label", "slug", "value", "colour"]


# --- articles ------------------------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(allow_null=True, read_only=True)
    # Empty when the page declared none, so not documented as a URI.
    canonical_url = serializers.CharField(read_only=True)
    # A transcript's recording; empty for articles (so not documented as a URI either).
    media_url = serializers.CharField(read_only=True)
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "url", "canonical_url", "title", "byline", "outlet", "published_at", "source", "status",
            "error", "created_at", "processed_at", "status_url", "media_url",
        ]
        read_only_fields = fields

    def get_status_url(self, article: Article) -> str:
        path = reverse("api:article-detail", kwargs={"pk": article.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TranscriptTurnSerializer(serializers.Serializer):
    """One turn of a transcript: who spoke, when, and where its words are in the article's `text`."""

    speaker = serializers.CharField(allow_null=True, help_text="The label as the transcript gives it.")
    name = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    start_seconds = serializers.FloatField(allow_null=True)
    end_seconds = serializers.FloatField(allow_null=True)
    text_start = serializers.IntegerField()
    text_end = serializers.IntegerField()


class ArticleDetailSerializer(ArticleSerializer):
    turns = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text", "turns"]
        read_only_fields = fields

    @extend_schema_field(TranscriptTurnSerializer(many=True, allow_null=True))
    def get_turns(self, article: Article) -> list[dict] | None:
        """A transcript's turns (null for articles): its claims' offsets and times fall inside them."""
        return transcript_turns(article)


class ArticleCreateSerializer(StrictInputSerializer):
    read_only_names = ("id", "status", "fingerprint", "source", "error", "outlet", "submitted_by", "created_at")

    url = serializers.CharField(required=False, allow_blank=False, max_length=2048, trim_whitespace=True)
    text = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    byline = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    # A transcript instead of an article (docs/monitoring.md, "Transcripts"): the file's content.
    transcript = serializers.CharField(
        required=False, allow_blank=False, trim_whitespace=False,
        help_text="A WebVTT, SRT or plain-text transcript (`NAME: words`, `Q:`/`A:`), as text.")
    transcript_format = serializers.ChoiceField(
        choices=["vtt", "srt", "text"], required=False, allow_blank=True, default="",
        help_text="Guessed from the content when empty.")
    speaker = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=120,
        help_text="Who speaks what the transcript attributes to no one (a speech), and the `A:` answers.")
    interviewer = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=120, help_text="Who asks the `Q:` questions.")
    media_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2048,
        help_text="The recording (a YouTube or any video/audio URL); claims link to their moment in it.")

    TRANSCRIPT_ONLY = ("transcript_format", "speaker", "interviewer", "media_url")

    def validate(self, attrs: dict) -> dict:
        if sum(bool(attrs.get(name)) for name in ("url", "text", "transcript")) != 1:
            raise serializers.ValidationError(
                "Send exactly one of `url`, `text` or `transcript` (not several, not none).")
        if not attrs.get("transcript"):
            given = [name for name in self.TRANSCRIPT_ONLY if attrs.get(name)]
            if given:
                raise serializers.ValidationError({given[0]: ["Only with a `transcript`."]})
        if attrs.get("transcript") and attrs.get("byline"):
            raise serializers.ValidationError({"byline": ["A transcript has no byline; name the `speaker`."]})
        return attrs


# --- claims --------------------------------------------------------------------------------------


class ScoreField(serializers.FloatField):
    """Check-worthiness rounded as the admin and pages show it (0.2, not 0.19999999999999998)."""

    def to_representation(self, value: float) -> float:
        return rounded_score(super().to_representation(value))


# --- a claim's public shape: declared once -------------------------------------------------------
#
# CLAIM_SHAPE is every key of a claim in the API, in order: the columns its value is read from and
# how it is rendered, whether the list's summary rows carry it, and whether it is newsroom-only.
# The detail and `view=full` rows, the summary rows, the serializers' field lists, the internal
# fields and the `.values()` columns of the fast list are all derived from it; DRF's declared
# fields below only describe the types for the OpenAPI schema, and tests/api/test_claims.py checks
# that every derived view agrees with DRF's own field-by-field rendering.


@dataclass(frozen=True)
class ClaimKey:
    name: str
    columns: tuple[str, ...]  # `.values()` names, e.g. "speaker__name"
    render: Callable[[ClaimRowRenderer, dict], Any]
    summary: bool = False  # also in the list's default rows
    internal: bool = False  # newsroom only: hidden from users who see published checks only
    # In summary rows a key may be narrower (the article: id, title and URL only).
    summary_columns: tuple[str, ...] | None = None
    summary_render: Callable[[ClaimRowRenderer, dict], Any] | None = None


def _as_is(name: str, **options: Any) -> ClaimKey:
    return ClaimKey(name, (name,), lambda renderer, row: row[name], **options)


def _moment(name: str, **options: Any) -> ClaimKey:
    return ClaimKey(name, (name,), lambda renderer, row: renderer.render_datetime(row[name]), **options)


def _id_of(name: str, **options: Any) -> ClaimKey:
    return ClaimKey(name, (f"{name}_id",), lambda renderer, row: row[f"{name}_id"], **options)


_ARTICLE_REF = ("article_id", "article__title", "article__url")

CLAIM_SHAPE: tuple[ClaimKey, ...] = (
    _as_is("id", summary=True),
    ClaimKey("api_url", ("id",), lambda renderer, row: f"{renderer.api_prefix}{row['id']}/", summary=True),
    ClaimKey("public_url", ("id", "status"), lambda renderer, row: renderer.public_url(row), summary=True),
    _as_is("kind", summary=True),
    _as_is("content", summary=True),
    _as_is("content_start", summary=True),
    _as_is("content_end", summary=True),
    _as_is("spans"),
    _as_is("sentence"),
    ClaimKey("speaker", ("speaker_id", "speaker__name", "speaker__title"), lambda renderer, row: _speaker(row),
             summary=True),
    _as_is("speaker_mention", summary=True),
    _as_is("speaker_start"),
    _as_is("speaker_end"),
    _as_is("speaker_title"),
    _as_is("cue"),
    _as_is("cue_start"),
    _as_is("cue_end"),
    _as_is("stance", summary=True),
    _as_is("is_question", summary=True),
    _as_is("start_seconds", summary=True),
    _as_is("end_seconds", summary=True),
    ClaimKey("moment_url", ("article__media_url", "start_seconds"),
             lambda renderer, row: claim_moment_url(media_url=row["article__media_url"],
                                                    start_seconds=row["start_seconds"])),
    _as_is("appearances", summary=True),
    ClaimKey("article", (*_ARTICLE_REF, "article__published_at", "article__outlet_id", "article__outlet__name",
                         "article__outlet__domain"),
             lambda renderer, row: _article(renderer, row), summary=True,
             summary_columns=_ARTICLE_REF, summary_render=lambda renderer, row: _article_ref(row)),
    ClaimKey("checkworthiness", ("checkworthiness",), lambda renderer, row: rounded_score(row["checkworthiness"]),
             summary=True),
    _as_is("checkworthiness_reasons", internal=True),
    _as_is("status", summary=True),
    ClaimKey("rating", ("rating_id", "rating__label", "rating__slug", "rating__value", "rating__colour"),
             lambda renderer, row: _rating(row), summary=True),
    _as_is("conclusion"),
    _as_is("correction_note"),
    _moment("published_at", summary=True),
    _moment("corrected_at"),
    _id_of("assignee", internal=True),
    _id_of("researcher", internal=True),
    _id_of("proposed_rating", internal=True),
    _id_of("same_as"),
    _moment("created_at", summary=True),
    _moment("updated_at"),
)
CLAIM_SUMMARY_SHAPE = tuple(key for key in CLAIM_SHAPE if key.summary)


def _columns(keys: tuple[ClaimKey, ...], *, summary: bool) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for key in keys:
        found.update(dict.fromkeys((key.summary_columns or key.columns) if summary else key.columns))
    return tuple(found)


# The claims list reads plain rows (`.values()`) instead of model instances: building five model
# objects per row was most of the list's cost. These are the columns ClaimRowRenderer needs: all of
# them for `view=full`, the summary's for the default view. Both hold the ordering fields
# (created_at, checkworthiness) and id, which the keyset cursor is built from.
CLAIM_ROW_FIELDS = _columns(CLAIM_SHAPE, summary=False)
CLAIM_SUMMARY_FIELDS = _columns(CLAIM_SUMMARY_SHAPE, summary=True)


def claim_row(claim: Claim) -> dict:
    """The `.values(*CLAIM_ROW_FIELDS)` row of a claim already loaded (with its speaker, article,
    outlet and rating selected): the detail renders through the same code as the list."""
    row: dict[str, Any] = {}
    for column in CLAIM_ROW_FIELDS:
        value: Any = claim
        for part in column.split("__"):
            value = None if value is None else getattr(value, part)
        row[column] = value
    return row


class ClaimSerializer(serializers.ModelSerializer):
    speaker = SpeakerBriefSerializer(allow_null=True, read_only=True)
    checkworthiness = ScoreField(read_only=True, help_text=f"0 to 1, rounded to {SCORE_DECIMALS} decimals.")
    stance = serializers.ChoiceField(
        choices=Claim.Stance.choices, read_only=True,
        help_text="What the speaker did with the claim, from its cue: `denies` is never an assertion.",
    )
    article = ArticleBriefSerializer(read_only=True)
    rating = RatingBriefSerializer(allow_null=True, read_only=True)
    api_url = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    start_seconds = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="When a claim from a transcript was said, in seconds from the start of the recording; "
                  "null for articles.")
    end_seconds = serializers.FloatField(read_only=True, allow_null=True, help_text="When it ended; null for articles.")
    appearances = serializers.IntegerField(
        read_only=True,
        help_text="How many times the claim has been seen: the claims sharing its ruling, across outlets and speakers "
                  "(`ordering=-appearances`; `GET /claims/{id}/appearances/` lists them).")
    moment_url = serializers.SerializerMethodField()

    # Workflow bookkeeping: shown to the newsroom, hidden from users who see published checks only.
    INTERNAL_FIELDS = tuple(key.name for key in CLAIM_SHAPE if key.internal)
    FULL = True

    class Meta:
        model = Claim
        fields = [key.name for key in CLAIM_SHAPE]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, claim: Claim) -> str:
        # The list prefix is resolved once per serializer, not once per row.
        prefix = getattr(self, "_api_prefix", None)
        if prefix is None:
            path = reverse("api:claim-list")
            request = self.context.get("request")
            prefix = self._api_prefix = request.build_absolute_uri(path) if request else path
        return f"{prefix}{claim.pk}/"

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_moment_url(self, claim: Claim) -> str | None:
        """The recording at the moment the claim was said, when its transcript names the recording."""
        return claim_moment_url(media_url=claim.article.media_url, start_seconds=claim.start_seconds)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_public_url(self, claim: Claim) -> str | None:
        if not access.is_public(claim):
            return None
        path = public_claim_path(claim)
        if path is None:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, claim: Claim) -> dict:
        """Claims are the hot list: rendered from CLAIM_SHAPE by the list's own row renderer instead
        of walking ~35 DRF fields per claim (about 5x faster). The declared fields above still drive
        the OpenAPI schema, and tests/api/test_claims.py checks this output equals DRF's rendering."""
        renderer = getattr(self, "_renderer", None)
        if renderer is None:
            renderer = self._renderer = ClaimRowRenderer(context=self.context, full=self.FULL)
        return renderer(claim_row(claim))

    def generic_representation(self, claim: Claim) -> dict:
        """DRF's field-by-field rendering, kept to test the fast path against."""
        data = super().to_representation(claim)
        if not self.context.get("internal", False):
            for name in self.INTERNAL_FIELDS:
                data.pop(name, None)
        return data


class ClaimSummarySerializer(ClaimSerializer):
    """A claims list row (the default `view=summary`): what a newsroom's list, dashboard or bot
    shows and filters on. Every key means what it means in the detail, with the same value; the
    long and secondary fields (sentence, spans, cue, reasons, conclusion, correction note,
    assignments) and the article's date and outlet are in the detail and in `view=full` rows.

    Why a narrower list row: reading, sending and encoding the detail's 42 columns over four
    joins was about half of a list request's cost (docs/api.md, "Benchmark")."""

    article = ArticleRefSerializer(read_only=True)

    INTERNAL_FIELDS = ()
    FULL = False

    class Meta(ClaimSerializer.Meta):
        fields = [key.name for key in CLAIM_SUMMARY_SHAPE]
        read_only_fields = fields

    @classmethod
    def from_full(cls, full: dict) -> dict:
        """The summary of a claim rendered whole (by ClaimSerializer)."""
        data = {key.name: full[key.name] for key in CLAIM_SUMMARY_SHAPE}
        data["article"] = {name: full["article"][name] for name in ArticleRefSerializer.Meta.fields}
        return data


class ClaimRowRenderer:
    """Renders `.values(*CLAIM_ROW_FIELDS)` rows (or claim_row() of a loaded claim) as CLAIM_SHAPE
    says, or with `full=False`, `.values(*CLAIM_SUMMARY_FIELDS)` rows as the summary."""

    def __init__(self, *, context: dict, full: bool = True) -> None:
        self.request = context.get("request")
        self.internal = context.get("internal", False)
        path = reverse("api:claim-list")
        self.api_prefix = self.request.build_absolute_uri(path) if self.request else path
        self.render_datetime = DateTimeRenderer()
        self.fields = CLAIM_ROW_FIELDS if full else CLAIM_SUMMARY_FIELDS
        shape = CLAIM_SHAPE if full else CLAIM_SUMMARY_SHAPE
        self.keys = [
            (key.name, key.render if full else (key.summary_render or key.render))
            for key in shape
            if self.internal or not key.internal
        ]

    def public_url(self, row: dict) -> str | None:
        if row["status"] not in access.PUBLIC_STATUSES:
            return None
        try:
            path = reverse("public:fact-check", kwargs={"claim_id": row["id"]})
        except NoReverseMatch:
            return None
        return self.request.build_absolute_uri(path) if self.request else path

    def __call__(self, row: dict) -> dict:
        return {name: render(self, row) for name, render in self.keys}


def _speaker(row: dict) -> dict | None:
    if row["speaker_id"] is None:
        return None
    return {"id": row["speaker_id"], "name": row["speaker__name"], "title": row["speaker__title"]}


def _rating(row: dict) -> dict | None:
    if row["rating_id"] is None:
        return None
    return {
        "id": row["rating_id"], "label": row["rating__label"], "slug": row["rating__slug"],
        "value": row["rating__value"], "colour": row["rating__colour"],
    }


def _article_ref(row: dict) -> dict:
    return {"id": row["article_id"], "title": row["article__title"], "url": row["article__url"]}


def _article(renderer: ClaimRowRenderer, row: dict) -> dict:
    outlet = None if row["article__outlet_id"] is None else {
        "id": row["article__outlet_id"], "name": row["article__outlet__name"], "domain": row["article__outlet__domain"],
    }
    published_at = renderer.render_datetime(row["article__published_at"])
    return {**_article_ref(row), "published_at": published_at, "outlet": outlet}


_DATETIME = serializers.DateTimeField()


class DateTimeRenderer:
    """DRF's `DateTimeField().to_representation`, for the many timestamps of one response.

    DRF looks up the output format and the current time zone (an asgiref Local) for every value:
    five times per claim, most of the row's rendering time. This looks them up once and repeats
    DRF's own steps (to the current zone, isoformat, `+00:00` as `Z`) for the usual case, an aware
    datetime with the ISO 8601 format; anything else goes to DRF's field, so the output is DRF's.
    Make one per response, not per process: the current time zone may differ between requests.
    """

    def __init__(self) -> None:
        output_format = api_settings.DATETIME_FORMAT
        self.iso = isinstance(output_format, str) and output_format.lower() == ISO_8601
        self.zone = timezone.get_current_timezone() if settings.USE_TZ else None

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        if self.iso and self.zone is not None and isinstance(value, dt.datetime) and value.utcoffset() is not None:
            try:
                text = value.astimezone(self.zone).isoformat()
            except OverflowError:
                return _DATETIME.to_representation(value)  # DRF's error for it
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return _DATETIME.to_representation(value)


def public_claim_path(claim: Claim) -> str | None:
    """The published fact check's page, if the public site is installed (it is built separately)."""
    try:
        return reverse("public:fact-check", kwargs={"claim_id": claim.pk})
    except NoReverseMatch:
        return None


class TransitionSerializer(StrictInputSerializer):
    to = serializers.ChoiceField(choices=Claim.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    rating = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    conclusion = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)


class TransitionResultSerializer(serializers.Serializer):
    claim = ClaimSerializer()
    available_transitions = serializers.ListField(child=serializers.CharField())


class AvailableTransitionsSerializer(serializers.Serializer):
    status = serializers.CharField()
    available_transitions = serializers.ListField(child=serializers.CharField())


class EvidenceSerializer(serializers.ModelSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id", "url", "title", "publisher", "excerpt", "stance", "type", "accessed_at", "independence_group",
            "added_by", "created_at",
        ]
        read_only_fields = fields


class EvidenceCreateSerializer(StrictInputSerializer):
    read_only_names = ("id", "claim", "added_by", "created_at")

    url = serializers.CharField(max_length=2048)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300)
    excerpt = serializers.CharField(required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)
    type = serializers.ChoiceField(choices=Evidence.Type.choices, required=False)
    accessed_at = serializers.DateTimeField(required=False, allow_null=True)
    independence_group = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = fields


class NoteCreateSerializer(StrictInputSerializer):
    read_only_names = ("id", "author", "claim", "created_at")

    body = serializers.CharField(max_length=20_000)


# --- reference data ------------------------------------------------------------------------------


class SpeakerSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)
    ratings = serializers.SerializerMethodField(help_text="Published claims per rating slug.")

    class Meta:
        model = Speaker
        fields = ["id", "name", "kind", "title", "merged_into", "claim_count", "ratings", "created_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_ratings(self, speaker: Speaker) -> dict[str, int]:
        # The counts were annotated by the selector; the ratings list was fetched once per request.
        counts: dict[str, int] = {}
        for rating in self.context.get("ratings", []):
            value = getattr(speaker, f"rating_{rating.pk}", 0)
            if value:
                counts[rating.slug] = counts.get(rating.slug, 0) + value
        return counts


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "created_at"]
        read_only_fields = fields


class FeedSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Feed
        fields = [
            "id", "url", "title", "outlet", "active", "interval_minutes", "last_polled_at", "next_poll_at",
            "consecutive_failures", "last_error", "created_at",
        ]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    scale = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "scale", "label", "slug", "value", "colour", "definition", "retired", "order"]
        read_only_fields = fields


# --- subscriptions -------------------------------------------------------------------------------


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id among the rows the requesting user may see (claims.selectors.access): an id that
    exists but is hidden answers "does not exist" like one that never did, so it reveals nothing."""

    def __init__(self, *, visible, **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.visible(user=getattr(request, "user", None))


class SubscriptionSerializer(serializers.ModelSerializer):
    speakers = VisiblePrimaryKeyField(many=True, visible=access.visible_speakers, required=False)
    outlets = VisiblePrimaryKeyField(many=True, visible=access.visible_outlets, required=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=False), required=False, max_length=100
    )
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Claim.Kind.choices), required=False)
    min_checkworthiness = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    digest_hour = serializers.IntegerField(required=False, min_value=0, max_value=23)
    digest_weekday = serializers.IntegerField(required=False, min_value=0, max_value=6)
    # The webhook endpoint that also gets every match (docs/integrations.md); null: e-mail only.
    webhook_endpoint = VisiblePrimaryKeyField(visible=routable_endpoints, required=False, allow_null=True)

    class Meta:
        model = Subscription
        # What a subscriber sets is the alert service's list (claims.services.alerts.FIELDS).
        fields = ["id", *subscription_fields, "paused_reason", "last_digest_at", "created_at", "updated_at"]
        read_only_fields = ["id", "paused_reason", "last_digest_at", "created_at", "updated_at"]
        # The (owner, name) uniqueness is the service's to check: owner is not a client field.
        validators: list = []

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            "This field is read-only and cannot be set."
                            if name in self.fields or name == "owner"
                            else "Unknown field."
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)
