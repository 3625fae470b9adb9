from django.urls import path

from claims.public import feeds, private_feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("fact-checks/", views.fact_check_list, name="fact-check-list"),
    path("fact-checks/feed.json", feeds.claimreview_data_feed, name="fact-check-datafeed"),
    path("fact-checks/feed.atom", feeds.fact_check_atom_feed, name="fact-check-atom"),
    path("fact-checks/<int:claim_id>/", views.fact_check_detail, name="fact-check"),
    path("fact-checks/<int:claim_id>/report/", views.report_problem, name="report-problem"),
    path("fact-checks/<int:claim_id>/report/thanks/", views.report_thanks, name="report-thanks"),
    path("methodology/", views.methodology, name="methodology"),
    path("corrections/", views.corrections, name="corrections"),
    path("feeds/<str:token>.atom", private_feeds.private_feed, name="private-feed"),
]
