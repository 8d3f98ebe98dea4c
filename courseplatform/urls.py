"""Root URLs: pages, accounts, admin and the API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/", include("courseplatform.api_urls")),
    path("", include("accounts.urls")),
    path("", include("assessments.urls")),
    path("", include("mentoring.urls")),
    path("", include("lessons.urls")),
]

handler500 = "courseplatform.views.server_error"
