from django.urls import path

from claims.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("fact-checks/", views.fact_check_list, name="fact-check-list"),
    path("fact-checks/<int:claim_id>/", views.fact_check_detail, name="fact-check"),
]
