"""/api/v1/: the router's endpoints, the OpenAPI schema and docs, and a JSON 404 for the rest."""
from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api import rulings, versions, views, webhooks
from claims.api.exceptions import not_found_view

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
# corrections and reused rulings: /claims/{id}/correction-reach/, appearances/, apply-ruling/, trim/ ...
router.register("claims", rulings.ClaimRulingViewSet, basename="claim-ruling")
# stealth edits: /articles/{id}/versions/, /articles/{id}/diff/, /claims/{id}/quote-changes/
router.register("articles", versions.ArticleVersionViewSet, basename="article-version")
router.register("claims", versions.ClaimQuoteChangeViewSet, basename="claim-quote-change")
router.register("claimreviews", views.ClaimReviewViewSet, basename="claimreview")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
router.register("webhooks", webhooks.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's configuration as a script file, not an inline script, so
    # the page works under the Content-Security-Policy (no inline scripts).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc draws its "by Redocly" logo from their CDN; that one image host is allowed on this page only.
    path("redoc/", csp_update({"img-src": ["https://cdn.redoc.ly"]})(SpectacularRedocView.as_view(url_name="api:schema")),
         name="redoc"),
    *router.urls,
    # Last: anything else under /api/v1/ answers a JSON 404 in the API's error format.
    re_path(r"^.*$", not_found_view),
]
