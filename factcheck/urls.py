from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("claims.api.urls")),
    path("alerts/", include("claims.public.alert_urls")),
    path("", include("claims.operations.urls")),
    path("", include("claims.public.urls")),
]
