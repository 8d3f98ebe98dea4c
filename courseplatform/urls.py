"""Root URLs: pages, accounts, admin and the API."""

from django.contrib import admin
from django.urls import include, path

from accounts import headless_spec

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # allauth headless's own spec, with the gaps our settings open closed (accounts.headless_spec).
    path("_allauth/openapi.json", headless_spec.openapi_json, name="headless-openapi-json"),
    path("_allauth/openapi.yaml", headless_spec.openapi_yaml, name="headless-openapi-yaml"),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/", include("courseplatform.api_urls")),
    path("", include("accounts.urls")),
    path("", include("assessments.urls")),
    path("", include("lessons.urls")),
]

handler500 = "courseplatform.views.server_error"
