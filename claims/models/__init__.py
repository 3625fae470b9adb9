"""The data model, one module per area; import from `claims.models`."""
from .alerts import AlertDelivery, Subscription, SubscriptionKeyword
from .api import ApiToken, IdempotencyKey
from .articles import Article, Feed, Outlet
from .bulk import BulkJob, BulkJobItem
from .claims import Claim, Speaker, SpeakerAlias
from .corrections import Correction, CorrectionNotice
from .private_feeds import FeedToken, SavedFilter
from .rollups import ClaimDailyCount, SpeakerDailyCount
from .rulings import RulingSettings
from .versions import ArticleRefetch, ArticleVersion, QuoteChange
from .webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .workflow import ClaimContribution, ClaimTransition, Evidence, Note, Rating, RatingScale

__all__ = [
    "AlertDelivery",
    "ApiToken",
    "Article",
    "ArticleRefetch",
    "ArticleVersion",
    "BulkJob",
    "BulkJobItem",
    "Claim",
    "ClaimContribution",
    "ClaimDailyCount",
    "ClaimTransition",
    "Correction",
    "CorrectionNotice",
    "Evidence",
    "Feed",
    "FeedToken",
    "IdempotencyKey",
    "Note",
    "Outlet",
    "QuoteChange",
    "Rating",
    "RatingScale",
    "RulingSettings",
    "SavedFilter",
    "Speaker",
    "SpeakerDailyCount",
    "SpeakerAlias",
    "Subscription",
    "SubscriptionKeyword",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
